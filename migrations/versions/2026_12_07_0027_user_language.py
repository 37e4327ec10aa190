"""Each user's language: what their invitation and setup-link mail is written in
(issue 15, invitations by email). A donor login starts in its donor's language, every
other user in English; the admin changes it on the user's page.

Revision ID: 0027
Revises: 0023
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("language", sa.String(length=2), server_default="en", nullable=False)
        )
        batch_op.create_check_constraint(
            op.f("ck_users_language_known"), "language IN ('en', 'es', 'fr', 'pt')"
        )
    op.execute(
        "UPDATE users SET language = (SELECT donors.language FROM donors"
        " WHERE donors.id = users.donor_id) WHERE donor_id IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_users_language_known"), type_="check")
        batch_op.drop_column("language")
