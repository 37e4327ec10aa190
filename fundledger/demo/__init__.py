"""Data for trying and measuring the application: the demo dataset (dataset) and growing
it to a given number of journal entries for benchmarks (growth)."""
