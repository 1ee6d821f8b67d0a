"""`python -m bench.profile OPERATION [--runs N] [--cprofile] [--media s3|filesystem]`

Profiles one side of a scenario, e.g. `feed20-graphql` or `feed20-plain`, to see
where a ratio comes from. Requests are built before the profiler starts; only
their execution is profiled. pyinstrument (wall clock, call tree) when installed,
else or with --cprofile, cProfile timed with process CPU time (sorted by own time).

Operations: feed20-*, feed50-*, photo-*, like_unlike-* (graphql, plain);
trivial-ours, trivial-floor, trivial-uncached; upload-* (needs --media s3, the default).

--breakdown prints, instead of the tree, the share of the profiled time spent inside
a few named phases (each counted once, at its outermost frame; phases nest, so the
shares overlap). Run it for both sides of a scenario to see where a ratio comes from.
"""

import argparse
import cProfile
import importlib
import pstats
import sys
import time

MODULES = {
    "feed20": "feed",
    "feed50": "feed",
    "photo": "photo",
    "like_unlike": "likes",
    "trivial": "trivial",
    "upload": "upload",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("operation")
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--cprofile", action="store_true", help="cProfile on CPU time")
    parser.add_argument("--media", choices=("s3", "filesystem"), default="s3")
    parser.add_argument("--limit", type=int, default=40, help="cProfile: rows to print")
    parser.add_argument("--breakdown", action="store_true", help="shares of named phases")
    args = parser.parse_args(argv)
    prefix = args.operation.rsplit("-", 1)[0]
    if prefix not in MODULES:
        parser.error(f"unknown operation {args.operation}")

    from bench.run import session

    with session(quick=True, media=args.media, need_s3=prefix == "upload") as ctx:
        module = importlib.import_module(f"bench.scenarios.{MODULES[prefix]}")
        prepare = module.operations(ctx)[args.operation]
        try:
            _check(prepare()())
            for _ in range(min(10, args.runs)):
                prepare()()
            calls = [prepare() for _ in range(args.runs)]
            _profile(calls, args)
        finally:
            if hasattr(module, "cleanup"):
                module.cleanup(ctx)
    return 0


# (label, function name, a part of its file's path)
PHASES = [
    ("whole request", "__call__", "django/core/handlers/wsgi.py"),
    ("authentication (JWT, user query)", "authenticate_header", "users/credentials.py"),
    ("GraphQL: parse the HTTP body", "parse_http_body", "strawberry/http/"),
    ("GraphQL: execute (resolvers and below)", "execute_operation", "graphql/execution/"),
    ("  optimizer: hints and prefetch set-up", "optimize", "strawberry_django/optimizer.py"),
    ("  relay: resolve_id_attr (uncached)", "resolve_id_attr", "strawberry/relay/types.py"),
    ("  operation hooks", "", "schema/server/operations.py"),  # begin, parse, validate, end
    ("SQL: compile and run (all)", "execute_sql", "django/db/models/sql/compiler.py"),
    ("  of which waiting for the server", "wait", "psycopg/"),
    ("prefetches (all)", "prefetch_related_objects", "django/db/models/query.py"),
    ("storage: URL (signing)", "url", "media_graph/storage/__init__.py"),
    ("storage: save", "save", "media_graph/storage/__init__.py"),
    ("image probe (validation decode)", "probe", "media_graph/imaging/probing.py"),
    ("thumbnails: render", "render", "media_graph/thumbnails.py"),
    ("plain view function", "", "bench/baselines.py"),
]


def _breakdown(root, runs: int) -> None:
    """Inclusive time of each phase, outermost frames only, per request and as a share."""
    totals = dict.fromkeys([label for label, _, _ in PHASES], 0.0)

    def walk(frame, inside: frozenset) -> None:
        entered = set(inside)
        for label, function, path in PHASES:
            if label in inside:
                continue
            matches = (not function or frame.function == function) and path in (
                frame.file_path or ""
            )
            if matches:
                totals[label] += frame.time
                entered.add(label)
        for child in frame.children:
            walk(child, frozenset(entered))

    walk(root, frozenset())
    whole = totals["whole request"] or root.time
    print(f"{'phase':45s} {'ms/request':>10s} {'share':>7s}")
    for label, seconds in totals.items():
        if seconds:
            print(f"{label:45s} {seconds / runs * 1000:10.2f} {seconds / whole:7.1%}")
    print("(wall-clock samples: 'waiting for the server' is the database's time)")


def _check(result) -> None:
    """A profile of an error path says nothing about the real one: stop early."""
    from bench.measure import Reply
    from bench.scenarios.common import data_of

    for reply in result if isinstance(result, tuple) else (result,):
        if isinstance(reply, Reply):
            data_of(reply, "the profiled request")


def _profile(calls, args) -> None:
    try:
        from pyinstrument import Profiler
    except ImportError:
        Profiler = None
    started = time.process_time()
    if Profiler is not None and not args.cprofile:
        profiler = Profiler(interval=0.001)
        profiler.start()
        for call in calls:
            call()
        profiler.stop()
        if args.breakdown:
            _breakdown(profiler.last_session.root_frame(), len(calls))
        else:
            print(profiler.output_text(unicode=False, color=False, show_all=False))
    else:
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for call in calls:
            call()
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(args.limit)
    cpu = (time.process_time() - started) / len(calls)
    print(f"# {args.operation}: {len(calls)} runs, {cpu * 1000:.2f} ms CPU each (profiled)")


if __name__ == "__main__":
    sys.exit(main())
