"""Validation: remembered per document text, by only the rules a document can break,
each rule finding its handlers once per class.

graphql-core checks a document against every rule of the specification in one walk
of its syntax tree; each rule adds its visits, and three of them (undefined, unused
and misplaced variables) walk the operation again for its variable usages.  A rule
about variables cannot fail in a document with no ``$``, one about fragments in a
document with no ``...`` and no fragment definition, one about directives in a
document with no ``@``: :func:`applicable_rules` leaves them out.

Every validation makes a new instance of each rule, and each instance looks up its
``enter_<kind>``/``leave_<kind>`` methods by name for every kind of node it meets,
though most rules handle two or three kinds of the dozen a document holds.
:func:`quick` gives a rule a subclass whose instances learn from a table kept per
class which kinds they handle, and return graphql-core's empty pair for the others.

Measured (``validate`` alone, 20-spacecraft list / ``agency(id:) { id name }``): 1.23 /
1.09 ms with every rule, 0.58 / 0.43 ms with the applicable ones, 0.32 / 0.25 ms with
their quick subclasses.

Strawberry's ``ValidationCache`` keys its cache by the parsed document, whose hash
walks the whole tree on every lookup; :class:`DocumentValidation` keys by the text.

Every visitor of a validation refers to itself (its handler table holds its bound
methods; ``ParallelVisitor``'s holds closures over it): graphql-core's ``validate``
left ~420 objects per call that only the cycle collector frees, most of the garbage
a never-seen document cost.  :func:`validate_acyclic` walks the same way and empties
the visitors when done.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator
from typing import Any, Final

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    ParallelVisitor,
    TypeInfo,
    TypeInfoVisitor,
    ValidationContext,
    assert_valid_schema,
    parse,
    specified_rules,
    visit,
)
from graphql.language.visitor import EnterLeaveVisitor, Visitor
from graphql.validation import (
    ASTValidationRule,
    DeferStreamDirectiveLabel,
    DeferStreamDirectiveOnRootField,
    DeferStreamDirectiveOnValidOperationsRule,
    FragmentsOnCompositeTypesRule,
    KnownDirectivesRule,
    KnownFragmentNamesRule,
    NoFragmentCyclesRule,
    NoUndefinedVariablesRule,
    NoUnusedFragmentsRule,
    NoUnusedVariablesRule,
    PossibleFragmentSpreadsRule,
    StreamDirectiveOnListField,
    UniqueDirectivesPerLocationRule,
    UniqueFragmentNamesRule,
    UniqueVariableNamesRule,
    VariablesAreInputTypesRule,
    VariablesInAllowedPositionRule,
)
from graphql.validation.validate import (
    FragmentNestingVisitor,
    ValidationAbortedError,
    query_document_keys_to_validate,
)
from strawberry.extensions import SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from gateway.extensions.plain_documents import plainly_valid

__all__ = [
    "DocumentValidation",
    "applicable_rules",
    "prepare",
    "quick",
    "validate_acyclic",
    "validation_errors",
]

Rules = tuple[type[ASTValidationRule], ...]
Key = tuple[GraphQLSchema, str, Rules]

#: Rules whose every error is about a variable definition or a ``$variable``.
VARIABLE_RULES: Final[frozenset[type[ASTValidationRule]]] = frozenset(
    {
        VariablesAreInputTypesRule,
        UniqueVariableNamesRule,
        NoUndefinedVariablesRule,
        NoUnusedVariablesRule,
        VariablesInAllowedPositionRule,
    }
)
#: Rules whose every error is about a fragment definition, spread or inline fragment.
FRAGMENT_RULES: Final[frozenset[type[ASTValidationRule]]] = frozenset(
    {
        FragmentsOnCompositeTypesRule,
        UniqueFragmentNamesRule,
        KnownFragmentNamesRule,
        NoUnusedFragmentsRule,
        PossibleFragmentSpreadsRule,
        NoFragmentCyclesRule,
    }
)
#: Rules whose every error is about a directive.
DIRECTIVE_RULES: Final[frozenset[type[ASTValidationRule]]] = frozenset(
    {
        KnownDirectivesRule,
        UniqueDirectivesPerLocationRule,
        DeferStreamDirectiveOnRootField,
        DeferStreamDirectiveOnValidOperationsRule,
        DeferStreamDirectiveLabel,
        StreamDirectiveOnListField,
    }
)
#: What Strawberry adds to the rules it is given (``strawberry.schema.validate_document``).
STRAWBERRY_RULES: Final[Rules] = (MaybeNullValidationRule, OneOfInputValidationRule)


def applicable_rules(
    source: str, document: DocumentNode, rules: Iterable[type[ASTValidationRule]]
) -> Rules:
    """``rules`` without those that cannot fail on ``document`` (parsed from ``source``).

    The tests on the text are conservative: a ``$`` inside a string keeps the variable
    rules, which then find nothing.
    """
    left_out: set[type[ASTValidationRule]] = set()
    if "$" not in source:
        left_out |= VARIABLE_RULES
    if "..." not in source and not any(
        isinstance(d, FragmentDefinitionNode) for d in document.definitions
    ):
        left_out |= FRAGMENT_RULES
    if "@" not in source:
        left_out |= DIRECTIVE_RULES
    return tuple(rule for rule in rules if rule not in left_out)


#: A kind of node a visitor has no handler for.
_NO_HANDLER: Final = EnterLeaveVisitor(None, None)


def _handler_names(cls: type[Visitor], kind: str) -> tuple[str | None, str | None]:
    """The attributes graphql-core's ``Visitor.get_enter_leave_for_kind`` would use."""
    enter = f"enter_{kind}" if getattr(cls, f"enter_{kind}", None) else None
    leave = f"leave_{kind}" if getattr(cls, f"leave_{kind}", None) else None
    generic_enter = "enter" if getattr(cls, "enter", None) else None
    generic_leave = "leave" if getattr(cls, "leave", None) else None
    return enter or generic_enter, leave or generic_leave


class _Handlers(dict[str, EnterLeaveVisitor]):
    """One visitor's handlers by kind of node, found from its class's table on first use."""

    __slots__ = ("_names", "_visitor")

    def __init__(self, visitor: Visitor, names: dict[str, tuple[str | None, str | None]]) -> None:
        super().__init__()
        self._visitor = visitor
        self._names = names

    def __missing__(self, kind: str) -> EnterLeaveVisitor:
        names = self._names.get(kind)
        if names is None:
            names = self._names[kind] = _handler_names(type(self._visitor), kind)
        enter, leave = names
        if enter is None and leave is None:
            found = _NO_HANDLER
        else:
            visitor = self._visitor
            found = EnterLeaveVisitor(
                getattr(visitor, enter) if enter else None,
                getattr(visitor, leave) if leave else None,
            )
        self[kind] = found
        return found


_quick: dict[type[ASTValidationRule], type[ASTValidationRule]] = {}


def quick(rule: type[ASTValidationRule]) -> type[ASTValidationRule]:
    """``rule``, as a subclass whose instances find their handlers per class (made once)."""
    found = _quick.get(rule)
    if found is None:
        names: dict[str, tuple[str | None, str | None]] = {}

        def __init__(self: ASTValidationRule, *args: Any, **kwargs: Any) -> None:
            rule.__init__(self, *args, **kwargs)
            self.enter_leave_map = _Handlers(self, names)

        namespace = {"__init__": __init__, "__module__": rule.__module__, "__doc__": rule.__doc__}
        found = _quick[rule] = type(rule.__name__, (rule,), namespace)
    return found


#: graphql-core's default: a document with more errors is not worth reading further.
MAX_ERRORS: Final = 100


def validate_acyclic(
    schema: GraphQLSchema, document: DocumentNode, rules: Iterable[type[ASTValidationRule]]
) -> list[GraphQLError]:
    """graphql-core's ``validate``, the same walk and errors, leaving no reference cycle.

    Its visitors, context and type information are emptied once the walk ends, so they
    go by reference counting instead of waiting for the cycle collector.
    """
    assert_valid_schema(schema)
    errors: list[GraphQLError] = []

    def on_error(error: GraphQLError) -> None:
        if len(errors) >= MAX_ERRORS:
            msg = "Too many validation errors, error limit reached. Validation aborted."
            raise ValidationAbortedError(msg)
        errors.append(error)

    type_info = TypeInfo(schema)
    context = ValidationContext(schema, document, type_info, on_error)
    visitors: list[Visitor] = [rule(context) for rule in rules]
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    if fragments:
        visitors.insert(0, FragmentNestingVisitor(fragments))
    parallel = ParallelVisitor(visitors)
    walker = TypeInfoVisitor(type_info, parallel)
    try:
        visit(document, walker, query_document_keys_to_validate)
    except ValidationAbortedError as error:
        error.__context__ = None
        errors.append(error.with_traceback(None))
    except RecursionError:
        errors.append(ValidationAbortedError("Validation aborted."))
    finally:
        for held in (*visitors, parallel, walker, context, type_info):
            vars(held).clear()
    return errors


def validation_errors(
    schema: GraphQLSchema,
    source: str,
    document: DocumentNode,
    rules: Iterable[type[ASTValidationRule]],
) -> list[GraphQLError]:
    """What ``rules`` find wrong with ``document`` (parsed from ``source``): nothing at
    once for a plain document that passes them (:func:`plainly_valid`), otherwise the
    errors of graphql-core's walk with the rules the document can break."""
    applicable = applicable_rules(source, document, rules)
    if plainly_valid(schema, document, applicable):
        return []
    return validate_acyclic(schema, document, [quick(rule) for rule in applicable])


#: A document with a node of every kind an operation has, for :func:`prepare`.
_EVERY_KIND: Final = """
query Q($id: ID!, $on: Boolean = true) {
  __typename
  a: node(id: $id) { globalId ...F ... on Agency @include(if: $on) { name } }
}
fragment F on Node { globalId }
"""


def prepare(schema: GraphQLSchema) -> None:
    """Make every rule's quick subclass and handler table now, by validating a document
    with every kind of node: the first client's validation would otherwise pay for it."""
    rules = [quick(rule) for rule in (*specified_rules, *STRAWBERRY_RULES)]
    validate_acyclic(schema, parse(_EVERY_KIND), rules)


class _Remembered:
    """The errors of recently validated documents, by schema, text and rules (least
    recently used out)."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._errors: OrderedDict[Key, list[GraphQLError]] = OrderedDict()

    def get(self, key: Key) -> list[GraphQLError] | None:
        errors = self._errors.get(key)
        if errors is not None:
            self._errors.move_to_end(key)
        return errors

    def put(self, key: Key, errors: list[GraphQLError]) -> None:
        self._errors[key] = errors
        if len(self._errors) > self.maxsize:
            self._errors.popitem(last=False)


_remembered: dict[int, _Remembered] = {}


class DocumentValidation(SchemaExtension):
    """Validates with :func:`applicable_rules`, remembering the ``maxsize`` most recent
    documents' errors (pass it as a factory: one instance per operation)."""

    def __init__(self, maxsize: int = 256) -> None:
        super().__init__()
        remembered = _remembered.get(maxsize)
        if remembered is None:
            remembered = _remembered[maxsize] = _Remembered(maxsize)
        self._remembered = remembered

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        source = context.query
        if document is None or source is None or not context.validation_rules:
            yield  # Strawberry validates (or not) as it would without this extension
            return
        schema = context.schema._schema
        key = (schema, source, context.validation_rules)
        errors = self._remembered.get(key)
        if errors is None:
            errors = validation_errors(schema, source, document, (*key[2], *STRAWBERRY_RULES))
            self._remembered.put(key, errors)
        context.pre_execution_errors = errors
        yield
