"""`python -m bench.hostile [name ...]`: what hostile requests cost, one process each.

Not ratios but absolute figures, for the "before and after" of the query guards: each
request runs in a fresh Python process against the bench data set (bench/settings.py,
DEBUG off), through the GraphQL view as a client would send it. One line each:

    name: status=... wall=...s cpu=...s app_rss=+...MB db_rss=...MB answer=...

`app_rss` is how much the process's peak RSS grew during the request; `db_rss` is the
peak RSS of the PostgreSQL backend that served it (VmHWM, PostgreSQL only, needs to
read /proc of the server's processes). A request still running after --timeout seconds
is killed and reported as such (PostgreSQL also cancels it: statement_timeout).
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time

# fmt: off
NESTED = (
    "{ photos(first: 100) { edges { node { id likes(first: 100) { edges { node { id "
    "photos(first: 100) { edges { node { id } } } } } } } } } }"
)
# fmt: on
COUNT = "query Q($f: PhotoFilter) { photos(filters: $f) { totalCount edges { node { id } } } }"
# The most each guard still lets through: what an accepted request can cost.
AT_LIMIT = (
    "{ photos(first: 100) { edges { node { id likes(first: 23) { edges { node { id "
    "username } } } } } } }"
)
REPEATED = "{ me { " + "followers(first: 1) { edges { node { id } } } " * 20 + "} }"
TEN_TAGS = "sunset city night beach lake forest snow rain autumn dog".split()  # noqa: SIM905


def distinct_documents(count: int) -> list[dict]:
    """`count` documents of ~1,900 tokens each, within every limit, none alike."""
    return [
        {
            "query": " ".join(f"query D{n}x{i} {{ __typename }}" for i in range(380)),
            "operationName": f"D{n}x0",
        }
        for n in range(count)
    ]


REQUESTS = {
    # refused now (measured before and after the guards)
    "search_20000_words": (COUNT, {"f": {"search": " ".join(f"w{i}" for i in range(20_000))}}),
    "tags_100": (COUNT, {"f": {"tags": [f"sunset{i}" for i in range(100)]}}),
    "nested_100x100x100": (NESTED, None),
    "duplicate_fields_1990": ("{ " + "__typename " * 1990 + "}", None),
    # the largest accepted
    "search_10_words": (COUNT, {"f": {"search": "sunset city night beach lake a e i o u"}}),
    "tags_10": (COUNT, {"f": {"tags": TEN_TAGS}}),
    "cost_4901": (AT_LIMIT, None),
    "repeated_20": (REPEATED, None),
    # memory the parse and validation caches keep (app_rss; wall is for all of them)
    "documents_300_distinct": distinct_documents(300),
}


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _backend_peak_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def run_one(name: str, timeout: int) -> None:
    """In the child: set Django up, warm up, send the request, print one JSON line."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    backend_pid = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {timeout * 1000}")
            cursor.execute("SELECT pg_backend_pid()")
            backend_pid = cursor.fetchone()[0]
    client = Client()
    client.post("/graphql/", {"query": "{ me { id } }"}, content_type="application/json")
    sent = REQUESTS[name]
    if isinstance(sent, tuple):
        sent = [{"query": sent[0], "variables": sent[1]}]
    rss_before = _peak_rss_mb()
    cpu_before, wall_before = time.process_time(), time.perf_counter()
    for body in sent:
        response = client.post("/graphql/", json.dumps(body), content_type="application/json")
    wall = time.perf_counter() - wall_before
    cpu = time.process_time() - cpu_before
    answer = response.json() if response.get("Content-Type", "").endswith("json") else {}
    errors = answer.get("errors") or []
    print(
        json.dumps(
            {
                "status": response.status_code,
                "wall": wall,
                "cpu": cpu,
                "app_rss": _peak_rss_mb() - rss_before,
                "db_rss": _backend_peak_mb(backend_pid) if backend_pid else None,
                "bytes": len(response.content),
                "answer": errors[0]["extensions"].get("code") if errors else "data",
                "message": errors[0]["message"][:100] if errors else "",
            }
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", default=list(REQUESTS))
    parser.add_argument("--timeout", type=int, default=120)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_one(args.names[0], args.timeout)
        return 0
    for name in args.names:
        command = [sys.executable, "-m", "bench.hostile", "--child", name, "--timeout"]
        try:
            done = subprocess.run(
                [*command, str(args.timeout)],
                capture_output=True,
                text=True,
                timeout=args.timeout + 30,
            )
        except subprocess.TimeoutExpired:
            print(f"{name}: killed after {args.timeout + 30} s", flush=True)
            continue
        lines = done.stdout.strip().splitlines()
        if done.returncode or not lines:
            print(f"{name}: crashed: {done.stderr.strip()[-400:]}", flush=True)
            continue
        r = json.loads(lines[-1])
        db = f"{r['db_rss']:.0f}MB" if r["db_rss"] is not None else "-"
        print(
            f"{name}: status={r['status']} wall={r['wall']:.2f}s cpu={r['cpu']:.2f}s "
            f"app_rss=+{r['app_rss']:.0f}MB db_rss={db} bytes={r['bytes']} "
            f"answer={r['answer']} {r['message']}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
