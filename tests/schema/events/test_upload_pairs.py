"""groupPairs: two uploads of one moment (the same file name without its extension,
takenAt within a second) are grouped when both ask for it, through either upload path."""

import pytest

from media_graph.models import Photo, PhotoGroup
from tests.schema.media.direct import create, finalize, send
from tests.schema.media.photos import upload
from tests.support.images import make_jpeg

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.parametrize("media", ["filesystem"], indirect=True),
]

RELATED = "query($id: ID!) { photo(id: $id) { related { id } } }"


def still(taken_at="2024:05:01 10:20:30", width=640) -> bytes:
    return make_jpeg(width, 480, taken_at=taken_at)


def related_of(gql, photo_id: str) -> list[str]:
    return [p["id"] for p in gql.execute(RELATED, {"id": photo_id}).data["photo"]["related"]]


def test_a_still_and_its_clip_named_alike_are_grouped(gql, login, alice, media):
    login(alice)
    heic = upload(gql, still(), filename="IMG_0001.HEIC", groupPairs=True)
    mov = upload(gql, still("2024:05:01 10:20:31", 600), filename="IMG_0001.MOV", groupPairs=True)
    assert related_of(gql, heic["id"]) == [mov["id"]]
    assert related_of(gql, mov["id"]) == [heic["id"]]
    # The name is kept without folders or extension, bounded.
    assert set(Photo.objects.values_list("source_name", flat=True)) == {"IMG_0001"}


@pytest.mark.parametrize(
    "second_name, second_taken, flag",
    [
        ("IMG_0001.MOV", "2024:05:01 10:20:32", True),  # two seconds apart
        ("IMG_0002.MOV", "2024:05:01 10:20:30", True),  # another name
        ("IMG_0001.MOV", "2024:05:01 10:20:30", False),  # not asked for
    ],
)
def test_no_pair_without_the_same_name_moment_and_flag(
    gql, login, alice, media, second_name, second_taken, flag
):
    login(alice)
    first = upload(gql, still(), filename="IMG_0001.HEIC", groupPairs=True)
    upload(gql, still(second_taken, 600), filename=second_name, groupPairs=flag)
    assert related_of(gql, first["id"]) == []
    assert not PhotoGroup.objects.exists()


def test_no_name_is_stored_unless_asked(gql, login, alice, media):
    login(alice)
    upload(gql, still(), filename="holiday-with-grandma.jpg")
    assert Photo.objects.get().source_name == ""


def test_direct_uploads_pair_at_finalize(gql, login, alice, media):
    login(alice)
    answers = []
    for name, content in (("IMG_7.DNG", still()), ("IMG_7.JPG", still(width=600))):
        target = create(gql, content, filename=name)
        assert send(gql, target, content) == 200
        answers.append(finalize(gql, target["uploadId"], groupPairs=True))
    raw, jpeg = (answer["id"] for answer in answers)
    assert related_of(gql, jpeg) == [raw]


def test_a_third_upload_of_the_moment_joins_the_group(gql, login, alice, media):
    login(alice)
    ids = [
        upload(gql, still(width=640 - i * 8), filename=f"IMG_9.{ext}", groupPairs=True)["id"]
        for i, ext in enumerate(("HEIC", "MOV", "JPG"))
    ]
    assert related_of(gql, ids[0]) == ids[1:]
    assert PhotoGroup.objects.count() == 1
