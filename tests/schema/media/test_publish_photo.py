"""publishPhoto and unpublishPhoto: status, publishedAt and every counter in step."""

import pytest

from media_graph.models import Tag
from tests.schema.media.photos import mutate_node, upload
from tests.support.client import codes

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def draft(gql, alice, login, media):
    login(alice)
    return upload(gql, caption="#harbour")


def test_publish_sets_published_at_and_counts(gql, draft, alice):
    photo = mutate_node(gql, "publishPhoto", draft["id"])
    assert photo["status"] == "PUBLISHED" and photo["publishedAt"]
    assert photo["owner"]["photosCount"] == 1
    assert photo["tags"] == [{"name": "harbour", "photosCount": 1}]


def test_publish_twice_counts_once(gql, draft, alice):
    first = mutate_node(gql, "publishPhoto", draft["id"])
    second = mutate_node(gql, "publishPhoto", draft["id"])
    assert second["publishedAt"] == first["publishedAt"]
    alice.refresh_from_db()
    assert alice.photos_count == 1
    assert Tag.objects.get(name="harbour").photos_count == 1


def test_unpublish_goes_back_to_draft_and_uncounts(gql, draft, alice, bob, login):
    mutate_node(gql, "publishPhoto", draft["id"])
    photo = mutate_node(gql, "unpublishPhoto", draft["id"])
    assert photo["status"] == "DRAFT" and photo["publishedAt"] is None
    assert photo["owner"]["photosCount"] == 0
    assert photo["tags"] == [{"name": "harbour", "photosCount": 0}]
    assert mutate_node(gql, "unpublishPhoto", draft["id"])["owner"]["photosCount"] == 0
    login(bob)
    assert gql.execute("query($id: ID!) { photo(id: $id) { id } }", {"id": draft["id"]}).data == {
        "photo": None
    }


def test_others_cannot_see_a_draft_to_publish_it(gql, draft, bob, login):
    login(bob)
    assert codes(mutate_node(gql, "publishPhoto", draft["id"])) == [("id", "not_found")]


def test_others_get_permission_denied_on_a_published_photo(gql, draft, alice, bob, login):
    mutate_node(gql, "publishPhoto", draft["id"])
    login(bob)
    assert codes(mutate_node(gql, "unpublishPhoto", draft["id"])) == [(None, "permission_denied")]


def test_anonymous_is_unauthenticated(gql, draft):
    gql.token = None
    assert codes(mutate_node(gql, "publishPhoto", draft["id"])) == [(None, "unauthenticated")]
