"""feed20_blocks: feed(first: 20) of a viewer with 100 blocks and 100 mutes against the
same feed with none, in the same run.

Blocks and mutes are subqueries of the one visibility layer (users/querysets.py), so the
statements must be the same ones, and the page costs no more. The 200 rows name people
the viewer does not follow, so the answer is the same page; they are written before
each sample of the case that wants them and deleted before each of the other (never
timed), and deleted at the end. Times are wall-clock per request, the database's work
included: that is where a block costs, if anywhere.
Targets: time ratio <= 1.1; as many SQL statements with the rows as without.
"""

import time

from bench.measure import Line, at_most, interleave, median, verdict
from bench.scenarios.common import same_answer
from bench.scenarios.feed import QUERY

NAME = "feed20_blocks"
BLOCKS = MUTES = 100
LIMIT = 1.1


def _strangers(viewer) -> list[int]:
    from users.models import Follow, User

    followed = Follow.objects.filter(follower=viewer).values("followee_id")
    rows = User.objects.exclude(pk=viewer.pk).exclude(pk__in=followed).order_by("pk")
    return list(rows.values_list("pk", flat=True)[: BLOCKS + MUTES])


class Rows:
    """The viewer's blocks and mutes, there or not."""

    def __init__(self, viewer) -> None:
        from users.models import Block, Mute

        strangers = _strangers(viewer)
        self.viewer = viewer
        self.blocks = [Block(blocker=viewer, blocked_id=pk) for pk in strangers[:BLOCKS]]
        self.mutes = [Mute(muter=viewer, muted_id=pk) for pk in strangers[BLOCKS:]]
        self.present = None

    def want(self, present: bool) -> None:
        from users.models import Block, Mute

        if self.present is present:
            return
        Block.objects.filter(blocker=self.viewer).delete()
        Mute.objects.filter(muter=self.viewer).delete()
        if present:
            Block.objects.bulk_create(self.blocks)
            Mute.objects.bulk_create(self.mutes)
        self.present = present


def run(ctx) -> list[Line]:
    app = ctx.app
    rows = Rows(ctx.viewer)

    def request():
        return app.graphql(QUERY, {"first": 20}, token=ctx.token)

    def timed(present: bool) -> float:
        rows.want(present)
        environ = request()
        started = time.perf_counter()
        app.call(environ)
        return time.perf_counter() - started

    try:
        rows.want(False)
        none = app.call(request())
        none_sql = app.count_sql(request())[0]
        rows.want(True)
        data = same_answer(app.call(request()), none, "feed(first: 20) with blocks")
        if len(data["feed"]["edges"]) != 20:
            raise AssertionError(f"feed(first: 20) has {len(data['feed']['edges'])} edges")
        blocked_sql = app.count_sql(request())[0]
        samples = interleave(
            {"blocks": lambda: timed(True), "none": lambda: timed(False)},
            runs=ctx.runs(200, 30),
            warmup=ctx.runs(20, 5),
        )
    finally:
        rows.want(False)
    return [
        at_most("feed20_blocks", median(samples["blocks"]), median(samples["none"]), LIMIT),
        Line(
            "feed20_blocks_sql",
            f"{blocked_sql} statements with {BLOCKS} blocks and {MUTES} mutes",
            f"{none_sql} with none",
            blocked_sql / none_sql,
            "== 1",
            verdict(blocked_sql == none_sql),
        ),
    ]
