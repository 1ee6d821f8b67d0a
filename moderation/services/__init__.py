"""Every write of the moderation app: reports (reports.py) and what moderators do (actions.py)."""
