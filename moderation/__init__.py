"""Django's admin at /admin/, for operators: moderation through the same services.

Its own app because it reaches both domains (deleting a user reaches into photos),
as schema/ does: it imports users and media_graph, never the other way round.
"""
