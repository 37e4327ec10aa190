"""Setting up and keeping a database: migrations (migrate), reference data (bootstrap),
the model registry every entry point loads (registry), backup and restore."""
