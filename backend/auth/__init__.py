"""Authentication primitives: passwords, tokens, the acting user."""
