"""Django's admin at /admin/: content.py (users, photos, comments, albums) and
reports.py (the moderators' queue and their log). Importing them registers them."""

from moderation.admin import content, reports

__all__ = ["content", "reports"]
