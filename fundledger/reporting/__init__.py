"""Statements: data builders read the ledger, renderers turn the data into PDF bytes.

Donor statements, fund statements and CAJP meeting packs, in English, Spanish, French
and Portuguese; each issued statement is a record in the register with its PDF kept in
the statements archive (docs/STATEMENTS.md).
"""
