"""Tamper-evident audit: an append-only, hash-chained record of who did and saw what."""
