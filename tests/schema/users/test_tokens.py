import time

import jwt
import pytest
from django.conf import settings

from tests.schema.users.tokens import ME, REFRESH, REVOKE
from tests.support.accounts import PASSWORD, token_auth

VERIFY = "mutation($token: String!) { verifyToken(token: $token) { payload } }"


def test_token_auth_answers_the_contract_shape(gql, alice):
    tokens = token_auth(gql, "alice", PASSWORD).data["tokenAuth"]
    assert set(tokens) == {"token", "refreshToken", "payload", "refreshExpiresIn"}
    assert tokens["payload"]["username"] == "alice"
    lifetime = tokens["payload"]["exp"] - tokens["payload"]["origIat"]
    assert 5 * 60 <= lifetime <= 15 * 60
    assert tokens["refreshExpiresIn"] > time.time() + 24 * 3600


def test_username_is_case_insensitive_at_login(gql, alice):
    assert token_auth(gql, "ALICE", PASSWORD).data["tokenAuth"]["payload"]["username"] == "alice"


def test_wrong_password_is_unauthenticated(gql, alice):
    response = token_auth(gql, "alice", "wrong")
    assert response.status == 200
    assert response.error_codes == ["UNAUTHENTICATED"]
    assert response.body["data"] is None


def test_repeated_failures_for_one_username_are_rate_limited(gql, alice, clock):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        assert token_auth(gql, "alice", "wrong").error_codes == ["UNAUTHENTICATED"]
    # Even the right password is refused during the backoff delay (tests/users/
    # test_login_throttle.py: it grows with each failure, and the owner gets in after it).
    assert token_auth(gql, "alice", PASSWORD).error_codes == ["RATE_LIMITED"]
    # Another account is not locked by alice's failures.
    assert token_auth(gql, "bob", "wrong").error_codes == ["UNAUTHENTICATED"]


def test_repeated_failures_from_one_address_are_rate_limited(gql, alice, settings):
    settings.LOGIN_FAILURE_IP_LIMIT = 3
    for name in ("u1", "u2", "u3"):
        assert token_auth(gql, name, "wrong").error_codes == ["UNAUTHENTICATED"]
    assert token_auth(gql, "alice", PASSWORD).error_codes == ["RATE_LIMITED"]


def test_success_resets_the_username_counter(gql, alice):
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        token_auth(gql, "alice", "wrong")
    assert token_auth(gql, "alice", PASSWORD).data
    assert token_auth(gql, "alice", "wrong").error_codes == ["UNAUTHENTICATED"]
    assert token_auth(gql, "alice", PASSWORD).data


def test_verify_token(gql, alice, login):
    token = login(alice)["token"]
    assert (
        gql.execute(VERIFY, {"token": token}).data["verifyToken"]["payload"]["username"] == "alice"
    )


def test_refresh_rotates_and_the_old_refresh_token_stops_working(gql, alice, login):
    first = login(alice)
    second = gql.execute(REFRESH, {"refreshToken": first["refreshToken"]}).data["refreshToken"]
    assert second["refreshToken"] != first["refreshToken"]
    assert second["payload"]["username"] == "alice"
    assert gql.execute(ME, headers=gql.headers(second["token"])).data["me"]["username"] == "alice"

    third = gql.execute(REFRESH, {"refreshToken": second["refreshToken"]}).data["refreshToken"]
    assert third["refreshToken"] not in {first["refreshToken"], second["refreshToken"]}
    for old in (first, second):
        reused = gql.execute(REFRESH, {"refreshToken": old["refreshToken"]})
        assert reused.error_codes == ["UNAUTHENTICATED"]


def test_revoke(gql, alice, login):
    tokens = login(alice)
    revoked = gql.execute(REVOKE, {"refreshToken": tokens["refreshToken"]}).data["revokeToken"]
    assert abs(revoked["revoked"] - time.time()) < 60
    assert gql.execute(REFRESH, {"refreshToken": tokens["refreshToken"]}).error_codes == [
        "UNAUTHENTICATED"
    ]
    assert gql.execute(REVOKE, {"refreshToken": "nonsense"}).error_codes == ["UNAUTHENTICATED"]


def forged(secret: str, **claims) -> str:
    now = int(time.time())
    payload = {"username": "alice", "exp": now + 300, "origIat": now, **claims}
    return jwt.encode(payload, secret, algorithm="HS256")


@pytest.mark.parametrize(
    "token",
    [
        pytest.param("garbage", id="garbage"),
        pytest.param(None, id="expired"),
        pytest.param("tampered", id="tampered"),
        pytest.param("wrong-key", id="wrong-key"),
        pytest.param("none-alg", id="alg-none"),
    ],
)
def test_bad_tokens_never_authenticate(gql, alice, login, token):
    good = login(alice)["token"]
    token = {
        "garbage": "not.a.jwt",
        None: forged(settings.SECRET_KEY, exp=int(time.time()) - 10),
        "tampered": good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB"),
        "wrong-key": forged("another-secret-key-that-is-long-enough-000"),
        "none-alg": jwt.encode({"username": "alice", "exp": int(time.time()) + 60}, None, "none"),
    }[token]
    response = gql.execute(ME, headers={"Authorization": f"JWT {token}"})
    assert response.status == 200
    assert response.error_codes == ["UNAUTHENTICATED"]
    assert gql.execute(VERIFY, {"token": token}).error_codes == ["UNAUTHENTICATED"]


def test_token_of_a_disabled_user_does_not_authenticate(gql, alice, login):
    token = login(alice)["token"]
    alice.is_active = False
    alice.save()
    assert gql.execute(ME, headers=gql.headers(token)).error_codes == ["UNAUTHENTICATED"]


def test_a_jwt_cookie_without_a_header_is_ignored(gql, alice, login):
    token = login(alice)["token"]
    gql.http.cookies["JWT"] = token
    assert gql.execute(ME, headers={}).data == {"me": None}


def test_login_works_while_a_stale_header_is_still_sent(gql, alice):
    stale = forged(settings.SECRET_KEY, exp=int(time.time()) - 10)
    response = token_auth(gql, "alice", PASSWORD, headers={"Authorization": f"JWT {stale}"})
    assert response.data["tokenAuth"]["token"]
