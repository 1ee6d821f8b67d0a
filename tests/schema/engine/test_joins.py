"""Every joined foreign key points, from a row the viewer may see, at a row they may see.

A field declared `joined()` (schema/engine/joins.py) is a join instead of a prefetch
filtered by the target type's `visible_to`: that is only safe while the parent's rule
implies the target's. These check the implication with rows that each rule hides
(drafts, private albums, inactive owners and authors, comments on drafts) for every
viewer there can be: anonymous and each active account. (An inactive account is never a
viewer: its token does not authenticate, tests/schema/users/test_tokens.py.) Joins are
the choice of the optimizer a schema installs, and switch off (GRAPHQL_ENGINE_JOINS)
with the same answers.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from strawberry_django.optimizer import DjangoOptimizerExtension
from strawberry_django.optimizer import optimizer as current_optimizer

from media_graph.models import Album, Comment, Event, Photo
from schema import schema
from schema.engine.joins import joined_foreign_keys
from schema.engine.optimizer import Optimizer, joins_foreign_keys
from schema.server.operations import OPTIMIZER
from tests.support.factories import T0, make_album, photo_row
from tests.support.query_counts import execute_counted
from users.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(make_user):
    alice, bob, _carol = make_user("alice"), make_user("bob"), make_user("carol")
    gone = make_user("gone")
    photos = {
        "alice": photo_row(alice, "alice"),
        "alice draft": photo_row(alice, "alice draft", published=False),
        "bob": photo_row(bob, "bob"),
        "bob draft": photo_row(bob, "bob draft", published=False),
        "gone": photo_row(gone, "gone"),
        "gone draft": photo_row(gone, "gone draft", published=False),
    }
    for photo in photos.values():
        # A comment on every photo by every author, drafts included: a comment stays
        # when its photo goes back to draft, and when its author is deactivated.
        for author in (alice, bob, gone):
            Comment.objects.create(photo=photo, author=author, text=f"{author} on {photo}")
    for owner in (alice, bob, gone):
        mine = [p for p in photos.values() if p.owner_id == owner.pk]
        make_album(owner, "public", visibility="PUBLIC", photos=mine, cover=mine[1])
        make_album(owner, "private", visibility="PRIVATE", photos=mine)
        for visibility in ("PUBLIC", "PRIVATE"):
            Event.objects.create(
                owner=owner, title=visibility, start=T0, end=T0, visibility=visibility
            )
    gone.is_active = False
    gone.save(update_fields=["is_active"])


def viewers() -> list:
    return [AnonymousUser(), *User.objects.filter(is_active=True).order_by("pk")]


def unseen_targets(parents, field_name: str, viewer) -> set[int]:
    """The targets, through `field_name`, of `parents` that `viewer` may not see."""
    target_model = parents.model._meta.get_field(field_name).related_model
    pointed_at = set(parents.values_list(f"{field_name}_id", flat=True))
    visible = set(target_model.objects.visible_to(viewer).values_list("pk", flat=True))
    return pointed_at - visible


def test_the_declared_joins():
    assert set(joined_foreign_keys(schema)) == {
        (Photo, "owner"),
        (Comment, "author"),
        (Comment, "photo"),
        (Album, "owner"),
        (Event, "owner"),
    }


@pytest.mark.parametrize("join", sorted(joined_foreign_keys(schema), key=str), ids=str)
def test_a_visible_row_points_at_a_visible_target_for_every_viewer(rows, join):
    model, field_name = join
    everyone = viewers()
    assert len(everyone) == 4
    for viewer in everyone:
        parents = model.objects.visible_to(viewer)
        assert parents.exists(), (viewer, join)
        assert unseen_targets(parents, field_name, viewer) == set(), (viewer, join)
    # The rows give the rule something to do: without it, some viewer would reach a
    # target they may not see.
    assert any(unseen_targets(model.objects.all(), field_name, v) for v in everyone), join


def test_a_loosened_rule_is_caught(rows):
    # Published photos without the owner's state: the inactive owner's photo points at
    # a user nobody may see.
    loosened = Photo.objects.published()
    assert unseen_targets(loosened, "owner", AnonymousUser())


PHOTOS_AND_OWNERS = "{ photos(first: 5) { edges { node { caption owner { username } } } } }"


@pytest.mark.parametrize(
    "switch_off",
    [
        # The schema's optimizer (schema.server.operations) made without joins...
        lambda settings, monkeypatch: monkeypatch.setattr(OPTIMIZER, "joins", False),
        # ...or the process's switch.
        lambda settings, monkeypatch: setattr(settings, "GRAPHQL_ENGINE_JOINS", False),
    ],
    ids=["optimizer", "setting"],
)
@pytest.mark.usefixtures("engine_on")
def test_joins_off_prefetch_the_owners_with_the_same_answer(
    gql, rows, settings, monkeypatch, switch_off
):
    OPTIMIZER.plans.clear()
    joined_answer, joined = execute_counted(gql, PHOTOS_AND_OWNERS)
    switch_off(settings, monkeypatch)
    OPTIMIZER.plans.clear()  # plans made with joins are the optimizer's, not the setting's
    answer, prefetched = execute_counted(gql, PHOTOS_AND_OWNERS)
    assert answer == joined_answer and len(answer["photos"]["edges"]) == 2
    assert prefetched == joined + 1  # the owners, in a prefetch of their own


@pytest.mark.usefixtures("engine_on")
def test_only_this_engines_optimizer_joins():
    # Another schema in the process, with strawberry-django's own optimizer (or none),
    # is planned as strawberry-django plans it: `joined()` fields are prefetched there.
    for installed, joins in (
        (Optimizer(), True),
        (Optimizer(joins=False), False),
        (DjangoOptimizerExtension(), False),
        (None, False),
    ):
        token = current_optimizer.set(installed)
        try:
            assert joins_foreign_keys() is joins, installed
        finally:
            current_optimizer.reset(token)
