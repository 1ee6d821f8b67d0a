"""Search over captions, alt text and tags: the words, the document and the ranked match.

Every photo keeps `search_document`: its caption's, alt text's and tags' words, lower
case, each wrapped in spaces (" sunset  beach "). Words are runs of letters and digits
(`_` splits, as PostgreSQL's parser splits it), so both databases see the same words.

- PostgreSQL: a generated tsvector column over the document (`search_vector`, made by
  migration 0018 with SEARCH_CONFIG, not on the model) and a GIN index on it; matched
  with plainto_tsquery (every word), ranked by ts_rank.
- SQLite: the documented simpler match: each word as " word " in the document (LIKE),
  ranked by how often the words occur. With `simple` the answers are the same.

Ranks are integers (ts_rank x 10^6), so a page's cursor holds them exactly; ties go
to the newest photo (highest id).
"""

import re

from django.conf import settings
from django.db import connection, models
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length, Replace

MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 10
CONFIG_NAME = re.compile(r"[a-z_][a-z0-9_]*")

_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """The text's words as search matches them: lower case, letters and digits."""
    return _WORD.findall(text.lower())


def document(caption: str, alt_text: str, tags: list[str]) -> str:
    """The `search_document` of a photo with this caption, alt text and tag names."""
    return "".join(f" {word} " for part in (caption, alt_text, *tags) for word in words(part))


def search_config() -> str:
    """SEARCH_CONFIG, checked: it is written into SQL as a regconfig name."""
    name = settings.SEARCH_CONFIG
    if not CONFIG_NAME.fullmatch(name):
        raise ValueError(f"SEARCH_CONFIG {name!r} is not a text search configuration name")
    return name


def matching(photos: models.QuerySet, query_words: list[str]) -> models.QuerySet:
    """The photos whose document holds every word, best match first (rank, then newest),
    with each row's integer rank as `search_rank`."""
    if not query_words:
        return photos.none()
    if connection.vendor == "postgresql":
        photos, rank = _postgresql(photos, query_words)
    else:
        photos, rank = _by_occurrences(photos, query_words)
    return photos.annotate(search_rank=rank).order_by(models.F("search_rank").desc(), "-pk")


def _postgresql(photos, query_words):
    table = photos.model._meta.db_table
    tsquery = "plainto_tsquery(%s::regconfig, %s)"
    params = (search_config(), " ".join(query_words))
    found = RawSQL(
        f'"{table}"."search_vector" @@ {tsquery}', params, output_field=models.BooleanField()
    )
    rank = RawSQL(
        f'(ts_rank("{table}"."search_vector", {tsquery}) * 1000000)::integer',
        params,
        output_field=models.IntegerField(),
    )
    return photos.filter(found), rank


def _by_occurrences(photos, query_words):
    rank = models.Value(0)
    for word in dict.fromkeys(query_words):
        photos = photos.filter(search_document__contains=f" {word} ")
        removed = Length("search_document") - Length(
            Replace("search_document", models.Value(f" {word} "), models.Value(""))
        )
        rank = rank + removed / (len(word) + 2)
    return photos, models.ExpressionWrapper(rank, output_field=models.IntegerField())
