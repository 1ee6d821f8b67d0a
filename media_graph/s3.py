"""Everything here that leans on django-storages' S3Storage beyond its public API.

- `PublicEndpointS3Storage`: signed URLs that name the endpoint browsers use, not the
  one the app uses. Inside docker compose the app reaches MinIO as http://minio:9000,
  a name no browser can resolve. A presigned URL's signature covers the host, so it
  must be signed for the public endpoint (say http://localhost:9000) from the start;
  rewriting it afterwards would break the signature.
- `object_key`: the key an object name is stored under, for calls django-storages
  does not make itself (media_graph.storage deletes a set in one DeleteObjects call).
- `presigning_client`: the client that signs direct uploads' PUT URLs (the public
  endpoint's when there is one), through public boto3 and our own class only.
- `StableUrlS3Storage`: presigned URLs that stay the same for a window of time
  (media_graph.url_windows), signed by media_graph.sigv4 with the storage's credentials.

Both use private methods of S3Storage, named in PRIVATE_NAMES. They are tied to the
versions pinned in requirements.lock (django-storages 1.14.6): when that pin moves,
check each name still exists and still does what is used here (a test resolves them).
"""

from functools import cached_property

from storages.backends.s3 import S3Storage
from storages.utils import clean_name

from media_graph import sigv4, url_windows

PRIVATE_NAMES = (
    # The key for a name: the storage's location prefix joined to the cleaned name,
    # refused when it escapes that prefix. Every S3Storage method that takes a name uses it.
    "storages.backends.s3.S3Storage._normalize_name",
    # The boto3 session built from the storage's credential settings, for a second client.
    "storages.backends.s3.S3Storage._create_session",
)


def presigning_client(storage: S3Storage):
    """The boto3 client whose presigned URLs browsers can use: the public endpoint's, if any."""
    if isinstance(storage, StableUrlS3Storage) and storage.public_endpoint_url:
        return storage.public_client
    return storage.bucket.meta.client


def object_key(storage: S3Storage, name: str) -> str:
    """The S3 key `storage` keeps the object called `name` under (as its own calls do)."""
    return storage._normalize_name(clean_name(name))


class StableUrlS3Storage(S3Storage):
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


# The name docker compose's settings used before every S3 URL was windowed.
PublicEndpointS3Storage = StableUrlS3Storage
