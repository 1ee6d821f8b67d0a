"""S3 presigned GET URLs (AWS Signature Version 4, query-string form) for a given time.

boto3 presigns with the current second and offers no way to choose another, so two
answers a second apart carry different URLs. This signs as AWS documents it ("Create a
presigned URL", SigV4 query authentication) for a time of our choosing: the start of
the current URL window (storage.url_windows), so every answer in a window gets the
same URL. Path-style addressing, as the storage is configured; UNSIGNED-PAYLOAD.
"""

import functools
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

ALGORITHM = "AWS4-HMAC-SHA256"
# The longest expiry SigV4 allows (7 days).
MAX_EXPIRES = 7 * 24 * 3600


@dataclass(frozen=True)
class Credentials:
    access_key: str
    secret_key: str
    token: str | None = None


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def _encode(text: str, safe: str = "-_.~") -> str:
    return quote(text, safe=safe)


@functools.lru_cache(maxsize=8)
def _signing_key(secret_key: str, day: str, region: str) -> bytes:
    # The same for a day: every URL of a window (and a feed signs dozens) shares it.
    key = _hmac(f"AWS4{secret_key}".encode(), day)
    for part in (region, "s3", "aws4_request"):
        key = _hmac(key, part)
    return key


def presign_get(
    *,
    endpoint_url: str,
    bucket: str,
    key: str,
    region: str,
    credentials: Credentials,
    signed_at: int,
    expires_in: int,
) -> str:
    """The URL that GETs `bucket/key` from `signed_at` (epoch seconds) for `expires_in`."""
    if not 1 <= expires_in <= MAX_EXPIRES:
        raise ValueError(f"a SigV4 URL expires within 1 s to 7 days, not {expires_in} s")
    moment = datetime.fromtimestamp(signed_at, UTC)
    amz_date, day = moment.strftime("%Y%m%dT%H%M%SZ"), moment.strftime("%Y%m%d")
    scope = f"{day}/{region}/s3/aws4_request"
    parts = urlsplit(endpoint_url.rstrip("/"))
    path = f"{parts.path}/{_encode(bucket)}/{_encode(key, safe='-_.~/')}"
    params = {
        "X-Amz-Algorithm": ALGORITHM,
        "X-Amz-Credential": f"{credentials.access_key}/{scope}",
        "X-Amz-Date": amz_date,
        "X-Amz-Expires": str(expires_in),
        "X-Amz-SignedHeaders": "host",
    }
    if credentials.token:
        params["X-Amz-Security-Token"] = credentials.token
    query = "&".join(f"{_encode(k)}={_encode(v)}" for k, v in sorted(params.items()))
    canonical = "\n".join(
        ["GET", path, query, f"host:{parts.netloc}", "", "host", "UNSIGNED-PAYLOAD"]
    )
    to_sign = "\n".join(
        [ALGORITHM, amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()]
    )
    signing_key = _signing_key(credentials.secret_key, day, region)
    signature = hmac.new(signing_key, to_sign.encode(), hashlib.sha256).hexdigest()
    return f"{parts.scheme}://{parts.netloc}{path}?{query}&X-Amz-Signature={signature}"
