"""relatePhotos and unrelatePhoto: groups of 2 to 10 of the viewer's own photos; a photo
moves between groups; a group of one dissolves; `related` as each viewer may see it."""

import pytest

from media_graph.models import Photo, PhotoGroup
from tests.schema.media.photos import mutate_node
from tests.support.client import codes
from tests.support.factories import gid, make_photo, photo_row

pytestmark = pytest.mark.django_db

RELATE = """
mutation Relate($input: RelatePhotosInput!) {
  relatePhotos(input: $input) {
    __typename
    ... on Photo { id related { id } }
    ... on OperationInfo { messages { code field } }
  }
}
"""

UNRELATE = """
mutation Unrelate($input: NodeInput!) {
  unrelatePhoto(input: $input) {
    __typename
    ... on Photo { id related { id } }
    ... on OperationInfo { messages { code field } }
  }
}
"""

RELATED = "query($id: ID!) { photo(id: $id) { related { id } } }"


def ids(*photos) -> list[str]:
    return [gid("Photo", p.pk) for p in photos]


def relate(gql, *photos) -> dict:
    return gql.mutate("relatePhotos", RELATE, {"input": {"photoIds": ids(*photos)}})


def related_of(gql, photo) -> list[str] | None:
    found = gql.execute(RELATED, {"id": gid("Photo", photo.pk)}).data["photo"]
    return None if found is None else [p["id"] for p in found["related"]]


def test_relate_answers_the_first_photo_with_the_rest(gql, login, alice):
    raw, jpeg, edit = (photo_row(alice) for _ in range(3))
    login(alice)
    answer = relate(gql, jpeg, raw, edit)
    assert answer == {
        "__typename": "Photo",
        "id": gid("Photo", jpeg.pk),
        "related": [{"id": i} for i in ids(raw, edit)],
    }
    assert related_of(gql, raw) == ids(jpeg, edit)
    assert PhotoGroup.objects.count() == 1


def test_a_photo_moves_and_the_group_it_leaves_dissolves(gql, login, alice):
    a, b, c = (photo_row(alice) for _ in range(3))
    login(alice)
    relate(gql, a, b)
    relate(gql, b, c)
    assert related_of(gql, a) == []
    assert Photo.objects.get(pk=a.pk).group_id is None
    assert related_of(gql, c) == ids(b)
    assert PhotoGroup.objects.count() == 1


def test_unrelate_takes_the_photo_out_and_a_pair_dissolves(gql, login, alice):
    a, b, c = (photo_row(alice) for _ in range(3))
    login(alice)
    relate(gql, a, b, c)
    answer = gql.mutate("unrelatePhoto", UNRELATE, {"input": {"id": gid("Photo", c.pk)}})
    assert answer == {"__typename": "Photo", "id": gid("Photo", c.pk), "related": []}
    assert related_of(gql, a) == ids(b)
    gql.mutate("unrelatePhoto", UNRELATE, {"input": {"id": gid("Photo", a.pk)}})
    assert related_of(gql, b) == []
    assert not PhotoGroup.objects.exists()
    # Not in a group: nothing to do, no error.
    answer = gql.mutate("unrelatePhoto", UNRELATE, {"input": {"id": gid("Photo", a.pk)}})
    assert answer["__typename"] == "Photo"


def test_deleting_a_photo_leaves_the_rest_grouped(gql, login, alice):
    a, b, c = (make_photo(alice) for _ in range(3))
    login(alice)
    relate(gql, a, b, c)
    assert mutate_node(gql, "deletePhoto", gid("Photo", c.pk))["__typename"] == "DeletedNode"
    assert related_of(gql, a) == ids(b)
    mutate_node(gql, "deletePhoto", gid("Photo", b.pk))
    assert related_of(gql, a) == []
    assert not PhotoGroup.objects.exists()


def test_others_see_only_the_related_photos_they_may_see(gql, login, alice, bob):
    published, draft, other = photo_row(alice), photo_row(alice, published=False), photo_row(alice)
    login(alice)
    relate(gql, published, draft, other)
    assert related_of(gql, published) == ids(draft, other)
    login(bob)
    assert related_of(gql, published) == ids(other)
    assert related_of(gql, draft) is None


@pytest.mark.parametrize("count", [0, 1, 11])
def test_fewer_than_two_or_more_than_ten_are_invalid(gql, login, alice, count):
    photos = [photo_row(alice) for _ in range(count)]
    login(alice)
    assert codes(relate(gql, *photos)) == [("photoIds", "invalid")]
    assert not PhotoGroup.objects.exists()


def test_ten_is_fine_and_duplicates_are_invalid(gql, login, alice):
    photos = [photo_row(alice) for _ in range(10)]
    login(alice)
    assert codes(relate(gql, photos[0], photos[0])) == [("photoIds", "invalid")]
    assert len(relate(gql, *photos)["related"]) == 9


def test_only_your_own_photos(gql, login, alice, bob):
    mine, bobs = photo_row(alice), photo_row(bob)
    login(alice)
    assert codes(relate(gql, mine, bobs)) == [("photoIds", "not_found")]
    answer = gql.mutate(
        "relatePhotos", RELATE, {"input": {"photoIds": [gid("Photo", mine.pk), "x"]}}
    )
    assert codes(answer) == [("photoIds", "not_found")]
    assert not PhotoGroup.objects.exists()
    assert Photo.objects.get(pk=mine.pk).group_id is None
    # Bob's photo is one alice sees, but unrelating it is his to do.
    answer = gql.mutate("unrelatePhoto", UNRELATE, {"input": {"id": gid("Photo", bobs.pk)}})
    assert codes(answer) == [(None, "permission_denied")]


def test_anonymous_viewers_cannot_relate(gql, alice):
    a, b = photo_row(alice), photo_row(alice)
    assert codes(relate(gql, a, b)) == [(None, "unauthenticated")]
