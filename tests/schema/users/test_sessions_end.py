"""A password set again, or "sign out everywhere", ends the sessions started before it.

Four ways, each through HTTP: changePassword, resetPassword, the admin's set-password
form (as a superuser), signOutEverywhere. After each, every JWT and refresh token
issued before is refused, whichever device holds it; access tokens (scripts, CI) end
only with signOutEverywhere (or the admin's action). A new login works.
"""

import threading

import pytest
from django.db import connection, connections, transaction
from django.test import Client

from tests.moderation.test_admin import ADMIN_PASSWORD, csrf_token, post_form
from tests.schema.users.passwords import (
    CHANGE,
    CREATE_ACCESS_TOKEN,
    NEW_PASSWORD,
    OK,
    RESET,
    SIGN_OUT_EVERYWHERE,
)
from tests.schema.users.tokens import ME, REFRESH
from tests.support.accounts import PASSWORD
from tests.support.client import GraphQLClient, codes
from users import jwt_tokens, password_reset
from users.models import User

VERIFY = "mutation($token: String!) { verifyToken(token: $token) { payload } }"


@pytest.fixture
def admin_http(db) -> Client:
    """A superuser signed in to /admin/ through its login form, CSRF checks on."""
    User.objects.create_superuser(
        username="root", email="root@example.com", password=ADMIN_PASSWORD
    )
    client = Client(enforce_csrf_checks=True)
    page = client.get("/admin/login/")
    response = client.post(
        "/admin/login/?next=/admin/",
        {
            "username": "root",
            "password": ADMIN_PASSWORD,
            "csrfmiddlewaretoken": csrf_token(page.content.decode()),
        },
    )
    assert response.status_code == 302
    return client


def change_password(user: User, phone: GraphQLClient, admin_http) -> str:
    variables = {"input": {"oldPassword": PASSWORD, "newPassword": NEW_PASSWORD}}
    assert phone.execute(CHANGE, variables).data["changePassword"] == OK
    return NEW_PASSWORD


def reset_password(user: User, phone: GraphQLClient, admin_http) -> str:
    token = password_reset.make_token(user)  # the mailed link is tested in test_passwords
    variables = {"input": {"token": token, "newPassword": NEW_PASSWORD}}
    assert GraphQLClient().execute(RESET, variables).data["resetPassword"] == OK
    return NEW_PASSWORD


def admin_sets_password(user: User, phone: GraphQLClient, admin_http) -> str:
    response = post_form(
        admin_http,
        f"/admin/users/user/{user.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return NEW_PASSWORD


def sign_out_everywhere(user: User, phone: GraphQLClient, admin_http) -> str:
    variables = {"input": {"password": PASSWORD}}
    assert phone.execute(SIGN_OUT_EVERYWHERE, variables).data["signOutEverywhere"] == OK
    return PASSWORD


def admin_signs_out_everywhere(user: User, phone: GraphQLClient, admin_http) -> str:
    response = post_form(
        admin_http,
        "/admin/users/user/",
        {"action": "sign_out_everywhere", "_selected_action": [user.pk]},
    )
    assert response.status_code == 302
    return PASSWORD


WAYS = [
    pytest.param(change_password, False, id="changePassword"),
    pytest.param(reset_password, False, id="resetPassword"),
    pytest.param(admin_sets_password, False, id="admin-set-password"),
    pytest.param(sign_out_everywhere, True, id="signOutEverywhere"),
    pytest.param(admin_signs_out_everywhere, True, id="admin-sign-out-everywhere"),
]


def is_refused(response) -> bool:
    return response.error_codes == ["UNAUTHENTICATED"]


@pytest.mark.parametrize(("end_sessions", "ends_access_tokens"), WAYS)
def test_every_earlier_session_ends(alice, login, admin_http, end_sessions, ends_access_tokens):
    phone, laptop, anonymous = GraphQLClient(), GraphQLClient(), GraphQLClient()
    on_phone = login(alice, phone)
    on_laptop = login(alice, laptop)
    # A refresh token rotated before the change is of the same login: it ends too.
    rotated = anonymous.execute(REFRESH, {"refreshToken": on_laptop["refreshToken"]})
    on_laptop = rotated.data["refreshToken"]
    access = phone.execute(CREATE_ACCESS_TOKEN).data["createAccessToken"]["token"]
    bearer = {"Authorization": f"Bearer {access}"}
    assert anonymous.execute(ME, headers=bearer).data == {"me": {"username": "alice"}}

    password = end_sessions(alice, phone, admin_http)

    for old in (on_phone, on_laptop):
        assert is_refused(anonymous.execute(ME, headers=anonymous.headers(old["token"])))
        assert is_refused(anonymous.execute(VERIFY, {"token": old["token"]}))
        assert is_refused(anonymous.execute(REFRESH, {"refreshToken": old["refreshToken"]}))
    access_answer = anonymous.execute(ME, headers=bearer)
    if ends_access_tokens:
        assert is_refused(access_answer)
    else:
        assert access_answer.data == {"me": {"username": "alice"}}

    # Signing in again (with the password as it is now) starts a session that works.
    fresh = anonymous.execute(
        "mutation($u: String!, $p: String!) { tokenAuth(username: $u, password: $p) "
        "{ token refreshToken } }",
        {"u": "alice", "p": password},
        headers={},
    ).data["tokenAuth"]
    me = anonymous.execute(ME, headers=anonymous.headers(fresh["token"]))
    assert me.data == {"me": {"username": "alice"}}
    renewed = anonymous.execute(REFRESH, {"refreshToken": fresh["refreshToken"]}, headers={})
    me = anonymous.execute(ME, headers=anonymous.headers(renewed.data["refreshToken"]["token"]))
    assert me.data == {"me": {"username": "alice"}}


def test_a_login_whose_password_hash_is_upgraded_ends_nothing(alice, login, settings):
    """Django re-hashes a password at login when its hasher changed: not a new password."""
    before = login(alice)
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]
    login(alice, GraphQLClient())
    alice.refresh_from_db()
    assert alice.password.startswith("pbkdf2_sha256$")  # upgraded on that login
    client = GraphQLClient()
    assert client.execute(ME, headers=client.headers(before["token"])).data["me"]


@pytest.mark.parametrize("mutation", ["changePassword", "signOutEverywhere"])
def test_an_access_token_cannot_change_the_password_or_sign_out(gql, alice, login, mutation):
    login(alice)
    access = gql.execute(CREATE_ACCESS_TOKEN).data["createAccessToken"]["token"]
    document, variables = {
        "changePassword": (CHANGE, {"oldPassword": PASSWORD, "newPassword": NEW_PASSWORD}),
        "signOutEverywhere": (SIGN_OUT_EVERYWHERE, {"password": PASSWORD}),
    }[mutation]
    answer = gql.execute(
        document, {"input": variables}, headers={"Authorization": f"Bearer {access}"}
    )
    assert codes(answer.data[mutation]) == [(None, "permission_denied")]
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD) and alice.session_epoch == 0


@pytest.mark.parametrize("mutation", ["changePassword", "signOutEverywhere"])
def test_anonymous_is_unauthenticated(gql, alice, mutation):
    document, variables = {
        "changePassword": (CHANGE, {"oldPassword": PASSWORD, "newPassword": NEW_PASSWORD}),
        "signOutEverywhere": (SIGN_OUT_EVERYWHERE, {"password": PASSWORD}),
    }[mutation]
    answer = gql.execute(document, {"input": variables}, headers={})
    assert codes(answer.data[mutation]) == [(None, "unauthenticated")]


def test_sign_out_everywhere_with_a_wrong_password_ends_nothing(gql, alice, login):
    tokens = login(alice)
    answer = gql.execute(SIGN_OUT_EVERYWHERE, {"input": {"password": "not-it"}})
    assert codes(answer.data["signOutEverywhere"]) == [("password", "invalid")]
    assert gql.execute(ME).data == {"me": {"username": "alice"}}
    assert gql.execute(REFRESH, {"refreshToken": tokens["refreshToken"]}, headers={}).data


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real concurrent writers need PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_a_rotation_racing_a_password_change_hands_out_nothing_that_outlives_it(alice, login):
    """A rotation that has written its new refresh token but not yet committed, while
    changePassword runs: the change waits for it (both lock the account's row first)
    and then revokes the new token too, so it cannot renew the session past the change."""
    raw = login(alice, GraphQLClient())["refreshToken"]
    rotated, committing = threading.Event(), threading.Event()
    issued = {}

    def rotate_and_hold_the_commit():
        try:
            with transaction.atomic():
                issued["pair"] = jwt_tokens.rotate_refresh_token(raw)
                rotated.set()
                committing.wait(timeout=30)
        finally:
            connections.close_all()

    def change_the_password():
        try:
            changed = GraphQLClient()
            login(alice, changed)
            variables = {"input": {"oldPassword": PASSWORD, "newPassword": NEW_PASSWORD}}
            issued["changed"] = changed.execute(CHANGE, variables).data["changePassword"]
        finally:
            connections.close_all()

    rotation = threading.Thread(target=rotate_and_hold_the_commit)
    rotation.start()
    assert rotated.wait(timeout=30)
    change = threading.Thread(target=change_the_password)
    change.start()
    change.join(timeout=1)  # it waits for the rotation's lock on the account
    committing.set()
    rotation.join(timeout=30)
    change.join(timeout=30)

    assert issued["changed"] == OK
    anonymous = GraphQLClient()
    renewed = anonymous.execute(REFRESH, {"refreshToken": issued["pair"].refresh_token})
    assert is_refused(renewed)
