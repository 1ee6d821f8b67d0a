"""3. likePhoto + unlikePhoto against a plain view doing the same writes.

The plain views (bench.baselines.like/unlike) authenticate the token, find the photo
through `visible_to`, and call the same services (media_graph.services.likes): an
INSERT (or DELETE) of the like and an F() update of the counter in one transaction;
then they read the committed likesCount again, as the mutation's answer does (every
mutation answers through `schema.core.common.refetch`). Each sample is one pair (like, then
unlike: the data ends as it started).
Targets: CPU ratio <= 1.3 for the pair; no more SQL statements than the plain views.
"""

from functools import partial

from bench.measure import Line, at_most, interleave, median, verdict
from bench.scenarios.common import same_answer

NAME = "likes"

PAYLOAD = """{
    ... on Photo { id likesCount viewerHasLiked }
    ... on OperationInfo { messages { code field message } }
  }"""
LIKE = f"mutation Like($id: ID!) {{ likePhoto(input: {{photoId: $id}}) {PAYLOAD} }}"
UNLIKE = f"mutation Unlike($id: ID!) {{ unlikePhoto(input: {{photoId: $id}}) {PAYLOAD} }}"
LIMIT = 1.3


def _photo(ctx):
    """A published photo the viewer has not liked (the newest one)."""
    from media_graph.models import Photo

    return (
        Photo.objects.filter(status="PUBLISHED")
        .exclude(likes__user=ctx.viewer)
        .order_by("-published_at", "pk")
        .first()
    )


def _environs(ctx, photo_id: str) -> dict:
    """name -> () -> (like environ, unlike environ)."""
    import json

    app = ctx.app

    def graphql():
        return tuple(
            app.graphql(document, {"id": photo_id}, token=ctx.token) for document in (LIKE, UNLIKE)
        )

    def plain():
        body = json.dumps({"photoId": photo_id})
        return tuple(
            app.environ("POST", path, token=ctx.token, data=body, content_type="application/json")
            for path in ("/bench/like/", "/bench/unlike/")
        )

    return {"graphql": graphql, "plain": plain}


def operations(ctx) -> dict:
    """name -> prepare(): builds one like/unlike pair (untimed), answers the call running it."""
    from schema.core.nodes import global_id

    environs = _environs(ctx, global_id("Photo", _photo(ctx).pk))

    def prepare(side):
        like, unlike = environs[side]()
        return lambda: (ctx.app.call(like), ctx.app.call(unlike))

    return {f"like_unlike-{side}": partial(prepare, side) for side in environs}


def run(ctx) -> list[Line]:
    from schema.core.nodes import global_id

    app = ctx.app
    photo = _photo(ctx)
    environs = _environs(ctx, global_id("Photo", photo.pk))

    def pair(side: str) -> float:
        like, unlike = environs[side]()
        return app.call(like).cpu + app.call(unlike).cpu

    # Same answers, and the data ends as it started.
    before = photo.likes_count
    g_like, g_unlike = (app.call(env) for env in environs["graphql"]())
    p_like, p_unlike = (app.call(env) for env in environs["plain"]())
    liked = same_answer(g_like, p_like, "likePhoto")["likePhoto"]
    same_answer(g_unlike, p_unlike, "unlikePhoto")
    if (liked["likesCount"], liked["viewerHasLiked"]) != (before + 1, True):
        raise AssertionError(f"likePhoto answered {liked}, expected {before + 1} likes")

    samples = interleave(
        {"graphql": lambda: pair("graphql"), "plain": lambda: pair("plain")},
        runs=ctx.runs(200, 30),
        warmup=ctx.runs(20, 5),
    )
    graphql_sql = sum(app.count_sql(env)[0] for env in environs["graphql"]())
    plain_sql = sum(app.count_sql(env)[0] for env in environs["plain"]())
    photo.refresh_from_db()
    if photo.likes_count != before or photo.likes.filter(user=ctx.viewer).exists():
        raise AssertionError("like/unlike pairs did not leave the photo as it was")
    return [
        at_most("like_unlike", median(samples["graphql"]), median(samples["plain"]), LIMIT),
        Line(
            "like_unlike_sql",
            f"{graphql_sql} statements",
            f"plain views {plain_sql}",
            graphql_sql / plain_sql,
            "<= plain views",
            verdict(graphql_sql <= plain_sql),
        ),
    ]
