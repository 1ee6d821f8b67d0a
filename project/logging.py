"""Log lines an attacker cannot forge, written by a thread of their own.

Control characters in a message are escaped: messages carry client input (an operation
name, a username); one holding a newline would otherwise start a line of its own that
reads like the server's. Tracebacks, which the formatter appends after the message,
keep their lines.

`QueuedHandler` writes them: the thread that logs only enqueues the record, and a
listener thread filters, formats, writes and flushes it. A write and a flush per line,
in the request thread, were most of what `{ me { id } }` cost beyond executing it
(bench/RESULTS.md, trivial_query). `LineFormatter` formats their times for less than
logging's own; project/log_lines.py takes a line logged on every request off the
request thread altogether.
"""

import atexit
import logging
import os
import queue
import re
import sys
import threading
import time
import weakref
from logging.handlers import QueueHandler, QueueListener
from typing import TextIO

# C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _escape(match: re.Match) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


class EscapeControlCharacters(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg, record.args = _CONTROL.sub(_escape, message), None
        return True


# How long the listener waits, once woken by a record, for others to join it: threads
# that log meanwhile append without waking it (no system call in their path), and the
# lines of a busy moment are written with one write and one flush.
LINGER_SECONDS = 0.05


class LingeringListener(QueueListener):
    """A QueueListener that, woken by an item, waits LINGER_SECONDS for others to join it."""

    def dequeue(self, block: bool):
        try:
            return self.queue.get_nowait()  # more are queued: no pause
        except queue.Empty:
            item = self.queue.get()  # none: sleep until one comes
            time.sleep(LINGER_SECONDS)
            return item


class _BatchingListener(LingeringListener):
    """Hands its handler the records of a moment together, once the queue is empty."""

    def __init__(self, handler: "QueuedHandler") -> None:
        super().__init__(handler.queue)
        self.handler = handler
        self.batch: list[logging.LogRecord] = []

    def handle(self, record: logging.LogRecord) -> None:
        self.batch.append(record)
        if self.queue.empty():
            self._write()

    def stop(self) -> None:
        super().stop()  # the thread has ended: what it gathered is written here
        self._write()

    def _write(self) -> None:
        batch, self.batch = self.batch, []
        if batch:
            self.handler.write(batch)


class ListenerThread:
    """Owns a listener thread over `self.queue`: it starts with the first item a process
    queues, never at configuration (gunicorn and Celery's prefork pool configure logging
    once and then fork, and a thread does not survive a fork, so a listener started in
    the parent would leave every child queueing to nobody); at exit it hands over what
    is queued and stops; a forked child starts afresh."""

    def _reset_listener(self) -> None:
        # In a forked child the parent's thread is not here, and its queue and lock may
        # have been copied mid-use.
        self.queue: queue.SimpleQueue = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._listener: QueueListener | None = None
        self._stopped = False
        _OWNERS.add(self)

    def _new_listener(self) -> QueueListener:
        raise NotImplementedError

    def _start(self) -> bool:
        """Start this process's listener; False once it has stopped for good."""
        with self._lock:
            if self._stopped:
                return False
            if self._listener is None:
                listener = self._new_listener()
                listener.start()
                atexit.register(self._stop)
                self._listener = listener
            return True

    def _stop(self) -> None:
        with self._lock:
            listener, self._listener, self._stopped = self._listener, None, True
        if listener is not None:
            listener.stop()  # handles what is queued, then joins the thread


class LineFormatter(logging.Formatter):
    """logging.Formatter, with each second's `asctime` formatted once, not once a line:
    the time was half of what formatting an operation line cost the listener."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._second: tuple[int, str] = (-1, "")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        if datefmt is not None or self.converter is not time.localtime:
            return super().formatTime(record, datefmt)
        second = int(record.created)
        if self._second[0] != second:
            self._second = (second, time.strftime(self.default_time_format, time.localtime(second)))
        return self.default_msec_format % (self._second[1], record.msecs)


class QueuedHandler(QueueHandler, ListenerThread):
    """Lines to a stream (stderr by default) or appended to `filename`, by a thread of
    their own.

    Configured as `{"()": "project.logging.QueuedHandler", ...}`: the "()" form, because
    Python 3.12's dictConfig treats a QueueHandler `class` as one that names other
    configured handlers. The logging thread only merges the message with its arguments
    and queues a copy of the record; filters and the formatter run in the listener
    thread, filters first (the escaping must see the message before a traceback joins
    it). The listener, once woken, lingers a moment (LINGER_SECONDS: how late a line may
    be written), then writes what came meanwhile at once.

    The listener starts with the first record a process emits, never at configuration:
    gunicorn (and Celery's prefork pool) configure logging once and then fork, and a
    thread does not survive a fork, so a listener started in the master would leave
    every worker enqueueing to a queue nobody reads. A forked child starts its own. At
    exit the listener writes what is queued and stops; a record emitted after that is
    written directly, so none is lost.
    """

    def __init__(self, stream: TextIO | None = None, filename: str | None = None) -> None:
        super().__init__(queue.SimpleQueue())
        self.filename = filename
        # As StreamHandler: the stream of when it is made (a file: opened when written).
        self.stream = None if filename else (stream or sys.stderr)
        self._reset_listener()

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        # Not QueueHandler's (a formatted copy.copy, a sixth of `{ me { id } }`): a copy
        # of the attributes, so that the listener formats its own record while other
        # handlers format the original, with the message merged now, while its arguments
        # are as they were. The time and the traceback are formatted where it is written.
        queued = type(record).__new__(type(record))
        queued.__dict__.update(record.__dict__)
        queued.msg, queued.args = record.getMessage(), None
        return queued

    def handle(self, record: logging.LogRecord) -> bool:
        # Not Handler.handle: no lock (the queue is thread-safe), and the filters run
        # where the record is written.
        self.emit(record)
        return True

    def emit(self, record: logging.LogRecord) -> None:
        if self._listener is None and not self._start():
            self.write([record])  # after the listener stopped, at exit
            return
        super().emit(record)

    def write(self, records: list[logging.LogRecord]) -> None:
        """Filter and format `records`, and write them with one write and one flush."""
        try:
            text = "".join(f"{self.format(record)}\n" for record in records if self.filter(record))
            if not text:
                return
            if self.stream is None:
                self.stream = open(self.filename, "a", encoding="utf-8")  # noqa: SIM115 (kept open)
            self.stream.write(text)
            self.stream.flush()
        except Exception:
            self.handleError(records[0])

    def _new_listener(self) -> QueueListener:
        return _BatchingListener(self)

    def close(self) -> None:
        self._stop()
        if self.filename and self.stream is not None:
            self.stream.close()
            self.stream = None
        super().close()


_OWNERS: "weakref.WeakSet[ListenerThread]" = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for owner in list(_OWNERS):
        owner._reset_listener()


# Registered at import (dictConfig imports this module to build the handler), so it runs
# in every child forked after a handler exists.
os.register_at_fork(after_in_child=_after_fork_in_child)
