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

from users.models import Block, User


def hold_users(*user_ids: int, unblocked: bool = False) -> None:
    """Inside a transaction: these accounts exist and stay until it ends; else
    User.DoesNotExist (the caller's payload answers `not_found`). `unblocked`: and none of
    them blocked another, else the same (a write toward someone blocked is `not_found`).

    The block check is a statement of its own, after the accounts are held: a block locks
    both accounts FOR UPDATE (media_graph/services/blocks.py), so a write either held them
    first (and the block, waiting, then ends what it made) or comes after and sees the
    block here."""
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
    between = Block.objects.filter(blocker_id__in=wanted, blocked_id__in=wanted)
    if unblocked and len(wanted) > 1 and between.exists():
        raise User.DoesNotExist("No user with this username.")


def lock_users(*user_ids: int) -> None:
    """Inside a transaction: these accounts, FOR UPDATE (as a deletion locks its own), in
    primary-key order: writes that hold them (hold_users) finish first, later ones wait."""
    wanted = sorted(set(user_ids))
    found = list(
        User.objects.select_for_update()
        .filter(pk__in=wanted)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if found != wanted:
        raise User.DoesNotExist("This account no longer exists.")
