"""What the repair commands say about the cluster, run as an operator runs them
(manage.py with the cluster's settings), and what its bucket holds."""

import re
import time

import boto3
from botocore.config import Config as BotoConfig

from cluster.config import BUCKET, S3_ACCESS_KEY, S3_SECRET_KEY
from cluster.services import Cluster

_UUID = re.compile(r"originals/([0-9a-f]{32})\.")


def drift(cluster: Cluster, *, fix: bool = False) -> list[str]:
    """make_thumbnails' findings (one line each), nothing left alone for its age."""
    args = ["make_thumbnails", "--grace-minutes", "0", *(["--fix"] if fix else [])]
    lines = cluster.manage(*args).stdout.splitlines()
    return [line for line in lines if line.startswith(("photo ", "orphan "))]


def settle(cluster: Cluster, timeout: float = 90) -> list[str]:
    """The repair sweep (--fix), then check mode until no photo is still being made:
    the findings that remain (none, when every photo reached READY and no object is
    left without its row)."""
    drift(cluster, fix=True)
    deadline = time.monotonic() + timeout
    while True:
        found = drift(cluster)
        if not any("PENDING" in line for line in found) or time.monotonic() > deadline:
            return found
        time.sleep(2)


def recount_check(cluster: Cluster) -> tuple[int, str]:
    result = cluster.manage("recount", "--check", check=False)
    return result.returncode, result.stdout + result.stderr


def uuid_of(thumbnail_url: str) -> str:
    return _UUID.search(thumbnail_url).group(1)


def keys_of(cluster: Cluster, uuid: str) -> list[str]:
    """Every stored object of the photo whose original is originals/<uuid>.*."""
    client = boto3.client(
        "s3",
        endpoint_url=cluster.config.s3_url,
        aws_access_key_id=S3_ACCESS_KEY,
        aws_secret_access_key=S3_SECRET_KEY,
        region_name="us-east-1",
        config=BotoConfig(s3={"addressing_style": "path"}, signature_version="s3v4"),
    )
    keys = []
    for prefix in (f"originals/{uuid}", f"thumbnails/originals/{uuid}", f"variants/{uuid}/"):
        listing = client.list_objects_v2(Bucket=BUCKET, Prefix=prefix)
        keys += [entry["Key"] for entry in listing.get("Contents", [])]
    return sorted(keys)
