"""changePassword, requestPasswordReset and resetPassword through HTTP, with the reset
link mailed through a real SMTP server (aiosmtpd), after the request's commit."""

from datetime import datetime, timedelta

import pytest

from tests.schema.users.passwords import CHANGE, NEW_PASSWORD, OK, REQUEST_RESET, RESET, token_in
from tests.schema.users.tokens import ME
from tests.support.accounts import PASSWORD
from tests.support.client import GraphQLClient, codes
from tests.support.queue import broker, flush, redis_url_or_skip, wait_for, worker
from tests.support.smtpserver import SMTPServer
from users import password_reset
from users.models import User


@pytest.fixture
def smtp(settings):
    server = SMTPServer().start()
    server.use(settings)
    settings.PASSWORD_RESET_URL = "https://photos.example/reset?from=mail"
    yield server
    server.stop()


@pytest.fixture
def ask_reset(django_capture_on_commit_callbacks):
    """requestPasswordReset as an anonymous client, running what it leaves for after
    its commit (the mail, inline without a broker) as production does."""

    def ask(email: str) -> dict:
        with django_capture_on_commit_callbacks(execute=True):
            response = GraphQLClient().execute(REQUEST_RESET, {"input": {"email": email}})
        return response.data["requestPasswordReset"]

    return ask


def reset(token: str, password: str = NEW_PASSWORD) -> dict:
    variables = {"input": {"token": token, "newPassword": password}}
    return GraphQLClient().execute(RESET, variables).data["resetPassword"]


def can_sign_in(user: User, password: str) -> bool:
    user.refresh_from_db()
    return user.check_password(password)


# --- changePassword ------------------------------------------------------------------


def test_a_wrong_old_password_is_permission_denied_and_changes_nothing(gql, alice, login):
    login(alice)
    variables = {"input": {"oldPassword": "not-it", "newPassword": NEW_PASSWORD}}
    assert codes(gql.execute(CHANGE, variables).data["changePassword"]) == [
        ("oldPassword", "permission_denied")
    ]
    assert can_sign_in(alice, PASSWORD)
    assert gql.execute(ME).data == {"me": {"username": "alice"}}


@pytest.mark.parametrize("new", ["short", "12345678901", "password", "alice@example.com"])
def test_the_password_validators_apply_to_the_new_one(gql, alice, login, new):
    login(alice)
    variables = {"input": {"oldPassword": PASSWORD, "newPassword": new}}
    payload = gql.execute(CHANGE, variables).data["changePassword"]
    assert {(field, code) for field, code in codes(payload)} == {("newPassword", "invalid")}
    assert can_sign_in(alice, PASSWORD)
    assert gql.execute(ME).data == {"me": {"username": "alice"}}


def test_changing_the_password_answers_ok_and_the_new_one_signs_in(gql, alice, login):
    login(alice)
    variables = {"input": {"oldPassword": PASSWORD, "newPassword": NEW_PASSWORD}}
    assert gql.execute(CHANGE, variables).data["changePassword"] == OK
    assert can_sign_in(alice, NEW_PASSWORD)
    assert gql.execute(ME).error_codes == ["UNAUTHENTICATED"]  # this session too


def test_guessing_the_old_password_counts_against_the_login_throttle(gql, alice, login, settings):
    login(alice)
    settings.LOGIN_FAILURE_LIMIT = 2
    wrong = {"input": {"oldPassword": "guess", "newPassword": NEW_PASSWORD}}
    for _ in range(2):
        assert codes(gql.execute(CHANGE, wrong).data["changePassword"]) == [
            ("oldPassword", "permission_denied")
        ]
    right = {"input": {"oldPassword": PASSWORD, "newPassword": NEW_PASSWORD}}
    assert codes(gql.execute(CHANGE, right).data["changePassword"]) == [
        ("oldPassword", "rate_limited")
    ]
    assert can_sign_in(alice, PASSWORD)


# --- requestPasswordReset and resetPassword ------------------------------------------


def test_the_mailed_link_resets_the_password_once(smtp, ask_reset, alice):
    assert ask_reset("Alice@Example.com") == OK
    (mail,) = smtp.messages()
    assert mail.recipients == ["alice@example.com"]
    assert "https://photos.example/reset?from=mail&token=" in mail.body
    token = token_in(mail.body)

    assert reset(token) == OK
    assert can_sign_in(alice, NEW_PASSWORD)
    # Used: the same link again is refused, and the password stays.
    assert codes(reset(token, "yet-another-one-2027")) == [("token", "invalid")]
    assert can_sign_in(alice, NEW_PASSWORD)


def test_a_link_expires_after_an_hour(alice, settings):
    assert settings.PASSWORD_RESET_TIMEOUT == 3600
    now = datetime.now()  # the generator's clock: naive local time
    fresh = password_reset.make_token(alice, when=now - timedelta(minutes=59))
    stale = password_reset.make_token(alice, when=now - timedelta(minutes=61))
    assert codes(reset(stale)) == [("token", "invalid")]
    assert can_sign_in(alice, PASSWORD)
    assert reset(fresh) == OK


def test_a_new_password_anywhere_spends_every_link(alice, login, gql):
    token = password_reset.make_token(alice)
    login(alice)
    variables = {"input": {"oldPassword": PASSWORD, "newPassword": NEW_PASSWORD}}
    assert gql.execute(CHANGE, variables).data["changePassword"] == OK
    assert codes(reset(token, "yet-another-one-2027")) == [("token", "invalid")]
    assert can_sign_in(alice, NEW_PASSWORD)


@pytest.mark.parametrize(
    "token",
    ["", "made-up", "MQ.cr5y8w-0123456789abcdef0123456789abcdef", "x" * 5000,
     "OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5.cr5y8w-00", "%%%.%%%", "Ť.ű-ü"],
)  # fmt: skip
def test_a_made_up_or_malformed_token_is_invalid(alice, token):
    assert codes(reset(token)) == [("token", "invalid")]
    assert can_sign_in(alice, PASSWORD)


def test_a_good_link_with_a_weak_password_is_invalid_on_it_and_stays_usable(alice):
    token = password_reset.make_token(alice)
    assert {message for message in codes(reset(token, "alice"))} == {("newPassword", "invalid")}
    assert can_sign_in(alice, PASSWORD)
    assert reset(token) == OK


@pytest.mark.django_db(transaction=True)
def test_the_worker_mails_the_link_and_nothing_for_an_unknown_address(smtp, settings, alice):
    url = redis_url_or_skip()
    flush(url)
    anonymous = GraphQLClient()
    with broker(settings, url), worker():
        for email in ("nobody@example.com", "alice@example.com"):
            answer = anonymous.execute(REQUEST_RESET, {"input": {"email": email}})
            assert answer.data["requestPasswordReset"] == OK
        wait_for(lambda: smtp.messages(), what="alice's reset mail")
    flush(url)
    (mail,) = smtp.messages()
    assert mail.recipients == ["alice@example.com"] and mail.subject == "Reset your password"
    assert reset(token_in(mail.body)) == OK
    assert can_sign_in(alice, NEW_PASSWORD)


def test_an_unknown_email_is_ok_and_sends_nothing(smtp, ask_reset, alice):
    assert ask_reset("nobody@example.com") == OK
    assert smtp.messages() == []


def test_an_inactive_account_is_sent_nothing(smtp, ask_reset, alice):
    User.objects.filter(pk=alice.pk).update(is_active=False)
    assert ask_reset("alice@example.com") == OK
    assert smtp.messages() == []


def test_one_address_is_mailed_at_most_three_times_an_hour(smtp, ask_reset, alice, settings):
    assert settings.PASSWORD_RESET_EMAILS_PER_HOUR == 3
    for _ in range(5):
        assert ask_reset("alice@example.com") == OK
    assert len(smtp.messages()) == 3
    assert ask_reset("ALICE@example.com ") == OK  # the same address, however written
    assert len(smtp.messages()) == 3


@pytest.mark.parametrize(
    "email", ["", " ", "not-an-email", "a" * 250 + "@example.com", "alice@example.com\u0000"]
)
def test_what_cannot_be_an_email_is_invalid_and_sends_nothing(smtp, ask_reset, alice, email):
    response = GraphQLClient().execute(REQUEST_RESET, {"input": {"email": email}})
    if response.body.get("errors"):  # a NUL is refused before anything runs
        assert response.error_codes == ["BAD_USER_INPUT"]
    else:
        assert codes(response.data["requestPasswordReset"]) == [("email", "invalid")]
    assert smtp.messages() == []


@pytest.mark.parametrize("mutation", ["changePassword", "resetPassword", "requestPasswordReset"])
@pytest.mark.parametrize(
    "value",
    [
        pytest.param("x" * 10_001, id="too-long"),
        pytest.param("a\u0000b", id="nul"),
        pytest.param(None, id="null"),
        pytest.param(12, id="number"),
    ],
)
def test_malformed_input_is_a_code_never_a_500(gql, alice, login, mutation, value):
    login(alice)
    document, field, other = {
        "changePassword": (CHANGE, "newPassword", {"oldPassword": PASSWORD}),
        "resetPassword": (RESET, "newPassword", {"token": "made-up"}),
        "requestPasswordReset": (REQUEST_RESET, "email", {}),
    }[mutation]
    response = gql.execute(document, {"input": {**other, field: value}})
    assert response.status == 200
    assert response.error_codes == ["BAD_USER_INPUT"], response.body
    assert can_sign_in(alice, PASSWORD)


def test_a_huge_new_password_under_the_string_limit_is_invalid(gql, alice, login):
    login(alice)
    variables = {"input": {"oldPassword": PASSWORD, "newPassword": "x" * 5000}}
    payload = gql.execute(CHANGE, variables).data["changePassword"]
    assert codes(payload) == [("newPassword", "invalid")]
    assert can_sign_in(alice, PASSWORD)
