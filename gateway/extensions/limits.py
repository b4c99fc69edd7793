"""Operation limits, checked before execution: no refused operation reaches LL2.

One synchronous :class:`OperationLimits` extension measures five things and refuses
an operation past any maximum of the request's :class:`~gateway.settings.Settings`:

=======  ===================  ==============================================  =======
limit    setting              what is measured                                default
=======  ===================  ==============================================  =======
size     ``max_query_bytes``  the document's length in UTF-8 bytes             32 KiB
tokens   ``max_tokens``       lexical tokens as the parser counts them          3000
                              (comments and commas are none), counted while
                              lexing and stopped at ``max + 1``
depth    ``max_depth``        the longest chain of nested fields (``{ a }``       15
                              is 1), through fragments
aliases  ``max_aliases``      aliased fields, a fragment counted once per         30
                              spread
cost     ``max_cost``         the estimate below, for the operation to run     20000
=======  ===================  ==============================================  =======

``size`` and ``tokens`` are checked before parsing (a document no longer than the
token maximum is not lexed twice), ``depth`` and ``aliases`` right after (before
validation, whose cost they bound), ``cost`` after validation (it needs the types and
the variables).  Depth and aliases are the largest over the document's operations.
A fragment cycle (invalid, reported by validation later) counts once, then as
nothing.  graphql-core's parser itself refuses nesting past ~200 levels (a
``GRAPHQL_PARSE_FAILED`` error, before the depth limit sees it).

The defaults let introspection through: graphql-core's full introspection query has
depth 15 (nine ``ofType`` levels), GraphiQL's (graphql-js 16) 13, no aliases, under
200 tokens and a cost under 2000.

The cost model
--------------
Each field is resolved ``m`` times, ``m`` being the product of the sizes of the
lists above it (the root's fields: ``m = 1``).  The size ``n`` of a field is

* for a connection (a field returning ``...Connection``): its ``first`` or ``last``
  argument (a literal, a variable from the request's variables, the variable's
  default, else the argument's default, else 10); its ``edges`` and ``nodes`` are the
  same items and multiply by nothing more;
* for any other list: its ``first`` argument if it has one, the number of its
  ``ids`` (``nodes(ids:)``) or ``representations`` (federation's ``_entities``),
  else 10;
* 1 for anything else.

The cost is the sum over the operation's fields (fragments expanded) of

* ``m * n`` for each connection and list: the items it may return, and
* ``m`` for each field that needs an LL2 call: a root field returning an entity (or
  a Relay ``Node``, or federation's ``_Entity``) or a connection, a connection
  anywhere, and a relation to another entity (the
  fields made by :func:`gateway.types.base.related`, whose completion may fetch).

So ``{ agencies(first: 20) { nodes { name spacecraftList { name } } } }`` costs
``1 + 20`` (the root call and its items) ``+ 20 + 20 * 10`` (the relation's calls
and items) = 241.  Introspection fields count like any other list.  Every measure
saturates at ``2**53 - 1``.

A refusal is one GraphQL error with ``extensions = {"code": "QUERY_TOO_COMPLEX",
"limit": <name>, "measured": <n>, "maximum": <max>}`` and null data.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSyntaxError,
    GraphQLUnionType,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    Source,
    TokenKind,
    VariableNode,
    get_named_type,
    get_nullable_type,
    get_operation_ast,
)
from graphql.language import Lexer
from graphql.type import SchemaMetaFieldDef, TypeMetaFieldDef
from strawberry.extensions import SchemaExtension

from gateway.settings import Settings
from gateway.types.base import Entity
from gateway.types.node import Node

if TYPE_CHECKING:
    from graphql import DocumentNode, GraphQLField, GraphQLNamedType, SelectionSetNode

__all__ = [
    "CODE",
    "DEFAULT_LIST_SIZE",
    "OperationLimits",
    "OperationTooComplex",
    "count_tokens",
    "max_body_bytes",
    "measure_cost",
    "measure_shape",
]

CODE: Final = "QUERY_TOO_COMPLEX"
#: The size assumed for a list without a `first` argument (and a `first` left out).
DEFAULT_LIST_SIZE: Final = 10
#: Where every measure stops growing (JSON numbers stay exact up to here).
CEILING: Final = 2**53 - 1

#: limit -> (the Settings attribute holding its maximum, what it measures).
LIMITS: Final[Mapping[str, tuple[str, str]]] = {
    "size": ("max_query_bytes", "document size in bytes"),
    "tokens": ("max_tokens", "number of lexical tokens"),
    "depth": ("max_depth", "field nesting depth"),
    "aliases": ("max_aliases", "number of aliases"),
    "cost": ("max_cost", "estimated cost"),
}

_DEFAULT_SETTINGS = Settings()


class OperationTooComplex(GraphQLError):
    """The one error of an operation refused by a limit."""

    def __init__(self, limit: str, measured: int, maximum: int) -> None:
        what = LIMITS[limit][1]
        super().__init__(
            f"Operation too complex: its {what} ({measured}) exceeds the `{limit}` "
            f"limit of {maximum}.",
            extensions={"code": CODE, "limit": limit, "measured": measured, "maximum": maximum},
        )


def max_body_bytes(settings: Settings) -> int:
    """aiohttp's ``client_max_size``: room for the document JSON-escaped, plus variables."""
    return 2 * settings.max_query_bytes + 64 * 1024


def _check(settings: Settings, limit: str, measured: int) -> None:
    maximum = getattr(settings, LIMITS[limit][0])
    if measured > maximum:
        raise OperationTooComplex(limit, measured, maximum)


# -- size and tokens -------------------------------------------------------------


def _byte_size(query: str, maximum: int) -> int:
    if 4 * len(query) <= maximum:  # cannot be over: skip the encoding
        return len(query)
    return len(query.encode("utf-8", "surrogatepass"))


@lru_cache(maxsize=256)
def count_tokens(query: str, maximum: int) -> int:
    """Lexical tokens of ``query`` as the parser counts them, stopping at ``maximum + 1``.

    A lexing error stops the count: the parser will report it.
    """
    lexer = Lexer(Source(query))
    count = 0
    try:
        while lexer.advance().kind is not TokenKind.EOF:
            count += 1
            if count > maximum:
                break
    except GraphQLSyntaxError:
        pass
    return count


# -- depth and aliases -----------------------------------------------------------


@dataclass(slots=True)
class _Local:
    """One definition's own numbers, fragment spreads aside."""

    depth: int
    aliases: int
    #: (fields above the spread, fragment name) for each spread.
    spreads: list[tuple[int, str]]


def _local_shape(selection_set: SelectionSetNode) -> _Local:
    depth = aliases = 0
    spreads: list[tuple[int, str]] = []
    stack = [(selection_set, 0)]
    while stack:
        current, above = stack.pop()
        for node in current.selections:
            if isinstance(node, FieldNode):
                if node.alias is not None:
                    aliases += 1
                depth = max(depth, above + 1)
                if node.selection_set is not None:
                    stack.append((node.selection_set, above + 1))
            elif isinstance(node, InlineFragmentNode):
                stack.append((node.selection_set, above))
            elif isinstance(node, FragmentSpreadNode):
                spreads.append((above, node.name.value))
    return _Local(depth, aliases, spreads)


def _postorder(graph: Mapping[str, list[str]]) -> Iterator[str]:
    """Fragment names, each after those it spreads (iterative; a cycle is cut)."""
    done: set[str] = set()
    for start in graph:
        if start in done:
            continue
        active = {start}
        stack = [(start, iter(graph[start]))]
        while stack:
            name, children = stack[-1]
            for child in children:
                if child in graph and child not in done and child not in active:
                    active.add(child)
                    stack.append((child, iter(graph[child])))
                    break
            else:
                stack.pop()
                active.discard(name)
                done.add(name)
                yield name


def measure_shape(document: DocumentNode) -> tuple[int, int]:
    """(depth, aliases): the largest over the document's operations."""
    fragments: dict[str, _Local] = {}
    operations: list[_Local] = []
    for definition in document.definitions:
        if isinstance(definition, FragmentDefinitionNode):
            fragments.setdefault(definition.name.value, _local_shape(definition.selection_set))
        elif isinstance(definition, OperationDefinitionNode):
            operations.append(_local_shape(definition.selection_set))
    totals: dict[str, tuple[int, int]] = {}

    def total(local: _Local) -> tuple[int, int]:
        depth, aliases = local.depth, local.aliases
        for above, name in local.spreads:
            depth_below, aliases_below = totals.get(name, (0, 0))  # unknown, or a cycle
            depth = max(depth, above + depth_below)
            aliases = min(aliases + aliases_below, CEILING)
        return depth, aliases

    for name in _postorder({k: [s for _, s in v.spreads] for k, v in fragments.items()}):
        totals[name] = total(fragments[name])
    measured = [total(op) for op in operations]
    return max((d for d, _ in measured), default=0), max((a for _, a in measured), default=0)


class _ShapeMemo:
    """(depth, aliases) by document identity: DocumentParsing hands back the same object."""

    def __init__(self, maxsize: int = 256) -> None:
        self.maxsize = maxsize
        self._items: OrderedDict[int, tuple[DocumentNode, tuple[int, int]]] = OrderedDict()

    def get(self, document: DocumentNode) -> tuple[int, int]:
        found = self._items.get(id(document))
        if found is not None and found[0] is document:
            self._items.move_to_end(id(document))
            return found[1]
        shape = measure_shape(document)
        self._items[id(document)] = (document, shape)  # holding it keeps its id unique
        if len(self._items) > self.maxsize:
            self._items.popitem(last=False)
        return shape


_SHAPES = _ShapeMemo()


# -- cost ------------------------------------------------------------------------

#: Field kinds of the cost model.
_SINGLE, _LIST, _CONNECTION, _PAGE_ITEMS = range(4)


@dataclass(frozen=True, slots=True)
class _FieldCost:
    kind: int
    calls: bool


def _is_connection(tp: GraphQLNamedType) -> bool:
    return (
        isinstance(tp, GraphQLObjectType)
        and tp.name.endswith("Connection")
        and "edges" in tp.fields
        and "pageInfo" in tp.fields
    )


def _is_entity(tp: GraphQLNamedType) -> bool:
    if isinstance(tp, GraphQLUnionType):  # federation's _Entity
        return all(_is_entity(member) for member in tp.types)
    definition = tp.extensions.get("strawberry-definition") if tp.extensions else None
    origin = getattr(definition, "origin", None)
    return isinstance(origin, type) and issubclass(origin, Entity | Node)


def _is_relation(field: GraphQLField) -> bool:
    definition = field.extensions.get("strawberry-definition") if field.extensions else None
    resolver = getattr(definition, "base_resolver", None)
    wrapped = getattr(resolver, "wrapped_func", None)
    return bool(getattr(wrapped, "_ll2_relation", False))


class _CostTable:
    """How each (type, field) of one schema counts; filled on first use."""

    def __init__(self, schema: GraphQLSchema) -> None:
        self.schema = schema
        self.query_type = schema.query_type
        #: Root types whose entity fields fetch (a subscription's too, at each answer).
        self.roots = {t for t in (schema.query_type, schema.subscription_type) if t is not None}
        self._fields: dict[tuple[str, str], _FieldCost] = {}

    def field(self, parent: GraphQLNamedType, name: str, field: GraphQLField) -> _FieldCost:
        key = (parent.name, name)
        found = self._fields.get(key)
        if found is None:
            found = self._fields[key] = self._classify(parent, name, field)
        return found

    def _classify(self, parent: GraphQLNamedType, name: str, field: GraphQLField) -> _FieldCost:
        named = get_named_type(field.type)
        connection = _is_connection(named)
        if connection:
            kind = _CONNECTION
        elif isinstance(get_nullable_type(field.type), GraphQLList):
            kind = _PAGE_ITEMS if _is_connection(parent) else _LIST
        else:
            kind = _SINGLE
        root = parent in self.roots and not name.startswith("__")
        calls = connection or _is_relation(field) or (root and _is_entity(named))
        return _FieldCost(kind, calls)


_TABLES: dict[int, _CostTable] = {}


def _table(schema: GraphQLSchema) -> _CostTable:
    table = _TABLES.get(id(schema))
    if table is None or table.schema is not schema:
        table = _TABLES[id(schema)] = _CostTable(schema)
    return table


def _as_count(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(min(value, CEILING))
    return None


def _first(
    node: FieldNode,
    field: GraphQLField,
    variables: Mapping[str, Any],
    defaults: Mapping[str, int],
) -> int:
    """The size ``first`` or ``last`` (whichever is given, the larger if both) asks."""
    given: list[int] = []
    for argument in node.arguments or ():
        if argument.name.value not in ("first", "last"):
            continue
        value = argument.value
        if isinstance(value, IntValueNode):
            given.append(int(value.value))
        elif isinstance(value, VariableNode):
            name = value.name.value
            if name in variables:
                count = _as_count(variables[name])
                if count is not None:
                    given.append(count)
            elif name in defaults:
                given.append(defaults[name])
    if given:
        return max(given)
    declared = field.args.get("first")
    if declared is not None:
        count = _as_count(declared.default_value)
        if count is not None:
            return count
    return DEFAULT_LIST_SIZE


#: List arguments that say how many items a list field returns, one per element.
_COUNTED_ARGUMENTS: Final = ("ids", "representations")


def _ids(node: FieldNode, name: str, variables: Mapping[str, Any]) -> int:
    """How many ids (or federation representations) argument ``name`` passes (a list,
    a variable, or one id)."""
    for argument in node.arguments or ():
        if argument.name.value != name:
            continue
        value = argument.value
        if isinstance(value, ListValueNode):
            return len(value.values)
        if isinstance(value, VariableNode):
            passed = variables.get(value.name.value)
            return len(passed) if isinstance(passed, list) else 1
        return 1  # input coercion makes one id a list of one
    return DEFAULT_LIST_SIZE


@dataclass(slots=True)
class _LocalCost:
    cost: int
    #: (multiplier at the spread, fragment name) for each spread.
    spreads: list[tuple[int, str]]


def _field_def(table: _CostTable, parent: GraphQLNamedType, name: str) -> GraphQLField | None:
    if name.startswith("__") and parent is table.query_type:
        if name == "__schema":
            return SchemaMetaFieldDef
        if name == "__type":
            return TypeMetaFieldDef
    fields = getattr(parent, "fields", None)
    return fields.get(name) if fields is not None else None


def _local_cost(
    table: _CostTable,
    selection_set: SelectionSetNode,
    parent: GraphQLNamedType,
    variables: Mapping[str, Any],
    defaults: Mapping[str, int],
) -> _LocalCost:
    cost = 0
    spreads: list[tuple[int, str]] = []
    stack: list[tuple[SelectionSetNode, GraphQLNamedType, int]] = [(selection_set, parent, 1)]
    while stack:
        current, parent_type, multiplier = stack.pop()
        for node in current.selections:
            if isinstance(node, FieldNode):
                name = node.name.value
                field = _field_def(table, parent_type, name)
                if field is None:  # __typename (or what validation refused)
                    continue
                info = table.field(parent_type, name, field)
                if info.calls:
                    cost += multiplier
                size = 1
                if info.kind == _CONNECTION or info.kind == _LIST:
                    if info.kind == _CONNECTION or "first" in field.args:
                        size = max(0, _first(node, field, variables, defaults))
                    elif counted := next((a for a in _COUNTED_ARGUMENTS if a in field.args), None):
                        size = _ids(node, counted, variables)
                    else:
                        size = DEFAULT_LIST_SIZE
                    cost += multiplier * size
                cost = min(cost, CEILING)
                if node.selection_set is not None:
                    below = min(multiplier * size, CEILING)
                    stack.append((node.selection_set, get_named_type(field.type), below))
            elif isinstance(node, InlineFragmentNode):
                condition = node.type_condition
                inner = table.schema.get_type(condition.name.value) if condition else parent_type
                stack.append((node.selection_set, inner or parent_type, multiplier))
            elif isinstance(node, FragmentSpreadNode):
                spreads.append((multiplier, node.name.value))
    return _LocalCost(cost, spreads)


def measure_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
) -> int:
    """The estimated cost of the operation ``operation_name`` (see the module's doc)."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return 0
    table = _table(schema)
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    variables = variables if isinstance(variables, Mapping) else {}
    defaults: dict[str, int] = {}
    for definition in operation.variable_definitions or ():
        if isinstance(definition.default_value, IntValueNode):
            defaults[definition.variable.name.value] = int(definition.default_value.value)
    fragments: dict[str, _LocalCost] = {}
    for fragment in document.definitions:
        if not isinstance(fragment, FragmentDefinitionNode):
            continue
        condition = schema.get_type(fragment.type_condition.name.value)
        if condition is not None and fragment.name.value not in fragments:
            fragments[fragment.name.value] = _local_cost(
                table, fragment.selection_set, condition, variables, defaults
            )
    totals: dict[str, int] = {}

    def total(local: _LocalCost) -> int:
        cost = local.cost
        for multiplier, name in local.spreads:
            cost = min(cost + multiplier * totals.get(name, 0), CEILING)
        return cost

    for name in _postorder({k: [s for _, s in v.spreads] for k, v in fragments.items()}):
        totals[name] = total(fragments[name])
    return total(_local_cost(table, operation.selection_set, root, variables, defaults))


# -- the extension ---------------------------------------------------------------


class OperationLimits(SchemaExtension):
    """Refuse operations past the request's limits; register it first (it is cheap)."""

    def _settings(self) -> Settings:
        settings = getattr(self.execution_context.context, "settings", None)
        return settings if isinstance(settings, Settings) else _DEFAULT_SETTINGS

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        settings = self._settings()
        query = context.query
        if context.graphql_document is None and isinstance(query, str):
            _check(settings, "size", _byte_size(query, settings.max_query_bytes))
            if len(query) > settings.max_tokens:  # a token is at least one character
                _check(settings, "tokens", count_tokens(query, settings.max_tokens))
        yield
        document = context.graphql_document
        if document is not None:
            depth, aliases = _SHAPES.get(document)
            _check(settings, "depth", depth)
            _check(settings, "aliases", aliases)

    def on_validate(self) -> Iterator[None]:
        yield
        context = self.execution_context
        if context.pre_execution_errors or context.graphql_document is None:
            return
        cost = measure_cost(
            context.schema._schema,
            context.graphql_document,
            context.operation_name,
            context.variables,
        )
        _check(self._settings(), "cost", cost)
