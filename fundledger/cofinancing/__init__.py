"""Co-financing: resources spent on the Program outside the Fund (the OAS Regular Fund,
implementers' own money, states' reports), kept as memorandum items per activity and
year. They are never posted to the Fund's ledger: no journal entry, no account, no
effect on any balance or statement of the Fund; they only complete the picture of what
the whole Program receives, by specific objective."""
