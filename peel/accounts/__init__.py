"""Staff account administration: edit, deactivate, unlock, reset and revoke, on pages and the command line."""
