"""Principals, API keys and roles (SPEC §7)."""
