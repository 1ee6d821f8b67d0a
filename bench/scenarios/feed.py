"""1. feed(first: 20) and feed(first: 50) against a plain view doing the same queries.

The plain view (bench.baselines.feed) runs what the page ideally needs: the token's
user, one query for the page (owner joined, viewerHasLiked as an EXISTS), one
prefetch for the visible tags, and signs each thumbnail URL with the same storage.
Targets: CPU ratio <= 1.5 (20) and <= 1.6 (50); as many SQL statements for 50 as for 20.
"""

from functools import partial

from bench.measure import Line, at_most, interleave, median, verdict
from bench.scenarios.common import same_answer

NAME = "feed"

QUERY = """
query Feed($first: Int!) {
  feed(first: $first) {
    edges {
      cursor
      node {
        id caption publishedAt
        owner { id username displayName }
        thumbnail(size: MEDIUM) { url width height }
        tags { name }
        likesCount commentsCount viewerHasLiked
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""
TARGETS = {20: 1.5, 50: 1.6}


def operations(ctx) -> dict:
    """name -> prepare(): builds one request (untimed), answers the call that runs it."""
    app = ctx.app
    ops = {}
    for first in TARGETS:
        ops[f"feed{first}-graphql"] = lambda first=first: partial(
            app.call, app.graphql(QUERY, {"first": first}, token=ctx.token)
        )
        ops[f"feed{first}-plain"] = lambda first=first: partial(
            app.call, app.environ("GET", f"/bench/feed/?first={first}", token=ctx.token)
        )
    return ops


def run(ctx) -> list[Line]:
    app = ctx.app
    ops = operations(ctx)

    def graphql(first: int):
        return ops[f"feed{first}-graphql"]()()

    def plain(first: int):
        return ops[f"feed{first}-plain"]()()

    lines = []
    for first, limit in TARGETS.items():
        data = same_answer(graphql(first), plain(first), f"feed(first: {first})")
        if len(data["feed"]["edges"]) != first:
            raise AssertionError(f"feed(first: {first}) has {len(data['feed']['edges'])} edges")
        samples = interleave(
            {
                "graphql": lambda first=first: graphql(first).cpu,
                "plain": lambda first=first: plain(first).cpu,
            },
            runs=ctx.runs(200, 30),
            warmup=ctx.runs(20, 5),
        )
        lines.append(
            at_most(f"feed{first}", median(samples["graphql"]), median(samples["plain"]), limit)
        )

    sql = {
        first: app.count_sql(app.graphql(QUERY, {"first": first}, token=ctx.token))[0]
        for first in TARGETS
    }
    plain_sql = app.count_sql(app.environ("GET", "/bench/feed/?first=50", token=ctx.token))[0]
    lines.append(
        Line(
            "feed_sql",
            f"{sql[50]} statements for first: 50",
            f"{sql[20]} for first: 20; plain view {plain_sql}",
            sql[50] / sql[20],
            "== 1",
            verdict(sql[50] == sql[20]),
        )
    )
    return lines
