"""The ledger's web shell: its pages (chart of accounts, journal, one entry, trial
balance, fiscal years) and their forms.

They live here, not in :mod:`fundledger.ledger`, because a page needs who is signed in
and what the areas built on the ledger offer (the donors to filter by); the ledger core
imports no area and no Flask (tests/unit/test_layers.py checks every module under it).
"""
