"""Budgets and allocations of the fund's money to Program activities, under CAJP approval."""
