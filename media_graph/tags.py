"""#tags in captions: Unicode letters, digits and underscore; stored lower-case, unique.

Plain Python (the models import it, not the other way round)."""

import re

# Characters of one tag (the Tag model's name column); a longer #word is no tag.
TAG_MAX_LENGTH = 64
# Instagram's rule too: a caption with more is refused, so a photo's tags stay a short
# list (what `photo { tags { photos } }` can fan out to is bounded: schema/server/cost.py).
MAX_TAGS_PER_CAPTION = 30

# \w is Unicode-aware for str patterns: letters and digits of every script, and "_".
_HASHTAG = re.compile(r"(?<![\w#])#(\w+)")


def normalize_tag(name: str) -> str:
    """A tag as a client may type it ('#Sunset', 'SUNSET') in its stored form ('sunset')."""
    return name.strip().lstrip("#").lower()


def parse_tags(caption: str) -> list[str]:
    """The caption's tags, in order of first appearance, without repeats."""
    seen: dict[str, None] = {}
    for match in _HASHTAG.finditer(caption):
        name = normalize_tag(match.group(1))
        if len(name) <= TAG_MAX_LENGTH:
            seen.setdefault(name, None)
    return list(seen)
