"""Every write to accounts (accounts.py), access tokens (access_tokens.py) and passwords
(passwords.py). Follows are written in media_graph/services/follows.py."""
