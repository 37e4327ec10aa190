"""The home page's dashboards: for each role, the figures and the work waiting for it."""
