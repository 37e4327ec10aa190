"""Expenditure reports move to the UN harmonised categories (issue 16): the category of
every report recorded before is mapped onto its harmonised one, so that the statements'
expenditure by category lists the eight categories and nothing else.

The mapping (docs/STATEMENTS.md, Expenditure by category): personnel → staff and
personnel; consultants and publications → contractual services (both were bought from
outside the Organization); meetings and other → general operating; travel → travel. The
journal entries' memos keep the words they were posted with (the ledger is append-only).

The downgrade maps back as closely as the older list allows and is lossy: publications
come back as consultants, meetings as other, and a category the older list did not have
(supplies, equipment, transfers, indirect support) as other.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

#: Each category of the older list and its harmonised category.
HARMONISED = {
    "personnel": "staff_personnel",
    "consultants": "contractual_services",
    "publications": "contractual_services",
    "meetings": "general_operating",
    "other": "general_operating",
    "travel": "travel",
}
#: The way back: each harmonised category and the older one nearest to it.
FORMER = {
    "staff_personnel": "personnel",
    "contractual_services": "consultants",
    "general_operating": "other",
    "travel": "travel",
    "supplies_materials": "other",
    "equipment": "other",
    "transfers_grants": "other",
    "indirect_support": "other",
}
_events = sa.table("allocation_events", sa.column("category", sa.String))


def _remap(mapping: dict[str, str]) -> None:
    for before, after in mapping.items():
        if before != after:
            op.execute(
                _events.update().where(_events.c.category == before).values(category=after)
            )


def upgrade() -> None:
    _remap(HARMONISED)


def downgrade() -> None:
    _remap(FORMER)
