"""App-signed URLs: an HMAC of a path and its expiry, made per URL window.

The filesystem twin of S3's presigned GET: local media (storage.local) and the app's
own variant URLs (media_graph.variants, whatever the storage) carry one, and their
views serve nothing without a valid, unexpired one. Signatures are made per window
(storage.url_windows), so a URL stays the same for a while.
"""

import base64
import functools
import hashlib
import hmac

from django.conf import settings
from django.utils.crypto import constant_time_compare

from media_graph.storage import url_windows

# The salt local media were signed with from the start (URLs in caches still carry it).
SALT = "media_graph.local_storage"


@functools.lru_cache(maxsize=16)
def _key(salt: str, secret: str) -> bytes:
    # Derived once per salt (and secret), as django.utils.crypto.salted_hmac derives it
    # on every call: a srcSet signs 8 URLs per photo, so the derivation showed.
    return hashlib.sha256(f"{salt}signer{secret}".encode()).digest()


def _signature(value: str, salt: str) -> str:
    digest = hmac.new(_key(salt, settings.SECRET_KEY), value.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def signed_query(path: str, *, salt: str = SALT) -> str:
    """The query string that makes `path` fetchable until the current window's expiry.

    Nothing in it needs escaping (digits; URL-safe base64), so no urlencode per URL.
    """
    expires = url_windows.expires_at()
    return f"exp={expires}&sig={_signature(f'{path}:{expires}', salt)}"


def signature_valid(path: str, query, *, salt: str = SALT) -> bool:
    """Whether `query` (request.GET) carries an unexpired signature of `path`."""
    expires, signature = query.get("exp", ""), query.get("sig", "")
    if not expires.isdigit() or int(expires) <= url_windows.now():
        return False
    return constant_time_compare(signature, _signature(f"{path}:{expires}", salt))
