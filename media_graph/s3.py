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

Both use private methods of S3Storage, named in PRIVATE_NAMES. They are tied to the
versions pinned in requirements.lock (django-storages 1.14.6): when that pin moves,
check each name still exists and still does what is used here (a test resolves them).
"""

from functools import cached_property

from storages.backends.s3 import S3Storage
from storages.utils import clean_name

PRIVATE_NAMES = (
    # The key for a name: the storage's location prefix joined to the cleaned name,
    # refused when it escapes that prefix. Every S3Storage method that takes a name uses it.
    "storages.backends.s3.S3Storage._normalize_name",
    # The boto3 session built from the storage's credential settings, for a second client.
    "storages.backends.s3.S3Storage._create_session",
)


def presigning_client(storage: S3Storage):
    """The boto3 client whose presigned URLs browsers can use: the public endpoint's, if any."""
    if isinstance(storage, PublicEndpointS3Storage):
        return storage.public_client
    return storage.bucket.meta.client


def object_key(storage: S3Storage, name: str) -> str:
    """The S3 key `storage` keeps the object called `name` under (as its own calls do)."""
    return storage._normalize_name(clean_name(name))


class PublicEndpointS3Storage(S3Storage):
    def __init__(self, *, public_endpoint_url: str, **settings):
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

    def url(self, name, parameters=None, expire=None, http_method=None):
        params = dict(parameters or {})
        params["Bucket"] = self.bucket_name
        params["Key"] = object_key(self, name)
        return self.public_client.generate_presigned_url(
            "get_object",
            Params=params,
            ExpiresIn=self.querystring_expire if expire is None else expire,
            HttpMethod=http_method,
        )
