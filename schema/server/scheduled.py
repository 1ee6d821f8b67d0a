"""Scheduled photos counted the moment they are visible, with or without a worker.

A SCHEDULED photo is published for every query from its `publishAt` on (querysets
compare with the database's clock), but `User.photosCount` and `Tag.photosCount` are
stored counters, moved when a photo is published; a periodic task (Celery beat) moved
them for due photos, so until it ran (never, under `make run` without a broker) what
people saw and what was counted disagreed. Counting on read (a COUNT per user or tag
row) would give up what the counters are for; so the due publications are applied
lazily instead: before an operation that reads one of those counters (or lists tags
in their order), the photos whose time has come are published (status and counters,
as the task does it: media_graph.services.photos.photos_publish_due). That costs one
query on the partial index of SCHEDULED photos, for those operations only. The beat
task stays, for counters nobody reads for a while.
"""

from graphql import BREAK, DocumentNode, GraphQLSchema, TypeInfo, TypeInfoVisitor, Visitor, visit

from media_graph.services.photos import photos_publish_due

# (parent type, field): fields whose answer follows the published-photo counters (the
# tags list is in their order). `tag(name:)` and the photo lists ask the clock already.
COUNTED = frozenset({("User", "photosCount"), ("Tag", "photosCount"), ("Query", "tags")})
# Field names of COUNTED: a document holding none of them is passed over without a visit.
_NAMES = tuple({field for _, field in COUNTED})


class _Finder(Visitor):
    def __init__(self, type_info: TypeInfo) -> None:
        super().__init__()
        self.type_info, self.found = type_info, False

    def enter_field(self, node, *args):
        parent = self.type_info.get_parent_type()
        if parent is not None and (parent.name, node.name.value) in COUNTED:
            self.found = True
            return BREAK
        return None


def reads_publication_counts(schema: GraphQLSchema, query: str, document: DocumentNode) -> bool:
    """Whether the document selects a field that follows the published-photo counters.

    Remembered per query text (a walk of the feed's document was a thirtieth of its
    request), for at most MAX_REMEMBERED texts; `document` must be `query` parsed.
    """
    if not any(name in query for name in _NAMES):
        return False
    key = (schema, query)
    found = _READS.get(key)
    if found is None:
        type_info = TypeInfo(schema)
        finder = _Finder(type_info)
        visit(document, TypeInfoVisitor(type_info, finder))
        found = finder.found
        if len(_READS) >= MAX_REMEMBERED:
            _READS.clear()
        _READS[key] = found
    return found


MAX_REMEMBERED = 1024
_READS: dict[tuple[GraphQLSchema, str], bool] = {}


def publish_due_before_counting(schema: GraphQLSchema, query: str, document: DocumentNode) -> None:
    """Publish the due scheduled photos first when the operation reads their counters."""
    if document is not None and reads_publication_counts(schema, query or "", document):
        photos_publish_due()
