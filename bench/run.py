"""`python -m bench.run [--quick] [--media s3|filesystem] [scenario ...]`

Prints a header (machine, versions), then one line per measured pair:
    name: value (baseline) ratio R target T PASS|FAIL|info
Exit status: 0 when every scenario ran (whatever its verdict; bench/check judges the
lines), 2 when the data set is missing, 1 when a scenario crashed (it also prints a
FAIL line). Times are CPU time of this process per request (time.process_time): the
database server's own work is not counted, SQLite's is (it runs in-process).
"""

import argparse
import contextlib
import importlib
import os
import platform
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SCENARIOS = (
    "feed",
    "feed20_blocks",
    "photo",
    "likes",
    "trivial",
    "upload",
    "thumbnails",
    "http",
    "upload_queued",
    "uploads_parallel",
    "upload_direct",
    "images",
    "video",
    "metrics_overhead",
    "library",
    "budget_overhead",
    "tracing_overhead",  # last: it installs tracing in this process (and takes it out)
)
# Scenarios on the library data set (bench/library_data.py, BENCH_DATASET=library): run alone.
LIBRARY = {"library"}
# Scenarios that store uploads in a bucket of their own (an rclone S3 server).
NEED_S3 = {"upload", "upload_queued", "uploads_parallel", "upload_direct"}
BASE_DIR = Path(__file__).resolve().parent.parent


@dataclass
class Context:
    quick: bool
    media: str
    s3: Any = None  # tests.support.s3server.RcloneS3Server when one was started
    app: Any = None
    viewer: Any = None
    token: str = ""

    def runs(self, full: int, quick: int) -> int:
        return quick if self.quick else full


def _start_s3(root: Path):
    from tests.support.s3server import RcloneS3Server

    server = RcloneS3Server(root / "s3", bucket="photo-bench")
    server.start()
    return server


def _use_s3_env(server) -> None:
    """Configure S3 the way production does: through the environment (project/settings)."""
    os.environ.update(
        BENCH_MEDIA="s3",
        AWS_STORAGE_BUCKET_NAME=server.bucket,
        AWS_S3_ENDPOINT_URL=server.endpoint_url,
        AWS_ACCESS_KEY_ID=server.access_key,
        AWS_SECRET_ACCESS_KEY=server.secret_key,
        AWS_S3_REGION_NAME="us-east-1",
    )
    os.environ.pop("AWS_S3_PUBLIC_ENDPOINT_URL", None)  # sign for the server we started


def _copy_shared_files(server) -> None:
    """The files the data set points at, from var/bench-media into the bucket."""
    from bench import dataset as ds

    media = BASE_DIR / "var" / "bench-media"
    missing = [name for name in ds.shared_files() if not (media / name).is_file()]
    if missing:
        print(
            f"bench media missing ({missing[0]}): run `python -m bench.build_data` first",
            file=sys.stderr,
        )
        sys.exit(2)
    client = server.client()
    for name in ds.shared_files():
        client.put_object(Bucket=server.bucket, Key=name, Body=(media / name).read_bytes())


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _database_version() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]} ({connection.settings_dict['NAME']})"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version} ({connection.settings_dict['NAME']})"


def _versions() -> str:
    from importlib.metadata import version

    names = ("django", "strawberry-graphql", "strawberry-graphql-django", "graphql-core", "pillow")
    return ", ".join(f"{name} {version(name)}" for name in names)


def header(ctx: Context) -> list[str]:
    return [
        f"# bench {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}"
        f"{' (quick)' if ctx.quick else ''}",
        f"# machine: {os.cpu_count()} CPUs, {_cpu_model()}, {_memory()} RAM, {platform.platform()}",
        f"# Python {platform.python_version()}; {_versions()}",
        f"# database: {_database_version()}; media: {ctx.media}; load average "
        f"{' '.join(f'{load:.2f}' for load in os.getloadavg())}",
        "# times: median CPU time of this process per request (the database server's "
        "own time is not counted)",
    ]


def _prepare(ctx: Context) -> None:
    from bench import dataset as ds
    from bench.build_data import data_present
    from bench.measure import App
    from users.jwt_tokens import issue_tokens
    from users.models import User

    viewer = ds.VIEWER
    if os.environ.get("BENCH_DATASET") == "library":
        from bench import library_data

        data_present, viewer = library_data.data_present, library_data.OWNER
    if not data_present():
        print("bench data missing: run `python -m bench.build_data` first", file=sys.stderr)
        sys.exit(2)
    ctx.app = App()
    ctx.viewer = User.objects.get(username=viewer)
    ctx.token = issue_tokens(ctx.viewer).token


def _cleanup(ctx: Context) -> None:
    """Refresh tokens issued for this run (issue_tokens makes one per access token)."""
    from django.apps import apps

    from bench import dataset as ds

    RefreshToken = apps.get_model("refresh_token", "RefreshToken")
    names = [ds.VIEWER, ds.UPLOADER, *([ctx.viewer.username] if ctx.viewer else [])]
    RefreshToken.objects.filter(user__username__in=names).delete()


@contextlib.contextmanager
def session(*, quick: bool, media: str, need_s3: bool) -> Iterator[Context]:
    """Storage server (if any), Django, the data check and the viewer's token."""
    ctx = Context(quick=quick, media=media)
    log = BASE_DIR / "var" / "bench-app.log"  # the app's log lines (bench/settings.py)
    if log.exists():
        log.replace(log.with_name(log.name + ".1"))  # this run's and the previous one's
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.pop("BENCH_MEDIA", None)
    with tempfile.TemporaryDirectory(prefix="photo-bench-") as tmp:
        if media == "s3" or need_s3:
            ctx.s3 = _start_s3(Path(tmp))
        try:
            if media == "s3":
                _use_s3_env(ctx.s3)
                _copy_shared_files(ctx.s3)
            import django

            django.setup()
            _prepare(ctx)
            try:
                yield ctx
            finally:
                _cleanup(ctx)
        finally:
            if ctx.s3 is not None:
                ctx.s3.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmarks: GraphQL against plain views.")
    parser.add_argument("--quick", action="store_true", help="fewer runs (a smoke test)")
    parser.add_argument(
        "--media",
        choices=("s3", "filesystem"),
        default="s3",
        help="storage of scenarios feed/photo/likes/http (default: s3, signed URLs as in "
        "production; upload always uses S3)",
    )
    parser.add_argument("scenarios", nargs="*", metavar="scenario", help=", ".join(SCENARIOS))
    args = parser.parse_args(argv)
    unknown = sorted(set(args.scenarios) - set(SCENARIOS))
    if unknown:
        parser.error(f"unknown scenario {', '.join(unknown)}; choose from {', '.join(SCENARIOS)}")
    chosen = args.scenarios or [name for name in SCENARIOS if name not in LIBRARY]
    if LIBRARY & set(chosen):
        if not set(chosen) <= LIBRARY:
            parser.error(f"run {', '.join(sorted(LIBRARY))} on its own (its own data set)")
        os.environ["BENCH_DATASET"] = "library"
    with session(quick=args.quick, media=args.media, need_s3=bool(NEED_S3 & set(chosen))) as ctx:
        return _run(ctx, chosen)


def _run(ctx: Context, chosen: list[str]) -> int:
    for line in header(ctx):
        print(line, flush=True)
    crashed = False
    started = time.monotonic()
    for name in chosen:
        module = importlib.import_module(f"bench.scenarios.{name}")
        began = time.monotonic()
        try:
            for line in module.run(ctx):
                print(line, flush=True)
        except Exception as exc:
            crashed = True
            traceback.print_exc()
            reason = str(exc).splitlines()[0] if str(exc) else ""
            print(f"{name}: crashed ({type(exc).__name__}: {reason}) (-) ratio - target - FAIL")
        print(f"#   {name} took {time.monotonic() - began:.0f} s", flush=True)
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"# total {time.monotonic() - started:.0f} s; load average {load}", flush=True)
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
