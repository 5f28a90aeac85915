"""Domain events: written to an outbox in the same transaction as the change, published after commit."""
