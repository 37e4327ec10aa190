"""The `fundledger` command line: the command group (main), what every command shares
(tools), and plain tables and CSV for its output."""
