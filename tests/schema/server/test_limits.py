"""What one request may ask for: refused before it runs, with a code that names the limit."""

import pytest
from django.conf import settings

from tests.support.factories import b64

ME = "me { id }"


def test_a_document_over_the_size_limit_is_refused_unparsed(gql, settings):
    settings.GRAPHQL_MAX_QUERY_CHARS = 100
    response = gql.execute("{ %s }" % ("__typename" + " " * 100))
    assert response.error_codes == ["GRAPHQL_VALIDATION_FAILED"]
    assert "longer than 100 characters" in response.errors[0]["message"]


def test_a_name_of_a_megabyte_is_refused_by_the_size_limit(gql):
    response = gql.execute("{ %s }" % ("a" * 1_000_000))
    assert response.error_codes == ["GRAPHQL_VALIDATION_FAILED"]
    assert len(response.errors[0]["message"]) < 200


def test_repeated_directives_on_one_field_are_one_error(gql):
    # graphql-cop's "directive overloading": ten unknown directives would be ten errors.
    response = gql.execute("query cop { __typename @aa@aa@aa@aa@aa@aa@aa@aa@aa@aa }")
    assert response.error_codes == ["GRAPHQL_VALIDATION_FAILED"]
    assert response.errors[0]["message"] == "The directive '@aa' is repeated."


def test_directives_beyond_the_limit_are_refused(gql, settings):
    settings.GRAPHQL_MAX_DIRECTIVES = 3
    fields = " ".join(f"a{n}: __typename @include(if: true)" for n in range(4))
    response = gql.execute(f"{{ {fields} }}")
    assert response.errors[0]["message"] == "The document uses more than 3 directives."
    at_limit = " ".join(f"a{n}: __typename @include(if: true)" for n in range(3))
    assert gql.execute(f"{{ {at_limit} }}").data["a0"] == "Query"


def test_a_field_repeated_past_the_limit_is_refused_before_validation(gql):
    limit = settings.GRAPHQL_MAX_REPEATED_FIELDS
    response = gql.execute("{ %s }" % (f"{ME} " * (limit + 1)))
    assert response.error_codes == ["GRAPHQL_VALIDATION_FAILED"]
    assert f"'me' is selected more than {limit} times" in response.errors[0]["message"]
    assert gql.execute("{ %s }" % (f"{ME} " * limit)).data == {"me": None}


def test_repeats_brought_in_by_fragments_and_inline_fragments_count(gql):
    limit = settings.GRAPHQL_MAX_REPEATED_FIELDS
    spreads = " ".join("...F" for _ in range(limit))
    response = gql.execute(
        f"query {{ {spreads} ... on Query {{ {ME} }} }} fragment F on Query {{ {ME} }}"
    )
    assert response.error_codes == ["GRAPHQL_VALIDATION_FAILED"]
    assert "'me' is selected more than" in response.errors[0]["message"]


def test_duplicate_fields_of_the_largest_document_are_refused(gql):
    # The measured worst case: 2,000 duplicates took 0.7 s to validate.
    response = gql.execute("{ %s }" % ("__typename " * 1990))
    assert response.error_codes == ["GRAPHQL_VALIDATION_FAILED"]
    assert "'__typename' is selected more than" in response.errors[0]["message"]


@pytest.mark.parametrize("text", ["a\x00b", "x" * 10_001])
def test_bad_strings_in_variables_are_bad_user_input(gql, text):
    for query in (
        "query($s: String!) { user(username: $s) { id } }",
        "query($s: String!) { tag(name: $s) { id } }",
        "query($s: String) { photos(filters: {search: $s}) { totalCount } }",
        "query($s: String) { tags(search: $s) { totalCount } }",
    ):
        response = gql.execute(query, {"s": text})
        assert response.error_codes == ["BAD_USER_INPUT"], query


def test_bad_strings_deep_inside_input_objects_are_found(gql, alice, login):
    login(alice)
    response = gql.execute(
        "mutation($i: CreateAlbumInput!) { createAlbum(input: $i) { __typename } }",
        {"i": {"title": "ok", "photoIds": ["a", "b\x00"]}},
    )
    assert response.error_codes == ["BAD_USER_INPUT"]
    assert "NUL" in response.errors[0]["message"]


def test_bad_strings_in_literals_are_bad_user_input(gql):
    response = gql.execute('{ user(username: "a\\u0000b") { id } }')
    assert response.error_codes == ["BAD_USER_INPUT"]
    long = "x" * (settings.GRAPHQL_MAX_STRING_CHARS + 1)
    response = gql.execute(f'{{ user(username: "{long}") {{ id }} }}')
    assert response.error_codes == ["BAD_USER_INPUT"]
    assert "longer than" in response.errors[0]["message"]


def test_a_string_at_the_limit_is_fine(gql):
    text = "x" * settings.GRAPHQL_MAX_STRING_CHARS
    response = gql.execute("query($s: String!) { user(username: $s) { id } }", {"s": text})
    assert response.data == {"user": None}


# --- introspection and suggestions outside DEBUG ------------------------------------------


def test_introspection_is_off_outside_debug_with_one_error(gql):
    from graphql import get_introspection_query

    assert not settings.DEBUG and not settings.GRAPHQL_INTROSPECTION
    response = gql.execute(get_introspection_query(descriptions=True))
    assert response.error_codes == ["GRAPHQL_VALIDATION_FAILED"]
    assert "schema.graphql" in response.errors[0]["message"]
    response = gql.execute('{ __type(name: "Photo") { name } }')
    assert response.error_codes == ["GRAPHQL_VALIDATION_FAILED"]


def test_typename_is_not_introspection(gql):
    assert gql.execute("{ __typename }").data == {"__typename": "Query"}


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ("{ photoz { id } }", None),
        ("{ photos(firts: 1) { totalCount } }", None),
        ("{ photos(filters: {status: PUBLISHD}) { totalCount } }", None),
        ("{ photos(filters: {statu: DRAFT}) { totalCount } }", None),
        ("query($x: PhotoFiltr) { photos(filters: $x) { totalCount } }", None),
        ("query($x: PhotoFilter) { photos(filters: $x) { totalCount } }", {"x": {"statu": 1}}),
        (
            "query($x: PhotoFilter) { photos(filters: $x) { totalCount } }",
            {"x": {"status": "PUBLISHD"}},
        ),
        ("query cop { __schema { directive } }", None),
    ],
)
def test_no_message_suggests_names_outside_debug(gql, query, variables):
    response = gql.execute(query, variables)
    assert response.errors
    assert not any("Did you mean" in error["message"] for error in response.errors)


def test_suggestions_stay_in_debug(gql, settings):
    settings.DEBUG = True  # a document not sent before: validation results are cached
    response = gql.execute("{ photos(firts: 3) { totalCount } }")
    assert "Did you mean 'first'" in response.errors[0]["message"]


# --- filters: bounded, and built as one expression ----------------------------------------

COUNT = "query($f: PhotoFilter) { photos(filters: $f) { totalCount } }"


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"tags": [f"t{n}" for n in range(11)]}, "'filters.tags' takes at most 10 tags."),
        ({"search": " ".join(["w"] * 11)}, "'filters.search' takes at most 10 words."),
        ({"search": "x" * 201}, "'filters.search' takes at most 200 characters."),
    ],
)
def test_filters_past_their_bounds_are_bad_user_input(gql, filters, message):
    response = gql.execute(COUNT, {"f": filters})
    assert response.error_codes == ["BAD_USER_INPUT"]
    assert response.errors[0]["message"] == message


def test_filters_at_their_bounds_run(gql):
    filters = {"tags": [f"t{n}" for n in range(10)], "search": " ".join(["w"] * 10)}
    assert gql.execute(COUNT, {"f": filters}).data == {"photos": {"totalCount": 0}}


# --- malformed IDs and cursors --------------------------------------------------------------


@pytest.mark.parametrize(
    "node_id",
    [
        "!!!",
        "",
        "Photo:1",
        "UGhvdG86MQ",  # bad padding
        b64("User:abc"),
        b64("User:-1"),
        b64("User:0"),
        b64("User:99999999999999999999999"),
        b64("User:١٢"),
        b64("Nope:1"),
        b64("Query:1"),
        b64("PageInfo:1"),
        b64("no colon"),
    ],
)
def test_node_with_a_malformed_or_unknown_id_is_null(gql, node_id):
    response = gql.execute("query($id: ID!) { node(id: $id) { id } }", {"id": node_id})
    assert response.status == 200
    assert response.body == {"data": {"node": None}}


@pytest.mark.parametrize("field", ["photo", "album"])
def test_single_objects_with_a_huge_id_are_null(gql, field):
    response = gql.execute(
        f"query($id: ID!) {{ {field}(id: $id) {{ id }} }}",
        {"id": b64(f"{field.title()}:99999999999999999999999")},
    )
    assert response.body == {"data": {field: None}}


@pytest.mark.parametrize(
    "cursor",
    [
        "!!!",
        b64("arrayconnection:-5"),
        b64("arrayconnection:99999999999999999999999"),
        b64("arrayconnection:١٢"),
        b64("feed:2024-01-01T00:00:00+00:00|1"),
    ],
)
def test_crafted_cursors_are_bad_user_input(gql, cursor):
    # More in tests/schema/engine/test_keyset_pages.py: edited, foreign and made-up cursors.
    response = gql.execute("query($c: String) { photos(after: $c) { totalCount } }", {"c": cursor})
    assert response.error_codes == ["BAD_USER_INPUT"]


# --- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["yesterday", "2024-13-01T00:00:00Z", "2024-01-01T00:00:00", 5, "9999-12-31T23:59-14:00"],
)
def test_a_bad_date_time_is_bad_user_input_without_parser_internals(gql, value):
    response = gql.execute(
        "query($d: DateTime) { photos(filters: {publishedAfter: $d}) { totalCount } }", {"d": value}
    )
    assert response.error_codes == ["BAD_USER_INPUT"]
    message = response.errors[0]["message"]
    assert "ISO 8601" in message or "out of range" in message
    assert "invalid literal" not in message


@pytest.mark.parametrize(
    "query",
    [
        "{ " + "... on Query { " * 390 + "__typename" + " }" * 390 + " }",
        "{ user(username: " + "[" * 990 + "]" * 990 + ") { id } }",
        "{ photos(filters: " + "{a: " * 650 + "1" + "}" * 650 + ") { totalCount } }",
        "{ " + "me { " * 500 + "id" + " }" * 500 + " }",
    ],
    ids=["inline fragments", "lists", "input objects", "fields"],
)
def test_documents_nested_past_the_parser_bound_fail_to_parse_not_to_recurse(gql, query):
    assert gql.execute(query).error_codes == ["GRAPHQL_PARSE_FAILED"]
