"""LL2's documented query filters, with django-filter semantics, over snapshot records.

Each filter the spec lists for an endpoint becomes a predicate on records:

* the name is an ORM lookup: ``founding_year__gte`` is field ``founding_year`` with
  lookup ``gte``; ``agency__abbrev`` crosses the relation (references are followed,
  lists match if any element matches, as a SQL join would);
* a filter that ends on an object (``status=2``, ``spacecraft_config=24``) compares the
  object's ``id``; ``x__ids`` / ``x_ids`` lists compare ``x.id``;
* values are parsed by the documented type: integers/numbers, ISO dates and date-times
  (naive means UTC), UUIDs, booleans (``true/false/True/False/1/0``; anything else
  disables the filter, as django-filter's ``BooleanWidget`` does); an unparsable value
  answers 400 ``{"<name>": ["Enter a number."]}`` like a django-filter form error;
* comma filters match any listed value; repeated filters (``owners=1&owners=2``) too;
* an empty value disables the filter; when a parameter is repeated the last value
  wins (Django ``QueryDict.get``), except for repeatable filters;
* ``exact`` on text is case-sensitive, ``__contains`` is case-sensitive (Django's
  ``contains``) and ``__icontains`` is not;
* filters whose meaning is not a plain field lookup are in :data:`SPECIAL`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from multidict import MultiMapping

from gateway.ll2.spec import EndpointSpec, FilterSpec

from .paths import record_path
from .snapshot import Record, Snapshot
from .values import parse_date, parse_datetime

__all__ = [
    "FILTER_PATHS",
    "SPECIAL",
    "FilterError",
    "apply_filters",
    "compile_filters",
    "describe",
]

Predicate = Callable[[Record], bool]
SpecialFactory = Callable[[list[Any], Snapshot], Predicate]

_LOOKUPS: Final = ("gte", "gt", "lte", "lt", "icontains", "contains")
_TRUE: Final = frozenset({"true", "True", "1"})
_FALSE: Final = frozenset({"false", "False", "0"})


class FilterError(ValueError):
    """Invalid filter values; ``errors`` is the DRF 400 body (name -> messages)."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


#: (resource, filter name without lookup) -> ORM path, where the name is not the path.
FILTER_PATHS: Final[dict[tuple[str, str], str]] = {
    ("astronauts", "agency_ids"): "agency__id",
    ("astronauts", "status_ids"): "status__id",
    ("space_stations", "owner__ids"): "owners__id",
    ("space_stations", "owners"): "owners__id",
    ("launches", "lsp__id"): "launch_service_provider__id",
    ("launches", "lsp__name"): "launch_service_provider__name",
    ("launches", "related_lsp__id"): "launch_service_provider__id",
    ("launches", "related_lsp__name"): "launch_service_provider__name",
    ("launches", "launcher_config__id"): "rocket__configuration__id",
    ("launches", "location__ids"): "pad__location__id",
    ("launches", "serial_number"): "rocket__launcher_stage__launcher__serial_number",
    ("launches", "spacecraft_config__ids"): (
        "rocket__spacecraftflight__spacecraft__spacecraft_config__id"
    ),
    ("launches", "video_url"): "vid_urls__url",
    ("launches", "program"): "program__id",
    ("landings", "firststage_launch__ids"): "firststage__rocket__launch__id",
    ("landings", "landing_type__ids"): "type__id",
    ("landings", "launcher__ids"): "firststage__launcher__id",
    ("landings", "launcher_config__ids"): "firststage__launcher__launcher_config__id",
    ("landings", "launcher_serial_numbers"): "firststage__launcher__serial_number",
    ("landings", "spacecraft__ids"): "spacecraftflight__spacecraft__id",
    ("landings", "spacecraft_config__ids"): "spacecraftflight__spacecraft__spacecraft_config__id",
    ("landings", "spacecraft_launch__ids"): "spacecraftflight__launch__id",
}


def split_lookup(name: str) -> tuple[str, str]:
    """``founding_year__gte`` -> (``founding_year``, ``gte``); no suffix -> ``exact``."""
    head, _, last = name.rpartition("__")
    if head and last in _LOOKUPS:
        return head, last
    return name, "exact"


def field_path(resource: str | None, base: str) -> tuple[str, ...]:
    lookup = FILTER_PATHS.get((resource or "", base))
    if lookup is None:
        lookup = base[: -len("ids")] + "id" if base.endswith("__ids") else base
    return record_path(lookup)


# -- parsing ---------------------------------------------------------------------------

_MESSAGES: Final[dict[str, str]] = {
    "integer": "Enter a number.",
    "number": "Enter a number.",
    "string(date)": "Enter a valid date.",
    "string(date-time)": "Enter a valid date/time.",
    "string(uuid)": "Enter a valid UUID.",
}


def parse_value(scalar: str, raw: str) -> Any:
    """A query value as the filter's type; raises ValueError when it cannot be."""
    raw = raw.strip()
    if scalar in ("integer", "number"):
        number = float(raw)
        if number != number or number in (float("inf"), float("-inf")):
            raise ValueError(raw)
        return int(number) if number.is_integer() else number
    if scalar == "boolean":
        if raw in _TRUE:
            return True
        if raw in _FALSE:
            return False
        return None
    if scalar == "string(date-time)":
        when = parse_datetime(raw)
        if when is None:
            raise ValueError(raw)
        return when
    if scalar == "string(date)":
        day = parse_date(raw)
        if day is None or len(raw) != 10:
            raise ValueError(raw)
        return day
    if scalar == "string(uuid)":
        return str(uuid.UUID(raw))
    return raw


def coerce_leaf(scalar: str, leaf: Any) -> Any:
    """A record value in the filter's type (objects compare by ``id``), or None."""
    if type(leaf) is dict:
        leaf = leaf.get("id")
    if leaf is None:
        return None
    if scalar in ("integer", "number"):
        if isinstance(leaf, bool):
            return None
        if isinstance(leaf, int | float):
            return leaf
        try:
            return float(leaf) if isinstance(leaf, str) else None
        except ValueError:
            return None
    if scalar == "boolean":
        return leaf if isinstance(leaf, bool) else None
    if scalar == "string(date-time)":
        return parse_datetime(leaf) if isinstance(leaf, str) else None
    if scalar == "string(date)":
        return parse_date(leaf) if isinstance(leaf, str) else None
    if scalar == "string(uuid)":
        return str(leaf).lower()
    return leaf if isinstance(leaf, str) else str(leaf)


def matcher(op: str, values: list[Any]) -> Callable[[Any], bool]:
    """A test on one coerced record value, for a lookup and the parsed filter values."""
    v = values[0]
    if op == "in":
        wanted = set(values)
        return lambda x: x in wanted
    if op == "exact":
        return lambda x: x == v
    if op == "gt":
        return lambda x: x > v
    if op == "gte":
        return lambda x: x >= v
    if op == "lt":
        return lambda x: x < v
    if op == "lte":
        return lambda x: x <= v
    if op == "contains":
        return lambda x: isinstance(x, str) and v in x
    if op == "icontains":
        needle = str(v).casefold()
        return lambda x: isinstance(x, str) and needle in x.casefold()
    raise ValueError(f"unknown lookup {op!r}")


def field_predicate(
    snapshot: Snapshot, path: Sequence[str], scalar: str, op: str, values: list[Any]
) -> Predicate:
    test = matcher(op, values)
    text = op in ("contains", "icontains")

    def predicate(record: Record) -> bool:
        for leaf in snapshot.values_at(record, path):
            x = leaf if text else coerce_leaf(scalar, leaf)
            if x is not None:
                try:
                    if test(x):
                        return True
                except TypeError:  # mixed types in one field: no match, like a cast error
                    pass
        return False

    return predicate


# -- filters that are not a field lookup -------------------------------------------------


def _agency_parent_ids(snapshot: Snapshot) -> dict[str, int]:
    """Agency id -> parent agency id; LL2 renders ``parent`` as the parent's name."""
    by_name = {r.get("name"): r["id"] for r in snapshot.records("agencies") if r.get("name")}
    out: dict[str, int] = {}
    for record in snapshot.records("agencies"):
        parent = snapshot.deref(record.get("parent"))
        if type(parent) is dict:
            out[str(record["id"])] = int(parent["id"])
        elif isinstance(parent, str) and parent in by_name:
            out[str(record["id"])] = by_name[parent]
    return out


def _agencies_with_spacecraft(snapshot: Snapshot) -> frozenset[str]:
    """Agencies that own a spacecraft configuration (or list one in ``spacecraft_list``)."""
    ids = {
        str(agency["id"])
        for config in snapshot.records("spacecraft_configurations")
        for agency in snapshot.values_at(config, ("agency",))
        if type(agency) is dict
    }
    ids |= {str(r["id"]) for r in snapshot.records("agencies") if r.get("spacecraft_list")}
    return frozenset(ids)


def _parent_id(values: list[Any], snapshot: Snapshot) -> Predicate:
    parents = snapshot.memo("agency_parent_ids", _agency_parent_ids)
    wanted = values[0]
    return lambda r: parents.get(str(r["id"])) == wanted


def _agency_spacecraft(values: list[Any], snapshot: Snapshot) -> Predicate:
    owners = snapshot.memo("agencies_with_spacecraft", _agencies_with_spacecraft)
    wanted = values[0]
    return lambda r: (str(r["id"]) in owners) == wanted


def _country_code(values: list[Any], snapshot: Snapshot) -> Predicate:
    codes = {str(v).upper() for v in values}

    def predicate(record: Record) -> bool:
        for country in snapshot.values_at(record, ("country",)):
            if type(country) is dict and (
                str(country.get("alpha_3_code", "")).upper() in codes
                or str(country.get("alpha_2_code", "")).upper() in codes
            ):
                return True
        return False

    return predicate


def _nationality(values: list[Any], snapshot: Snapshot) -> Predicate:
    wanted = str(values[0]).casefold()
    keys = ("nationality_name", "name", "alpha_2_code", "alpha_3_code")

    def predicate(record: Record) -> bool:
        for country in snapshot.values_at(record, ("nationality",)):
            if type(country) is dict and any(
                isinstance(country.get(k), str) and country[k].casefold() == wanted for k in keys
            ):
                return True
        return False

    return predicate


def _has_flown(values: list[Any], snapshot: Snapshot) -> Predicate:
    wanted = values[0]

    def flown(record: Record) -> bool:
        count = record.get("flights_count")
        if isinstance(count, int):
            return count > 0
        return bool(record.get("first_flight") or record.get("flights"))

    return lambda r: flown(r) == wanted


def _is_human(values: list[Any], snapshot: Snapshot) -> Predicate:
    wanted = values[0]

    def human(record: Record) -> bool:
        if isinstance(record.get("is_human"), bool):
            return bool(record["is_human"])
        kind = record.get("type")
        name = kind.get("name") if type(kind) is dict else None
        return not (isinstance(name, str) and "non-human" in name.casefold())

    return lambda r: human(r) == wanted


def _net_part(attr: str) -> SpecialFactory:
    def factory(values: list[Any], snapshot: Snapshot) -> Predicate:
        wanted = set(values)

        def predicate(record: Record) -> bool:
            net = record.get("net")
            when = parse_datetime(net) if isinstance(net, str) else None
            return when is not None and getattr(when, attr) in wanted

        return predicate

    return factory


def _is_crewed(values: list[Any], snapshot: Snapshot) -> Predicate:
    wanted = values[0]
    path = ("rocket", "spacecraft_stage")

    def crewed(record: Record) -> bool:
        for flight in snapshot.values_at(record, path):
            if type(flight) is dict and (flight.get("launch_crew") or flight.get("onboard_crew")):
                return True
        return False

    return lambda r: crewed(r) == wanted


def _include_suborbital(values: list[Any], snapshot: Snapshot) -> Predicate:
    if values[0]:
        return lambda r: True
    path = ("mission", "orbit")

    def suborbital(record: Record) -> bool:
        for orbit in snapshot.values_at(record, path):
            if type(orbit) is dict and (
                orbit.get("abbrev") in ("Sub", "SO") or orbit.get("name") == "Suborbital"
            ):
                return True
        return False

    return lambda r: not suborbital(r)


#: (resource, filter name) -> predicate factory, for filters that are not a field lookup.
SPECIAL: Final[dict[tuple[str, str], SpecialFactory]] = {
    ("agencies", "parent__id"): _parent_id,
    ("agencies", "spacecraft"): _agency_spacecraft,
    ("agencies", "country_code"): _country_code,
    ("astronauts", "nationality"): _nationality,
    ("astronauts", "has_flown"): _has_flown,
    ("astronauts", "is_human"): _is_human,
    ("launches", "year"): _net_part("year"),
    ("launches", "month"): _net_part("month"),
    ("launches", "day"): _net_part("day"),
    ("launches", "is_crewed"): _is_crewed,
    ("launches", "include_suborbital"): _include_suborbital,
}


# -- compiling a request's filters -------------------------------------------------------


def raw_values(f: FilterSpec, query: MultiMapping[str]) -> list[str]:
    """The non-empty raw values a request gives a filter (none: filter disabled)."""
    given = query.getall(f.name, [])
    if not given:
        return []
    if f.repeat:
        items = [v for v in given if v.strip()]
    elif f.comma:
        items = [v for v in given[-1].split(",") if v.strip()]
    else:
        items = [given[-1]] if given[-1].strip() else []
    return items


def compile_filters(
    endpoint: EndpointSpec, query: MultiMapping[str], snapshot: Snapshot
) -> list[Predicate]:
    """Predicates for the filters present in ``query``; raises :class:`FilterError`."""
    predicates: list[Predicate] = []
    errors: dict[str, list[str]] = {}
    for f in endpoint.filters:
        items = raw_values(f, query)
        if not items:
            continue
        try:
            values = [parse_value(f.scalar, item) for item in items]
        except ValueError:
            errors[f.name] = [_MESSAGES.get(f.scalar, "Enter a valid value.")]
            continue
        if any(v is None for v in values):  # an unrecognised boolean disables the filter
            continue
        # an older version's filter runs as the 2.3.0 one it equals (``source``)
        base, op = split_lookup(f.source or f.name)
        special = SPECIAL.get((endpoint.resource or "", base))
        if special is not None:
            predicates.append(special(values, snapshot))
            continue
        if f.comma or f.repeat:
            op = "in"
        path = field_path(endpoint.resource, base)
        predicates.append(field_predicate(snapshot, path, f.scalar, op, values))
    if errors:
        raise FilterError(errors)
    return predicates


def apply_filters(records: Sequence[Record], predicates: Sequence[Predicate]) -> list[Record]:
    if not predicates:
        return list(records)
    return [r for r in records if all(p(r) for p in predicates)]


def describe(endpoint: EndpointSpec) -> Mapping[str, str]:
    """How each filter of an endpoint is evaluated (for docs and debugging)."""
    out: dict[str, str] = {}
    for f in endpoint.filters:
        base, op = split_lookup(f.name)
        if (endpoint.resource or "", base) in SPECIAL:
            out[f.name] = "special"
            continue
        op = "in" if (f.comma or f.repeat) else op
        out[f.name] = f"{'.'.join(field_path(endpoint.resource, base))} {op} {f.scalar}"
    return out
