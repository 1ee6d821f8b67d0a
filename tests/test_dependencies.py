"""A plain unpinned install falls back to graphene betas and breaks graphql_jwt: fail loudly."""

from importlib.metadata import version


def test_graphql_jwt_imports():
    import graphql_jwt  # noqa: F401
    from graphql_jwt.shortcuts import get_token  # noqa: F401


def test_resolved_versions_are_the_pinned_line():
    major, minor = (int(part) for part in version("graphql-core").split(".")[:2])
    assert (major, minor) == (3, 2), "graphene needs graphql-core 3.2"
    assert version("graphene").startswith("3.4."), version("graphene")
    strawberry_minor = int(version("strawberry-graphql").split(".")[1])
    assert 315 <= strawberry_minor < 328
    assert version("django").startswith("5.2.")
