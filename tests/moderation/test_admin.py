"""Django's admin at /admin/: operators moderate through the services, and its session
never reaches the API."""

import io
import re
import urllib.request

import pytest
from django.core.management import call_command
from django.test import Client

from media_graph.models import Album, Comment, Photo, Tag
from media_graph.services.comments import comment_add
from media_graph.services.follows import user_follow
from media_graph.services.likes import photo_like
from tests.schema.media.photos import upload
from tests.schema.users.tokens import ME
from tests.support.accounts import PASSWORD
from tests.support.client import GraphQLClient, without_cost
from tests.support.factories import make_album, make_photo
from tests.support.images import make_jpeg
from users.models import User

ADMIN_PASSWORD = "moderate-with-care-2026"


@pytest.fixture
def operator(db) -> User:
    return User.objects.create_superuser(
        username="root", email="root@example.com", password=ADMIN_PASSWORD
    )


def csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


@pytest.fixture
def admin_client(operator) -> Client:
    """Signed in through the login form, CSRF checks on, as a browser would."""
    client = Client(enforce_csrf_checks=True)
    page = client.get("/admin/login/")
    response = client.post(
        "/admin/login/?next=/admin/",
        {
            "username": "root",
            "password": ADMIN_PASSWORD,
            "csrfmiddlewaretoken": csrf_token(page.content.decode()),
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def post_form(client: Client, url: str, data: dict):
    """POST a form of the admin the way its page does: with the page's CSRF token."""
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    return client.post(url, {**data, "csrfmiddlewaretoken": csrf_token(page.content.decode())})


def assert_counters_true() -> None:
    out = io.StringIO()
    call_command("recount", "--check", stdout=out)
    assert "0 counter(s) drifted" in out.getvalue()


def test_the_login_page_renders_with_its_cookie_scoped_to_the_admin(client, db):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" in response.content
    assert response.cookies["csrftoken"]["path"] == "/admin/"


def test_a_form_post_without_its_csrf_token_is_refused(operator):
    client = Client(enforce_csrf_checks=True)
    client.get("/admin/login/")
    response = client.post("/admin/login/", {"username": "root", "password": ADMIN_PASSWORD})
    assert response.status_code == 403
    assert "sessionid" not in response.cookies


def test_a_staff_session_cookie_never_authenticates_the_api(admin_client):
    assert admin_client.cookies["sessionid"]["path"] == "/admin/"
    assert admin_client.get("/admin/").status_code == 200  # the session works there
    # A client that sends the cookie to /graphql/ anyway is anonymous there.
    api = GraphQLClient()
    api.http = admin_client
    response = api.execute(ME, headers={})
    assert response.data == {"me": None}
    create = 'mutation { createAlbum(input: {title: "x"}) { ... on OperationInfo {\n'
    create += "messages { code } } } }"
    answer = api.execute(create, headers={}).data["createAlbum"]
    assert answer == {"messages": [{"code": "unauthenticated"}]}
    raw = admin_client.post("/graphql/", {"query": "{ me { username } }"}, "application/json")
    assert "sessionid" not in raw.cookies and "csrftoken" not in raw.cookies
    assert "Cookie" not in raw.get("Vary", "")


def test_the_api_sets_no_cookie_and_reads_no_session(gql, alice, login):
    login(alice)
    response = gql.http.post(
        "/graphql/", {"query": "{ me { username } }"}, "application/json", headers=gql.headers()
    )
    assert without_cost(response.json()) == {"data": {"me": {"username": "alice"}}}
    assert not response.cookies
    assert not hasattr(response.wsgi_request, "session")


@pytest.mark.django_db(transaction=True)
def test_deleting_a_photo_in_the_admin_removes_its_stored_objects(
    gql, alice, bob, login, media, operator
):
    login(alice)
    kept = upload(gql, make_jpeg(300, 200), caption="#sky", publish=True)
    upload(gql, make_jpeg(200, 300), caption="#sky #sea", publish=True)
    assert len(media.list_keys()) == 8
    doomed = Photo.objects.get(caption="#sky #sea")
    photo_like(photo=doomed, user=bob)
    comment_add(photo=doomed, author=bob, text="Nice")

    client = Client()
    client.force_login(operator)
    url = f"/admin/media_graph/photo/{doomed.pk}/delete/"
    response = post_form(client, url, {"post": "yes"})
    assert response.status_code == 302

    assert list(Photo.objects.values_list("caption", flat=True)) == ["#sky"]
    stem = Photo.objects.get().original.name.removeprefix("originals/")
    assert len(media.list_keys()) == 4 and all(stem in key for key in media.list_keys())
    alice.refresh_from_db()
    assert alice.photos_count == 1
    assert Tag.objects.get(name="sea").photos_count == 0
    assert not Comment.objects.exists()
    assert kept["status"] == "PUBLISHED"
    assert_counters_true()


def test_unpublish_and_delete_selected_photos_go_through_the_services(admin_client, alice):
    photos = [make_photo(alice, f"#tag{i}") for i in range(3)]
    changelist = "/admin/media_graph/photo/"
    response = post_form(
        admin_client,
        changelist,
        {"action": "unpublish", "_selected_action": [photos[0].pk, photos[1].pk]},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.photos_count == 1
    assert Photo.objects.get(pk=photos[0].pk).status == "DRAFT"
    # "Delete selected": a confirmation page, then the deletes.
    response = post_form(
        admin_client,
        changelist,
        {"action": "delete_selected", "_selected_action": [photos[2].pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Photo.objects.filter(pk=photos[2].pk).exists()
    alice.refresh_from_db()
    assert alice.photos_count == 0
    assert Tag.objects.get(name="tag2").photos_count == 0
    assert_counters_true()


def test_deleting_a_comment_and_an_album(admin_client, alice, bob):
    photo = make_photo(alice)
    comment = comment_add(photo=photo, author=bob, text="Spam")
    album = make_album(alice, photos=[photo])
    url = f"/admin/media_graph/comment/{comment.pk}/delete/"
    assert post_form(admin_client, url, {"post": "yes"}).status_code == 302
    photo.refresh_from_db()
    assert photo.comments_count == 0
    url = f"/admin/media_graph/album/{album.pk}/delete/"
    assert post_form(admin_client, url, {"post": "yes"}).status_code == 302
    assert not Album.objects.exists()
    assert Photo.objects.filter(pk=photo.pk).exists()  # the photos stay
    assert_counters_true()


def test_users_list_shows_counters_and_deactivating_ends_their_tokens(
    admin_client, gql, alice, bob, login
):
    user_follow(follower=bob, followee=alice)
    make_photo(alice)
    page = admin_client.get("/admin/users/user/").content.decode()
    assert "followers count" in page.lower() and "photos count" in page.lower()
    token = login(alice)["token"]
    response = post_form(
        admin_client, "/admin/users/user/", {"action": "deactivate", "_selected_action": [alice.pk]}
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert not alice.is_active
    assert gql.execute(ME, headers=gql.headers(token)).error_codes == ["UNAUTHENTICATED"]
    assert gql.execute('{ user(username: "alice") { username } }', headers={}).data == {
        "user": None
    }


@pytest.mark.django_db(transaction=True)
def test_deleting_a_user_in_the_admin_deletes_everything_of_theirs(
    gql, alice, bob, login, media, operator
):
    login(alice)
    upload(gql, caption="#sky", publish=True)
    bobs = make_photo(bob, "#sky")
    user_follow(follower=bob, followee=alice)
    photo_like(photo=bobs, user=alice)
    client = Client()
    client.force_login(operator)
    response = post_form(client, f"/admin/users/user/{alice.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=alice.pk).exists()
    assert media.list_keys() == []
    bobs.refresh_from_db()
    bob.refresh_from_db()
    assert (bobs.likes_count, bob.followers_count, bob.following_count) == (0, 0, 0)
    assert_counters_true()


def test_createsuperuser_from_the_environment(monkeypatch, db):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "ops")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "ops@example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("createsuperuser", "--noinput", stdout=io.StringIO())
    ops = User.objects.get(username="ops")
    assert ops.is_superuser and ops.is_staff and ops.check_password(PASSWORD)
    client = Client()
    assert client.login(username="ops", password=PASSWORD)
    assert client.get("/admin/").status_code == 200


def test_the_admin_and_its_static_files_are_served_in_production(live):
    """gunicorn with DEBUG off: the login page and the admin's CSS (whitenoise)."""
    with urllib.request.urlopen(f"{live.url}/admin/login/", timeout=10) as response:
        assert response.status == 200
        html = response.read().decode()
    css = re.search(r'href="(/static/admin/css/[^"]+\.css)"', html).group(1)
    with urllib.request.urlopen(f"{live.url}{css}", timeout=10) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/css")


def test_every_page_of_the_admin_renders(admin_client, alice, bob):
    photo = make_photo(alice, "#sky")
    comment = comment_add(photo=photo, author=bob, text="Hello")
    album = make_album(alice, photos=[photo])
    for url in [
        "/admin/",
        "/admin/users/user/",
        f"/admin/users/user/{alice.pk}/change/",
        f"/admin/users/user/{alice.pk}/delete/",
        "/admin/media_graph/photo/",
        f"/admin/media_graph/photo/{photo.pk}/change/",
        "/admin/media_graph/comment/",
        f"/admin/media_graph/comment/{comment.pk}/change/",
        "/admin/media_graph/album/",
        f"/admin/media_graph/album/{album.pk}/change/",
    ]:
        assert admin_client.get(url).status_code == 200, url
    # Rows are made through the API (and operators by createsuperuser), not here.
    for model in ("users/user", "media_graph/photo", "media_graph/comment", "media_graph/album"):
        assert admin_client.get(f"/admin/{model}/add/").status_code == 403, model
