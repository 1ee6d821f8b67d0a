import pytest

from media_graph.models import Tag
from tests.schema.media.photos import upload
from tests.support.client import codes

pytestmark = pytest.mark.django_db(transaction=True)

UPDATE = """
mutation($input: UpdatePhotoInput!) {
  updatePhoto(input: $input) {
    __typename
    ... on Photo { caption altText tags { name photosCount } }
    ... on OperationInfo { messages { code field } }
  }
}
"""


def update(gql, **fields):
    return gql.execute(UPDATE, {"input": fields}).data["updatePhoto"]


@pytest.fixture
def photo(gql, alice, login, media):
    login(alice)
    return upload(gql, caption="#old #kept", publish=True)


def test_caption_edit_reparses_tags_and_moves_their_counters(gql, photo):
    payload = update(gql, id=photo["id"], caption="#kept #New")
    assert payload["caption"] == "#kept #New"
    assert payload["tags"] == [
        {"name": "kept", "photosCount": 1},
        {"name": "new", "photosCount": 1},
    ]
    assert Tag.objects.get(name="old").photos_count == 0


def test_alt_text_alone_leaves_the_caption(gql, photo):
    payload = update(gql, id=photo["id"], altText="Two boats")
    assert payload["altText"] == "Two boats" and payload["caption"] == "#old #kept"


def test_too_long_caption_is_invalid_and_changes_nothing(gql, photo):
    assert codes(update(gql, id=photo["id"], caption="y" * 2201)) == [("caption", "invalid")]
    assert update(gql, id=photo["id"])["caption"] == "#old #kept"


def test_someone_elses_photo_is_permission_denied(gql, photo, bob, login):
    login(bob)
    assert codes(update(gql, id=photo["id"], caption="mine")) == [(None, "permission_denied")]


def test_someone_elses_draft_is_not_found(gql, alice, bob, login, media):
    login(alice)
    draft = upload(gql)
    login(bob)
    assert codes(update(gql, id=draft["id"], caption="x")) == [("id", "not_found")]


@pytest.mark.parametrize("bad_id", ["nonsense", "VXNlcjox", ""])
def test_malformed_or_foreign_ids_are_not_found(gql, photo, bad_id):
    assert codes(update(gql, id=bad_id, caption="x")) == [("id", "not_found")]


def test_anonymous_is_unauthenticated(gql, photo):
    gql.token = None
    assert codes(update(gql, id=photo["id"], caption="x")) == [(None, "unauthenticated")]
