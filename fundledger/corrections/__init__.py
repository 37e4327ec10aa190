"""Corrections from the browser (issue 15): reversing a manual entry, a receipt or a
pledge, with a reason, and a second Secretariat user's approval above the threshold the
administrator sets. Every reversal posts through ``ledger.operations.reverse_entry``."""
