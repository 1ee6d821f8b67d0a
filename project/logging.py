"""Log lines an attacker cannot forge: control characters in a message are escaped.

Messages carry client input (an operation name, a username); one holding a newline
would otherwise start a line of its own that reads like the server's. Tracebacks,
which the formatter appends after the message, keep their lines.
"""

import logging
import re

# C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _escape(match: re.Match) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


class EscapeControlCharacters(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg, record.args = _CONTROL.sub(_escape, message), None
        return True
