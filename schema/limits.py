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
    ValidationRule,
    Visitor,
    visit,
)

from schema.errors import BadUserInput, ClientError


class DocumentRefused(ClientError):
    code = "GRAPHQL_VALIDATION_FAILED"


@dataclass(frozen=True)
class Limits:
    max_directives: int
    max_repeats: int
    max_chars: int


def document_errors(document: DocumentNode, limits: Limits) -> list[ClientError]:
    """The first limit the document breaks, if any (one error is enough to refuse it)."""
    walker = _Walker(limits)
    visit(document, walker)
    if walker.error is not None:
        return [walker.error]
    repeated = _repeated_selection(document, limits.max_repeats)
    if repeated is not None:
        return [
            DocumentRefused(
                f"'{repeated}' is selected more than {limits.max_repeats} times in one "
                "selection set."
            )
        ]
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
    # The JSON body's nesting is bounded by the transport (schema.transport), and an
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


class _Walker(Visitor):
    def __init__(self, limits: Limits) -> None:
        super().__init__()
        self.limits = limits
        self.directives = 0
        self.error: ClientError | None = None

    def enter(self, node: Node, *args) -> Any:
        names = [d.name.value for d in getattr(node, "directives", None) or ()]
        self.directives += len(names)
        if self.directives > self.limits.max_directives:
            return self._stop(
                DocumentRefused(
                    f"The document uses more than {self.limits.max_directives} directives."
                )
            )
        if len(names) != len(set(names)):
            twice = next(name for name, n in Counter(names).items() if n > 1)
            return self._stop(DocumentRefused(f"The directive '@{twice}' is repeated."))
        if isinstance(node, StringValueNode):
            problem = _string_problem(node.value, self.limits.max_chars)
            if problem:
                return self._stop(BadUserInput(f"A string argument {problem}."))
        return None

    def _stop(self, error: ClientError) -> Any:
        self.error = error
        return self.BREAK


def _repeated_selection(document: DocumentNode, max_repeats: int) -> str | None:
    """A response name selected more than `max_repeats` times in one selection set."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    counted: dict[str, Counter] = {}

    def names(selection_set: SelectionSetNode, seen: frozenset[str]) -> Counter:
        found: Counter = Counter()
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                found[(selection.alias or selection.name).value] += 1
            elif isinstance(selection, InlineFragmentNode):
                found.update(names(selection.selection_set, seen))
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = fragments.get(name)
                if fragment is None or name in seen:
                    continue  # unknown or cyclic: validation answers for it
                if name not in counted:
                    counted[name] = names(fragment.selection_set, seen | {name})
                found.update(counted[name])
        return found

    def visit_set(selection_set: SelectionSetNode) -> str | None:
        common = names(selection_set, frozenset()).most_common(1)
        if common and common[0][1] > max_repeats:
            return common[0][0]
        return None

    class Sets(Visitor):
        repeated: str | None = None

        def enter_selection_set(self, node: SelectionSetNode, *args) -> Any:
            self.repeated = visit_set(node)
            return self.BREAK if self.repeated else None

    sets = Sets()
    visit(document, sets)
    return sets.repeated


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
