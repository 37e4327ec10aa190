"""Progress reports: what an organ did with an allocation, against the specific objectives
its activity serves (operative paragraph 4 of AG/RES. 2141: the organs report their
actions on the Program). The Secretariat records them on the organ's behalf, submits
them, and another Secretariat user reviews them; one is due for each year of an
allocation's period (see :mod:`fundledger.progress.due`)."""
