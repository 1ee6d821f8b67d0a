from media_graph.models.albums import Album, AlbumPhoto
from media_graph.models.notifications import Notification
from media_graph.models.photos import (
    ALT_TEXT_MAX_LENGTH,
    CAPTION_MAX_LENGTH,
    TAG_MAX_LENGTH,
    Photo,
    Tag,
    original_key,
)
from media_graph.models.social import COMMENT_MAX_LENGTH, Comment, Like

__all__ = [
    "ALT_TEXT_MAX_LENGTH",
    "CAPTION_MAX_LENGTH",
    "COMMENT_MAX_LENGTH",
    "TAG_MAX_LENGTH",
    "Album",
    "AlbumPhoto",
    "Comment",
    "Like",
    "Notification",
    "Photo",
    "Tag",
    "original_key",
]
