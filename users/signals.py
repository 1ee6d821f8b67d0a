"""What the follow services announce, inside their transaction, to apps that react.

A follow's notification lives in media_graph (it sits beside likes', comments' and
album shares'), and users/ never imports media_graph. So the follow services send
these signals from inside their `transaction.atomic()` block: a receiver runs in the
same transaction, and what it writes commits or rolls back with the edge. They are
sent only when the edge really changed (not for a second, idempotent follow).

Both are sent with `follower` and `followee` (Users).
"""

from django.dispatch import Signal

follow_created = Signal()
follow_removed = Signal()
