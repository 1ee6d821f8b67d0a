"""The repair command (make_thumbnails): each kind of drift found, reported, and fixed."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from media_graph import storage
from media_graph.models import Photo
from media_graph.storage import s3
from tests.schema.media.photos import mutate_node, upload
from tests.support.images import make_jpeg

pytestmark = pytest.mark.django_db(transaction=True)


def repair(*args) -> list[str]:
    out = io.StringIO()
    call_command("make_thumbnails", *args, stdout=out)
    return out.getvalue().splitlines()


def plant(name: str) -> None:
    storage.save(name, ContentFile(b"left behind"))


@pytest.fixture
def drift(gql, alice, login, media):
    """A store with one photo of each kind of drift, and objects no row refers to."""
    login(alice)
    photos = {
        kind: upload(gql, make_jpeg(400 + i * 10, 300))
        for i, kind in enumerate(["healthy", "failed", "gone", "lost", "pending", "deleted"])
    }
    rows = {kind: Photo.objects.get(sha256=photo["sha256"]) for kind, photo in photos.items()}
    Photo.objects.filter(pk=rows["failed"].pk).update(processing_status="FAILED", thumbnails={})
    default_storage.delete(rows["gone"].thumbnails["medium"]["name"])
    default_storage.delete(rows["lost"].original.name)
    Photo.objects.filter(pk=rows["pending"].pk).update(processing_status="PENDING", thumbnails={})
    # A deleted photo's set that landed after its delete ran, and an original whose row
    # never committed.
    deleted_set = [entry["name"] for entry in rows["deleted"].thumbnails.values()]
    mutate_node(gql, "deletePhoto", photos["deleted"]["id"])
    for name in deleted_set:
        plant(name)
    plant("originals/0123456789abcdef0123456789abcdef.jpg")
    # An object beside a healthy set that is not in it (an older size, say).
    healthy = rows["healthy"].original.name
    plant(f"thumbnails/{healthy}.100x100_q80.jpg")
    return rows, deleted_set


def test_a_dry_run_reports_each_kind_of_drift_and_changes_nothing(drift, media):
    rows, deleted_set = drift
    before = media.list_keys()
    found = repair("--grace-minutes", "0")
    expected = {
        f"photo {rows['failed'].pk} ({rows['failed'].original.name}): FAILED",
        f"photo {rows['gone'].pk} ({rows['gone'].original.name}): READY with 1 variant(s) gone",
        f"photo {rows['lost'].pk} ({rows['lost'].original.name}): "
        "its original is missing from storage",
        *(f"orphan {name}: no photo refers to it" for name in deleted_set),
        "orphan originals/0123456789abcdef0123456789abcdef.jpg: no photo refers to it",
        f"orphan thumbnails/{rows['healthy'].original.name}.100x100_q80.jpg: "
        f"not in photo {rows['healthy'].pk}'s set",
    }
    pending = [line for line in found if line.startswith(f"photo {rows['pending'].pk} ")]
    assert len(pending) == 1 and "PENDING since" in pending[0]
    assert set(found[:-1]) - set(pending) == expected
    assert found[-1] == (
        "3 photo(s) to re-queue (--fix), 5 orphan object(s) found, 1 photo(s) without an original"
    )
    assert media.list_keys() == before


def test_fix_requeues_the_photos_and_deletes_the_orphans(drift, media):
    rows, _ = drift
    assert repair("--fix", "--grace-minutes", "0")[-1] == (
        "3 photo(s) re-queued, 5 orphan object(s) deleted, 1 photo(s) without an original"
    )
    for kind in ("healthy", "failed", "gone", "pending"):
        photo = Photo.objects.get(pk=rows[kind].pk)
        assert photo.processing_status == "READY" and len(photo.thumbnails) == 3, kind
    expected = set()
    for photo in Photo.objects.exclude(pk=rows["lost"].pk):
        expected |= {photo.original.name, *(e["name"] for e in photo.thumbnails.values())}
    expected |= {e["name"] for e in rows["lost"].thumbnails.values()}
    assert set(media.list_keys()) == expected
    # Only the photo without an original is left to an operator.
    assert repair("--grace-minutes", "0")[-1] == (
        "0 photo(s) to re-queue (--fix), 0 orphan object(s) found, 1 photo(s) without an original"
    )


def test_what_is_younger_than_the_grace_period_is_left_alone(drift):
    rows, _ = drift
    found = repair("--fix")  # the default: an hour
    # An upload stores its original before its row commits, and a queued set is PENDING.
    assert not [line for line in found if line.startswith("orphan")]
    assert not [line for line in found if f"photo {rows['pending'].pk} " in line]
    assert found[-1].startswith("2 photo(s) re-queued, 0 orphan object(s) deleted")


def test_the_join_spans_listing_pages(gql, alice, login, media, monkeypatch):
    monkeypatch.setattr(s3, "LISTING_PAGE", 2)  # S3's page is 1,000 keys
    login(alice)
    for width in (300, 310, 320):
        upload(gql, make_jpeg(width, 200))
    plant("originals/ffffffffffffffffffffffffffffffff.png")
    assert repair("--grace-minutes", "0") == [
        "orphan originals/ffffffffffffffffffffffffffffffff.png: no photo refers to it",
        "0 photo(s) to re-queue (--fix), 1 orphan object(s) found, 0 photo(s) without an original",
    ]


def test_a_photo_made_before_placeholders_gets_them_from_the_fix(gql, alice, login, media):
    login(alice)
    photo = Photo.objects.get(sha256=upload(gql)["sha256"])
    Photo.objects.filter(pk=photo.pk).update(blurhash="", dominant_color="")
    found = repair("--grace-minutes", "0")
    assert f"photo {photo.pk} ({photo.original.name}): READY without placeholders" in found
    repair("--fix", "--grace-minutes", "0")
    photo.refresh_from_db()
    assert photo.processing_status == "READY" and len(photo.blurhash) == 28
    assert photo.dominant_color.startswith("#")


def test_the_sweep_covers_ladder_variants(gql, alice, login, media):
    login(alice)
    photo = Photo.objects.get(sha256=upload(gql, make_jpeg(400, 300))["sha256"])
    uuid = photo.original.name.removeprefix("originals/").partition(".")[0]
    recorded = f"variants/{uuid}/v1/320.webp"
    plant(recorded)
    photo.variants.create(width=320, format="WEBP", version=1, name=recorded, size_bytes=11)
    stray = f"variants/{uuid}/v1/640.webp"  # a render that died before its row
    plant(stray)
    gone = "variants/ffffffffffffffffffffffffffffffff/v1/640.webp"  # its photo was deleted
    plant(gone)
    found = repair("--fix", "--grace-minutes", "0")
    assert sorted(line for line in found if line.startswith("orphan")) == [
        f"orphan {stray}: not in photo {photo.pk}'s set",
        f"orphan {gone}: no photo refers to it",
    ]
    assert recorded in media.list_keys()
    assert stray not in media.list_keys() and gone not in media.list_keys()


def test_a_replaced_set_gets_new_keys_and_the_old_ones_go(gql, alice, login, media):
    login(alice)
    photo = Photo.objects.get(sha256=upload(gql, make_jpeg(400, 300))["sha256"])
    old = {entry["name"] for entry in photo.thumbnails.values()}
    default_storage.delete(photo.thumbnails["medium"]["name"])
    repair("--fix", "--grace-minutes", "0")
    photo.refresh_from_db()
    new = {entry["name"] for entry in photo.thumbnails.values()}
    assert photo.processing_status == "READY" and photo.thumbnails_version == 2
    assert len(new) == 3 and not new & old
    assert not old & set(media.list_keys())
