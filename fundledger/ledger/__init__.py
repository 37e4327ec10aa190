"""The double-entry core: accounts, journal entries, postings. Imports no Flask.

Every posting in the application is created by :func:`fundledger.ledger.operations.post_entry`
(or :func:`~fundledger.ledger.operations.reverse_entry`, which calls it).
"""
