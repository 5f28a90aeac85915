"""Shared kernel: clock, identifiers, errors, geography and telephone numbers."""
