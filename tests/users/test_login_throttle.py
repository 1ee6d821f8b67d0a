"""Login throttling through `tokenAuth`: backoff per username, a limit per client address."""

import pytest
from django.test import RequestFactory

from tests.support.accounts import PASSWORD, token_auth
from users import throttle

PROXY = "10.0.0.2"


def attempt(gql, password, *, username="alice", remote="127.0.0.1", forwarded=None):
    """tokenAuth from REMOTE_ADDR `remote`, with an X-Forwarded-For header if given."""
    gql.http.defaults["REMOTE_ADDR"] = remote
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    response = token_auth(gql, username, password, headers=headers)
    if not response.body.get("errors"):
        return "OK"
    return response.error_codes[0]


def fail_until_the_limit(gql, settings, **where):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        assert attempt(gql, "wrong", **where) == "UNAUTHENTICATED"


# --- the client address ------------------------------------------------------------


@pytest.mark.parametrize(
    ("trusted", "forwarded", "expected"),
    [
        (0, None, "192.0.2.1"),
        (0, "198.51.100.7", "192.0.2.1"),  # never read without trusted proxies
        (1, None, "192.0.2.1"),  # a request that reached the app directly
        (1, "", "192.0.2.1"),
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # the client wrote the left one
        (2, "6.6.6.6, 198.51.100.7, 10.0.0.1", "198.51.100.7"),
        (2, "198.51.100.7", "198.51.100.7"),  # fewer entries: the leftmost one
        (3, " 198.51.100.7 ,10.0.0.1", "198.51.100.7"),
        (1, "2001:DB8:0:0::1", "2001:db8::1"),  # one spelling per address
        (1, "not-an-address", "not-an-address"),
    ],
)
def test_client_address(settings, trusted, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = trusted
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    request = RequestFactory().post("/graphql/", REMOTE_ADDR="192.0.2.1", **extra)
    assert throttle.client_address(request) == expected


def test_without_trusted_proxies_a_forged_header_does_not_dodge_the_address_limit(
    gql, alice, settings
):
    settings.LOGIN_FAILURE_IP_LIMIT = 3
    for n, name in enumerate(("u1", "u2", "u3")):
        assert attempt(gql, "wrong", username=name, forwarded=f"203.0.113.{n}") == (
            "UNAUTHENTICATED"
        )
    assert attempt(gql, PASSWORD, forwarded="203.0.113.99") == "RATE_LIMITED"


def test_without_trusted_proxies_a_forged_header_cannot_frame_another_address(gql, alice, settings):
    settings.LOGIN_FAILURE_IP_LIMIT = 3
    for name in ("u1", "u2", "u3"):
        attempt(gql, "wrong", username=name, remote="192.0.2.66", forwarded="198.51.100.7")
    assert attempt(gql, PASSWORD, remote="198.51.100.7") == "OK"
    assert attempt(gql, PASSWORD, remote="192.0.2.66") == "RATE_LIMITED"


@pytest.mark.parametrize(
    ("trusted", "chain"),
    [(1, "{client}"), (2, "{client}, 10.0.0.1")],
    ids=["one-proxy", "two-proxies"],
)
def test_behind_trusted_proxies_each_client_has_its_own_address_limit(
    gql, alice, settings, trusted, chain
):
    settings.TRUSTED_PROXY_COUNT = trusted
    settings.LOGIN_FAILURE_IP_LIMIT = 3

    def via_proxies(client, forged=None):
        forwarded = chain.format(client=client)
        return f"{forged}, {forwarded}" if forged else forwarded

    guesser = "198.51.100.7"
    for n, name in enumerate(("u1", "u2", "u3")):
        # Whatever the guesser writes into the header, the proxies append its address.
        header = via_proxies(guesser, forged=f"203.0.113.{n}")
        assert attempt(gql, "wrong", username=name, remote=PROXY, forwarded=header) == (
            "UNAUTHENTICATED"
        )
    assert attempt(gql, "wrong", username="u4", remote=PROXY, forwarded=via_proxies(guesser)) == (
        "RATE_LIMITED"
    )
    # Everyone else behind the same proxy still signs in.
    owner = via_proxies("192.0.2.10")
    assert attempt(gql, PASSWORD, remote=PROXY, forwarded=owner) == "OK"


# --- backoff per username ----------------------------------------------------------


def test_past_the_limit_each_attempt_waits_a_doubling_delay(gql, alice, settings, clock):
    settings.LOGIN_BACKOFF_BASE_SECONDS = 1
    settings.LOGIN_BACKOFF_MAX_SECONDS = 8
    fail_until_the_limit(gql, settings)
    for delay in (1, 2, 4, 8, 8, 8):
        # Inside the delay: refused without checking the password (the right one is too).
        assert attempt(gql, PASSWORD) == "RATE_LIMITED"
        clock.advance(delay - 0.01)
        assert attempt(gql, "wrong") == "RATE_LIMITED"
        clock.advance(0.01)
        # The delay is over: one guess, which fails and doubles the next delay.
        assert attempt(gql, "wrong") == "UNAUTHENTICATED"


def test_refused_attempts_do_not_count(gql, alice, settings, clock):
    fail_until_the_limit(gql, settings)
    for _ in range(20):
        assert attempt(gql, "wrong") == "RATE_LIMITED"
    clock.advance(1)
    assert attempt(gql, "wrong") == "UNAUTHENTICATED"
    clock.advance(2)  # still the second delay, not one grown by the refused attempts
    assert attempt(gql, "wrong") == "UNAUTHENTICATED"


def test_the_owner_signs_in_after_the_delay_and_that_resets_the_count(gql, alice, settings, clock):
    fail_until_the_limit(gql, settings)
    clock.advance(1)
    assert attempt(gql, PASSWORD) == "OK"
    # Back to the free failures below the limit.
    fail_until_the_limit(gql, settings)
    assert attempt(gql, PASSWORD) == "RATE_LIMITED"


def test_the_rate_limited_error_says_how_long_to_wait(gql, alice, settings, clock):
    fail_until_the_limit(gql, settings)
    clock.advance(1)
    attempt(gql, "wrong")
    gql.http.defaults["REMOTE_ADDR"] = "127.0.0.1"
    message = token_auth(gql, "alice", PASSWORD).errors[0]["message"]
    assert message == "Too many failed logins; try again in 2 s."


def test_the_delay_is_per_username(gql, alice, bob, settings, clock):
    fail_until_the_limit(gql, settings)
    assert attempt(gql, PASSWORD, username="bob") == "OK"
    assert attempt(gql, PASSWORD, username="ALICE") == "RATE_LIMITED"


def test_only_one_of_racing_attempts_gets_the_turn_after_a_delay(alice, settings, clock):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        # An attempt is counted when it is let through, its outcome reported after.
        assert throttle.login_wait(username="alice", address="192.0.2.1") is None
        throttle.login_failed(username="alice", address="192.0.2.1")
    clock.advance(1)
    # Both arrive before either has checked its password.
    first = throttle.login_wait(username="alice", address="192.0.2.1")
    second = throttle.login_wait(username="alice", address="192.0.2.2")
    assert first is None
    assert second == 2  # the next delay, should the attempt holding the turn fail
    throttle.login_failed(username="alice", address="192.0.2.1")
    clock.advance(2)
    assert throttle.login_wait(username="alice", address="192.0.2.2") is None


def test_a_steady_guesser_is_held_to_one_guess_per_maximum_delay(alice, settings, clock):
    settings.LOGIN_BACKOFF_BASE_SECONDS = 1
    settings.LOGIN_BACKOFF_MAX_SECONDS = 300
    hours = 6
    guesses = 0
    for second in range(hours * 3600):  # one try a second, on the throttle's clock
        address = f"192.0.2.{second % 250}"  # from many addresses: the address limit aside
        if throttle.login_wait(username="alice", address=address) is None:
            guesses += 1
            throttle.login_failed(username="alice", address=address)
        clock.advance(1)
    # 5 free guesses (t = 0..4), 9 more as the delay doubles from 1 s to 256 s (the last
    # at t = 4 + 511 = 515), then one per 300 s: about 12 an hour, however long it runs.
    assert guesses == 5 + 9 + (hours * 3600 - 1 - 515) // 300


def test_a_refused_login_is_a_429_whose_retry_after_is_the_errors(gql, alice, settings, clock):
    # The contract: a top-level RATE_LIMITED error carries extensions.retryAfter, and
    # over HTTP the answer is a 429 with the same Retry-After.
    fail_until_the_limit(gql, settings)
    response = token_auth(gql, "alice", PASSWORD)
    error = response.body["errors"][0]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert response.status == 429
    assert response.headers["Retry-After"] == str(error["extensions"]["retryAfter"]) == "1"
    clock.advance(1)
    assert token_auth(gql, "alice", PASSWORD).status == 200
