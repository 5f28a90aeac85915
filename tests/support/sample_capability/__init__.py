"""A capability folder used by tests to show that a new capability plugs in through its manifest alone."""
