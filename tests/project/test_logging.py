"""The log handler: the logging thread only enqueues; lines come out as written directly."""

import io
import logging
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

from project.logging import EscapeControlCharacters, QueuedHandler

FORMAT = "%(levelname)s %(name)s %(message)s"


class ThreadRecorder(logging.Handler):
    """Remembers which thread handled each record."""

    def __init__(self) -> None:
        super().__init__()
        self.threads: list[threading.Thread] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.threads.append(threading.current_thread())


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


def test_the_logging_thread_only_enqueues():
    handler = QueuedHandler("tests.project.test_logging.ThreadRecorder")
    logging.getLogger("queued.test").addHandler(handler)
    try:
        logging.getLogger("queued.test").warning("one")
    finally:
        logging.getLogger("queued.test").removeHandler(handler)
        handler.close()
    [thread] = handler.target.threads
    assert thread is not threading.current_thread()


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
