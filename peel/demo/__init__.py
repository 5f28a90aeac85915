"""The synthetic demo force: deterministic, clearly labelled, on the real Westminster road graph."""
