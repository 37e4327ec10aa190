"""Imports every model module so that ``Base.metadata`` knows every table, and wires the
areas into the ledger, which imports none of them (see ledger.dimensions)."""

from __future__ import annotations


def register_all() -> None:
    """Import the model modules (their import registers the tables and the ledger
    dimensions each area owns), have the audit trail record every period close, and have
    a year close only after its foreign-currency money was revalued at its end."""
    from fundledger.allocations import models as _allocations  # noqa: F401
    from fundledger.audit import models as _audit  # noqa: F401
    from fundledger.audit.operations import record_period_change
    from fundledger.auth import models as _auth  # noqa: F401
    from fundledger.cofinancing import models as _cofinancing  # noqa: F401
    from fundledger.corrections import models as _corrections  # noqa: F401
    from fundledger.documents import models as _documents  # noqa: F401
    from fundledger.donors import models as _donors  # noqa: F401
    from fundledger.donors.revaluation import refuse_unrevalued_year
    from fundledger.ledger import models as _ledger  # noqa: F401
    from fundledger.ledger.periods import before_close, on_period_change
    from fundledger.meetings import models as _meetings  # noqa: F401
    from fundledger.program import models as _program  # noqa: F401
    from fundledger.progress import models as _progress  # noqa: F401
    from fundledger.reporting import models as _reporting  # noqa: F401

    on_period_change(record_period_change)
    before_close(refuse_unrevalued_year)
