"""Everything here that leans on django-storages' S3Storage beyond its public API.

- `PublicEndpointS3Storage`: signed URLs that name the endpoint browsers use, not the
  one the app uses. Inside docker compose the app reaches MinIO as http://minio:9000,
  a name no browser can resolve. A presigned URL's signature covers the host, so it
  must be signed for the public endpoint (say http://localhost:9000) from the start;
  rewriting it afterwards would break the signature.
- `object_key`: the key an object name is stored under, for calls django-storages
  does not make itself (a set is deleted in one DeleteObjects call).
- `StableUrlS3Storage`: presigned URLs that stay the same for a window of time
  (storage.url_windows), signed by storage.sigv4 with the storage's credentials; and
  the media protocol (storage.base) in S3's own calls: ranged and streamed reads,
  batched deletes, paged listings, presigned PUTs (by the public endpoint's client
  when there is one), server-side copies.

Both use private methods of S3Storage, named in PRIVATE_NAMES. They are tied to the
versions pinned in requirements.lock (django-storages 1.14.6): when that pin moves,
check each name still exists and still does what is used here (a test resolves them).
"""

import base64
import logging
from collections.abc import Iterator
from datetime import datetime
from functools import cached_property

from botocore.exceptions import ClientError, FlexibleChecksumError
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

from media_graph.storage import sigv4, url_windows
from media_graph.storage.base import STORAGE_ERRORS, ChecksumMismatch, MediaStorage, Target
from media_graph.storage.ranged import RangedObject

# Storage failures log under one name, whichever backend met them.
logger = logging.getLogger("media_graph.storage")

# DeleteObjects takes at most this many keys per call.
_DELETE_BATCH = 1000
# Keys per ListObjectsV2 page (S3's own maximum): what a listing holds in memory at once.
LISTING_PAGE = 1000

PRIVATE_NAMES = (
    # The key for a name: the storage's location prefix joined to the cleaned name,
    # refused when it escapes that prefix. Every S3Storage method that takes a name uses it.
    "storages.backends.s3.S3Storage._normalize_name",
    # The boto3 session built from the storage's credential settings, for a second client.
    "storages.backends.s3.S3Storage._create_session",
)


def object_key(storage: S3Storage, name: str) -> str:
    """The S3 key `storage` keeps the object called `name` under (as its own calls do)."""
    return storage._normalize_name(clean_name(name))


class StableUrlS3Storage(S3Storage, MediaStorage):
    """S3 whose GET URLs are signed for the start of the current URL window.

    Every answer in one window names an object with the same URL (Apollo's cache and
    the browser's keep it), valid until one window after the window's end. Other
    methods or extra parameters are boto3's own presigning, as django-storages does it.
    `public_endpoint_url` names the endpoint browsers use when it is not the app's.
    """

    def __init__(self, *, public_endpoint_url: str | None = None, **settings):
        self.public_endpoint_url = public_endpoint_url
        super().__init__(**settings)

    @cached_property
    def public_client(self):
        return self._create_session().client(
            "s3",
            region_name=self.region_name,
            use_ssl=self.public_endpoint_url.startswith("https"),
            endpoint_url=self.public_endpoint_url,
            config=self.client_config,
            verify=self.verify,
        )

    @cached_property
    def _credentials(self):
        # boto3's chain (settings, environment, instance role): refreshed as it expires.
        return self._create_session().get_credentials()

    @property
    def _url_endpoint(self) -> str:
        return (
            self.public_endpoint_url
            or self.endpoint_url
            or f"https://s3.{self.region_name or 'us-east-1'}.amazonaws.com"
        )

    def url(self, name, parameters=None, expire=None, http_method=None):
        if parameters or expire is not None or http_method not in (None, "GET"):
            return super().url(name, parameters, expire, http_method)
        frozen = self._credentials.get_frozen_credentials()
        signed_at = url_windows.window_start()
        return sigv4.presign_get(
            endpoint_url=self._url_endpoint,
            bucket=self.bucket_name,
            key=object_key(self, name),
            region=self.region_name or "us-east-1",
            credentials=sigv4.Credentials(frozen.access_key, frozen.secret_key, frozen.token),
            signed_at=signed_at,
            expires_in=url_windows.expires_at(signed_at) - signed_at,
        )

    @property
    def _client(self):
        return self.connection.meta.client

    @property
    def presigning_client(self):
        """The client whose presigned URLs browsers can use: the public endpoint's, if any."""
        return self.public_client if self.public_endpoint_url else self._client

    def read_bytes(self, name: str) -> bytes:
        # One GetObject, without the transfer manager's worker thread that
        # django-storages' files download through (its CPU showed in a variant's first fetch).
        answer = self._client.get_object(Bucket=self.bucket_name, Key=object_key(self, name))
        return answer["Body"].read()

    def open_stream(self, name: str):
        try:
            answer = self._client.get_object(Bucket=self.bucket_name, Key=object_key(self, name))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise FileNotFoundError(name) from exc
            raise
        return _CheckedBody(answer["Body"])

    def open_ranged(self, name: str):
        return RangedObject(self._client, self.bucket_name, object_key(self, name))

    def delete_many(self, names: list[str]) -> list[str]:
        # The keys as django-storages writes them (its location prefix, cleaned names).
        keys = {object_key(self, name): name for name in names}
        batch = list(keys)
        left = []
        for start in range(0, len(batch), _DELETE_BATCH):
            chunk = batch[start : start + _DELETE_BATCH]
            try:
                answer = self.bucket.delete_objects(
                    Delete={"Objects": [{"Key": key} for key in chunk], "Quiet": True}
                )
            except STORAGE_ERRORS as exc:
                logger.error(
                    "could not delete %s from storage: %s", ", ".join(keys[k] for k in chunk), exc
                )
                left.extend(keys[k] for k in chunk)
                continue
            # Quiet mode lists only the keys that failed (a missing key counts as deleted).
            for error in answer.get("Errors", []):
                name = keys.get(error.get("Key"), error.get("Key"))
                logger.error(
                    "could not delete %s from storage: %s %s",
                    name,
                    error.get("Code"),
                    error.get("Message"),
                )
                left.append(name)
        return left

    def list_objects(self, prefix: str) -> Iterator[tuple[str, datetime]]:
        location = object_key(self, prefix)
        strip = len(location) - len(prefix)
        pages = self._client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket_name, Prefix=location, PaginationConfig={"PageSize": LISTING_PAGE}
        )
        for page in pages:
            for entry in page.get("Contents", []):
                yield entry["Key"][strip:], entry["LastModified"]

    def presign_put(
        self, name: str, *, size: int, content_type: str, sha256: str, expires_in: int
    ) -> Target:
        headers = {"Content-Type": content_type, "x-amz-checksum-sha256": checksum_header(sha256)}
        url = self.presigning_client.generate_presigned_url(
            "put_object",
            Params={
                "Bucket": self.bucket_name,
                "Key": object_key(self, name),
                # Signed headers: any other length, type or checksum fails the signature.
                "ContentLength": size,
                "ContentType": content_type,
                "ChecksumSHA256": headers["x-amz-checksum-sha256"],
            },
            ExpiresIn=expires_in,
            HttpMethod="PUT",
        )
        return Target(url=url, method="PUT", headers=headers)

    def check_writable(self, prefix: str) -> None:
        self._client.head_bucket(Bucket=self.bucket_name)

    def promote(self, staged: str, name: str) -> None:
        self._client.copy_object(
            Bucket=self.bucket_name,
            Key=object_key(self, name),
            CopySource={"Bucket": self.bucket_name, "Key": object_key(self, staged)},
        )


def checksum_header(sha256_hex: str) -> str:
    """x-amz-checksum-sha256's value: the digest in base64, not hex."""
    return base64.b64encode(bytes.fromhex(sha256_hex)).decode()


class _CheckedBody:
    """A GetObject body whose checksum failure (boto3 checks one the storage hands back)
    reads as ChecksumMismatch, whatever the backend."""

    def __init__(self, body) -> None:
        self._body = body

    def read(self, size: int = -1) -> bytes:
        try:
            return self._body.read(size if size >= 0 else None)
        except FlexibleChecksumError as exc:
            raise ChecksumMismatch() from exc

    def seekable(self) -> bool:
        return False

    def close(self) -> None:
        self._body.close()


# The name docker compose's settings used before every S3 URL was windowed.
PublicEndpointS3Storage = StableUrlS3Storage
