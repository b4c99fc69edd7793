"""Generated operations through the real HTTP gateway: never a 5xx, an unknown code or a crash.

Operations are drawn from the schema itself (graphql-core's view of the Strawberry
schema).  *Valid* ones select real fields with arguments of the right types, bad
values included (``first: 1000``, malformed cursors, unknown and malformed global ids,
odd text); fields returning the ``Node`` interface select through inline fragments;
*invalid* ones add unknown fields and arguments, wrong argument and variable types,
syntax damage, huge nesting, too many aliases or tokens, costly pages, broken
fragments and garbage.  One gateway over the offline LL2 serves every example; each
answer must be a GraphQL JSON body, below 500, whose errors all carry a known
``extensions.code`` other than ``INTERNAL_SERVER_ERROR``, with nothing logged at
ERROR level.

Two inputs it found once crashed the gateway (a cursor holding a non-ASCII digit,
a lone surrogate sent upstream); both are drawn on purpose and pinned by tests below.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLUnionType,
    Undefined,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.offline import start_offline_upstream
from gateway.schema import schema as gateway_schema
from gateway.types.connection import encode_cursor
from gateway.types.node import encode_global_id
from tests.harness import Gateway

KNOWN_CODES = frozenset(
    {
        "GRAPHQL_PARSE_FAILED",
        "GRAPHQL_VALIDATION_FAILED",
        "BAD_USER_INPUT",
        "QUERY_TOO_COMPLEX",
        "PERSISTED_QUERY_NOT_FOUND",
        "UPSTREAM_TIMEOUT",
        "UPSTREAM_UNAVAILABLE",
        "UPSTREAM_RATE_LIMITED",
        "UPSTREAM_BAD_RESPONSE",
        "INTERNAL_SERVER_ERROR",
        "BAD_REQUEST",
        "METHOD_NOT_ALLOWED",
        "NOT_FOUND",
        "PAYLOAD_TOO_LARGE",
    }
)

SCHEMA = gateway_schema._schema
QUERY = SCHEMA.query_type
assert QUERY is not None
ENTITY_UNION = SCHEMA.get_type("_Entity")
assert isinstance(ENTITY_UNION, GraphQLUnionType)

#: How deep generated selections nest objects (the depth limit is 15).
MAX_OBJECT_DEPTH = 4
#: Entity type -> ids the offline LL2 has (filled by the ``live`` fixture).
REAL_IDS: dict[str, list[str]] = {}
IDS = [
    "1",
    "44",
    "121",
    "602",
    "4",
    "999999",
    "0",
    "-1",
    "abc",
    "",
    " 7 ",
    "\uff11\uff12",
    "²",
    "1e3",
]  # fullwidth 12


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


BAD_CURSORS = [
    "",
    "x",
    "ll2:3",
    "====",
    "%%%",
    "bGwyOg",  # unpadded
    b64("ll2:"),
    b64("ll2:-1"),
    b64("ll2:1.5"),
    b64("ll2: 1"),
    b64("xx:1"),
    b64("ll2:" + "9" * 30),
    b64("ll2:٣"),  # an Arabic-Indic three: a decimal digit int() reads
    b64("ll2:²"),  # a superscript two: a digit int() refuses (once crashed the gateway)
]
ODD_TEXT = [
    "2020-01-01",
    "2020-01-01T00:00:00Z",
    "not a date",
    "%",
    "&limit=1000",
    "a b",
    "\x00",
    "é",
    "a\ud800b",
]


BAD_GLOBAL_IDS = [
    "",
    "x",
    "Spacecraft:602",
    "U3BhY2VjcmFmdDo2MDI",  # unpadded
    encode_global_id("Spacecraft", ""),
    encode_global_id("Spacecraft", "abc"),
    encode_global_id("Spacecraft", "²"),
    encode_global_id("Nope", "1"),
    encode_global_id("Image", "1"),
    encode_global_id("", "1"),
    b64("Spacecraft:602"),  # urlsafe, not the standard alphabet: same here
    "%%%",
]


def has_surrogate(value: Any) -> bool:
    """Whether a lone surrogate hides in ``value`` (it cannot travel in a GET URL)."""
    if isinstance(value, str):
        return any(0xD800 <= ord(c) <= 0xDFFF for c in value)
    if isinstance(value, list):
        return any(has_surrogate(v) for v in value)
    if isinstance(value, dict):
        return any(has_surrogate(v) for v in value.values())
    return False


# -- operations -------------------------------------------------------------------


class EnumName(str):
    """An enum value: a bare name in a literal, a string in variables."""


def literal(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, EnumName):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # JSON escapes are GraphQL escapes (a lone surrogate fails)
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    return "{" + ", ".join(f"{k}: {literal(v)}" for k, v in value.items()) + "}"


@dataclass
class Op:
    query: str
    variables: dict[str, Any] = field(default_factory=dict)
    operation_name: str | None = None
    method: str = "POST"

    def __repr__(self) -> str:  # what a failing example prints
        return (
            f"Op(query={self.query!r}, variables={self.variables!r}, "
            f"operation_name={self.operation_name!r}, method={self.method!r})"
        )


def is_connection(tp: Any) -> bool:
    return isinstance(tp, GraphQLObjectType) and tp.name.endswith("Connection")


class Builder:
    """One operation's text, variables and fragments, drawn piece by piece."""

    def __init__(self, draw: Any, *, invalid: bool = False) -> None:
        self.draw = draw
        self.invalid = invalid
        self.var_defs: list[str] = []
        self.variables: dict[str, Any] = {}
        self.fragments: list[str] = []
        self.count = 0

    def fresh(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def chance(self, one_in: int) -> bool:
        return self.draw(st.integers(0, one_in - 1)) == 0

    # values

    def value(self, tp: GraphQLInputType, arg: str, depth: int = 0, owner: str = "") -> Any:
        """A value of type ``tp`` for argument ``arg`` (of a field returning ``owner``)."""
        draw = self.draw
        if isinstance(tp, GraphQLNonNull):
            tp = tp.of_type
        elif self.chance(12):
            return None
        if isinstance(tp, GraphQLList):
            if depth < 2 and self.chance(2):
                return [
                    self.value(tp.of_type, arg, depth + 1, owner)
                    for _ in range(draw(st.integers(0, 3)))
                ]
            return self.value(tp.of_type, arg, depth + 1, owner)  # input coercion wraps it
        if isinstance(tp, GraphQLEnumType):
            return EnumName(draw(st.sampled_from(sorted(tp.values))))
        if isinstance(tp, GraphQLInputObjectType):
            names = sorted(tp.fields)
            chosen = (
                draw(st.lists(st.sampled_from(names), max_size=3, unique=True)) if depth < 3 else []
            )
            return {n: self.value(tp.fields[n].type, n, depth + 1) for n in chosen}
        name = getattr(tp, "name", "")
        if name == "_Any":
            return self.representation()
        if name == "Int":
            if arg in ("first", "last"):
                if self.chance(6):
                    return draw(st.sampled_from([-1, 101, 1000, 2**31 - 1, -(2**31)]))
                return draw(st.integers(0, 3))
            return draw(st.one_of(st.integers(-5, 3000), st.sampled_from([-(2**31), 2**31 - 1])))
        if name == "ID" and arg in ("id", "ids") and owner == "Node":
            if self.chance(3):
                return draw(st.sampled_from(BAD_GLOBAL_IDS))
            typename = draw(st.sampled_from(sorted(REAL_IDS) or ["Spacecraft"]))
            real = REAL_IDS.get(typename) or ["602"]
            return encode_global_id(typename, draw(st.sampled_from([*real, "999999"])))
        if name == "ID":
            real = REAL_IDS.get(owner)
            if real and not self.chance(4):
                return draw(st.sampled_from(real))
            return draw(
                st.one_of(st.sampled_from(IDS), st.integers(0, 10**6).map(str), st.text(max_size=6))
            )
        if name == "Boolean":
            return draw(st.booleans())
        if arg in ("after", "before"):
            if self.chance(2):
                return encode_cursor(draw(st.integers(0, 60)))
            return draw(
                st.one_of(
                    st.sampled_from(BAD_CURSORS),
                    st.text(max_size=6).map(lambda t: b64("ll2:" + t)),
                    st.text(max_size=8),
                )
            )
        return draw(st.one_of(st.text(max_size=8), st.sampled_from(ODD_TEXT)))

    def representation(self) -> Any:
        """A federation reference for ``_entities``: mostly real, sometimes not."""
        draw = self.draw
        entities = sorted(t.name for t in ENTITY_UNION.types)
        if self.chance(5):
            return draw(
                st.sampled_from(
                    ["Spacecraft:602", 602, None, [], {}, {"id": "602"}, {"__typename": 7}]
                )
            )
        typename = draw(st.sampled_from([*entities, "Rocket", "Query", "Image"]))
        representation: dict[str, Any] = {"__typename": typename}
        if not self.chance(8):
            real = REAL_IDS.get(typename)
            representation["id"] = (
                draw(st.sampled_from(real))
                if real and not self.chance(3)
                else draw(st.one_of(st.sampled_from(IDS), st.integers(-1, 10**6), st.booleans()))
            )
        return representation

    def wrong_value(self) -> Any:
        return self.draw(
            st.sampled_from(
                [
                    "text",
                    1.5,
                    7,
                    True,
                    None,
                    [1, 2],
                    {"x": 1},
                    EnumName("NOPE"),
                    2**40,
                    -(2**40),
                    [[[]]],
                ]
            )
        )

    def arguments(
        self, fld: GraphQLField, path: tuple[str, ...], connection: bool
    ) -> tuple[str, int | None]:
        """The argument list's text and the `first` or `last` it passes (None: left out)."""
        parts: list[str] = []
        first: int | None = None
        for name, arg in sorted(fld.args.items()):
            required = isinstance(arg.type, GraphQLNonNull) and arg.default_value is Undefined
            if (
                not required
                and not (name in ("first", "last") and self.chance(2))
                and not self.chance(4)
            ):
                continue
            if self.invalid and self.chance(5):
                value = self.wrong_value()
            else:
                value = self.value(arg.type, name, owner=get_named_type(fld.type).name)
            if name in ("first", "last") and isinstance(value, int) and not isinstance(value, bool):
                first = value if first is None else max(first, value)
            via_variable = self.chance(3)
            if via_variable:
                var = self.fresh("v")
                self.var_defs.append(f"${var}: {arg.type}")
                self.variables[var] = value
                parts.append(f"{name}: ${var}")
            else:
                parts.append(f"{name}: {literal(value)}")
        if self.invalid and self.chance(6):
            parts.append(f"{self.draw(st.sampled_from(['bogus', 'limit', 'offset', 'id']))}: 1")
        return ("(" + ", ".join(parts) + ")" if parts else ""), first

    # selections

    def selection(
        self,
        tp: GraphQLObjectType | GraphQLInterfaceType,
        path: tuple[str, ...],
        depth: int,
        mult: int,
    ) -> str:
        draw = self.draw
        names = sorted(tp.fields)
        chosen = draw(st.lists(st.sampled_from(names), min_size=1, max_size=4, unique=True))
        parts = [p for p in (self.field(tp, n, path, depth, mult) for n in chosen) if p]
        if isinstance(tp, GraphQLInterfaceType):  # select each kind through a fragment
            kinds = sorted(t.name for t in SCHEMA.get_possible_types(tp))
            for kind in draw(st.lists(st.sampled_from(kinds), max_size=3, unique=True)):
                impl = SCHEMA.get_type(kind)
                assert isinstance(impl, GraphQLObjectType)
                parts.append(f"... on {kind} {self.selection(impl, path, depth, mult)}")
        if self.chance(8):
            parts.append("__typename")
        if self.invalid and self.chance(6):
            parts.append(
                draw(
                    st.sampled_from(["nope", "idd", "__schema { types { name } }", "first", "Name"])
                )
            )
        body = " ".join(parts) or "__typename"
        wrap = draw(st.integers(0, 9))
        if wrap == 0:
            name = self.fresh("F")
            self.fragments.append(f"fragment {name} on {tp.name} {{ {body} }}")
            return f"{{ ...{name} }}"
        if wrap == 1:
            return f"{{ ... on {tp.name} {{ {body} }} }}"
        return f"{{ {body} }}"

    def field(
        self,
        parent: GraphQLObjectType | GraphQLInterfaceType,
        name: str,
        path: tuple[str, ...],
        depth: int,
        mult: int,
    ) -> str | None:
        fld = parent.fields[name]
        named = get_named_type(fld.type)
        alias = ""
        key = name
        if self.chance(10):
            key = self.fresh("a")
            alias = f"{key}: "
        here = (*path, key)
        if is_leaf_type(named):
            args = self.arguments(fld, here, connection=False)[0] if fld.args else ""
            return f"{alias}{name}{args}"
        if isinstance(named, GraphQLUnionType):  # `_entities`: a fragment per member drawn
            if depth >= MAX_OBJECT_DEPTH or mult > 3:
                return None
            args = self.arguments(fld, here, connection=False)[0]
            members = self.draw(
                st.lists(st.sampled_from(sorted(named.types, key=str)), min_size=1, max_size=3)
            )
            bodies = [
                f"... on {m.name} {self.selection(m, here, depth + 1, mult * 3)}" for m in members
            ]
            return f"{alias}{name}{args} {{ __typename {' '.join(bodies)} }}"
        assert isinstance(named, GraphQLObjectType | GraphQLInterfaceType)
        connection = is_connection(named)
        page_items = is_connection(parent)
        is_list = isinstance(get_nullable_type(fld.type), GraphQLList)
        if (
            depth >= MAX_OBJECT_DEPTH
            or (connection and mult > 3)
            or (is_list and not page_items and mult > 3)
        ):
            return None
        args, first = self.arguments(fld, here, connection)
        if connection:
            below = mult * (min(max(first, 1), 3) if first is not None else 10)
        elif is_list and not page_items:
            below = mult * 10
        else:
            below = mult
        return f"{alias}{name}{args} {self.selection(named, here, depth + 1, below)}"

    def operation(self, roots: list[str]) -> Op:
        parts = [p for p in (self.field(QUERY, n, (), 0, 1) for n in roots) if p]
        if self.chance(10):
            parts.append(
                self.draw(
                    st.sampled_from(
                        [
                            '__type(name: "Agency") { name fields { name type { name kind ofType { name } } } }',
                            "__schema { queryType { name } types { name kind } }",
                            "__typename",
                        ]
                    )
                )
            )
        body = "{ " + (" ".join(parts) or "__typename") + " }"
        name = self.draw(st.sampled_from([None, None, "Q"]))
        if self.var_defs or name or self.chance(4):
            defs = f"({', '.join(self.var_defs)})" if self.var_defs else ""
            body = f"query {name or ''}{defs} {body}"
        query = " ".join([body, *self.fragments])
        method = (
            "GET"
            if self.chance(8) and len(query) < 1500 and not has_surrogate([query, self.variables])
            else "POST"
        )
        return Op(
            query,
            dict(self.variables),
            name if self.chance(2) else None,
            method,
        )


ROOT_FIELDS = sorted(QUERY.fields)


@st.composite
def valid_operations(draw: Any) -> Op:
    roots = draw(st.lists(st.sampled_from(ROOT_FIELDS), min_size=1, max_size=2, unique=True))
    return Builder(draw).operation(roots)


def damage(draw: Any, text: str) -> str:
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        how = draw(st.sampled_from(["delete", "insert", "truncate", "duplicate"]))
        if how == "delete":
            text = text[:at] + text[at + 1 :]
        elif how == "insert":
            text = (
                text[:at]
                + draw(st.sampled_from([*'{}()[]:$@!."\\#,=|&', "...", "on", "\ud800", "\x00"]))
                + text[at:]
            )
        elif how == "truncate":
            text = text[:at]
        else:
            text = text[:at] + text[at : at + 20] + text[at:]
    return text


def nested(levels: int) -> str:
    return "{" + " a {" * levels + " b" + " }" * levels + " }"


@st.composite
def invalid_operations(draw: Any) -> Op:
    kind = draw(
        st.sampled_from(
            [
                "typed",
                "typed",
                "syntax",
                "deep",
                "wide",
                "cost",
                "variables",
                "fragments",
                "operations",
                "garbage",
            ]
        )
    )
    if kind == "typed":
        roots = draw(st.lists(st.sampled_from(ROOT_FIELDS), min_size=1, max_size=2, unique=True))
        op = Builder(draw, invalid=True).operation(roots)
        if draw(st.booleans()):  # an unknown root field (or a syntax error in a literal)
            op.query = op.query.replace("{ ", "{ launches { id } ", 1)
        return op
    if kind == "syntax":
        op = draw(valid_operations())
        op.query = damage(draw, op.query)
        op.method = "POST"
        return op
    if kind == "deep":
        levels = draw(st.integers(12, 260))
        shape = draw(st.sampled_from(["fields", "of_type", "list_literal", "object_literal"]))
        if shape == "fields":
            return Op(nested(levels))
        if shape == "of_type":
            inner = "name"
            for _ in range(min(levels, 150)):
                inner = f"ofType {{ {inner} }}"
            return Op(f'{{ __type(name: "Agency") {{ fields {{ type {{ {inner} }} }} }} }}')
        if shape == "list_literal":
            return Op(
                "{ agencies(first: 1, ordering: "
                + "[" * levels
                + "]" * levels
                + ") { totalCount } }"
            )
        return Op(
            "{ agencies(first: 1, filter: "
            + "{name: " * levels
            + '"x"'
            + "}" * levels
            + ") { totalCount } }"
        )
    if kind == "wide":
        shape = draw(st.sampled_from(["aliases", "tokens", "size"]))
        if shape == "aliases":
            n = draw(st.integers(25, 80))
            return Op("{ " + " ".join(f"a{i}: __typename" for i in range(n)) + " }")
        if shape == "tokens":
            n = draw(st.integers(2980, 3020))
            return Op("{ __typename(x: [" + " 1" * (n - 9) + "]) }")
        n = draw(st.integers(32700, 32800))
        base = "{ __typename }"
        return Op(base + " " * (n - len(base)))
    if kind == "cost":
        a = draw(st.integers(101, 400))
        b = draw(st.one_of(st.integers(20, 400), st.just(2**70)))  # 2**70: measures saturate
        query = (
            f"query($b: Int!) {{ agencies(first: {a}) {{ nodes {{"
            " spacecraftConfigs(first: $b) { nodes { id } } } } }"
        )
        return Op(query, {"b": b})
    if kind == "variables":
        op = draw(valid_operations())
        change = draw(st.sampled_from(["drop", "retype", "extra", "undefined", "null"]))
        if op.variables and change in ("drop", "retype", "null"):
            name = draw(st.sampled_from(sorted(op.variables)))
            if change == "drop":
                del op.variables[name]
            else:
                op.variables[name] = None if change == "null" else Builder(draw).wrong_value()
        elif change == "extra":
            op.variables["extra"] = draw(st.sampled_from([1, "x", None, [1], {"a": "b"}]))
        else:
            op.query = op.query.replace("{ ", "{ agency(id: $undefined) { id } ", 1)
        op.method = "POST"
        return op
    if kind == "fragments":
        return Op(
            draw(
                st.sampled_from(
                    [
                        '{ __type(name: "Agency") { ...A } } fragment A on __Type { ofType { ...B } } fragment B on __Type { ...A }',
                        "{ agencies { ...Missing } }",
                        "{ agencies(first: 1) { ...W } } fragment W on Agency { id }",
                        "{ __typename } fragment Unused on Query { __typename }",
                        "{ ...R } fragment R on Query { ...R }",
                        "{ agencies(first: 1) { nodes { ...X ...X ...X } } } fragment X on Agency { id n: name }",
                        "{ ...Q1 } fragment Q1 on Query { ...Q2 ...Q2 } fragment Q2 on Query { ...Q3 ...Q3 } fragment Q3 on Query { __typename }",
                    ]
                )
            )
        )
    if kind == "operations":
        query, name = draw(
            st.sampled_from(
                [
                    ("{ __typename } { __typename }", None),
                    ("query A { __typename } query A { __typename }", "A"),
                    ("mutation { x }", None),
                    ("subscription { x }", None),
                    ("query A { __typename } query B { __typename }", None),
                    ("query A { __typename }", "B"),
                    ("query A { __typename }", "\ud800"),
                    ("", None),
                ]
            )
        )
        return Op(query, operation_name=name)
    return Op(draw(st.text(max_size=200)))


# -- the running gateway ----------------------------------------------------------


@dataclass
class Live:
    runner: asyncio.Runner
    gateway: Gateway

    async def _send(self, op: Op) -> tuple[int, str]:
        gw = self.gateway
        assert gw.http is not None
        if op.method == "GET":
            params = {"query": op.query}
            if op.variables:
                params["variables"] = json.dumps(op.variables)
            if op.operation_name is not None:
                params["operationName"] = op.operation_name
            request = gw.http.get(
                f"{gw.url}/graphql", params=params, headers={"Accept": "application/json"}
            )
        else:
            payload: dict[str, Any] = {"query": op.query}
            if op.variables:
                payload["variables"] = op.variables
            if op.operation_name is not None:
                payload["operationName"] = op.operation_name
            request = gw.http.post(
                f"{gw.url}/graphql",
                data=json.dumps(payload).encode(),  # escapes lone surrogates as \\udXXX
                headers={"Content-Type": "application/json"},
            )
        async with request as response:
            return response.status, await response.text()

    def check(self, op: Op, caplog: pytest.LogCaptureFixture) -> None:
        logged = len(caplog.records)
        status, text = self.runner.run(self._send(op))
        assert status < 500, (status, text)
        body = json.loads(text)
        assert isinstance(body, dict) and "data" in body, text
        errors = body.get("errors") or []
        if status != 200:
            assert 400 <= status < 500 and body["data"] is None and errors, (status, text)
        for error in errors:
            assert isinstance(error["message"], str), error
            code = error["extensions"]["code"]
            assert code in KNOWN_CODES and code != "INTERNAL_SERVER_ERROR", error
        for record in caplog.records[logged:]:
            assert record.levelno < logging.ERROR, record.getMessage()


async def collect_real_ids(gw: Gateway) -> None:
    """A few real ids per entity, so that valid operations mostly find something."""
    for name, fld in QUERY.fields.items():
        if not is_connection(get_named_type(fld.type)) or "first" not in fld.args:
            continue
        r = await gw.query(f"{{ {name}(first: 5) {{ nodes {{ __typename id }} }} }}")
        for node in (r.data or {}).get(name, {}).get("nodes", []):
            REAL_IDS.setdefault(node["__typename"], []).append(node["id"])
    gw.reset_upstream()


@pytest.fixture(scope="module")
def live() -> Iterator[Live]:
    with asyncio.Runner() as runner:
        upstream = runner.run(start_offline_upstream())
        gw = runner.run(Gateway(upstream).start())
        try:
            runner.run(collect_real_ids(gw))
            yield Live(runner, gw)
        finally:
            runner.run(gw.close())
            runner.run(upstream.close())


FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=False,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
        HealthCheck.large_base_example,
    ],
)


def test_valid_operations_never_break_the_gateway(
    live: Live, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)

    @settings(FUZZ, max_examples=700)
    @given(op=valid_operations())
    def check(op: Op) -> None:
        live.check(op, caplog)

    check()


def test_invalid_operations_never_break_the_gateway(
    live: Live, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)

    @settings(FUZZ, max_examples=500)
    @given(op=invalid_operations())
    def check(op: Op) -> None:
        live.check(op, caplog)

    check()


# -- inputs that once crashed the gateway (found by this test) ----------


def test_cursor_with_a_non_decimal_digit_is_bad_input(
    live: Live, caplog: pytest.LogCaptureFixture
) -> None:
    cursor = b64("ll2:²")  # "bGwyOsKy"
    op = Op(f'{{ agencies(first: 1, after: "{cursor}") {{ totalCount }} }}')
    live.check(op, caplog)


def test_lone_surrogate_is_bad_input(live: Live, caplog: pytest.LogCaptureFixture) -> None:
    op = Op("query($s: String) { agencies(first: 1, search: $s) { totalCount } }", {"s": "\ud800"})
    live.check(op, caplog)
