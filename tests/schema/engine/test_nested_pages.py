"""Pages of a relation: LIMIT under one parent, one windowed query for a list of parents.

A window counts every row of each parent's relation, so under a single object (a photo
page, an album page) the page is fetched on its own with LIMIT instead; the answers are
the same either way.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from media_graph.models import Comment
from tests.support.factories import gid, make_photo, photo_row

pytestmark = pytest.mark.django_db

PAGE = """comments(first: 2{after}) {{
    edges {{ cursor node {{ text }} }} pageInfo {{ hasNextPage endCursor }}
}}"""


@pytest.fixture
def photo(alice, bob):
    photo = photo_row(alice, "sunset")
    for i in range(5):
        Comment.objects.create(photo=photo, author=bob, text=f"c{i}")
    return photo


def queries_on(gql, query: str, table: str = "media_graph_comment") -> tuple[dict, list[str]]:
    """The answer, and the SQL of the request that selects rows from `table`."""
    with CaptureQueriesContext(connection) as queries:
        data = gql.execute(query).data
    sql = [q["sql"] for q in queries.captured_queries]
    return data, [s for s in sql if s.startswith("SELECT") and f'FROM "{table}"' in s]


def texts(page: dict) -> list[str]:
    return [edge["node"]["text"] for edge in page["edges"]]


def test_a_page_under_one_photo_is_a_limit_query(gql, photo):
    query = f'{{ photo(id: "{gid("Photo", photo.pk)}") {{ {PAGE.format(after="")} }} }}'
    data, [sql] = queries_on(gql, query)
    assert "LIMIT 3" in sql and "ROW_NUMBER" not in sql
    page = data["photo"]["comments"]
    assert texts(page) == ["c0", "c1"]
    assert page["pageInfo"]["hasNextPage"] is True

    after = f', after: "{page["pageInfo"]["endCursor"]}"'
    query = f'{{ photo(id: "{gid("Photo", photo.pk)}") {{ {PAGE.format(after=after)} }} }}'
    page = gql.execute(query).data["photo"]["comments"]
    assert texts(page) == ["c2", "c3"]
    assert page["pageInfo"]["hasNextPage"] is True


def test_the_last_page_and_the_total_under_one_photo(gql, photo):
    query = f"""{{ photo(id: "{gid("Photo", photo.pk)}") {{
        comments(last: 2) {{ totalCount edges {{ node {{ text }} }} pageInfo {{ hasNextPage }} }}
    }} }}"""
    page = gql.execute(query).data["photo"]["comments"]
    assert texts(page) == ["c3", "c4"]
    assert page["totalCount"] == 5
    assert page["pageInfo"]["hasNextPage"] is False


def test_a_page_reached_through_node_or_an_owner_is_a_limit_query(gql, alice, photo):
    node_id = gid("Photo", photo.pk)
    query = f'{{ node(id: "{node_id}") {{ ... on Photo {{ {PAGE.format(after="")} }} }} }}'
    data, [sql] = queries_on(gql, query)
    assert "LIMIT 3" in sql and "ROW_NUMBER" not in sql
    assert texts(data["node"]["comments"]) == ["c0", "c1"]

    photo_row(alice, "second")
    query = f"""{{ photo(id: "{gid("Photo", photo.pk)}") {{
        owner {{ photos(first: 1) {{ edges {{ node {{ caption }} }} }} }}
    }} }}"""
    data, [_photo, page] = queries_on(gql, query, "media_graph_photo")
    assert "LIMIT 2" in page and "ROW_NUMBER" not in page
    assert data["photo"]["owner"]["photos"]["edges"] == [{"node": {"caption": "second"}}]


@pytest.mark.engine  # the per-parent page cut (GRAPHQL_ENGINE_PAGES)
def test_pages_under_a_list_of_photos_are_one_windowed_query(gql, alice, bob, photo):
    other = photo_row(alice, "other")
    Comment.objects.create(photo=other, author=bob, text="o0")
    query = f"{{ photos(first: 5) {{ edges {{ node {{ caption {PAGE.format(after='')} }} }} }} }}"
    data, [sql] = queries_on(gql, query)
    assert "ROW_NUMBER" in sql
    pages = {edge["node"]["caption"]: edge["node"]["comments"] for edge in data["photos"]["edges"]}
    assert texts(pages["sunset"]) == ["c0", "c1"]
    assert pages["sunset"]["pageInfo"]["hasNextPage"] is True
    assert texts(pages["other"]) == ["o0"]
    assert pages["other"]["pageInfo"]["hasNextPage"] is False


def test_pages_under_one_photos_tags_are_a_limit_query_per_tag(gql, alice):
    # The tags are a plain list under one photo: each tag's page is fetched on its own.
    # A photo has a handful of tags, and LIMIT reads a page where a window would read
    # every photo of each tag.
    photo = make_photo(alice, "#sea #sky")
    make_photo(alice, "#sea again")
    query = f"""{{ photo(id: "{gid("Photo", photo.pk)}") {{
        tags {{ name photos(first: 1) {{ edges {{ node {{ caption }} }} }} }}
    }} }}"""
    data, [_photo, *pages] = queries_on(gql, query, "media_graph_photo")
    assert len(pages) == 2 and all("LIMIT 2" in sql for sql in pages)
    assert {
        tag["name"]: tag["photos"]["edges"][0]["node"]["caption"] for tag in data["photo"]["tags"]
    } == {
        "sea": "#sea again",
        "sky": "#sea #sky",
    }
