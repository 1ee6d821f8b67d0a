"""Plain fields answered without a resolver call: an attribute read and serialized.

Most fields of an answer only read a value: `Image.url`, `Photo.caption`,
`User.username`. graphql-core still builds a resolve info, reads the arguments and
calls Strawberry's resolver wrapper for each (strawberry-django's adds a descriptor
lookup), then completes the value. For the fields that are plain,
`PlainFieldsContext.execute_fields` reads the value itself and serializes it as
graphql-core would (feed(first: 20) went from 1.60 to 1.40 of the plain view). A field
is plain when it has no arguments and no field extensions (permissions are extensions),
answers a scalar or an enum, and its value is:
- a Strawberry field's attribute (no resolver: `getattr`, Strawberry's default);
- a strawberry-django field's model column already loaded on the row (its value in the
  instance's `__dict__`, as strawberry-django reads it); a file column is not plain;
- a strawberry-django Node's relay `id`, when the type keeps the library's way of
  making it (the type's name and the row's primary key, read from the instance).

Anything unusual goes through graphql-core's own `execute_field`, so errors and nulls
come out as they always did: a value that is missing, None for a non-null field, an
exception, or one that does not serialize. With Strawberry schema extensions that
resolve fields (graphql-core middleware), every field goes through them as before.
GRAPHQL_ENGINE_PLAIN_FIELDS=0 turns this off (docs/engine.md).
"""

import asyncio
from collections.abc import Callable
from typing import Any, NamedTuple

from django.db.models.fields.files import FileDescriptor
from django.db.models.query_utils import DeferredAttribute
from graphql import (
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    Undefined,
    is_leaf_type,
)
from graphql.pyutils import Path
from strawberry import relay
from strawberry.relay import GlobalID
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField
from strawberry_django.fields.field import StrawberryDjangoField
from strawberry_django.relay.utils import resolve_model_id
from strawberry_django.utils.typing import get_django_definition

PRIVATE_NAMES = (
    "graphql.execution.execute.ExecutionContext.execute_fields",
    "graphql.execution.execute.ExecutionContext.execute_field",
    "graphql.execution.execute:'self.middleware_manager'",
    "strawberry.schema.schema.StrawberryGraphQLCoreExecutionContext",
    "strawberry.schema.schema_converter.GraphQLCoreConverter.DEFINITION_BACKREF",
    "strawberry.types.field.StrawberryField.default_resolver",
    "strawberry_django.fields.field.StrawberryDjangoField.get_result",
    "strawberry_django.utils.typing.get_django_definition",
    "strawberry_django.relay.utils.resolve_model_id",
    "strawberry.relay.types.Node._id",
    "strawberry.relay.types.Node.resolve_typename",
    "strawberry.types.fields.resolver:'self.wrapped_func = '",
)

MISSING = object()


class Plain(NamedTuple):
    read: Callable[[Any], Any]  # the value, or MISSING when it must be resolved
    serialize: Callable[[Any], Any]
    nullable: bool


def _attribute(name: str) -> Callable[[Any], Any]:
    def read(source: Any) -> Any:
        return getattr(source, name, MISSING)

    return read


def _column(attname: str) -> Callable[[Any], Any]:
    def read(source: Any) -> Any:
        try:
            return source.__dict__.get(attname, MISSING)
        except AttributeError:  # a source without a __dict__: not a row
            return MISSING

    return read


def _node_id(type_name: str, attname: str, model: type) -> Callable[[Any], Any]:
    def read(source: Any) -> Any:
        if not isinstance(source, model) or attname not in source.__dict__:
            return MISSING
        return GlobalID(type_name=type_name, node_id=str(source.__dict__[attname]))

    return read


def _is_node_id(field: Any, origin: type) -> bool:
    """The relay `id` of a strawberry-django Node answered as the library answers it: the
    type's name and the row's key (resolve_model_id, Node.resolve_typename)."""
    resolver = field.base_resolver
    return (
        getattr(getattr(resolver, "wrapped_func", None), "__func__", None) is _NODE_ID
        and getattr(origin.resolve_id, "__func__", None) is resolve_model_id
        and getattr(origin.resolve_typename, "__func__", None) is _NODE_TYPENAME
    )


_NODE_ID = relay.Node._id.__func__
_NODE_TYPENAME = relay.Node.resolve_typename.__func__


def _reader(
    field: Any, model: type | None, definition: Any, type_name: str
) -> Callable[[Any], Any] | None:
    if field is None or field.extensions or field.arguments:
        return None
    resolved = field.base_resolver is not None
    if model is not None and resolved and _is_node_id(field, definition.origin):
        id_attr = definition.origin.resolve_id_attr()
        attname = model._meta.pk.attname if id_attr == "pk" else id_attr
        return _node_id(type_name, attname, model)
    if resolved:
        return None
    if type(field) is StrawberryField:
        return _attribute(field.python_name) if field.default_resolver is getattr else None
    if type(field) is StrawberryDjangoField and model is not None and not field.is_relation:
        name = field.django_name or field.python_name
        descriptor = getattr(model, name, None) if "__" not in name else None
        if isinstance(descriptor, DeferredAttribute) and not isinstance(descriptor, FileDescriptor):
            return _column(descriptor.field.attname)
    return None


def plain_fields(schema: GraphQLSchema) -> dict[GraphQLObjectType, dict[str, Plain]]:
    """Per object type, its plain fields by name (types without any are left out)."""
    found: dict[GraphQLObjectType, dict[str, Plain]] = {}
    backref = GraphQLCoreConverter.DEFINITION_BACKREF
    for graphql_type in schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type.name.startswith("__"):
            continue
        definition = (graphql_type.extensions or {}).get(backref)
        django = get_django_definition(definition.origin) if definition is not None else None
        model = django.model if django is not None else None
        plain = {}
        for name, field in graphql_type.fields.items():
            output, nullable = field.type, True
            if isinstance(output, GraphQLNonNull):
                output, nullable = output.of_type, False
            if field.args or not is_leaf_type(output):
                continue
            strawberry_field = (field.extensions or {}).get(backref)
            read = _reader(strawberry_field, model, definition, graphql_type.name)
            if read is not None:
                plain[name] = Plain(read, output.serialize, nullable)
        if plain:
            found[graphql_type] = plain
    return found


class PlainFieldsContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context, answering plain fields (`plain`) directly."""

    plain: dict[GraphQLObjectType, dict[str, Plain]] = {}

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        fields: dict[str, list],
    ) -> Any:
        plain = self.plain.get(parent_type)
        if plain is None or self.middleware_manager is not None:
            return super().execute_fields(parent_type, source_value, path, fields)
        results: dict[str, Any] = {}
        awaitable: list[str] = []
        for response_name, field_nodes in fields.items():
            spec = plain.get(field_nodes[0].name.value)
            if spec is not None:
                value = _plain_value(spec, source_value)
                if value is not MISSING:
                    results[response_name] = value
                    continue
            result = self.execute_field(
                parent_type, source_value, field_nodes, Path(path, response_name, parent_type.name)
            )
            if result is not Undefined:
                results[response_name] = result
                if self.is_awaitable(result):
                    awaitable.append(response_name)
        if not awaitable:
            return results

        async def gathered() -> dict[str, Any]:  # as graphql-core's own execute_fields
            values = await asyncio.gather(*(results[name] for name in awaitable))
            results.update(zip(awaitable, values, strict=True))
            return results

        return gathered()


def _plain_value(spec: Plain, source: Any) -> Any:
    """The serialized value, or MISSING when graphql-core must answer the field."""
    value = spec.read(source)
    if value is None:
        return None if spec.nullable else MISSING
    if value is MISSING or isinstance(value, Exception):
        return MISSING
    try:
        serialized = spec.serialize(value)
    except Exception:  # graphql-core answers it, with its own error
        return MISSING
    return MISSING if serialized is None or serialized is Undefined else serialized


def context_class(schema: GraphQLSchema, base: type) -> type[PlainFieldsContext]:
    """`base` (an execution context class) answering `schema`'s plain fields directly."""
    own = base is StrawberryGraphQLCoreExecutionContext
    bases = (PlainFieldsContext,) if own else (PlainFieldsContext, base)
    return type("PlainFieldsContext", bases, {"plain": plain_fields(schema)})
