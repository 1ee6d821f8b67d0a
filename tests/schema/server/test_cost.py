"""The query cost limit: what an answer can hold, bounded before anything runs."""

import pytest
from graphql import parse

from schema import schema
from schema.server.cost import operation_cost

NESTED = """
{ photos(first: 100) { edges { node { id
    likes(first: 100) { edges { node { id
      photos(first: 100) { edges { node { id } } } } } } } } } }
"""


def cost(query: str, variables: dict | None = None, operation: str | None = None) -> int:
    return operation_cost(schema._schema, parse(query), operation, variables)


def test_a_million_node_query_is_refused_before_it_runs(gql, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = gql.execute(NESTED)
    assert response.error_codes == ["GRAPHQL_VALIDATION_FAILED"]
    error = response.errors[0]
    assert error["extensions"]["maxCost"] == 5000
    assert error["extensions"]["cost"] > 1_000_000
    assert "the limit is 5,000" in error["message"]


def test_page_sizes_given_as_variables_count(gql):
    query = (
        "query($n: Int) { photos(first: $n) { edges { node { "
        "likes(first: $n) { edges { node { id } } } } } } }"
    )
    assert gql.execute(query, {"n": 10}).data == {"photos": {"edges": []}}
    response = gql.execute(query, {"n": 100})
    assert response.error_codes == ["GRAPHQL_VALIDATION_FAILED"]
    assert response.errors[0]["extensions"]["cost"] == cost(query, {"n": 100})


def test_the_limit_is_a_setting(gql, settings):
    query = "{ photos(first: 50) { edges { node { id } } } }"
    assert cost(query) == 101
    settings.GRAPHQL_MAX_COST = 100
    assert gql.execute(query).error_codes == ["GRAPHQL_VALIDATION_FAILED"]
    settings.GRAPHQL_MAX_COST = 101
    assert gql.execute(query).data == {"photos": {"edges": []}}


def test_a_full_feed_page_of_a_photo_app_fits(gql, alice, login):
    login(alice)
    query = """
    { feed(first: 100) { edges { cursor node {
        id caption publishedAt likesCount commentsCount viewerHasLiked
        owner { username displayName }
        thumbnail(size: MEDIUM) { url width height }
        tags { name }
        comments(first: 2) { edges { node { text author { username } } } }
    } } pageInfo { hasNextPage endCursor } } }
    """
    assert cost(query) <= 5000 < cost(query.replace("comments(first: 2)", "comments(first: 20)"))
    assert gql.execute(query).data["feed"]["edges"] == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("{ me { id username } }", 1),  # scalars are free
        ("{ __typename me { __typename } }", 1),
        # a connection multiplies what it holds (edges and node count 1 each) by its page
        ("{ photos { totalCount } }", 1),
        ("{ photos { edges { node { id } } } }", 1 + 20 * 2),
        ("{ photos(first: 5) { edges { node { owner { id } } } } }", 1 + 5 * 3),
        ("{ photos(last: 7) { edges { node { id } } } }", 1 + 7 * 2),
        ("{ photos(first: 1000) { edges { node { id } } } }", 1 + 100 * 2),  # capped at 100
        ("{ photos(first: -5) { edges { node { id } } } }", 1),
        # a plain list counts once, and multiplies what its items hold by its longest:
        # a photo has at most 30 tags
        ("{ photo(id: 1) { tags { name } } }", 1 + 1),
        ("{ photo(id: 1) { tags { photos(first: 2) { edges { node { id } } } } } }", 2 + 30 * 5),
        # unions count every member they may be
        (
            "mutation { likePhoto(input: {photoId: 1}) { "
            "... on Photo { owner { id } } ... on OperationInfo { messages { code } } } }",
            1 + 1 + 1,
        ),
        ('{ node(id: "x") { ... on User { photos(first: 3) { edges { node { id } } } } } }', 8),
        # introspection is bounded by the schema, and off in production anyway
        ("{ __schema { types { fields { name } } } }", 0),
    ],
)
def test_cost_of_shapes(query, expected):
    assert cost(query) == expected


def test_fragments_cost_what_they_hold_each_time_they_are_spread():
    query = """
    query { a: photos(first: 2) { ...Page } b: photos(first: 3) { ...Page } }
    fragment Page on PhotoConnection { edges { node { ...Owner } } }
    fragment Owner on Photo { owner { id } }
    """
    assert cost(query) == (1 + 2 * 3) + (1 + 3 * 3)


def test_fragments_are_costed_once_however_often_they_are_spread():
    # Each fragment spreads the one before it twice: 2^20 fields if expanded naively.
    fragments = ["fragment F0 on User { id }"]
    for n in range(1, 21):
        fragments.append(f"fragment F{n} on User {{ ...F{n - 1} ...F{n - 1} }}")
    query = "{ me { ...F20 } } " + " ".join(fragments)
    assert cost(query) == 1


def test_the_named_operation_is_the_one_costed():
    query = "query A { me { id } } query B { photos(first: 9) { edges { node { id } } } }"
    assert cost(query, operation="A") == 1
    assert cost(query, operation="B") == 19
    assert cost(query, operation="C") == 0  # unknown: Strawberry refuses it anyway


BY_VARIABLE = """query($n: Int = 100) { photos(first: $n) { edges { node {
  likes(first: $n) { edges { node { photos(first: 4) { edges { node { id } } } } } } } } } }"""
BY_LITERAL = BY_VARIABLE.replace("query($n: Int = 100)", "query").replace("$n", "100")


@pytest.mark.parametrize(
    "query, variables",
    [
        (BY_VARIABLE, None),  # the default, 100, is what would run
        (BY_VARIABLE, {}),
        (BY_VARIABLE, {"n": 100}),
        (BY_VARIABLE, {"n": 100.0}),  # coerces to 100
        (BY_LITERAL, None),
    ],
    ids=["default", "empty-variables", "int", "float", "literal"],
)
def test_page_sizes_are_costed_as_execution_reads_them(
    gql, query, variables, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = gql.execute(query, variables)
    assert response.error_codes == ["GRAPHQL_VALIDATION_FAILED"], response.body
    assert response.errors[0]["extensions"]["cost"] == cost(BY_LITERAL)


def test_a_cost_is_not_reused_for_other_coerced_values(gql):
    query = BY_VARIABLE.replace("photos(first: 4) { edges { node { id } } }", "id")
    assert gql.execute(query, {"n": 5.0}).data == {"photos": {"edges": []}}  # costed at 5
    assert gql.execute(query).error_codes == ["GRAPHQL_VALIDATION_FAILED"]  # then at 100
