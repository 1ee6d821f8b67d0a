"""Plain Django views that do what the GraphQL requests of the scenarios do, by hand.

Same authentication (the JWT header through users.jwt_tokens), the same visibility rules
(the `visible_to` querysets), the same writes (the services), the same storage calls,
and JSON of the same shape as the GraphQL response (the scenarios check that the two
answer equal data). What they skip is GraphQL itself: parsing, validation, the
resolver machinery, the optimizer, Strawberry's types. Their queries are the ones the
GraphQL path would ideally need (one per list, no per-row queries).
"""

import base64
import json
from datetime import UTC, datetime, timedelta

from django.db.models import Prefetch
from django.http import JsonResponse
from django.utils.crypto import salted_hmac

from media_graph import storage, thumbnails, variants
from media_graph.imaging.ladder import height_for, rung_for
from media_graph.models import Comment, Photo, Tag, original_key
from media_graph.querysets import viewer_has_liked
from media_graph.services import likes
from users.credentials import authenticate_header

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _global_id(type_name: str, pk: int) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def _pk(global_id: str, type_name: str) -> int | None:
    try:
        kind, _, pk = base64.b64decode(global_id).decode().partition(":")
    except ValueError:
        return None
    return int(pk) if kind == type_name and pk.isdigit() else None


def _viewer(request):
    viewer = authenticate_header(request.headers.get("Authorization")).user
    return viewer


def _unauthenticated() -> JsonResponse:
    return JsonResponse({"errors": [{"message": "You must be signed in."}]}, status=401)


def _image(request, made: dict | None) -> dict | None:
    if not made:
        return None
    url = request.build_absolute_uri(storage.url(made["name"]))
    return {"url": url, "width": made["width"], "height": made["height"]}


def _user(user) -> dict:
    return {
        "id": _global_id("User", user.pk),
        "username": user.username,
        "displayName": user.display_name or user.username,
    }


def _with_details(photos, viewer):
    """Photos with their owner, their visible tags and viewerHasLiked, in one go."""
    return (
        photos.select_related("owner")
        .annotate(viewer_liked=viewer_has_liked(viewer))
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.visible_to(viewer)))
    )


def _photo(request, photo: Photo, size: str) -> dict:
    return {
        "id": _global_id("Photo", photo.pk),
        "caption": photo.caption,
        "publishedAt": photo.published_at.isoformat() if photo.published_at else None,
        "owner": _user(photo.owner),
        "thumbnail": _image(request, photo.thumbnails.get(size)),
        "tags": [{"name": tag.name} for tag in photo.tags.all()],
        "likesCount": photo.likes_count,
        "commentsCount": photo.comments_count,
        "viewerHasLiked": photo.viewer_liked,
    }


def _cursor(*key) -> str:
    """A keyset cursor as the API makes them: the key in JSON, and a truncated HMAC."""
    values = [
        (value - EPOCH) // timedelta(microseconds=1) if isinstance(value, datetime) else value
        for value in key
    ]
    payload = json.dumps(["list", *values], separators=(",", ":")).encode()
    signature = salted_hmac("bench", payload, algorithm="sha256").digest()[:12]
    encoded = (base64.urlsafe_b64encode(raw).decode() for raw in (payload, signature))
    return ".".join(encoded)


def _variant(request, photo: Photo, requested: int, fmt: str) -> dict:
    """What Photo.image answers, computed from the row as the resolver does."""
    width = rung_for(requested, photo.width)
    return {
        "url": request.build_absolute_uri(variants.url(photo.pk, width, fmt)),
        "width": width,
        "height": height_for(width, (photo.width, photo.height)),
        "format": fmt,
    }


def feed(request, *, images: bool = False):
    """GET ?first=N: the first page of the viewer's feed (queries: token, page, tags).

    With `images`, each node also carries image(width: 640) and blurhash (feed_images).
    """
    viewer = _viewer(request)
    if not viewer.is_authenticated:
        return _unauthenticated()
    first = int(request.GET.get("first", 20))
    page = _with_details(Photo.objects.feed_for(viewer).visible_to(viewer), viewer)
    rows = list(page[: first + 1])
    edges = [
        {"cursor": _cursor(photo.published_at, photo.pk), "node": _photo(request, photo, "medium")}
        for photo in rows[:first]
    ]
    if images:
        for edge, photo in zip(edges, rows, strict=False):
            edge["node"]["image"] = _variant(request, photo, 640, "WEBP")
            edge["node"]["blurhash"] = photo.blurhash or None
    return JsonResponse(
        {
            "data": {
                "feed": {
                    "edges": edges,
                    "pageInfo": {
                        "hasNextPage": len(rows) > first,
                        "endCursor": edges[-1]["cursor"] if edges else None,
                    },
                }
            }
        }
    )


def feed_images(request):
    return feed(request, images=True)


def photo_detail(request):
    """GET ?id=<global id>: one photo and its first 10 comments (token, photo, tags, page)."""
    viewer = _viewer(request)
    pk = _pk(request.GET.get("id", ""), "Photo")
    photos = _with_details(Photo.objects.visible_to(viewer), viewer)
    photo = photos.filter(pk=pk).first() if pk is not None else None
    if photo is None:
        return JsonResponse({"data": {"photo": None}})
    first = int(request.GET.get("first", 10))
    comments = list(
        Comment.objects.visible_to(viewer)
        .filter(photo=photo)
        .select_related("author")
        .oldest_first()[: first + 1]
    )
    node = _photo(request, photo, "large")
    edges = [
        {
            "cursor": _cursor(comment.created_at, comment.pk),
            "node": {
                "id": _global_id("Comment", comment.pk),
                "text": comment.text,
                "createdAt": comment.created_at.isoformat(),
                "author": _user(comment.author),
            },
        }
        for comment in comments[:first]
    ]
    node["comments"] = {
        "edges": edges,
        "pageInfo": {
            "hasNextPage": len(comments) > first,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
    }
    return JsonResponse({"data": {"photo": node}})


def _change_like(request, change, field: str, liked: bool):
    """POST {"photoId": ...}: the same work as the mutation (token, photo, 2 writes, answer)."""
    viewer = _viewer(request)
    if not viewer.is_authenticated:
        return _unauthenticated()
    pk = _pk(json.loads(request.body).get("photoId", ""), "Photo")
    photo = Photo.objects.visible_to(viewer).filter(pk=pk).first() if pk is not None else None
    if photo is None:
        return JsonResponse({"data": {field: {"messages": [{"code": "not_found"}]}}})
    change(photo=photo, user=viewer)
    # The count as committed: other likes may have landed since the photo was read, so
    # the answer reads it again, as the mutation does (schema.core.common.refetch).
    count = Photo.objects.values_list("likes_count", flat=True).get(pk=photo.pk)
    return JsonResponse(
        {
            "data": {
                field: {
                    "id": _global_id("Photo", photo.pk),
                    "likesCount": count,
                    "viewerHasLiked": liked,
                }
            }
        }
    )


def like(request):
    return _change_like(request, likes.photo_like, "likePhoto", True)


def unlike(request):
    return _change_like(request, likes.photo_unlike, "unlikePhoto", False)


def upload(request):
    """POST multipart `file`: store the bytes under a fresh key, make the three thumbnails."""
    viewer = _viewer(request)
    if not viewer.is_authenticated:
        return _unauthenticated()
    file = request.FILES["file"]
    name = storage.save(original_key("jpg"), file)
    file.seek(0)
    made = thumbnails.render(file, relative_name=name)
    return JsonResponse(
        {
            "data": {
                "upload": {
                    size: {"width": entry["width"], "height": entry["height"]}
                    for size, entry in made.items()
                }
            }
        }
    )


def upload_store(request):
    """POST multipart `file`: store the bytes under a fresh key, nothing else (upload_queued)."""
    viewer = _viewer(request)
    if not viewer.is_authenticated:
        return _unauthenticated()
    name = storage.save(original_key("jpg"), request.FILES["file"])
    return JsonResponse({"data": {"upload": {"name": name}}})
