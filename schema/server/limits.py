"""What a document and its variables may hold, checked before graphql-core validates it.

graphql-core's validation is quadratic in fields that share a response name (its
OverlappingFieldsCanBeMerged rule compares every pair): 300 copies of `me { id }` took
0.28 s, 2,000 took 0.9 s. These checks are one linear walk, so a document that passes
them is cheap to validate, and one that fails them is refused before validation starts.

- directives: at most `max_directives` in a document, and a directive never twice on
  one node (ten `@aa` on one field would otherwise answer ten errors);
- repeated selections: one response name at most `max_repeats` times in a selection
  set, counting what its fragments bring in;
- strings: no NUL character (PostgreSQL refuses them in text) and at most `max_chars`
  characters, in literals and in variables alike.
"""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    Node,
    SelectionSetNode,
    StringValueNode,
    ValidationContext,
    ValidationRule,
)
from strawberry.extensions import QueryDepthLimiter

from project.codes import ErrorCode
from schema.core.errors import BadUserInput, ClientError


class DocumentRefused(ClientError):
    code = ErrorCode.GRAPHQL_VALIDATION_FAILED


@dataclass(frozen=True)
class Limits:
    max_directives: int
    max_repeats: int
    max_chars: int


def document_errors(document: DocumentNode, limits: Limits) -> list[ClientError]:
    """The first limit the document breaks, if any (one error is enough to refuse it).

    One walk over the nodes with a plain stack: graphql-core's `visit` costs as much as
    parsing the document again.
    """
    repeats = _Repeats(document)
    directives = 0
    stack: list[Node] = [document]
    while stack:
        node = stack.pop()
        names = [d.name.value for d in getattr(node, "directives", None) or ()]
        directives += len(names)
        if directives > limits.max_directives:
            message = f"The document uses more than {limits.max_directives} directives."
            return [DocumentRefused(message)]
        if len(names) != len(set(names)):
            twice = next(name for name, n in Counter(names).items() if n > 1)
            return [DocumentRefused(f"The directive '@{twice}' is repeated.")]
        if isinstance(node, StringValueNode):
            problem = _string_problem(node.value, limits.max_chars)
            if problem:
                return [BadUserInput(f"A string argument {problem}.")]
        elif isinstance(node, SelectionSetNode):
            repeated = repeats.most_repeated(node, limits.max_repeats)
            if repeated is not None:
                return [
                    DocumentRefused(
                        f"'{repeated}' is selected more than {limits.max_repeats} times in "
                        "one selection set."
                    )
                ]
        for key in node.keys:
            child = getattr(node, key, None)
            if isinstance(child, Node):
                stack.append(child)
            elif isinstance(child, list | tuple):
                stack.extend(item for item in child if isinstance(item, Node))
    return []


def variable_errors(variables: Any, limits: Limits) -> list[ClientError]:
    for text in _strings(variables):
        problem = _string_problem(text, limits.max_chars)
        if problem:
            return [BadUserInput(f"A variable {problem}.")]
    return []


def _string_problem(text: str, max_chars: int) -> str | None:
    if "\x00" in text:
        return "contains a NUL character"
    if len(text) > max_chars:
        return f"is longer than {max_chars} characters"
    return None


def _strings(value: Any) -> Iterator[str]:
    # The JSON body's nesting is bounded by the transport (schema.server.transport), and an
    # explicit stack keeps this walk off the interpreter's own.
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


class _Repeats:
    """How often each response name is selected in a selection set, fragments included."""

    def __init__(self, document: DocumentNode) -> None:
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.counted: dict[str, Counter] = {}  # each fragment counted once

    def most_repeated(self, selection_set: SelectionSetNode, max_repeats: int) -> str | None:
        common = self.names(selection_set, frozenset()).most_common(1)
        if common and common[0][1] > max_repeats:
            return common[0][0]
        return None

    def names(self, selection_set: SelectionSetNode, seen: frozenset[str]) -> Counter:
        found: Counter = Counter()
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                found[(selection.alias or selection.name).value] += 1
            elif isinstance(selection, InlineFragmentNode):
                found.update(self.names(selection.selection_set, seen))
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in seen:
                    continue  # unknown or cyclic: validation answers for it
                if name not in self.counted:
                    self.counted[name] = self.names(fragment.selection_set, seen | {name})
                found.update(self.counted[name])
        return found


class IntrospectionOff(ValidationRule):
    """Refuses `__schema` and `__type` (not `__typename`) with one error per document.

    graphql-core's NoSchemaIntrospectionCustomRule answers every field under them too:
    39 errors for GraphiQL's introspection query.
    """

    refused = False

    def enter_field(self, node: FieldNode, *args) -> Any:
        if node.name.value in ("__schema", "__type") and not self.refused:
            self.refused = True
            self.report_error(
                GraphQLError(
                    "Introspection is off on this server; the schema is published as "
                    "schema.graphql.",
                    node,
                )
            )
        return self.SKIP if node.name.value in ("__schema", "__type") else None


def depth_limit(max_depth: int) -> type[ValidationRule]:
    """Strawberry's depth limit, answering one error per operation too deep.

    Its rule reports every field it finds past the limit, so a document with two fields
    there (a field and the `__typename` Apollo adds beside it) answered the same error
    twice.
    """
    (limiter,) = QueryDepthLimiter(max_depth=max_depth).validation_rules

    class DepthLimit(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            limiter(_OnceEach(context))  # it does its whole walk when made

    return DepthLimit


class _OnceEach:
    """A validation context that passes each distinct error message on once."""

    def __init__(self, context: ValidationContext) -> None:
        self._context = context
        self._reported: set[str] = set()

    def report_error(self, error: GraphQLError) -> None:
        if error.message not in self._reported:
            self._reported.add(error.message)
            self._context.report_error(error)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)
