"""A line logged on every request, off the request thread: its values are queued, and a
thread of its own makes the record and hands it to the logger.

The operation log line (schema/server/operations.py) cost `{ me { id } }` a third of its
time in the request thread even with a queued handler: making the LogRecord (paths split,
thread and process names looked up) and walking the logger's handlers. `LineLog.log`
only queues the line's values with the time and the thread; the record, the filters and
the handlers come later, in the logging thread, as for any other line: the same record,
the same handlers, its `created` and `thread` those of the request.

A record factory (OpenTelemetry's logging instrumentation installs one) runs in the
logging thread too, so it does not see the request's context: what a line must carry
from the request (a trace id) belongs in its arguments.

Lines are handled in order, at most LINGER_SECONDS late; `flush()` waits until what was
queued before it has been handled (tests read lines that way). Like the queued handler,
the thread starts with the first line a process logs (so every forked worker has its
own) and hands over what is queued before the process exits.
"""

import logging
import threading
import time
from logging.handlers import QueueListener

from project.logging import LingeringListener, ListenerThread


class _Flush:
    """Queued by `flush`: set once the lines queued before it are handled."""

    def __init__(self) -> None:
        self.done = threading.Event()


class LineLog(ListenerThread):
    def __init__(self, logger: logging.Logger, level: int, msg: str, pathname: str) -> None:
        self.logger, self.level, self.msg, self.pathname = logger, level, msg, pathname
        self._reset_listener()

    def enabled(self) -> bool:
        return self.logger.isEnabledFor(self.level)

    def log(self, args: tuple, msg: str | None = None) -> None:
        """Queue one line (`msg % args`, the log's own `msg` unless given) as logged now,
        by this thread."""
        thread = threading.current_thread()
        line = (args, time.time(), thread.ident, thread.name, msg or self.msg)
        if self._listener is None and not self._start():
            self._handle(line)  # after the thread stopped, at exit
            return
        self.queue.put(line)

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every line queued so far has been handled; False on a timeout."""
        if self._listener is None:
            return True
        marker = _Flush()
        self.queue.put(marker)
        return marker.done.wait(timeout)

    def _handle(self, item) -> None:
        if isinstance(item, _Flush):
            item.done.set()
            return
        args, created, thread, thread_name, msg = item
        record = self.logger.makeRecord(
            self.logger.name, self.level, self.pathname, 0, msg, args, None
        )
        record.created = created
        record.msecs = int((created - int(created)) * 1000) + 0.0
        record.relativeCreated = (created - logging._startTime) * 1000
        record.thread, record.threadName = thread, thread_name
        self.logger.handle(record)

    def _new_listener(self) -> QueueListener:
        return _Listener(self)


class _Listener(LingeringListener):
    def __init__(self, log: LineLog) -> None:
        super().__init__(log.queue)
        self.log = log

    def handle(self, item) -> None:
        try:
            self.log._handle(item)
        except Exception:  # as logging does: a line that fails is reported, never raised
            logging.getLogger(__name__).exception("a queued log line failed")
