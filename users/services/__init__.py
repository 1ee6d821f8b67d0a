"""Every write to accounts (accounts.py) and to the follow graph (follows.py)."""
