"""Documents attached to the Fund's records: agreements, organs' reports, CAJP decisions."""
