"""The CAJP's meetings, and the decisions the application records at each."""
