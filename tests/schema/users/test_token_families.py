"""Refresh-token rotation with reuse detection: a replayed token ends its whole family."""

import threading

import pytest
from django.apps import apps
from django.db import connection, connections

from tests.schema.users.tokens import ME, REFRESH, REVOKE
from tests.support.client import GraphQLClient
from users import jwt_tokens
from users.models import RefreshTokenFamily


def refresh(gql, raw):
    return gql.execute(REFRESH, {"refreshToken": raw}, headers={})


def works(raw) -> bool:
    """Whether `raw` is still a live refresh token (checked without using it up)."""
    refresh_tokens = apps.get_model("refresh_token", "RefreshToken").objects
    return refresh_tokens.filter(token=raw, revoked__isnull=True).exists()


def test_a_replayed_refresh_token_revokes_the_current_one(gql, alice, login):
    # The owner rotates; a thief who copied the old token replays it.
    first = login(alice)["refreshToken"]
    second = refresh(gql, first).data["refreshToken"]
    third = refresh(gql, second["refreshToken"]).data["refreshToken"]

    replay = refresh(gql, first)
    assert replay.error_codes == ["UNAUTHENTICATED"]
    assert replay.errors[0]["message"] == "Invalid refresh token"
    # The owner's current token is dead too: both have to sign in again.
    assert refresh(gql, third["refreshToken"]).error_codes == ["UNAUTHENTICATED"]
    # The access token already issued keeps working until it expires (it is a JWT).
    assert gql.execute(ME, headers=gql.headers(third["token"])).data["me"]["username"] == "alice"


def test_the_thief_rotating_first_is_caught_when_the_owner_comes_back(gql, alice, login):
    stolen = login(alice)["refreshToken"]
    thiefs = refresh(gql, stolen).data["refreshToken"]["refreshToken"]
    # The owner presents the token it still holds, which the thief already rotated.
    assert refresh(gql, stolen).error_codes == ["UNAUTHENTICATED"]
    assert refresh(gql, thiefs).error_codes == ["UNAUTHENTICATED"]


def test_reuse_leaves_other_logins_alone(gql, alice, bob, login):
    laptop = login(alice)["refreshToken"]
    phone = login(alice)["refreshToken"]
    bobs = login(bob)["refreshToken"]
    refresh(gql, laptop)
    assert refresh(gql, laptop).error_codes == ["UNAUTHENTICATED"]
    assert refresh(gql, phone).data["refreshToken"]["payload"]["username"] == "alice"
    assert refresh(gql, bobs).data["refreshToken"]["payload"]["username"] == "bob"


def test_a_family_is_handed_on_at_each_rotation(gql, alice, login):
    first = login(alice)["refreshToken"]
    second = refresh(gql, first).data["refreshToken"]["refreshToken"]
    other = login(alice)["refreshToken"]
    family = RefreshTokenFamily.objects.get(refresh_token__token=first).family
    assert RefreshTokenFamily.objects.get(refresh_token__token=second).family == family
    assert RefreshTokenFamily.objects.get(refresh_token__token=other).family != family


def test_revoke_token_signs_the_login_out(gql, alice, login):
    first = login(alice)["refreshToken"]
    second = refresh(gql, first).data["refreshToken"]["refreshToken"]
    other = login(alice)["refreshToken"]
    assert gql.execute(REVOKE, {"refreshToken": second}).data["revokeToken"]["revoked"]
    assert refresh(gql, second).error_codes == ["UNAUTHENTICATED"]
    assert works(other)


def test_revoking_with_an_already_rotated_token_is_reuse_too(gql, alice, login):
    first = login(alice)["refreshToken"]
    second = refresh(gql, first).data["refreshToken"]["refreshToken"]
    assert gql.execute(REVOKE, {"refreshToken": first}).error_codes == ["UNAUTHENTICATED"]
    assert not works(second)


def test_an_unknown_token_revokes_nothing(gql, alice, login):
    current = login(alice)["refreshToken"]
    assert refresh(gql, "0" * 40).error_codes == ["UNAUTHENTICATED"]
    assert gql.execute(REVOKE, {"refreshToken": ""}).error_codes == ["UNAUTHENTICATED"]
    assert works(current)


def test_tokens_from_before_families_rotate_and_are_then_watched(gql, alice, login):
    legacy = login(alice)["refreshToken"]
    other = login(alice)["refreshToken"]
    RefreshTokenFamily.objects.all().delete()  # as issued before this change

    child = refresh(gql, legacy).data["refreshToken"]["refreshToken"]
    family = RefreshTokenFamily.objects.get(refresh_token__token=legacy).family
    assert RefreshTokenFamily.objects.get(refresh_token__token=child).family == family
    assert refresh(gql, legacy).error_codes == ["UNAUTHENTICATED"]
    assert not works(child)
    # The other login is still without a family row: a family of its own.
    assert works(other)


def test_a_legacy_token_revoked_before_families_is_a_family_of_its_own(gql, alice, login):
    old = login(alice)["refreshToken"]
    current = login(alice)["refreshToken"]
    assert gql.execute(REVOKE, {"refreshToken": old}).data
    RefreshTokenFamily.objects.all().delete()
    assert refresh(gql, old).error_codes == ["UNAUTHENTICATED"]
    assert works(current)


def test_the_loser_of_a_refresh_race_counts_as_reuse(gql, alice, login, monkeypatch):
    """Two refreshes with one token, interleaved: both read it live, one rotates it first.

    Played out on one connection: the other client's whole refresh runs between the
    loser's read and its conditional update.
    """
    raw = login(alice)["refreshToken"]
    read = jwt_tokens.get_refresh_token
    winner = {}

    def read_then_lose_the_race(token, *args, **kwargs):
        found = read(token, *args, **kwargs)
        if not winner:
            monkeypatch.setattr(jwt_tokens, "get_refresh_token", read)
            winner["issued"] = jwt_tokens.rotate_refresh_token(token)
        return found

    monkeypatch.setattr(jwt_tokens, "get_refresh_token", read_then_lose_the_race)
    assert refresh(gql, raw).error_codes == ["UNAUTHENTICATED"]
    assert winner["issued"].refresh_token
    assert not works(winner["issued"].refresh_token)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real concurrent writers need PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_refreshes_one_wins_and_the_family_ends(make_user, login):
    alice = make_user("alice")
    raw = login(alice, GraphQLClient())["refreshToken"]
    start = threading.Barrier(4)
    answers = []

    def refresh_once():
        try:
            start.wait()
            answers.append(refresh(GraphQLClient(), raw))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=refresh_once) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(answers) == 4
    won = [a for a in answers if not a.body.get("errors")]
    lost = [a for a in answers if a.body.get("errors")]
    assert len(won) == 1
    assert all(a.error_codes == ["UNAUTHENTICATED"] for a in lost)
    # Whichever way the others lost (the race or a later replay), they ended the family.
    assert not works(won[0].data["refreshToken"]["refreshToken"])
