"""Per-viewer cost budgets, through the API: every answer reports extensions.cost, and an
operation that costs more than is left runs nothing and answers 429 with Retry-After."""

import asyncio
import hashlib
import json
import time

import pytest
from django.db import connections

from live.streams import in_thread
from live.transports import sse
from live.transports.operation import LiveOperation
from media_graph.models import Photo
from project import settings as project_settings
from schema import schema
from tests.support.client import ENDPOINT, codes, multipart_operation
from tests.support.images import make_jpeg
from users.credentials import ANONYMOUS
from users.models import AccessToken, User

# 1 (the connection) + 1 per edge: n + 1 points (schema/server/cost.py).
PHOTOS = "query Photos($n: Int) { photos(first: $n) { edges { cursor } } }"
ME = "{ me { id } }"
PROFILE = """mutation ($name: String!) { updateProfile(input: {displayName: $name}) {
  __typename ... on User { displayName } ... on OperationInfo { messages { code field } } } }"""
CREATE_TOKEN = """mutation ($input: CreateAccessTokenInput!) { createAccessToken(input: $input) {
  __typename ... on NewAccessToken { token accessToken { budget } }
  ... on OperationInfo { messages { code field } } } }"""


def cost_of(response) -> dict:
    return response.cost


def available(response) -> int:
    return cost_of(response)["throttleStatus"]["currentlyAvailable"]


def photos_costing(gql, points: int, **kwargs):
    assert 1 <= points <= 101
    return gql.execute(PHOTOS, {"n": points - 1}, **kwargs)


@pytest.fixture
def budget(settings):
    def set_to(maximum: int, rate: float) -> None:
        settings.GRAPHQL_BUDGET_MAX = maximum
        settings.GRAPHQL_BUDGET_RESTORE_RATE = rate

    return set_to


def test_the_defaults_are_20000_points_restored_at_200_a_second():
    # The suite's own settings (tests/settings.py) use a bucket no test empties.
    assert (project_settings.GRAPHQL_BUDGET_MAX, project_settings.GRAPHQL_BUDGET_RESTORE_RATE) == (
        20_000,
        200.0,
    )


def test_every_answer_reports_its_cost_in_shopifys_shape(gql, alice, login, budget):
    budget(20_000, 200.0)
    login(alice)
    answer = gql.execute(ME)
    assert answer.status == 200
    assert answer.cost == {
        "requestedQueryCost": 1,
        "throttleStatus": {
            "maximumAvailable": 20_000,
            "currentlyAvailable": 19_999,
            "restoreRate": 200.0,
        },
    }
    # The page size is read from the coerced variables.
    assert cost_of(photos_costing(gql, 42))["requestedQueryCost"] == 42


def test_an_answer_refused_before_it_ran_reports_what_it_would_have_cost(gql, settings, budget):
    budget(20_000, 200.0)
    settings.GRAPHQL_MAX_COST = 50
    too_costly = photos_costing(gql, 60)
    assert too_costly.error_codes == ["GRAPHQL_VALIDATION_FAILED"]
    assert cost_of(too_costly)["requestedQueryCost"] == 60
    assert available(too_costly) == 20_000  # reported, not debited
    invalid = gql.execute("{ nope }")
    assert invalid.error_codes == ["GRAPHQL_VALIDATION_FAILED"]
    assert cost_of(invalid) == {**cost_of(too_costly), "requestedQueryCost": 0}


def test_back_to_back_costly_queries_end_in_429_with_the_buckets_retry_after(
    gql, alice, login, budget
):
    login(alice)
    budget(200, 1.0)  # a point a second: the wait is the points missing
    assert available(photos_costing(gql, 80)) == 120
    assert 40 <= available(photos_costing(gql, 80)) <= 41
    refused = photos_costing(gql, 80)
    assert refused.status == 429
    assert refused.error_codes == ["RATE_LIMITED"]
    assert refused.body["data"] is None
    left = available(refused)
    assert 40 <= left <= 41  # restored by the time since, at a point a second
    assert cost_of(refused)["requestedQueryCost"] == 80
    # The wait is what the bucket lacks at its restore rate: ceil((80 - 40.x) / 1) s.
    assert refused.errors[0]["extensions"]["retryAfter"] == 80 - left
    raw = gql.http.post(
        ENDPOINT,
        data=json.dumps({"query": PHOTOS, "variables": {"n": 79}}),
        content_type="application/json",
        headers=gql.headers(),
    )
    body = raw.json()
    assert raw.status_code == 429
    retry_after = body["errors"][0]["extensions"]["retryAfter"]
    assert raw["Retry-After"] == str(retry_after)
    assert retry_after == 80 - body["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"]


def test_a_refused_mutation_changes_nothing(gql, alice, login, budget):
    login(alice)
    budget(10, 0.01)
    assert photos_costing(gql, 10).status == 200
    refused = gql.execute(PROFILE, {"name": "Changed"})
    assert refused.status == 429
    assert refused.error_codes == ["RATE_LIMITED"]
    assert refused.body["data"] is None
    assert User.objects.get(pk=alice.pk).display_name == "Alice"


def test_another_viewers_bucket_is_untouched(gql, alice, bob, login, budget):
    budget(100, 0.01)
    login(alice)
    assert photos_costing(gql, 100).status == 200
    assert gql.execute(ME).status == 429
    login(bob)
    assert available(gql.execute(ME)) == 99
    # Anonymous: per address. This one paid for the two logins, another nothing.
    anonymous = gql.execute(ME, headers={})
    assert anonymous.status == 200
    assert available(anonymous) < 99
    other_address = gql.http.post(
        ENDPOINT,
        data=json.dumps({"query": ME}),
        content_type="application/json",
        REMOTE_ADDR="192.0.2.7",
    )
    assert other_address.json()["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] == 99


def test_after_waiting_the_query_runs(gql, alice, login, budget):
    login(alice)
    budget(100, 100.0)
    assert photos_costing(gql, 100).status == 200
    refused = photos_costing(gql, 100)
    assert refused.status == 429
    wait = refused.errors[0]["extensions"]["retryAfter"]
    assert wait == 1
    time.sleep(wait)
    answer = photos_costing(gql, 100)
    assert answer.status == 200
    assert answer.body["data"]["photos"]["edges"] == []


def test_get_queries_pay_and_are_refused_alike(gql, budget):
    budget(10, 0.01)
    query = {"query": "{ photos(first: 8) { edges { cursor } } }"}
    assert gql.http.get(ENDPOINT, query).status_code == 200  # 9 points
    refused = gql.http.get(ENDPOINT, query)
    assert refused.status_code == 429
    assert refused["Retry-After"]
    assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"


def test_budgets_off_report_the_cost_alone_and_refuse_nothing(gql, budget):
    budget(0, 1.0)
    for _ in range(3):
        answer = photos_costing(gql, 101)
        assert answer.status == 200
        assert cost_of(answer) == {"requestedQueryCost": 101}


def test_a_token_made_with_a_budget_has_a_bucket_of_its_own(gql, alice, login, budget):
    budget(20_000, 0.01)  # slow enough that the owner's bucket shows what it paid
    login(alice)
    made = gql.mutate(
        "createAccessToken",
        CREATE_TOKEN,
        {"input": {"name": "ci", "scopes": ["READ"], "budget": 50}},
    )
    assert made["accessToken"] == {"budget": 50}
    assert AccessToken.objects.get().budget == 50
    owner_left = available(gql.execute(ME))
    token = {"Authorization": f"Bearer {made['token']}"}
    spent = photos_costing(gql, 40, headers=token)
    assert cost_of(spent)["throttleStatus"]["maximumAvailable"] == 50
    assert available(spent) == 10
    assert photos_costing(gql, 40, headers=token).status == 429
    # More than the token's budget could ever hold: refused as too costly, not "wait".
    too_costly = photos_costing(gql, 60, headers=token)
    assert too_costly.status == 200
    assert too_costly.error_codes == ["GRAPHQL_VALIDATION_FAILED"]
    assert too_costly.errors[0]["extensions"]["maxCost"] == 50
    # The owner's bucket paid nothing for the token's queries.
    assert available(gql.execute(ME)) == owner_left - 1


@pytest.mark.parametrize("value", [0, -1, 20_001])
def test_a_token_budget_outside_1_to_the_maximum_is_invalid(gql, alice, login, budget, value):
    budget(20_000, 200.0)
    login(alice)
    refused = gql.mutate(
        "createAccessToken",
        CREATE_TOKEN,
        {"input": {"name": "ci", "scopes": ["READ"], "budget": value}},
    )
    assert codes(refused) == [("budget", "invalid")]
    assert not AccessToken.objects.exists()


def test_a_budget_that_is_not_an_int_is_a_coded_error(gql, alice, login):
    login(alice)
    answer = gql.execute(
        CREATE_TOKEN, {"input": {"name": "ci", "scopes": ["READ"], "budget": "lots"}}
    )
    assert answer.error_codes == ["BAD_USER_INPUT"]
    assert not AccessToken.objects.exists()


COMMENTS = 'subscription { commentAdded(photoId: "UGhvdG86MQ==") { text } }'


def subscribe(query: str) -> list[dict] | None:
    """A subscription started as the live transports start one (anonymous, 127.0.0.1)."""
    operation = LiveOperation(
        schema,
        {"query": query},
        ANONYMOUS,
        {"type": "websocket", "path": "/graphql/", "client": ("127.0.0.1", 5000), "headers": []},
    )

    async def start_and_close():
        try:
            return await operation.start()
        finally:
            await operation.close()
            # The ORM's thread opened a connection of its own: closed, or the test
            # database could not be dropped.
            await in_thread(connections.close_all)

    return asyncio.run(start_and_close())


def test_a_subscription_pays_at_subscribe_and_is_refused_over_budget(gql, budget):
    budget(10, 0.01)
    subscribe(COMMENTS)  # 1 point, whatever the stream then does
    assert available(gql.execute("{ __typename }", headers={})) == 9
    assert photos_costing(gql, 9).status == 200
    errors = subscribe(COMMENTS)
    assert [error["extensions"]["code"] for error in errors] == ["RATE_LIMITED"]
    assert errors[0]["extensions"]["retryAfter"] >= 1


def test_the_buckets_live_in_redis_and_a_stopped_redis_refuses_every_operation(
    gql, alice, login, redis_store, budget
):
    budget(20_000, 200.0)
    login(alice)
    assert available(gql.execute(ME)) == 19_999
    assert redis_store.client().keys("throttle:*budget:user:*")
    redis_store.stop()
    for operation, variables in ((ME, None), (PROFILE, {"name": "Changed"})):
        refused = gql.execute(operation, variables)
        assert refused.status == 429
        assert refused.error_codes == ["RATE_LIMITED"]
        assert refused.errors[0]["extensions"]["retryAfter"] == 60
        assert refused.body["data"] is None
        assert cost_of(refused)["throttleStatus"]["currentlyAvailable"] is None
    assert User.objects.get(pk=alice.pk).display_name == "Alice"


def test_a_full_redis_refuses_operations_that_cost_something(gql, redis_store):
    redis_store.fill()
    refused = gql.execute(ME, headers={})
    assert refused.status == 429
    assert refused.error_codes == ["RATE_LIMITED"]


UPLOAD = """mutation ($input: UploadPhotoInput!) { uploadPhoto(input: $input) {
  __typename ... on Photo { id } ... on OperationInfo { messages { code field } } } }"""


def test_a_refused_upload_leaves_no_row_and_no_stored_object(gql, alice, login, budget, media):
    login(alice)
    budget(5, 0.01)
    assert photos_costing(gql, 5).status == 200
    jpeg = ("a.jpg", make_jpeg(64, 48), "image/jpeg")
    refused = multipart_operation(gql, UPLOAD, {"input": {"file": None}}, {"input.file": jpeg})
    assert refused.status == 429
    assert refused.error_codes == ["RATE_LIMITED"]
    assert not Photo.objects.exists()
    assert media.list_keys() == []


def test_a_persisted_query_sent_by_hash_pays_and_is_refused_alike(gql, budget):
    budget(10, 0.01)
    query = "{ photos(first: 4) { edges { cursor } } }"  # 5 points
    digest = hashlib.sha256(query.encode()).hexdigest()
    persisted = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    registered = gql.http.post(
        ENDPOINT,
        data=json.dumps({"query": query, "extensions": persisted}),
        content_type="application/json",
    )
    assert registered.status_code == 200
    assert registered.json()["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] == 5
    by_hash = {"extensions": json.dumps(persisted)}
    assert gql.http.get(ENDPOINT, by_hash).status_code == 200  # 0 left
    refused = gql.http.get(ENDPOINT, by_hash)
    assert refused.status_code == 429
    assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"


def test_an_sse_refusal_over_budget_says_retry_after_in_its_header():
    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    error = {"message": "over", "extensions": {"code": "RATE_LIMITED", "retryAfter": 7}}
    asyncio.run(sse._answer(send, 429, [error], {"headers": []}))
    assert sent[0]["status"] == 429
    assert (b"retry-after", b"7") in sent[0]["headers"]
