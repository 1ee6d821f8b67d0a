"""`manage.py recount`: every denormalised counter checked against its rows, and fixed."""

from io import StringIO

import pytest
from django.core.management import call_command

from media_graph.counters import Drift, recount
from media_graph.models import Like, Photo, Tag
from media_graph.services.comments import comment_add
from media_graph.services.follows import user_follow
from media_graph.services.likes import photo_like
from tests.support.factories import make_photo
from users.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user) -> dict:
    """A small network built through the services, so every counter starts out right."""
    alice, bob, carol = make_user("alice"), make_user("bob"), make_user("carol")
    sea = make_photo(alice, "#sea #sky")
    make_photo(alice, "#sea")
    make_photo(alice, "#sea #secret", publish=False)  # drafts count nowhere
    dune = make_photo(bob, "#sand")
    for follower, followee in ((bob, alice), (carol, alice), (alice, bob)):
        user_follow(follower=follower, followee=followee)
    for user in (bob, carol):
        photo_like(photo=sea, user=user)
    photo_like(photo=dune, user=alice)
    comment_add(photo=sea, author=bob, text="wow")
    comment_add(photo=sea, author=carol, text="where?")
    return {
        "alice": alice,
        "bob": bob,
        "carol": carol,
        "sea": sea,
        "dune": dune,
        **{f"#{tag.name}": tag for tag in Tag.objects.all()},
    }


def run_recount(*args: str) -> tuple[int, list[str]]:
    """Call the command; answer its exit status and output lines."""
    out = StringIO()
    try:
        call_command("recount", *args, stdout=out)
    except SystemExit as exc:
        return exc.code, out.getvalue().splitlines()
    return 0, out.getvalue().splitlines()


def values(instance, *fields: str) -> tuple[int, ...]:
    instance.refresh_from_db(fields=list(fields))
    return tuple(getattr(instance, f) for f in fields)


# Every kind of counter, pushed off by `.update()` behind the services' back:
# (fixture key, model, field, wrong value, true value)
CORRUPTIONS = [
    ("alice", User, "followers_count", 7, 2),
    ("bob", User, "following_count", 0, 1),
    ("alice", User, "photos_count", 0, 2),
    ("sea", Photo, "likes_count", 5, 2),
    ("sea", Photo, "comments_count", 0, 2),
    ("#sea", Tag, "photos_count", 9, 2),
    ("#secret", Tag, "photos_count", 1, 0),
]


def corrupt(world: dict) -> set[str]:
    """Apply CORRUPTIONS; answer the lines the command prints for them."""
    lines = set()
    for key, model, field, wrong, true in CORRUPTIONS:
        obj = world[key]
        # The services counted right before the corruption.
        assert model.objects.values_list(field, flat=True).get(pk=obj.pk) == true, (key, field)
        model.objects.filter(pk=obj.pk).update(**{field: wrong})
        lines.add(f"{model.__name__} {obj.pk} {field}: stored {wrong}, actual {true}")
    return lines


def test_a_consistent_database_has_no_drift(world):
    assert recount(fix=False) == []
    assert run_recount("--check") == (0, ["0 counter(s) drifted; found"])
    assert values(world["alice"], "followers_count", "following_count", "photos_count") == (
        2,
        1,
        2,
    )
    assert values(world["sea"], "likes_count", "comments_count") == (2, 2)
    assert [(t.name, t.photos_count) for t in Tag.objects.order_by("name")] == [
        ("sand", 1),
        ("sea", 2),
        ("secret", 0),
        ("sky", 1),
    ]


def test_check_reports_each_drift_exits_1_and_changes_nothing(world):
    expected = corrupt(world)
    status, lines = run_recount("--check")
    assert status == 1
    assert set(lines[:-1]) == expected
    assert len(lines[:-1]) == len(CORRUPTIONS)
    assert lines[-1] == f"{len(CORRUPTIONS)} counter(s) drifted; found"
    for key, model, field, wrong, _true in CORRUPTIONS:
        assert values(model.objects.get(pk=world[key].pk), field) == (wrong,), (key, field)
    # Still there on a second look: --check never fixes.
    assert run_recount("--check")[0] == 1


def test_recount_fixes_every_drift_and_a_second_check_is_clean(world):
    expected = corrupt(world)
    status, lines = run_recount()
    assert status == 0
    assert set(lines[:-1]) == expected
    assert lines[-1] == f"{len(CORRUPTIONS)} counter(s) drifted; fixed"
    for key, model, field, _wrong, true in CORRUPTIONS:
        assert values(model.objects.get(pk=world[key].pk), field) == (true,), (key, field)
    assert run_recount("--check") == (0, ["0 counter(s) drifted; found"])
    assert run_recount() == (0, ["0 counter(s) drifted; fixed"])


def test_recount_leaves_right_counters_alone(world):
    User.objects.filter(pk=world["carol"].pk).update(following_count=5)
    assert run_recount() == (
        0,
        [
            f"User {world['carol'].pk} following_count: stored 5, actual 1",
            "1 counter(s) drifted; fixed",
        ],
    )
    assert values(world["alice"], "followers_count", "following_count", "photos_count") == (
        2,
        1,
        2,
    )
    assert values(world["bob"], "followers_count", "following_count", "photos_count") == (1, 1, 1)
    assert values(world["carol"], "followers_count", "following_count", "photos_count") == (0, 1, 0)
    assert values(world["dune"], "likes_count", "comments_count") == (1, 0)


def test_rows_removed_behind_the_services_back_are_found(world):
    """Not only corrupted counters: rows deleted without the services leave drift too."""
    Like.objects.filter(user=world["carol"]).delete()
    drifts = recount(fix=False)
    assert drifts == [Drift("Photo", world["sea"].pk, "likes_count", 2, 1)]
    assert recount() == drifts
    assert values(world["sea"], "likes_count") == (1,)
    assert recount(fix=False) == []


def test_counters_of_objects_with_no_rows_are_zero(world, make_user):
    loner = make_user("loner")
    User.objects.filter(pk=loner.pk).update(followers_count=3, following_count=4, photos_count=5)
    drifts = {(d.field, d.stored, d.actual) for d in recount() if d.pk == loner.pk}
    assert drifts == {("followers_count", 3, 0), ("following_count", 4, 0), ("photos_count", 5, 0)}
    assert values(loner, "followers_count", "following_count", "photos_count") == (0, 0, 0)
