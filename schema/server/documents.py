"""Documents parsed, limit-checked and validated once, kept in a bounded LRU cache.

The cache is keyed by the query text (and the rules it was checked under), and bounded
twice: in entries and in estimated bytes. A parsed document of the largest size the
token limit allows holds about 1.3 MB (graphql-core keeps every token, with its
location), so an unbounded cache let a client pin memory by sending distinct large
documents; the byte bound evicts those first.
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from graphql import DocumentNode, GraphQLError, GraphQLSchema, parse

from schema.engine.execution import validate_document
from schema.server.limits import Limits, document_errors

# Measured with tracemalloc (graphql-core 3.2): about 650 bytes per token, plus the
# text itself kept in the tokens and the source.
BYTES_PER_TOKEN = 700
BYTES_PER_CHAR = 2


@dataclass(frozen=True)
class Checked:
    document: DocumentNode
    errors: list[GraphQLError]  # limit or validation errors: [] when it may run
    weight: int
    # What each operation may cost, by the page sizes its variables set (schema.server.operations).
    costs: dict = field(default_factory=dict, compare=False, repr=False)


class DocumentCache:
    """A thread-safe LRU mapping, bounded in entries and in total weight."""

    def __init__(self, max_entries: int, max_bytes: int) -> None:
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._entries: OrderedDict[tuple, Checked] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: tuple) -> Checked | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: tuple, value: Checked) -> None:
        if value.weight > self.max_bytes:
            return
        with self._lock:
            previous = self._entries.pop(key, None)
            if previous is not None:
                self._bytes -= previous.weight
            self._entries[key] = value
            self._bytes += value.weight
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                _, evicted = self._entries.popitem(last=False)
                self._bytes -= evicted.weight

    @property
    def size(self) -> tuple[int, int]:
        """(entries, estimated bytes) held now."""
        with self._lock:
            return len(self._entries), self._bytes

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0


def checked(
    cache: DocumentCache,
    query: str,
    *,
    schema: GraphQLSchema,
    rules: tuple,
    max_tokens: int,
    limits: Limits,
) -> Checked:
    """The document of `query` with the errors that refuse it; raises on a syntax error."""
    key = (query, rules, max_tokens, limits)
    found = cache.get(key)
    if found is not None:
        return found
    document = parse(query, max_tokens=max_tokens)
    errors = document_errors(document, limits) or validate_document(schema, document, rules)
    entry = Checked(document, list(errors), _weight(document, query))
    cache.put(key, entry)
    return entry


def _weight(document: DocumentNode, query: str) -> int:
    tokens = 0
    token = document.loc.start_token if document.loc else None
    while token is not None:
        tokens += 1
        token = token.next
    return tokens * BYTES_PER_TOKEN + len(query) * BYTES_PER_CHAR
