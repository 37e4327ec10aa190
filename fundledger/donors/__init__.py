"""Donors and their contributions."""
