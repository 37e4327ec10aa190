"""``python -m fundledger.cli``: the ``fundledger`` command where its script is not on the
PATH (a virtualenv that is not activated, a cron job)."""

from fundledger.cli.main import main

main()
