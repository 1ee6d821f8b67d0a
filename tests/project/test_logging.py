"""The log handler: the logging thread only enqueues; lines come out as written directly."""

import io
import logging
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

from project.logging import EscapeControlCharacters, QueuedHandler
from tests.support.queue import wait_for

FORMAT = "%(levelname)s %(name)s %(message)s"


class RecordingStream(io.StringIO):
    """Remembers which thread wrote, and how many writes there were."""

    def __init__(self) -> None:
        super().__init__()
        self.writers: list[threading.Thread] = []

    def write(self, text: str) -> int:
        self.writers.append(threading.current_thread())
        return super().write(text)


def failing_record() -> logging.LogRecord:
    try:
        raise ValueError("inner")
    except ValueError:
        return logging.LogRecord(
            "app", logging.ERROR, __file__, 1, "bad %s", ("x\ny",), sys.exc_info()
        )


def written(handler: logging.Handler, record: logging.LogRecord) -> None:
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(EscapeControlCharacters())
    handler.handle(record)


def test_a_queued_line_reads_as_one_written_directly():
    queued_stream, direct_stream = io.StringIO(), io.StringIO()
    queued = QueuedHandler(stream=queued_stream)
    written(queued, failing_record())
    queued.close()  # the listener drains the queue before it stops
    written(logging.StreamHandler(direct_stream), failing_record())
    assert queued_stream.getvalue() == direct_stream.getvalue()
    first, *traceback = queued_stream.getvalue().splitlines()
    assert first == "ERROR app bad x\\ny"  # escaped; the traceback keeps its lines
    assert traceback[0] == "Traceback (most recent call last):"


def test_the_logging_thread_only_enqueues_and_a_busy_moment_is_one_write():
    stream = RecordingStream()
    handler = QueuedHandler(stream=stream)
    for n in range(100):
        handler.handle(logging.LogRecord("app", logging.INFO, __file__, 1, "line %d", (n,), None))
    wait_for(lambda: "line 99" in stream.getvalue(), timeout=10, what="the lines")
    handler.close()
    assert stream.getvalue().splitlines() == [f"line {n}" for n in range(100)]
    assert threading.current_thread() not in stream.writers
    # The listener lingers once woken: the lines logged meanwhile go out together.
    assert len(stream.writers) < 10


def test_a_file_is_opened_by_the_listener_and_appended_to(tmp_path):
    path = tmp_path / "app.log"
    path.write_text("before\n")
    handler = QueuedHandler(filename=str(path))
    handler.handle(logging.LogRecord("app", logging.INFO, __file__, 1, "after", (), None))
    handler.close()
    assert path.read_text() == "before\nafter\n"


def test_after_the_listener_stopped_lines_are_written_directly():
    stream = io.StringIO()
    handler = QueuedHandler(stream=stream)
    handler.close()
    written(handler, logging.LogRecord("app", logging.INFO, __file__, 1, "late", (), None))
    assert stream.getvalue() == "INFO app late\n"


SCRIPT = """
import logging.config, os, sys, threading
logging.config.dictConfig({
    "version": 1,
    "handlers": {"queued": {"()": "project.logging.QueuedHandler", "stream": "ext://sys.stdout"}},
    "root": {"handlers": ["queued"], "level": "INFO"},
})
assert threading.active_count() == 1, "a listener started at configuration"
pid = os.fork()
log = logging.getLogger("app")
log.info("%s %s", "child" if pid == 0 else "parent", os.getpid())
if pid == 0:
    sys.exit(0)  # a normal exit: the child's listener writes what it holds first
os.waitpid(pid, 0)
log.info("parent again")
"""


def test_each_forked_process_starts_its_own_listener_and_loses_no_line():
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(SCRIPT)],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert sorted(line.split()[0] for line in lines) == ["child", "parent", "parent"]
    assert lines[-1] == "parent again"
