"""Identity and access: staff accounts, sessions and tokens, and the one access policy."""
