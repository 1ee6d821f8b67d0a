"""Album writes that lose a race with the album's deletion answer not_found (the
mutation's payload turns DoesNotExist into it), never a server error or an orphan."""

import pytest

from media_graph.models import Album, AlbumPhoto
from media_graph.services.albums import album_add_photos, album_remove_photos, album_update
from tests.support.factories import make_album, make_photo

pytestmark = pytest.mark.django_db


def test_writes_to_an_album_deleted_meanwhile_raise_does_not_exist(alice):
    photo = make_photo(alice, "mine")
    album = make_album(alice, photos=[photo])
    stale = Album.objects.get(pk=album.pk)
    album.delete()
    writes = [
        lambda: album_update(album=stale, actor=alice, title="Renamed"),
        lambda: album_add_photos(album=stale, actor=alice, photo_ids=[photo.pk]),
        lambda: album_remove_photos(album=stale, actor=alice, photo_ids=[photo.pk]),
    ]
    for write in writes:
        with pytest.raises(Album.DoesNotExist):
            write()
    assert not Album.objects.exists() and not AlbumPhoto.objects.exists()
