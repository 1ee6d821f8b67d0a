"""A line logged on every request: queued by the request thread, handled by another."""

import logging
import threading
import time

from project.log_lines import LineLog


class Recording(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[logging.LogRecord, threading.Thread]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.seen.append((record, threading.current_thread()))


def line_log(name: str) -> tuple[LineLog, Recording]:
    logger = logging.getLogger(f"tests.log_lines.{name}")
    logger.propagate = False
    handler = Recording()
    logger.handlers = [handler]
    logger.setLevel(logging.INFO)
    return LineLog(logger, logging.INFO, "line %d of %s", __file__), handler


def test_a_line_is_handled_elsewhere_as_the_record_logged_by_the_request_would_be():
    log, handler = line_log("elsewhere")
    before = time.time()
    log.log((1, "x"))
    after = time.time()
    assert log.flush()
    [(record, handled_by)] = handler.seen
    assert handled_by is not threading.current_thread()
    assert record.getMessage() == "line 1 of x"
    assert (record.name, record.levelno, record.pathname) == (log.logger.name, 20, __file__)
    # When and by whom it was logged, not when it was handled.
    assert before <= record.created <= after
    assert record.thread == threading.get_ident()
    assert record.threadName == threading.current_thread().name
    log._stop()


def test_lines_keep_their_order_and_none_is_lost_at_stop():
    log, handler = line_log("order")
    for n in range(200):
        log.log((n, "y"))
    log._stop()  # as at exit: what is queued is handled first
    assert [record.getMessage() for record, _ in handler.seen] == [
        f"line {n} of y" for n in range(200)
    ]
    log.log((200, "y"))  # after the thread stopped: handled at once, here
    assert handler.seen[-1][0].getMessage() == "line 200 of y"
    assert handler.seen[-1][1] is threading.current_thread()


def test_a_disabled_level_is_known_before_anything_is_queued():
    log, _ = line_log("level")
    log.logger.setLevel(logging.WARNING)
    assert not log.enabled()
