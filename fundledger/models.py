"""Imports every model module so that ``Base.metadata`` knows every table."""

from __future__ import annotations


def register_all() -> None:
    """Import the model modules (their import registers the tables)."""
    from fundledger.allocations import models as _allocations  # noqa: F401
    from fundledger.audit import models as _audit  # noqa: F401
    from fundledger.auth import models as _auth  # noqa: F401
    from fundledger.donors import models as _donors  # noqa: F401
    from fundledger.ledger import models as _ledger  # noqa: F401
    from fundledger.program import models as _program  # noqa: F401
    from fundledger.reporting import models as _reporting  # noqa: F401
