"""How many SQL queries a GraphQL request costs, at two page sizes."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def recorded_thumbnails(key: str) -> dict:
    """A bulk-made row's `thumbnails`: the three sizes recorded, no file behind them."""
    return {
        size: {"name": f"thumbnails/{key}.{size}.jpg", "width": width, "height": height}
        for size, width, height in (("small", 32, 32), ("medium", 64, 48), ("large", 64, 48))
    }


def execute_counted(gql, query: str) -> tuple[dict, int]:
    with CaptureQueriesContext(connection) as queries:
        response = gql.execute(query)
    return response.data, len(queries.captured_queries)


def counts(gql, document: str, check) -> tuple[int, int]:
    """The query counts of `document` with $N = 5 and $N = 50, after `check`ing each answer."""
    found = []
    for size in (5, 50):
        data, count = execute_counted(gql, document.replace("$N", str(size)))
        check(data, size)
        found.append(count)
    return found[0], found[1]
