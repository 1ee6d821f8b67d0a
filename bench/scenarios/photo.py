"""2. photo(id:) with comments(first: 10) against a plain view doing the same queries.

The plain view (bench.baselines.photo_detail): the token's user, the photo (owner
joined, viewerHasLiked as an EXISTS), its visible tags, one page of visible comments
with their authors joined. The photo is the one with the most comments (30), so the
page is full and has a next page. Target: CPU ratio <= 1.25.
"""

from functools import partial

from bench.measure import Line, at_most, interleave, median
from bench.scenarios.common import same_answer

NAME = "photo"

QUERY = """
query Photo($id: ID!) {
  photo(id: $id) {
    id caption publishedAt
    owner { id username displayName }
    thumbnail(size: LARGE) { url width height }
    tags { name }
    likesCount commentsCount viewerHasLiked
    comments(first: 10) {
      edges {
        cursor
        node { id text createdAt author { id username displayName } }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""
LIMIT = 1.25


def operations(ctx) -> dict:
    """name -> prepare(): builds one request (untimed), answers the call that runs it."""
    from media_graph.models import Photo
    from schema.core.nodes import global_id

    app = ctx.app
    photo = Photo.objects.order_by("-comments_count", "pk").first()
    photo_id = global_id("Photo", photo.pk)
    return {
        "photo-graphql": lambda: partial(
            app.call, app.graphql(QUERY, {"id": photo_id}, token=ctx.token)
        ),
        "photo-plain": lambda: partial(
            app.call, app.environ("GET", "/bench/photo/", token=ctx.token, data={"id": photo_id})
        ),
    }


def run(ctx) -> list[Line]:
    app = ctx.app
    ops = operations(ctx)

    def graphql():
        return ops["photo-graphql"]()()

    def plain():
        return ops["photo-plain"]()()

    data = same_answer(graphql(), plain(), "photo(id:)")
    if len(data["photo"]["comments"]["edges"]) != 10:
        raise AssertionError("the detail photo has fewer than 10 comments")
    samples = interleave(
        {"graphql": lambda: graphql().cpu, "plain": lambda: plain().cpu},
        runs=ctx.runs(200, 30),
        warmup=ctx.runs(20, 5),
    )
    graphql_sql = app.count_sql(ops["photo-graphql"]().args[0])[0]
    plain_sql = app.count_sql(ops["photo-plain"]().args[0])[0]
    return [
        at_most("photo", median(samples["graphql"]), median(samples["plain"]), LIMIT),
        Line(
            "photo_sql",
            f"{graphql_sql} statements",
            f"plain view {plain_sql}",
            graphql_sql / plain_sql,
            "-",
            "info",
        ),
    ]
