"""The imaging package is pure: importing it loads neither Celery nor Django's database layer."""

import subprocess
import sys

from django.conf import settings


def test_importing_imaging_loads_no_celery_and_no_database_layer():
    probe = (
        "import sys, media_graph.imaging; "
        "print(sorted({m.split('.')[0] + '.' + m.split('.')[1] if m.count('.') else m "
        "for m in sys.modules if m.startswith(('celery', 'django.db', 'kombu'))}))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin"},
    ).stdout.strip()
    assert loaded == "[]"
