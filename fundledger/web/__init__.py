"""The Flask side: app assembly, per-request database sessions, shared template helpers."""
