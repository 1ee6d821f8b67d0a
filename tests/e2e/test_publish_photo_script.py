"""scripts/publish-photo, run as a CI job runs it, against a live server."""

import json
import os
import subprocess
import sys
import urllib.request

import pytest

from tests.support.images import make_jpeg, make_png, text_as_jpg
from tests.support.live import BASE_DIR, graphql_data

SCRIPT = BASE_DIR / "scripts" / "publish-photo"
USERNAME, PASSWORD = "ci-bot", "pipeline-password-2024"


@pytest.fixture(scope="module")
def ci_account(live) -> None:
    """The account the script signs in as, registered once on the module's live server."""
    registered = graphql_data(
        f"{live.url}/graphql/",
        """mutation($input: RegisterInput!) {
          register(input: $input) { __typename ... on User { username } } }""",
        {"input": {"username": USERNAME, "email": "ci@example.com", "password": PASSWORD}},
    )
    assert registered["register"] == {"__typename": "User", "username": USERNAME}


@pytest.fixture
def api(live, ci_account) -> str:
    return f"{live.url}/graphql/"


def bot_token(api: str) -> str:
    login = "mutation($u: String!, $p: String!) { tokenAuth(username: $u, password: $p) { token } }"
    return graphql_data(api, login, {"u": USERNAME, "p": PASSWORD})["tokenAuth"]["token"]


def run_script(api: str, *args, **env_overrides) -> subprocess.CompletedProcess:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PHOTO_API_URL": api,
        "PHOTO_API_USERNAME": USERNAME,
        "PHOTO_API_PASSWORD": PASSWORD,
        **env_overrides,
    }
    env = {key: value for key, value in env.items() if value is not None}
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def lines(stdout: str) -> dict[str, str]:
    return dict(line.split(" ", 1) for line in stdout.splitlines())


def test_the_script_is_executable_and_documented():
    assert os.access(SCRIPT, os.X_OK)
    source = SCRIPT.read_text()
    assert source.startswith("#!/usr/bin/env python3\n")
    for needle in (
        "PHOTO_API_URL",
        "PHOTO_API_TOKEN",
        "PHOTO_API_USERNAME",
        "PHOTO_API_PASSWORD",
        "runs-on:",
    ):
        assert needle in source


def test_upload_and_publish(api, tmp_path, live):
    photo_file = tmp_path / "sunrise.jpg"
    photo_file.write_bytes(make_jpeg(1600, 1200, gps=(48.85, 2.35)))

    result = run_script(
        api, photo_file, "--caption", "Built at dawn #ci #Nightly", "--alt-text", "A test"
    )

    assert result.returncode == 0, result.stderr + live.log.read_text()[-2000:]
    assert result.stderr == ""
    printed = lines(result.stdout)
    assert list(printed) == ["id", "status", "small", "medium", "large"]
    assert printed["status"] == "PUBLISHED"
    for size in ("small", "medium", "large"):
        with urllib.request.urlopen(printed[size], timeout=10) as response:
            assert response.status == 200
            assert response.headers["Content-Type"] == "image/jpeg"
            assert response.read(3) == b"\xff\xd8\xff"

    anonymous = graphql_data(
        api,
        """query($id: ID!) { photo(id: $id) {
          status caption altText owner { username } tags { name photosCount }
          large: thumbnail(size: LARGE) { width height } } }""",
        {"id": printed["id"]},
    )["photo"]
    assert anonymous == {
        "status": "PUBLISHED",
        "caption": "Built at dawn #ci #Nightly",
        "altText": "A test",
        "owner": {"username": USERNAME},
        "tags": [{"name": "ci", "photosCount": 1}, {"name": "nightly", "photosCount": 1}],
        "large": {"width": 1280, "height": 960},
    }


def test_draft_as_json_into_an_album(api, tmp_path):
    album = graphql_data(
        api,
        'mutation { createAlbum(input: {title: "From CI"}) { ... on Album { id } } }',
        token=bot_token(api),
    )["createAlbum"]["id"]
    png = tmp_path / "chart.png"
    png.write_bytes(make_png(900, 600))

    result = run_script(api, png, "--draft", "--json", "--album-id", album, "--caption", "chart")

    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert printed["status"] == "DRAFT" and printed["publishedAt"] is None
    assert printed["caption"] == "chart"
    assert set(printed["thumbnails"]) == {"small", "medium", "large"}
    assert printed["thumbnails"]["small"]["width"] == 320
    assert printed["thumbnails"]["medium"]["url"].startswith("http")

    # A draft: invisible to others, in the owner's album.
    query = "query($id: ID!) { photo(id: $id) { status } }"
    assert graphql_data(api, query, {"id": printed["id"]})["photo"] is None
    owned = graphql_data(
        api,
        """query($id: ID!) { album(id: $id) { photosCount
          photos(first: 5) { edges { node { id status } } } } }""",
        {"id": album},
        token=bot_token(api),
    )["album"]
    assert owned["photosCount"] == 1
    assert owned["photos"]["edges"] == [{"node": {"id": printed["id"], "status": "DRAFT"}}]


def access_token(api: str, *scopes: str) -> str:
    made = graphql_data(
        api,
        """mutation($input: CreateAccessTokenInput!) { createAccessToken(input: $input) {
          ... on NewAccessToken { token } } }""",
        {"input": {"name": "ci", "scopes": list(scopes)}},
        token=bot_token(api),
    )
    return made["createAccessToken"]["token"]


def test_an_access_token_replaces_the_password(api, tmp_path, live):
    photo_file = tmp_path / "token.jpg"
    photo_file.write_bytes(make_jpeg(640, 480, taken_at="2021:05:05 05:05:05"))
    token = access_token(api, "PUBLISH")

    result = run_script(
        api,
        photo_file,
        "--json",
        PHOTO_API_TOKEN=token,
        PHOTO_API_USERNAME=None,
        PHOTO_API_PASSWORD=None,
    )

    assert result.returncode == 0, result.stderr + live.log.read_text()[-2000:]
    published = json.loads(result.stdout)
    assert published["status"] == "PUBLISHED"
    assert published["thumbnails"]["small"]["url"]


def test_a_token_without_publish_exits_1_and_says_why(api, tmp_path):
    photo_file = tmp_path / "social.jpg"
    photo_file.write_bytes(make_jpeg(320, 240, taken_at="2022:02:02 02:02:02"))

    result = run_script(api, photo_file, PHOTO_API_TOKEN=access_token(api, "SOCIAL", "READ"))

    assert result.returncode == 1
    assert "permission_denied" in result.stderr and "PUBLISH scope" in result.stderr


def test_wrong_password_exits_1_with_the_error(api, tmp_path):
    photo_file = tmp_path / "photo.jpg"
    photo_file.write_bytes(make_jpeg(320, 240, taken_at="2020:01:01 00:00:00"))

    result = run_script(api, photo_file, PHOTO_API_PASSWORD="not-the-password")

    assert result.returncode == 1
    assert result.stdout == ""
    assert "tokenAuth" in result.stderr and "UNAUTHENTICATED" in result.stderr


def test_missing_environment_exits_2(api, tmp_path):
    photo_file = tmp_path / "photo.jpg"
    photo_file.write_bytes(make_jpeg(320, 240))

    result = run_script(api, photo_file, PHOTO_API_USERNAME=None)

    assert result.returncode == 2
    assert "PHOTO_API_TOKEN (or PHOTO_API_USERNAME)" in result.stderr and result.stdout == ""


def test_unreadable_file_and_bad_usage_exit_2(api, tmp_path):
    assert run_script(api, tmp_path / "missing.jpg").returncode == 2
    assert run_script(api, tmp_path).returncode == 2  # a directory
    assert run_script(api).returncode == 2  # no path at all
    assert run_script(api, tmp_path / "x.jpg", PHOTO_API_URL="127.0.0.1:8000").returncode == 2


def test_a_text_file_is_refused_by_the_server(api, tmp_path):
    text = tmp_path / "notes.jpg"
    text.write_bytes(text_as_jpg())

    result = run_script(api, text, "--caption", "should not appear")

    assert result.returncode == 1
    assert "unsupported_format" in result.stderr
    assert result.stdout == ""


def test_a_duplicate_upload_exits_1(api, tmp_path):
    photo_file = tmp_path / "twice.jpg"
    photo_file.write_bytes(make_jpeg(400, 300, taken_at="2021:02:03 04:05:06"))
    assert run_script(api, photo_file, "--draft").returncode == 0

    again = run_script(api, photo_file)

    assert again.returncode == 1
    assert "duplicate" in again.stderr
