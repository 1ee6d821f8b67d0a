"""The image holds every package the app imports: a package left out of the Dockerfile
fails only when the image starts, long after the suite passed."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# Top-level packages that are not the app's: the tests, the benchmarks, the one-machine
# cluster (make cluster) and the load generator (make load) stay out.
NOT_SHIPPED = {"tests", "bench", "cluster", "load"}


def test_the_image_copies_every_package_of_the_app():
    packages = {
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name not in NOT_SHIPPED
    }
    copied = set(re.findall(r"^COPY (\w+) \./\1$", (ROOT / "Dockerfile").read_text(), re.M))
    assert packages - copied == set()
