"""`make load`: an open-model load on the cluster's web processes (docs/cluster.md).

Open model: operations ARRIVE at LOAD_RATE per second, on a fixed schedule, whether or
not earlier ones have answered, as real clients do; a slow server meets more requests
at once, not fewer (a closed model's users would wait and so hide it). Locust's users
are closed loops, and constant_throughput only paces each one while its answers stay
fast, so one Locust user here is a scheduler: it starts each arrival in a greenlet of
its own, at most LOAD_MAX_IN_FLIGHT at once (past that an arrival is counted as an
`overload` error, never queued out of sight). Each arrival is one operation of the mix,
by a random account of LOAD_ACCOUNTS, sent to the web processes in turn.

Run it through `make load` (USERS, RATE, DURATION); it prints p50/p99, throughput and
errors per operation at the end (load/report.py).
"""

import os
import random
import time

import gevent
from gevent.pool import Pool
from locust import HttpUser, constant, events, task
from requests.adapters import HTTPAdapter

from load import report, setup

_PORTS = os.environ.get("CLUSTER_WEB_PORTS") or "58101,58102"
URLS = (
    os.environ.get("LOAD_URLS") or ",".join(f"http://127.0.0.1:{p}" for p in _PORTS.split(","))
).split(",")
RATE = float(os.environ.get("LOAD_RATE") or 10)
ACCOUNTS = int(os.environ.get("LOAD_ACCOUNTS") or 20)
MAX_IN_FLIGHT = int(os.environ.get("LOAD_MAX_IN_FLIGHT") or 100)
# Arrivals stop after this many seconds; Locust's --run-time is longer by the time the
# last answers may take (make load adds 30 s), so every arrival is answered or counted.
DURATION = float(os.environ.get("LOAD_DURATION") or 60)

# The mix, by weight: mostly reads, as a photo app's traffic is.
MIX = {"feed": 40, "photo": 30, "like": 15, "comment": 10, "upload": 5}

FEED = "{ feed(first: 10) { edges { node { id caption likesCount thumbnail { url } } } } }"
PHOTO = """query ($id: ID!) { photo(id: $id) { id caption likesCount commentsCount
  owner { username } comments(first: 5) { edges { node { text } } } } }"""
LIKE = """mutation ($id: ID!) { likePhoto(input: {photoId: $id}) {
  __typename ... on OperationInfo { messages { code } } } }"""
COMMENT = """mutation ($id: ID!, $text: String!) { addComment(input: {photoId: $id, text: $text}) {
  __typename ... on OperationInfo { messages { code } } } }"""

state = setup.State()


@events.init.add_listener
def _prepare(environment, **_):
    # Before the run's clock starts (test_start would count it in --run-time).
    state.prepare(URLS, ACCOUNTS)


@events.quitting.add_listener
def _report(environment, **_):
    report.print_table(environment.stats, RATE, DURATION)


class OpenModel(HttpUser):
    host = URLS[0]
    wait_time = constant(0)

    def on_start(self):
        # One session for every greenlet: room for as many connections as are in flight.
        adapter = HTTPAdapter(pool_connections=len(URLS), pool_maxsize=MAX_IN_FLIGHT)
        self.client.mount("http://", adapter)
        self.turn = 0

    @task
    def arrive(self):
        pool = Pool(MAX_IN_FLIGHT)
        operations, weights = zip(*MIX.items(), strict=True)
        next_at = time.monotonic()
        end = next_at + DURATION
        while next_at < end:
            operation = random.choices(operations, weights)[0]
            if pool.full():
                events.request.fire(
                    request_type="OPEN", name="overload", response_time=0,
                    response_length=0, exception=RuntimeError("too many in flight"),
                )  # fmt: skip
            else:
                pool.spawn(getattr(self, operation))
            next_at += 1 / RATE
            gevent.sleep(max(0.0, next_at - time.monotonic()))
        pool.join()  # the last answers
        while True:  # one schedule per run: idle until Locust's run time ends
            gevent.sleep(1)

    # -- the operations ------------------------------------------------------------------
    def _post(self, name: str, query: str, variables=None, *, token=None, files=None):
        self.turn += 1
        url = f"{URLS[self.turn % len(URLS)]}/graphql/"
        headers = {"Authorization": f"JWT {token}"} if token else {}
        if files:
            data = setup.multipart_fields(query, variables)
            kwargs = {"data": data, "files": files}
        else:
            kwargs = {"json": {"query": query, "variables": variables or {}}}
        with self.client.post(
            url, name=name, headers=headers, catch_response=True, timeout=30, **kwargs
        ) as response:
            problem = setup.problem_of(response)
            if problem:
                response.failure(problem)

    def feed(self):
        self._post("feed", FEED, token=state.account().token)

    def photo(self):
        self._post("photo", PHOTO, {"id": state.photo()}, token=state.account().token)

    def like(self):
        self._post("like", LIKE, {"id": state.photo()}, token=state.account().token)

    def comment(self):
        text = f"nice {random.randrange(10**6)}"
        self._post("comment", COMMENT, {"id": state.photo(), "text": text},
                   token=state.account().token)  # fmt: skip

    def upload(self):
        account = state.account()
        self._post("upload", setup.UPLOAD, {"caption": "load"}, token=account.token,
                   files={"0": ("load.jpg", setup.jpeg(), "image/jpeg")})  # fmt: skip
