"""S3 storage whose signed URLs name the endpoint browsers use, not the one the app uses.

Inside docker compose the app reaches MinIO as http://minio:9000, a name no browser
can resolve. A presigned URL's signature covers the host, so it must be signed for the
public endpoint (say http://localhost:9000) from the start; rewriting it afterwards
would break the signature.
"""

from functools import cached_property

from storages.backends.s3 import S3Storage
from storages.utils import clean_name


class PublicEndpointS3Storage(S3Storage):
    def __init__(self, *, public_endpoint_url: str, **settings):
        self.public_endpoint_url = public_endpoint_url
        super().__init__(**settings)

    @cached_property
    def _public_client(self):
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
        params["Key"] = self._normalize_name(clean_name(name))
        return self._public_client.generate_presigned_url(
            "get_object",
            Params=params,
            ExpiresIn=self.querystring_expire if expire is None else expire,
            HttpMethod=http_method,
        )
