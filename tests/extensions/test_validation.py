"""Validation with only the rules a document can break finds what all the rules find."""

from __future__ import annotations

import gc

import pytest
from graphql import parse, specified_rules, validate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.extensions.plain_documents import plainly_valid
from gateway.extensions.validation import (
    DIRECTIVE_RULES,
    FRAGMENT_RULES,
    STRAWBERRY_RULES,
    VARIABLE_RULES,
    applicable_rules,
    quick,
    validate_acyclic,
)
from gateway.schema import schema
from tests.harness import Gateway

ALL = (*specified_rules, *STRAWBERRY_RULES)

#: Valid and invalid documents, each breaking a rule of some family (or none).
DOCUMENTS = [
    '{ agency(id: "44") { id name } }',
    "{ spacecrafts(first: 2) { nodes { id n1: name n2: name } } }",
    "query Q($id: ID!) { agency(id: $id) { name } }",
    "{ agency(id: $undefined) { name } }",
    'query Q($unused: ID) { agency(id: "44") { name } }',
    "query Q($id: ID!, $id: ID!) { agency(id: $id) { name } }",
    "query Q($first: String) { spacecrafts(first: $first) { nodes { id } } }",
    'query Q($a: Agency) { agency(id: "1") { id } }',
    '{ agency(id: "44") { ...Missing } }',
    '{ agency(id: "44") { id } } fragment Unused on Agency { name }',
    '{ agency(id: "44") { ...A } } fragment A on Agency { ...A }',
    '{ agency(id: "44") { ...A } } fragment A on Agency { name } fragment A on Agency { id }',
    '{ agency(id: "44") { ... on Spacecraft { id } } }',
    '{ agency(id: "44") { ... on String { id } } }',
    '{ agency(id: "44") { ...S } } fragment S on Int { id }',
    '{ agency(id: "44") { name @unknown } }',
    '{ agency(id: "44") { name @skip(if: true) @skip(if: false) } }',
    '{ agency(id: "44") { name @include(if: true) } }',
    "{ spacecrafts(first: 2) @defer { nodes { id } } }",
    '{ agency(id: "44") { name @stream } }',
    '{ agency(id: "44") { ... @defer(label: "a") { id } ... @defer(label: "a") { name } } }',
    '{ agency(id: "44") { nope } }',
    '{ agency(id: "44") }',
    '{ agency(id: 44, id: "1") { id } }',
    '{ agency(id: "44") { name: id name } }',
    '{ agency(id: "a$b@c...") { id } }',
    "query A { __typename } query A { __typename }",
    "{ __typename } query B { __typename }",
]


def _messages(source: str, rules: tuple[type, ...]) -> list[str]:
    return [e.message for e in validate(schema._schema, parse(source), rules)]


@pytest.mark.parametrize("source", DOCUMENTS)
def test_the_rules_left_out_find_nothing_the_others_miss(source: str) -> None:
    rules = applicable_rules(source, parse(source), ALL)
    expected = _messages(source, ALL)
    assert _messages(source, rules) == expected
    assert _messages(source, tuple(quick(rule) for rule in rules)) == expected
    assert _messages(source, tuple(quick(rule) for rule in ALL)) == expected
    acyclic = validate_acyclic(schema._schema, parse(source), [quick(rule) for rule in rules])
    assert [e.message for e in acyclic] == expected


def test_a_quick_rule_is_its_rule() -> None:
    for rule in ALL:
        assert issubclass(quick(rule), rule) and quick(rule).__name__ == rule.__name__
        assert quick(rule) is quick(rule)


def test_a_plain_document_is_checked_by_half_the_rules() -> None:
    source = "{ spacecrafts(first: 20) { nodes { id name spacecraftConfig { name } } } }"
    rules = set(applicable_rules(source, parse(source), ALL))
    assert not rules & (VARIABLE_RULES | FRAGMENT_RULES | DIRECTIVE_RULES)
    assert len(rules) <= len(ALL) // 2 + 1


def test_each_family_stays_when_its_syntax_appears() -> None:
    source = "query Q($id: ID!) { agency(id: $id) { ...A name @include(if: true) } } fragment A on Agency { id }"
    rules = set(applicable_rules(source, parse(source), ALL))
    assert rules >= VARIABLE_RULES | FRAGMENT_RULES | DIRECTIVE_RULES
    unused = 'query { agency(id: "1") { id } } fragment A on Agency { id }'
    assert set(applicable_rules(unused, parse(unused), ALL)) >= FRAGMENT_RULES


async def test_invalid_documents_are_refused_over_http_twice_alike(gateway: Gateway) -> None:
    """The second answer comes from the remembered validation: the same errors."""
    refused = {
        "{ agency(id: $nope) { name } }": "BAD_USER_INPUT",
        '{ agency(id: "44") { name @nope } }': "GRAPHQL_VALIDATION_FAILED",
        '{ agency(id: "44") { id } } fragment F on Agency { id }': "GRAPHQL_VALIDATION_FAILED",
    }
    for source, code in refused.items():
        first = await gateway.query(source)
        second = await gateway.query(source)
        assert first.codes == second.codes == [code]
        assert first.body == second.body
    assert gateway.upstream.state.log == []


# -- generated documents: pieces that are valid or break a rule of each family --------

_FIELDS = st.sampled_from(
    [
        ("id", ""),
        ("name", ""),
        ("abbrev", ""),
        ("nope", ""),
        ("spacecraftList", "{ id }"),
        ("spacecraftList", ""),
        ("x: id", ""),
        ("x: name", ""),
    ]
)
_DIRECTIVES = st.sampled_from(
    [
        "",
        "",
        "@include(if: true)",
        "@skip(if: $flag)",
        "@skip(if: 1)",
        "@nope",
        "@include(if: true) @include(if: false)",
        "@defer",
        "@stream(initialCount: 1)",
    ]
)
_SPREADS = st.sampled_from(
    [
        "",
        "",
        "...A",
        "...B",
        "...Missing",
        "... on Agency { id }",
        "... on Spacecraft { id }",
        "... @defer { name }",
        "... on Int { id }",
    ]
)
_FRAGMENTS = st.sampled_from(
    [
        "",
        "fragment A on Agency { name }",
        "fragment A on Agency { ...A }",
        "fragment B on Agency { ...A }",
        "fragment A on Spacecraft { id }",
        "fragment A on Agency { name } fragment A on Agency { id }",
    ]
)
_HEADS = st.sampled_from(
    [
        "query",
        "query Q",
        "query Q($id: ID!)",
        "query Q($flag: Boolean!)",
        "query Q($id: ID!, $id: ID!)",
        "query Q($id: Agency)",
        "subscription S",
        "mutation M",
    ]
)
_ARGUMENTS = st.sampled_from(['"44"', "$id", "44", "$nope", '"44", id: "1"', "null"])


@st.composite
def _documents(draw: st.DrawFn) -> str:
    pieces = []
    for _ in range(draw(st.integers(1, 3))):
        field, below = draw(_FIELDS)
        pieces.append(f"{field} {draw(_DIRECTIVES)} {below} {draw(_SPREADS)}")
    selections = " ".join(pieces)
    body = f"{{ agency(id: {draw(_ARGUMENTS)}) {{ {selections} }} }}"
    return f"{draw(_HEADS)} {body} {draw(_FRAGMENTS)}"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_documents())
def test_generated_documents_get_the_errors_full_validation_gives(source: str) -> None:
    document = parse(source)
    expected = [e.message for e in validate(schema._schema, document, ALL)]
    rules = tuple(quick(rule) for rule in applicable_rules(source, document, ALL))
    assert [e.message for e in validate(schema._schema, document, rules)] == expected
    assert [e.message for e in validate_acyclic(schema._schema, document, rules)] == expected


def test_the_document_prepared_at_start_is_valid_and_has_every_kind_of_node() -> None:
    from graphql import Visitor, visit

    from gateway.extensions.validation import _EVERY_KIND

    document = parse(_EVERY_KIND)
    assert validate(schema._schema, document) == []
    kinds: set[str] = set()

    class Kinds(Visitor):
        def enter(self, node: object, *_: object) -> None:
            kinds.add(node.kind)  # type: ignore[attr-defined]

    visit(document, Kinds())
    assert {"variable_definition", "variable", "fragment_spread", "inline_fragment"} <= kinds
    assert {"fragment_definition", "directive", "argument", "field"} <= kinds


def test_validating_leaves_no_cycle_for_the_collector() -> None:
    source = "{ spacecrafts(first: 20) { nodes { id n1: name spacecraftConfig { name } } } }"
    document = parse(source)
    rules = [quick(rule) for rule in applicable_rules(source, document, ALL)]
    gc.collect()
    gc.disable()
    try:
        assert validate_acyclic(schema._schema, document, rules) == []
        assert gc.collect() == 0
        validate(schema._schema, document, rules)  # graphql-core's: the check can fail
        assert gc.collect() > 100
    finally:
        gc.enable()


def test_too_many_errors_end_the_validation_as_graphql_core_ends_it() -> None:
    source = "{ " + " ".join(f"f{i}" for i in range(150)) + " }"
    rules = [quick(rule) for rule in ALL]
    acyclic = validate_acyclic(schema._schema, parse(source), rules)
    assert [e.message for e in acyclic] == _messages(source, ALL)
    assert len(acyclic) == 101 and "error limit reached" in acyclic[-1].message


#: Plain documents (one query, literals only) graphql-core finds valid: checked in one walk.
PLAINLY_VALID = [
    "{ spacecrafts(first: 20) { nodes { id n1: name spacecraftConfig { name agency { name } } } } }",
    '{ agency(id: "44") { id name } }',
    "{ agency(id: 44) { __typename id } }",
    '{ spacecrafts(ordering: [FLIGHTS_COUNT_ASC, ID_DESC], search: "dragon") { totalCount } }',
    "{ spacecrafts(ordering: FLIGHTS_COUNT_ASC) { nodes { id } } }",
    '{ node(id: "U3BhY2VjcmFmdDo2MDI=") { globalId } }',
    '{ a: agency(id: "1") { name } b: agency(id: "2") { name } }',
    '{ agency(id: "1") { id id n: name n: name } }',
    '{ nodes(ids: ["a", "b"]) { globalId } }',
]
#: Plain-looking documents the walk leaves to graphql-core: errors, or what it does not check.
LEFT_TO_GRAPHQL_CORE = [
    "{ agency { id } }",  # a required argument missing
    '{ agency(id: "4") }',  # an object without a selection
    '{ agency(id: "4") { name { x } } }',  # a scalar with one
    '{ agency(id: "4", id: "5") { name } }',
    '{ agency(id: "4", nope: 1) { name } }',
    '{ spacecrafts(first: "x") { totalCount } }',
    "{ spacecrafts(first: 2147483648) { totalCount } }",
    "{ spacecrafts(ordering: [NOPE]) { totalCount } }",
    '{ agency(id: "4") { name name: id } }',  # one response name, two fields
    "{ spacecrafts(first: 1) { totalCount } spacecrafts(first: 2) { totalCount } }",
    '{ agency(id: "4") { nope } }',
    "{ spacecrafts(first: null) { totalCount } }",  # null: left to Strawberry's rules too
    "{ spacecrafts(filter: {}) { totalCount } }",  # object literals likewise
    "{ __schema { queryType { name } } }",
    "query A { __typename } query B { __typename }",
    "subscription { __typename }",
    '{ agency(id: "4") { name @skip(if: false) } }',
]


@pytest.mark.parametrize("source", PLAINLY_VALID)
def test_a_plain_valid_document_is_checked_in_one_walk(source: str) -> None:
    assert _messages(source, ALL) == []
    assert plainly_valid(schema._schema, parse(source), ALL)


@pytest.mark.parametrize("source", LEFT_TO_GRAPHQL_CORE + DOCUMENTS)
def test_the_walk_never_passes_what_graphql_core_refuses(source: str) -> None:
    document = parse(source)
    if plainly_valid(schema._schema, document, ALL):
        assert _messages(source, ALL) == []
    if source in LEFT_TO_GRAPHQL_CORE:
        assert not plainly_valid(schema._schema, document, ALL)


def test_a_rule_the_walk_does_not_know_sends_the_document_to_graphql_core() -> None:
    from graphql.validation import NoSchemaIntrospectionCustomRule

    document = parse(PLAINLY_VALID[1])
    assert not plainly_valid(schema._schema, document, (*ALL, NoSchemaIntrospectionCustomRule))


#: Mostly what is valid, so that both answers come up often.
_PLAIN_FIELDS = st.sampled_from(
    [*("id", "name", "abbrev", "__typename") * 4, "nope", "type", "spacecraft", "name { x }"]
)
_PLAIN_ARGUMENTS = st.sampled_from(
    [
        *("", "(first: 2)", "(ordering: [ID_ASC])") * 4,
        "(first: 2)",
        '(first: "2")',
        "(first: 2, first: 3)",
        "(ordering: FLIGHTS_COUNT_ASC)",
        "(ordering: [FLIGHTS_COUNT_ASC, NOPE])",
        '(search: "x", last: 1)',
        "(first: 1.5)",
        "(nope: 1)",
        "(first: -2147483649)",
    ]
)
_ALIASES = st.sampled_from(["", "", "", "a: ", "b: ", "id: "])


@st.composite
def _plain_documents(draw: st.DrawFn) -> str:
    fields = " ".join(draw(_ALIASES) + draw(_PLAIN_FIELDS) for _ in range(draw(st.integers(1, 4))))
    agency = draw(
        st.sampled_from(['agency(id: "44")', "agency(id: 44)", "agency", "agency(id: true)"])
    )
    arguments = draw(_PLAIN_ARGUMENTS)
    return f"{{ {agency} {{ {fields} }} spacecrafts{arguments} {{ nodes {{ {fields} }} }} }}"


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_plain_documents())
def test_generated_plain_documents_pass_the_walk_only_when_graphql_core_passes_them(
    source: str,
) -> None:
    document = parse(source)
    assert plainly_valid(schema._schema, document, ALL) == (_messages(source, ALL) == [])
