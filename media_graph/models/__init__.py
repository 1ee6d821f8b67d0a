from media_graph.models.albums import Album, AlbumMember, AlbumPhoto
from media_graph.models.events import MAX_EVENT_SPAN, Event, PhotoGroup
from media_graph.models.notifications import Notification
from media_graph.models.photos import (
    ALT_TEXT_MAX_LENGTH,
    CAPTION_MAX_LENGTH,
    TAG_MAX_LENGTH,
    Photo,
    Tag,
    original_key,
    stored_names,
)
from media_graph.models.social import COMMENT_MAX_LENGTH, Comment, Favorite, Like
from media_graph.models.staged_uploads import StagedUpload
from media_graph.models.variants import ImageVariant

__all__ = [
    "ALT_TEXT_MAX_LENGTH",
    "CAPTION_MAX_LENGTH",
    "COMMENT_MAX_LENGTH",
    "MAX_EVENT_SPAN",
    "TAG_MAX_LENGTH",
    "Album",
    "AlbumMember",
    "AlbumPhoto",
    "Comment",
    "Event",
    "Favorite",
    "ImageVariant",
    "Like",
    "Notification",
    "Photo",
    "PhotoGroup",
    "StagedUpload",
    "Tag",
    "original_key",
    "stored_names",
]
