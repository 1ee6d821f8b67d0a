"""Holding accounts for the length of a transaction, against their deletion.

Deleting an account locks its row FOR UPDATE first, then fixes other users' and
photos' counters. A like, comment or follow that involves that account takes
`hold_users` as its first statement: FOR KEY SHARE conflicts only with FOR UPDATE (a
deletion), never with the counter UPDATEs that other writes make, so

- a write that got there first finishes, and the deletion (waiting for the row) then
  sees its edge and counts it;
- a write that comes second waits holding nothing else (no deadlock with the deletion,
  which may need the rows it would have touched), then finds the account gone and
  raises, before any row or counter is written.
"""

from django.db import connection

from users.models import User


def hold_users(*user_ids: int) -> None:
    """Inside a transaction: these accounts exist and stay until it ends; else
    User.DoesNotExist (the caller's payload answers `not_found`)."""
    wanted = sorted(set(user_ids))
    if connection.vendor == "postgresql":
        # Django's select_for_update has no KEY SHARE mode: FOR UPDATE and FOR NO KEY
        # UPDATE would also wait for (and deadlock with) plain counter updates.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM {User._meta.db_table} WHERE id = ANY(%s) "
                "ORDER BY id FOR KEY SHARE",
                [wanted],
            )
            found = [row[0] for row in cursor.fetchall()]
    else:
        # SQLite runs one write transaction at a time: a plain read is enough.
        found = list(User.objects.filter(pk__in=wanted).order_by("pk").values_list("pk", flat=True))
    if found != wanted:
        raise User.DoesNotExist("This account no longer exists.")
