"""Field-by-field fidelity of gateway answers to original LL2 JSON.

Three generic pieces, used by ``tests/test_fidelity.py``:

* :class:`Exclusions` - which JSON paths are not compared, each with its reason: path
  patterns (``launch.pad.agency_id``, ``*.response_mode``; list indexes written ``[]``)
  and exact paths (``flights[3].net``), which also cover everything below them.
* :func:`build_selection` - the GraphQL selection set asking for every field of a source
  object: LL2 keys become their camelCase names with the same nesting; a list of
  objects is selected over the union of its items' keys.  It walks the gateway schema
  alongside, so a key the schema lacks is reported (not sent), and an object field that
  is null or an empty list in the source is still selected (``{ __typename }``).
* :func:`compare` - the answer against the source, value by value: ids as strings,
  numbers numerically (``11 == 11.0``), LL2 self links (``url``) by their path after the
  version prefix, everything else exactly (``True`` is not ``1``).

Paths are dotted LL2 keys with list indexes: ``launch.program[0].agencies[2].name``.
:func:`rewrite` converts old-version shapes before comparing, :func:`entity_paths` finds
which entity record (resource, id) each nested object of a source shows, to map the
snapshot's ``meta.conflicts`` onto source paths (:func:`conflict_exclusions`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from graphql import (
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
    is_leaf_type,
)

__all__ = [
    "SHAPE_CHANGES",
    "SHAPE_CHANGES_2_0_0",
    "Exclusions",
    "Mismatch",
    "build_selection",
    "camel",
    "compare",
    "conflict_exclusions",
    "entity_paths",
    "generic",
    "rewrite",
    "str_rule",
    "walk_paths",
]

_INDEX = re.compile(r"\[\d+\]")
#: an LL2 self link: scheme, any host, a version prefix, then the route.
_SELF_LINK = re.compile(r"^https?://[^/]+/\d+\.\d+\.\d+/(?P<route>[^?#]*)")


def camel(name: str) -> str:
    """``serial_number`` -> ``serialNumber``; ``alpha_2_code`` -> ``alpha2Code``."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def child(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def generic(path: str) -> str:
    """``program[0].agencies[2].name`` -> ``program[].agencies[].name``."""
    return _INDEX.sub("[]", path)


def self_link_route(value: Any) -> str | None:
    """The route of an LL2 self link (``spacecraft/602/``), None for anything else."""
    if not isinstance(value, str):
        return None
    match = _SELF_LINK.match(value)
    return match["route"] if match else None


@dataclass(frozen=True)
class Mismatch:
    path: str
    expected: Any
    got: Any
    problem: str = "value differs"

    def __str__(self) -> str:
        def show(value: Any) -> str:
            text = json.dumps(value, ensure_ascii=False, default=str)
            return text if len(text) <= 120 else text[:117] + "..."

        return f"{self.path or '<root>'}: {self.problem}: expected {show(self.expected)}, got {show(self.got)}"


@dataclass
class Exclusions:
    """Paths left out of the comparison, each with a reason.

    ``patterns`` are matched (``fnmatch``, ``*`` spans dots) against the path with list
    indexes written ``[]``; ``exact`` paths keep their indexes and cover their subtree.
    """

    patterns: Mapping[str, str] = field(default_factory=dict)
    exact: Mapping[str, str] = field(default_factory=dict)
    #: ``[]`` path -> the reason of the first pattern matching it (or None), memoised.
    _seen: dict[str, str | None] = field(default_factory=dict, repr=False)

    def pattern_reason(self, path: str) -> str | None:
        """The reason of the first pattern matching ``path``, or None."""
        shape = generic(path)
        if shape not in self._seen:
            self._seen[shape] = next(
                (r for pattern, r in self.patterns.items() if fnmatchcase(shape, pattern)), None
            )
        return self._seen[shape]

    def reason(self, path: str) -> str | None:
        """Why ``path`` is not compared, or None when it is."""
        found = self.pattern_reason(path)
        if found is not None:
            return found
        for exact, reason in self.exact.items():
            if path == exact or path.startswith((exact + ".", exact + "[")):
                return reason
        return None

    def merged(self, exact: Mapping[str, str]) -> Exclusions:
        """The same patterns plus more exact paths."""
        return Exclusions(self.patterns, {**self.exact, **exact}, self._seen)


# -- sources ---------------------------------------------------------------------------


def walk_paths(value: Any, path: str = "") -> Iterable[str]:
    """Every key path inside ``value`` (dict keys and list items, depth first)."""
    if isinstance(value, dict):
        for key, item in value.items():
            p = child(path, key)
            yield p
            yield from walk_paths(item, p)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk_paths(item, f"{path}[{index}]")


Rule = Callable[[str, Any], tuple[str, Any]]


def str_rule(convert: Rule) -> Rule:
    """A rule that converts string values and leaves anything else as it is."""
    return lambda key, value: convert(key, value) if isinstance(value, str) else (key, value)


def _image(target: str) -> Rule:
    return str_rule(lambda key, url: (target, {"image_url": url}))


def _country(key: str, code: str) -> tuple[str, Any]:
    return "country", {"alpha_3_code": code}


#: The documented shape changes of LL2 2.0.0/2.2.0 objects into 2.3.0's (ll2/README.md
#: "Shape changes into 2.3.0"), by path pattern of the old key.
SHAPE_CHANGES: dict[str, Rule] = {
    # agency ``type`` string -> AgencyType {name}
    "*agency.type": str_rule(lambda key, name: (key, {"name": name})),
    "*launch_service_provider.type": str_rule(lambda key, name: (key, {"name": name})),
    "*agencies[].type": str_rule(lambda key, name: (key, {"name": name})),
    # image URL strings -> Image {image_url}
    "*agency.image_url": _image("image"),
    "*agency.logo_url": _image("logo"),
    "*spacecraft_config.image_url": _image("image"),
    "launch.program[].image_url": _image("image"),
    "launch.image": _image("image"),
    "*astronaut.profile_image": _image("image"),
    # nationality / country code strings -> Country objects
    "*astronaut.nationality": str_rule(
        lambda key, text: (key, [{"nationality_name": n.strip()} for n in text.split(",")])
    ),
    "*agency.country_code": str_rule(
        lambda key, text: ("country", [{"alpha_3_code": c.strip()} for c in text.split(",")])
    ),
    "launch.pad.country_code": str_rule(_country),
    "launch.pad.location.country_code": str_rule(_country),
    # numbers sent as strings by 2.2.0 / 2.0.0
    "*agency.founding_year": str_rule(lambda key, text: (key, int(text))),
    "launch.pad.latitude": str_rule(lambda key, text: (key, float(text))),
    "launch.pad.longitude": str_rule(lambda key, text: (key, float(text))),
    # renamed: a 2.2.0 landing's ``location`` is 2.3.0's ``landing_location``
    "landing.location": lambda key, value: ("landing_location", value),
}

#: 2.0.0 only: a launch status was {id, name} with the short name 2.2.0+ calls ``abbrev``.
SHAPE_CHANGES_2_0_0: dict[str, Rule] = {
    **SHAPE_CHANGES,
    "launch.status.name": lambda key, value: ("abbrev", value),
}


def rewrite(value: Any, rules: Mapping[str, Rule], path: str = "") -> Any:
    """A copy of ``value`` where each key whose path matches a rule's pattern (``fnmatch``
    on the ``[]`` form of its original path) becomes ``rule(key, value)`` -> (key, value).
    Rules apply top down; the first matching rule wins."""
    if isinstance(value, list):
        return [rewrite(item, rules, f"{path}[{i}]") for i, item in enumerate(value)]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        p = child(path, key)
        shape = generic(p)
        rule = next((r for pattern, r in rules.items() if fnmatchcase(shape, pattern)), None)
        converted = rewrite(item, rules, p)
        if rule is not None:
            key, converted = rule(key, converted)
        out[key] = converted
    return out


# -- selection -------------------------------------------------------------------------


def _union(values: list[Any]) -> Any:
    """One value with every key any of ``values`` has (for selecting over list items)."""
    dicts = [v for v in values if isinstance(v, dict)]
    if dicts:
        keys: dict[str, None] = {}
        for d in dicts:
            keys.update(dict.fromkeys(d))
        return {k: _union([d[k] for d in dicts if k in d]) for k in keys}
    lists = [v for v in values if isinstance(v, list)]
    if lists:
        items = [item for v in lists for item in v]
        return [_union(items)] if items else []
    return next((v for v in values if v is not None), None)


def build_selection(
    source: Mapping[str, Any],
    schema: GraphQLSchema,
    type_name: str,
    exclusions: Exclusions,
) -> tuple[str, list[Mismatch]]:
    """The selection set (without outer braces) asking ``type_name`` for every key of
    ``source``, and the keys that could not be asked (not in the schema, or an LL2 object
    where the schema has a scalar and vice versa)."""
    problems: list[Mismatch] = []
    gql_type = schema.get_type(type_name)
    assert isinstance(gql_type, GraphQLObjectType), type_name
    text = _select(_union([source]), gql_type, "", exclusions, problems)
    return text, problems


def _select(
    value: dict[str, Any],
    gql_type: GraphQLObjectType,
    path: str,
    exclusions: Exclusions,
    problems: list[Mismatch],
) -> str:
    parts: list[str] = []
    for key, item in value.items():
        p = child(path, key)
        if exclusions.pattern_reason(p) is not None:
            continue
        name = camel(key)
        gql_field = gql_type.fields.get(name)
        if gql_field is None:
            problems.append(Mismatch(p, item, None, f"no field {gql_type.name}.{name}"))
            continue
        named = get_named_type(gql_field.type)
        inner = item[0] if isinstance(item, list) and item else item
        if is_leaf_type(named):
            if isinstance(inner, dict):
                problems.append(Mismatch(p, item, None, f"LL2 object, {named.name} scalar"))
                continue
            parts.append(name)
        elif isinstance(inner, dict):
            assert isinstance(named, GraphQLObjectType), named
            list_path = f"{p}[0]" if isinstance(item, list) else p
            parts.append(f"{name} {{ {_select(inner, named, list_path, exclusions, problems)} }}")
        elif inner is None or item == []:
            parts.append(f"{name} {{ __typename }}")
        else:
            problems.append(Mismatch(p, item, None, f"LL2 scalar, {named.name} object"))
    return " ".join(parts) or "__typename"


# -- comparison ------------------------------------------------------------------------


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def compare(
    expected: Any,
    got: Any,
    exclusions: Exclusions,
    path: str = "",
    *,
    unasked: Iterable[str] = (),
) -> list[Mismatch]:
    """Every difference between the source value and the answer, by path.

    ``unasked`` are the ``[]`` paths :func:`build_selection` reported (not compared again).
    """
    out: list[Mismatch] = []
    _compare(expected, got, exclusions, path, {generic(u) for u in unasked}, out, key="")
    return out


def _compare(
    expected: Any,
    got: Any,
    exclusions: Exclusions,
    path: str,
    unasked: set[str],
    out: list[Mismatch],
    key: str,
) -> None:
    if path and exclusions.reason(path) is not None:
        return
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            out.append(Mismatch(path, expected, got, "expected an object"))
            return
        for k, item in expected.items():
            p = child(path, k)
            if generic(p) in unasked or exclusions.reason(p) is not None:
                continue
            if camel(k) not in got:
                out.append(Mismatch(p, item, None, "missing from the answer"))
                continue
            _compare(item, got[camel(k)], exclusions, p, unasked, out, key=k)
    elif isinstance(expected, list):
        if not isinstance(got, list) or len(got) != len(expected):
            out.append(Mismatch(path, expected, got, "list differs in length or kind"))
            return
        for index, (e, g) in enumerate(zip(expected, got, strict=True)):
            _compare(e, g, exclusions, f"{path}[{index}]", unasked, out, key=key)
    elif expected is None:
        if got is not None:
            out.append(Mismatch(path, None, got, "not null"))
    elif key == "id":
        if not isinstance(got, str) or got != str(expected):
            out.append(Mismatch(path, expected, got, "id differs"))
    elif key == "url" and self_link_route(expected) is not None:
        if self_link_route(got) != self_link_route(expected):
            out.append(Mismatch(path, expected, got, "self link route differs"))
    elif _is_number(expected):
        if not _is_number(got) or got != expected:
            out.append(Mismatch(path, expected, got))
    elif type(got) is not type(expected) or got != expected:
        out.append(Mismatch(path, expected, got))


# -- conflicts ---------------------------------------------------------------------------


def entity_paths(
    value: Any, schema_name: str, spec: Any, path: str = ""
) -> dict[str, tuple[str, str]]:
    """Path of every entity object in ``value`` -> (resource, id), walking it with the LL2
    serializer schemas of ``spec`` (:func:`gateway.offline.load_spec`); the root is ``""``."""
    found: dict[str, tuple[str, str]] = {}
    _entities(value, spec.schemas[schema_name], spec, path, found)
    return found


def _entities(
    value: Any, schema: Any, spec: Any, path: str, found: dict[str, tuple[str, str]]
) -> None:
    if not isinstance(value, dict):
        return
    if schema.resource is not None and value.get("id") is not None:
        found[path] = (schema.resource, str(value["id"]))
    for f in schema.fields:
        if f.ref is None or f.name not in value:
            continue
        nested = spec.schemas[f.ref]
        item = value[f.name]
        p = child(path, f.name)
        if isinstance(item, list):
            for index, element in enumerate(item):
                _entities(element, nested, spec, f"{p}[{index}]", found)
        else:
            _entities(item, nested, spec, p, found)


def _record_path(field_path: str) -> str:
    """A conflict's field (``flights.3.net``) as a path (``flights[3].net``)."""
    out = ""
    for part in field_path.split("."):
        out = f"{out}[{part}]" if part.isdigit() else child(out, part)
    return out


def conflict_exclusions(
    conflicts: Iterable[Mapping[str, Any]],
    source_name: str,
    entities: Mapping[str, tuple[str, str]],
) -> dict[str, str]:
    """Exact source paths whose value the snapshot dropped (``meta.conflicts`` entries with
    ``dropped_from == source_name``), each with the conflict as its reason."""

    def show(value: Any) -> str:
        text = json.dumps(value, ensure_ascii=False, default=str)
        return text if len(text) <= 80 else text[:77] + "..."

    by_entity: dict[tuple[str, str], list[str]] = {}
    for p, entity in entities.items():
        by_entity.setdefault(entity, []).append(p)
    out: dict[str, str] = {}
    for c in conflicts:
        if c["dropped_from"] != source_name:
            continue
        for p in by_entity.get((c["resource"], str(c["id"])), []):
            out[child(p, _record_path(c["field"]))] = (
                f"meta.conflicts {c['resource']}/{c['id']} {c['field']}: {source_name} says "
                f"{show(c['dropped'])}, the snapshot kept {show(c['kept'])} from {c['kept_from']}"
            )
    return out
