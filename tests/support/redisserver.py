"""A redis-server of a test's own, on a free port: to fill up or stop as the test needs."""

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import redis

from tests.support.ports import free_port


class RedisServer:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url)

    def start(self) -> "RedisServer":
        binary = shutil.which("redis-server")
        if binary is None:
            if os.environ.get("CI"):  # .ci/run installs it: a skip there would hide that
                pytest.fail("no redis-server on this machine", pytrace=False)
            pytest.skip("no redis-server on this machine")
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
                "--maxmemory-policy",
                "noeviction",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                self.client().ping()
                return self
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)

    def fill(self) -> None:
        """Make it refuse writes as a full noeviction instance does (OOM errors)."""
        with self.client() as client:
            for n in range(32):
                client.set(f"ballast:{n}", b"x" * 32 * 1024)
        # Measured on a new connection: the one that wrote held its query buffer.
        with self.client() as client:
            used = int(client.info("memory")["used_memory"])
            client.config_set("maxmemory", used - 256 * 1024)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def count_in(settings, server: RedisServer) -> None:
    """The counting store (`throttles`: login throttles, rates, budgets) on `server`."""
    settings.CACHES = {
        **settings.CACHES,
        "throttles": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": server.url,
            "KEY_PREFIX": "throttle",
        },
    }
