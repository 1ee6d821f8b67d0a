"""How many SQL queries a GraphQL request costs, at two page sizes."""

import re

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from schema.engine.switches import switches
from schema.server.operations import OPTIMIZER


def recorded_thumbnails(key: str) -> dict:
    """A bulk-made row's `thumbnails`: the three sizes recorded, no file behind them."""
    return {
        size: {"name": f"thumbnails/{key}.{size}.jpg", "width": width, "height": height}
        for size, width, height in (("small", 32, 32), ("medium", 64, 48), ("large", 64, 48))
    }


def unsigned(data):
    """The answer with every URL cut before its query string: signatures carry the time."""
    if isinstance(data, dict):
        return {
            key: value.partition("?")[0]
            if key == "url" and isinstance(value, str)
            else unsigned(value)
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [unsigned(item) for item in data]
    return data


def execute_counted(gql, query: str) -> tuple[dict, int]:
    with CaptureQueriesContext(connection) as queries:
        response = gql.execute(query)
    return response.data, len(queries.captured_queries)


def written_alike(sql: str) -> str:
    """A statement as it reads whether or not it came from a cached plan.

    Django puts an expression's SQL in parentheses, so where a cached plan's stand-in
    viewer (schema/engine/plans.py) reads `owner_id = (1)`, a plain value reads `= 1`;
    that is the one difference written away here.
    """
    return re.sub(r"= \((\d+)\)", r"= \1", sql)


def execute_recorded(gql, query: str) -> tuple[dict, list[str]]:
    """The answer (URLs unsigned) and the SQL statements of a request (`written_alike`)."""
    with CaptureQueriesContext(connection) as queries:
        response = gql.execute(query)
    sql = [written_alike(q["sql"]) for q in queries.captured_queries]
    return unsigned(response.data), sql


def unjoined(statements: int) -> int:
    """`statements` with the engine's joins switched off (GRAPHQL_ENGINE_JOINS=0), else 0.

    A `joined()` foreign key (schema/engine/joins.py) is then a prefetch of its own, as
    strawberry-django plans it: one statement more per such relation in the selection,
    whatever the page size.
    """
    return 0 if switches().joins else statements


def counts(gql, document: str, check) -> tuple[int, int]:
    """The query counts of `document` with $N = 5 and $N = 50, after `check`ing each answer.

    Each is run with the optimizer's plan cache off, then on (a miss, then a hit): the
    answers and the SQL statements must be the same all three times. (With the engine's
    plans switched off, GRAPHQL_ENGINE_PLANS=0, there is no hit to see.)
    """
    found = []
    for size in (5, 50):
        query = document.replace("$N", str(size))
        with override_settings(GRAPHQL_OPTIMIZER_PLAN_CACHE=0):
            data, count = execute_counted(gql, query)
            planned_each_time = execute_recorded(gql, query)
        check(data, size)
        OPTIMIZER.plans.clear()
        hits = OPTIMIZER.plans.hits
        for cached in ("planned", "from the cache"):
            assert execute_recorded(gql, query) == planned_each_time, cached
        assert OPTIMIZER.plans.hits > hits or not switches().plans
        assert len(planned_each_time[1]) == count
        found.append(count)
    return found[0], found[1]
