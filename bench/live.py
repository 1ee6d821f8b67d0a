"""`python -m bench.live`: live events against their targets, one line per scenario.

A uvicorn (project.asgi) delivers; this process writes through the services, into the
same database (a SQLite file of its own, in a temporary folder) and the same Redis
(BENCH_REDIS_URL, default redis://127.0.0.1:6379/12, flushed): publisher and subscriber
are two processes, as in production.

- event_latency: like/unlike toggles on a photo with a photoUpdated subscription open;
  from the commit (the first on_commit callback of the writing transaction) to the
  client holding the `next` frame, same clock. Target: p95 <= 50 ms.
- idle_subscriptions: 1,000 photoUpdated subscriptions (10 sockets x 100) held open; the
  realtime process's RSS growth per subscription, measured after one event reached all
  of them. Target: <= 64 KiB each.
- feed20_idle: feed(first: 20) over HTTP from a gunicorn web process (as deployed: the
  realtime service beside the web one, on the same machine) while the 1,000 are open,
  against before they were opened (median wall time of a sequential series each).
  Target: <= 1.05. feed20_idle_same_process (info): the same, served by the uvicorn that
  holds the subscriptions (as under `make run`).
- replay_1000: a notificationAdded subscription with `after` replaying 1,000 missed
  notifications, against reading the same 1,000 through `notifications` (10 pages of
  100) over HTTP from the same server, same selection. Target: ratio <= 2.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
WORKDIR = Path(tempfile.mkdtemp(prefix="bench-live-"))
PORT = int(os.environ.get("BENCH_LIVE_PORT", "8871"))
WEB_PORT = PORT + 1
ENV = {
    "DJANGO_SETTINGS_MODULE": "project.settings",
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "bench-live-key-0123456789abcdefghijklmnopqrstuv",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DATABASE_URL": f"sqlite:///{WORKDIR / 'live.sqlite3'}",
    "MEDIA_ROOT": str(WORKDIR / "media"),
    "REDIS_URL": REDIS_URL,
    "EMAIL_URL": "dummy://",
    "MAX_SUBSCRIPTIONS_PER_VIEWER": "2000",
    "RATE_COMMENTS_PER_HOUR": "100000",
    "RATE_LIKES_PER_HOUR": "100000",
    "LIVE_QUEUE_SIZE": "2000",
}
os.environ.update(ENV)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from websockets.sync.client import connect  # noqa: E402

from media_graph.models import Photo  # noqa: E402
from media_graph.services.comments import comment_add  # noqa: E402
from media_graph.services.likes import photo_like, photo_unlike  # noqa: E402
from users.jwt_tokens import issue_tokens  # noqa: E402
from users.models import User  # noqa: E402

URL = f"http://127.0.0.1:{PORT}"
WEB_URL = f"http://127.0.0.1:{WEB_PORT}"
WS_URL = f"ws://127.0.0.1:{PORT}/graphql/"
PHOTO_SUBSCRIPTION = "subscription ($id: ID!) { photoUpdated(id: $id) { id likesCount } }"
NOTIFICATION_FIELDS = "cursor node { id kind createdAt actor { username } comment { text } }"


def line(name: str, figure: str, ok: bool) -> None:
    print(f"{name}: {figure} {'ok' if ok else 'FAIL'}", flush=True)


def start(name: str, command: list[str], url: str) -> subprocess.Popen:
    """`command` (a server from this virtualenv) started, once `url`/healthz answers."""
    log = (WORKDIR / f"{name}.log").open("wb")
    process = subprocess.Popen(
        [str(BIN / name), *command], cwd=BASE_DIR, env={**os.environ},
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=1).read()
            return process
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{name} did not start: " + (WORKDIR / f"{name}.log").read_text())


def start_server() -> subprocess.Popen:
    """The realtime process (uvicorn) holding the subscriptions."""
    command = ["project.asgi:application", "--port", str(PORT), "--log-level", "warning"]
    return start("uvicorn", command, URL)


def rss_kib(pid: int) -> int:
    for text in Path(f"/proc/{pid}/status").read_text().splitlines():
        if text.startswith("VmRSS:"):
            return int(text.split()[1])
    return 0


def socket(token: str | None = None):
    # A deep client queue: events this script leaves unread must not stop its socket
    # from reading (the close handshake too).
    ws = connect(
        WS_URL, subprotocols=["graphql-transport-ws"], max_size=None, max_queue=100_000
    ).__enter__()
    payload = {"Authorization": f"JWT {token}"} if token else {}
    ws.send(json.dumps({"type": "connection_init", "payload": payload}))
    assert json.loads(ws.recv(timeout=10))["type"] == "connection_ack"
    return ws


def subscribe(ws, op_id: str, query: str, variables: dict) -> None:
    payload = {"query": query, "variables": variables}
    ws.send(json.dumps({"type": "subscribe", "id": op_id, "payload": payload}))


def new_photo(owner) -> Photo:
    return Photo.objects.create(
        owner=owner, status="PUBLISHED", published_at="2025-01-01T00:00:00Z",
        original=f"originals/{owner.pk}-{time.monotonic_ns()}.jpg", content_type="image/jpeg",
        size_bytes=1, sha256=str(time.monotonic_ns()), width=1, height=1,
    )  # fmt: skip


def global_id(type_name: str, pk: int) -> str:
    from strawberry import relay

    return str(relay.GlobalID(type_name, str(pk)))


def event_latency(alice, bob, runs: int = 200) -> None:
    photo = new_photo(alice)
    ws = socket()
    subscribe(ws, "p", PHOTO_SUBSCRIPTION, {"id": global_id("Photo", photo.pk)})
    time.sleep(0.5)
    received: list[float] = []

    def read() -> None:
        while len(received) < runs:
            ws.recv(timeout=30)
            received.append(time.perf_counter())

    reader = threading.Thread(target=read)
    reader.start()
    committed: list[float] = []
    for n in range(runs):
        with transaction.atomic():
            transaction.on_commit(lambda: committed.append(time.perf_counter()))
            (photo_like if n % 2 == 0 else photo_unlike)(photo=photo, user=bob)
        while len(received) <= n:
            time.sleep(0.0005)
    reader.join()
    ws.close()
    latencies = sorted((r - c) * 1000 for c, r in zip(committed, received, strict=True))
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    figure = f"p50={statistics.median(latencies):.1f}ms p95={p95:.1f}ms (target p95 <= 50ms)"
    line("event_latency", figure, p95 <= 50)


def start_web() -> subprocess.Popen:
    """A gunicorn web process over the same database, as the web service runs."""
    command = ["project.wsgi:application", "--bind", f"127.0.0.1:{WEB_PORT}",
               "--workers", "1", "--log-level", "warning"]  # fmt: skip
    return start("gunicorn", command, WEB_URL)


def feed_seconds(token: str, base: str, runs: int = 60) -> float:
    """Median wall time of feed(first: 20) over HTTP, one request after another."""
    from bench.scenarios.feed import QUERY

    for _ in range(5):
        post(QUERY, {"first": 20}, token, base)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        answer = post(QUERY, {"first": 20}, token, base)
        samples.append(time.perf_counter() - started)
        assert len(answer["data"]["feed"]["edges"]) == 20, answer
    return statistics.median(samples)


def idle_subscriptions(
    server: subprocess.Popen, alice, bob, token: str, sockets: int = 10, each: int = 100
):
    photo = new_photo(alice)
    for _ in range(25):  # alice's feed: her own photos
        new_photo(alice)
    variables = {"id": global_id("Photo", photo.pk)}
    web = start_web()
    feed_before = {base: feed_seconds(token, base) for base in (WEB_URL, URL)}
    before = rss_kib(server.pid)
    held = [socket() for _ in range(sockets)]
    for s, ws in enumerate(held):
        for i in range(each):
            subscribe(ws, f"{s}-{i}", PHOTO_SUBSCRIPTION, variables)
    # Every subscription must be live: changes until each has had an event.
    waiting = {f"{s}-{i}" for s in range(sockets) for i in range(each)}
    deadline, liked = time.monotonic() + 120, False
    while waiting and time.monotonic() < deadline:
        (photo_unlike if liked else photo_like)(photo=photo, user=bob)
        liked = not liked
        for ws in held:
            while True:
                try:
                    waiting.discard(json.loads(ws.recv(timeout=0.5))["id"])
                except TimeoutError:
                    break
    if waiting:
        raise SystemExit(f"idle_subscriptions: {len(waiting)} subscriptions never got an event")
    time.sleep(0.5)
    per = (rss_kib(server.pid) - before) / (sockets * each)
    line("idle_subscriptions", f"{per:.1f} KiB each for {sockets * each} (target <= 64 KiB)",
         per <= 64)  # fmt: skip
    for name, base in (("feed20_idle", WEB_URL), ("feed20_idle_same_process", URL)):
        feed_open = feed_seconds(token, base)
        ratio = feed_open / feed_before[base]
        target = "target <= 1.05" if base == WEB_URL else "info"
        figure = (
            f"{feed_open * 1000:.2f} ms with {sockets * each} open / "
            f"{feed_before[base] * 1000:.2f} ms before = {ratio:.2f} ({target})"
        )
        line(name, figure, ratio <= 1.05 or base != WEB_URL)
    web.terminate()
    web.wait(timeout=10)
    for ws in held:
        ws.close()


def post(query: str, variables: dict, token: str, base: str = URL) -> dict:
    body = json.dumps({"query": query, "variables": variables}).encode()
    request = urllib.request.Request(
        f"{base}/graphql/", data=body,
        headers={"Content-Type": "application/json", "Authorization": f"JWT {token}"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def replay(alice, bob, token: str, count: int = 1000) -> None:
    photo = new_photo(alice)
    first = comment_add(photo=photo, author=bob, text="the one seen")
    cursor = post(
        f"{{ notifications(first: 1) {{ edges {{ {NOTIFICATION_FIELDS} }} }} }}", {}, token
    )["data"]["notifications"]["edges"][0]["cursor"]
    for n in range(count):
        comment_add(photo=photo, author=bob, text=f"missed {n}")
    assert first.pk
    ws = socket(token)
    started = time.perf_counter()
    subscribe(ws, "n", f"subscription ($a: String) {{ notificationAdded(after: $a) "
                       f"{{ {NOTIFICATION_FIELDS} }} }}", {"a": cursor})  # fmt: skip
    for _ in range(count):
        assert json.loads(ws.recv(timeout=60))["type"] == "next"
    replayed = time.perf_counter() - started
    ws.close()
    page = (
        "query ($a: String) { notifications(first: 100, after: $a) { "
        f"pageInfo {{ endCursor }} edges {{ {NOTIFICATION_FIELDS} }} }} }}"
    )
    started = time.perf_counter()
    after, read = None, 0
    while read < count:
        answer = post(page, {"a": after}, token)["data"]["notifications"]
        read += len(answer["edges"])
        after = answer["pageInfo"]["endCursor"]
    paged = time.perf_counter() - started
    ratio = replayed / paged
    figure = (
        f"replay {replayed * 1000:.0f}ms / notifications {paged * 1000:.0f}ms = {ratio:.2f} "
        "(target <= 2)"
    )
    line("replay_1000", figure, ratio <= 2)


def main() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    call_command("migrate", "--noinput", verbosity=0)
    alice = User.objects.create_user("alice", "alice@example.com", "bench-password-0123")
    bob = User.objects.create_user("bob", "bob@example.com", "bench-password-0123")
    token = issue_tokens(alice).token
    server = start_server()
    try:
        scenarios = sys.argv[1:] or ["event_latency", "idle_subscriptions", "replay_1000"]
        if "event_latency" in scenarios:
            event_latency(alice, bob)
        if "idle_subscriptions" in scenarios:
            idle_subscriptions(server, alice, bob, token)
        if "replay_1000" in scenarios:
            replay(alice, bob, token)
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
