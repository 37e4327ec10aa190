"""The audit log: who changed what, when, from where, with the before and after."""
