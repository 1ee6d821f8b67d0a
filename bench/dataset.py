"""The benchmark data set's shape, shared by the builder and the scenarios."""

SEED = 20240501
USERS = 1_000
FOLLOWS_PER_USER = 100
PHOTOS = 20_000
TAGS_PER_PHOTO = (1, 4)
MEAN_LIKES = 10  # per photo, exponential: a few popular photos, many quiet ones
MAX_COMMENTS = 6  # per photo, uniform 0..6
DETAIL_COMMENTS = 30  # the photo of the detail scenario: more than one page
SHARED_SETS = 4  # distinct originals (with their thumbnails) that all rows point at
ORIGINAL_SIZE = (1600, 1200)
THUMBNAIL_SIZES = {"small": (320, 320), "medium": (640, 480), "large": (1280, 960)}
PASSWORD = "bench-password-123"


def username(index: int) -> str:
    return f"bench{index:04d}"


VIEWER = username(0)  # signs in for the read and like scenarios; follows 100 people
UPLOADER = username(1)  # owns the uploads of the upload scenario (deleted afterwards)


def original_name(shared: int) -> str:
    return f"originals/bench-shared-{shared}.jpg"


def thumbnail_name(shared: int, size: str) -> str:
    return f"thumbnails/bench/shared-{shared}.{size}.jpg"


def thumbnails_json(shared: int) -> dict:
    return {
        size: {"name": thumbnail_name(shared, size), "width": width, "height": height}
        for size, (width, height) in THUMBNAIL_SIZES.items()
    }


def shared_files() -> list[str]:
    """Every storage key the rows point at."""
    names = []
    for shared in range(SHARED_SETS):
        names.append(original_name(shared))
        names.extend(thumbnail_name(shared, size) for size in THUMBNAIL_SIZES)
    return names
