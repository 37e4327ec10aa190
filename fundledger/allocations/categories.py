"""The expenditure categories an organ's report is filed under: the eight harmonised
categories the UN system reports expenditure by (CEB, the MPTF Office's annual reports),
so that the fund statement reads like a UN fund's. Revision 0020 moved the categories of
older reports onto them (docs/STATEMENTS.md, Expenditure by category)."""

from __future__ import annotations

#: In the order statements list them; every statement lists all eight.
CATEGORIES = (
    "staff_personnel",
    "supplies_materials",
    "equipment",
    "contractual_services",
    "travel",
    "transfers_grants",
    "general_operating",
    "indirect_support",
)
#: The category indirect cost recovery (account 5200) is reported under.
INDIRECT_SUPPORT = "indirect_support"
