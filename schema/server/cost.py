"""What an operation may cost: how many objects its answer can hold, known before it runs.

Each object-valued field counts 1; scalars count nothing (their number per object is
bounded by the type and the token limit). A connection multiplies what it holds by its
page size (`first` or `last`, 20 when neither is given, never more than 100). A plain
list counts 1 and multiplies what its items hold by the longest it can be: its own rows
come with its parent (a photo's at most 30 tags), what hangs under each is the fan-out.
So `photos(first: 100) { edges { node { likes(first: 100) { ... } } } }` costs about
100 x 100 x 2: refused long before its rows are fetched, whatever its depth, aliases
and tokens.

Fragments are costed once each (a fragment spread many times costs a lookup), so the
walk is linear in the document. Variables are read as execution will read them:
coerced (`100.0` sent for an Int is 100) with their defaults in place (`$n: Int = 100`
sent without `n` is 100), else a cost would count pages the operation then exceeds.
Variables that do not coerce count as absent: execution refuses them anyway.
"""

from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    get_operation_ast,
    is_composite_type,
    is_list_type,
)
from graphql.execution.values import get_variable_values

from media_graph.library.days import MAX_MEMORIES, PHOTOS_PER_MEMORY, TIMELINE_MAX_MONTHS
from media_graph.models.albums import MAX_ALBUM_MEMBERS
from media_graph.services.related import MAX_GROUP
from media_graph.tags import MAX_TAGS_PER_CAPTION
from schema.core.connections import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

# The longest a plain list field can be; lists not named here count as a default page.
LIST_LENGTHS = {
    ("Photo", "tags"): MAX_TAGS_PER_CAPTION,
    ("Album", "members"): MAX_ALBUM_MEMBERS,
    ("Query", "timeline"): TIMELINE_MAX_MONTHS,
    ("Query", "memories"): MAX_MEMORIES,
    ("Memory", "photos"): PHOTOS_PER_MEMORY,
    ("Photo", "related"): MAX_GROUP - 1,
}
PAGE_ARGUMENTS = ("first", "last")


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: dict[str, Any] | None,
) -> int:
    """The most objects the operation's answer can hold (0 if there is no such operation).

    `variables` as the request sent them: they are coerced here.
    """
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return 0
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    coerced = coerced_variables(schema, document, operation_name, variables)
    return _Costing(schema, document, coerced).selections(operation.selection_set, root)


def coerced_variables(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Any,
) -> dict[str, Any]:
    """The operation's variables as execution will see them, defaults included.

    {} when they do not coerce: execution refuses them before anything runs.
    """
    operation = get_operation_ast(document, operation_name)
    if operation is None or not operation.variable_definitions:
        return {}
    sent = variables if isinstance(variables, dict) else {}
    coerced = get_variable_values(schema, operation.variable_definitions, sent, max_errors=1)
    return coerced if isinstance(coerced, dict) else {}


class _Costing:
    def __init__(self, schema: GraphQLSchema, document: DocumentNode, variables: dict) -> None:
        self.schema = schema
        self.variables = variables
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.fragment_costs: dict[str, int] = {}

    def selections(self, selection_set: SelectionSetNode | None, parent) -> int:
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                within = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selections(selection.selection_set, within or parent)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment(selection.name.value)
        return total

    def fragment(self, name: str) -> int:
        if name not in self.fragment_costs:
            self.fragment_costs[name] = 0  # a cycle (refused by validation) costs nothing
            definition = self.fragments.get(name)
            if definition is not None:
                condition = self.schema.get_type(definition.type_condition.name.value)
                self.fragment_costs[name] = self.selections(definition.selection_set, condition)
        return self.fragment_costs[name]

    def field(self, node: FieldNode, parent) -> int:
        name = node.name.value
        fields = getattr(parent, "fields", None)
        if name.startswith("__") or not fields or name not in fields:
            return 0  # introspection is bounded by the schema (and off in production)
        returns = get_nullable_type(fields[name].type)
        named = get_named_type(returns)
        if not is_composite_type(named):
            return 0
        inner = self.selections(node.selection_set, named)
        if _is_connection(named):
            return 1 + self.page_size(node) * inner
        if is_list_type(returns) and not _is_connection(parent):  # edges: counted above
            return 1 + LIST_LENGTHS.get((parent.name, name), DEFAULT_PAGE_SIZE) * inner
        return 1 + inner

    def page_size(self, node: FieldNode) -> int:
        sizes = [
            value
            for argument in node.arguments or ()
            if argument.name.value in PAGE_ARGUMENTS
            and (value := self.int_value(argument.value)) is not None
        ]
        size = max(sizes) if sizes else DEFAULT_PAGE_SIZE
        return min(max(size, 0), MAX_PAGE_SIZE)

    def int_value(self, value) -> int | None:
        if isinstance(value, IntValueNode):
            return int(value.value)
        if isinstance(value, VariableNode):
            given = self.variables.get(value.name.value)
            if isinstance(given, int) and not isinstance(given, bool):
                return given
        return None


def _is_connection(named) -> bool:
    return (
        isinstance(named, GraphQLObjectType)
        and named.name.endswith("Connection")
        and "edges" in named.fields
    )
