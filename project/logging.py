"""Log lines an attacker cannot forge, written by a thread of their own.

Control characters in a message are escaped: messages carry client input (an operation
name, a username); one holding a newline would otherwise start a line of its own that
reads like the server's. Tracebacks, which the formatter appends after the message,
keep their lines.

`QueuedHandler` writes them: the thread that logs only enqueues the record, and a
listener thread formats, writes and flushes it. A write and a flush per line, in the
request thread, were most of what `{ me { id } }` cost beyond executing it
(bench/RESULTS.md, trivial_query).
"""

import atexit
import logging
import os
import queue
import re
import threading
import weakref
from logging.handlers import QueueHandler, QueueListener

from django.utils.module_loading import import_string

# C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _escape(match: re.Match) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


class EscapeControlCharacters(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg, record.args = _CONTROL.sub(_escape, message), None
        return True


class QueuedHandler(QueueHandler):
    """`handler` (a dotted class, built with `options`), fed through a queue.

    Configured as `{"()": "project.logging.QueuedHandler", "handler": ..., ...}`: the
    "()" form, because Python 3.12's dictConfig treats a QueueHandler `class` as one
    that names other configured handlers. Filters run in the logging thread, before the
    record is queued (the escaping must see the message before a traceback joins it);
    the formatter runs in the listener thread, where the line is written.

    The listener starts with the first record a process emits, never at configuration:
    gunicorn (and Celery's prefork pool) configure logging once and then fork, and a
    thread does not survive a fork, so a listener started in the master would leave
    every worker enqueueing to a queue nobody reads. A forked child starts its own. At
    exit the listener writes what is queued and stops; a record emitted after that is
    written directly, so none is lost.
    """

    def __init__(self, handler: str = "logging.StreamHandler", **options) -> None:
        super().__init__(queue.SimpleQueue())
        self.target: logging.Handler = import_string(handler)(**options)
        self._listener: QueueListener | None = None
        self._stopped = False
        self._lock = threading.Lock()
        _HANDLERS.add(self)

    def setFormatter(self, fmt: logging.Formatter | None) -> None:
        # The record is queued with its message merged (and any traceback appended), so
        # the line's format applies once, where it is written.
        self.target.setFormatter(fmt)

    def emit(self, record: logging.LogRecord) -> None:
        if self._listener is None and not self._start():
            self.target.handle(record)  # after the listener stopped, at exit
            return
        super().emit(record)

    def _start(self) -> bool:
        """Start this process's listener; False once it has stopped for good."""
        with self._lock:
            if self._stopped:
                return False
            if self._listener is None:
                listener = QueueListener(self.queue, self.target)
                listener.start()
                atexit.register(self._stop)
                self._listener = listener
            return True

    def _stop(self) -> None:
        with self._lock:
            listener, self._listener, self._stopped = self._listener, None, True
        if listener is not None:
            listener.stop()  # drains the queue, then joins the thread

    def _forked(self) -> None:
        # In a forked child: the parent's listener thread is not here, and its queue
        # and lock may have been copied mid-use. Start afresh on the first record.
        self.queue = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._listener, self._stopped = None, False

    def close(self) -> None:
        self._stop()
        self.target.close()
        super().close()


_HANDLERS: "weakref.WeakSet[QueuedHandler]" = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for handler in list(_HANDLERS):
        handler._forked()


# Registered at import (dictConfig imports this module to build the handler), so it runs
# in every child forked after a handler exists.
os.register_at_fork(after_in_child=_after_fork_in_child)
