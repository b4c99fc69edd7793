"""Build ``gateway/ll2/data/spec-2.0.0.json`` and ``spec-2.2.0.json``: LL2's older versions.

They have the format of ``spec.json`` (see :mod:`gateway.ll2.spec`), restricted to the
gateway's resources, and are read by the offline emulator (to serve ``/2.0.0/`` and
``/2.2.0/``) and by the gateway's version adapters (``gateway/upstream/versions/``).

Sources, in order of authority:

1. the seed pages, exactly: an object a seed shows gives its serializer the seed's keys
   (seed 001 for 2.2.0, seed 000 for 2.0.0);
2. the 2.2.0 Swagger description (``swagger-2.2.0.json``) for every other serializer,
   the paths and the filters; 2.0.0 has no description of its own, so it reuses the
   2.2.0 one, with the one documented difference seed 000 cannot show (a crew member's
   ``role`` was a string).

Every old field carries ``source``: where its value lives in the 2.3.0 object (``null``:
the same key).  ``image_url: "image.image_url"`` says the old string is the URL of 2.3.0's
``image`` object; ``location: "landing_location"`` is a rename.  A field whose ``source``
names no 2.3.0 field is old-only (an astronaut's ``twitter``).  Each filter's ``source``
is the 2.3.0 filter with the same meaning (``null``: none; the gateway never sends it).

Assumptions, stated here once: the description lists ``search`` and ``ordering`` without
their fields; search is taken to cover the same fields as 2.3.0's, ordering to accept the
list serializer's own plain fields (Django REST Framework's default).

Usage::

    python scripts/build_legacy_specs.py [--data data] [--out-dir gateway/ll2/data]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / "data"
DEFAULT_OUT = ROOT / "gateway" / "ll2" / "data"

VERSIONS = ("2.0.0", "2.2.0")
#: version -> the seed page that shows it, and the serializer of its root object.
SEEDS: dict[str, tuple[str, str, bool]] = {
    "2.0.0": ("000", "SpacecraftFlight", True),
    "2.2.0": ("001", "SpacecraftFlightDetailed", False),
}

#: resource -> its list route below ``/2.x.0/`` (detail: ``{route}{id}/``).
PATHS: dict[str, str] = {
    "spacecraft": "spacecraft/",
    "spacecraft_configurations": "config/spacecraft/",
    "spacecraft_flights": "spacecraft/flight/",
    "agencies": "agencies/",
    "astronauts": "astronaut/",
    "docking_events": "docking_event/",
    "space_stations": "spacestation/",
    "docking_locations": "config/dockinglocation/",
    "launches": "launch/",
}

#: old serializer -> the resource whose records it renders.
ENTITY_SCHEMAS: dict[str, str] = {
    "Agency": "agencies",
    "AgencyList": "agencies",
    "AgencySerializerMini": "agencies",
    "AgencySerializerDetailed": "agencies",
    "AgencySerializerDetailedCommon": "agencies",
    "Astronaut": "astronauts",
    "AstronautNormal": "astronauts",
    "AstronautDetailed": "astronauts",
    "AstronautDetailedSerializerNoFlights": "astronauts",
    "DockingEvent": "docking_events",
    "DockingEventDetailed": "docking_events",
    "DockingEventDetailedSerializerForSpacestation": "docking_events",
    "DockingEventSerializerForSpacecraftFlight": "docking_events",
    "DockingLocation": "docking_locations",
    "DockingLocationSerializerForSpacestation": "docking_locations",
    "Landing": "landings",
    "LaunchDetailed": "launches",
    "LaunchSerializerCommon": "launches",
    "LaunchSerializerMini": "launches",
    "SpaceStation": "space_stations",
    "SpaceStationDetailed": "space_stations",
    "SpaceStationSerializerForCommon": "space_stations",
    "SpaceStationSerializerForDockingEvent": "space_stations",
    "SpaceStationSerializerForExpedition": "space_stations",
    "SpaceStationDetailedSerializerForExpedition": "space_stations",
    "Spacecraft": "spacecraft",
    "SpacecraftDetailed": "spacecraft",
    "SpacecraftDetailedNoFlights": "spacecraft",
    "SpacecraftConfig": "spacecraft_configurations",
    "SpacecraftConfiguration": "spacecraft_configurations",
    "SpacecraftConfigurationDetail": "spacecraft_configurations",
    "SpacecraftFlight": "spacecraft_flights",
    "SpacecraftFlightDetailed": "spacecraft_flights",
    "SpacecraftFlightDetailedSerializerForLaunch": "spacecraft_flights",
    "SpacecraftFlightForDockingEvent": "spacecraft_flights",
    "SpacecraftFlightSerializerForDockingEvent": "spacecraft_flights",
    "SpacecraftFlightSerializerForDockingEventDetailed": "spacecraft_flights",
}

#: old serializer name prefix -> the route its (non-entity) ``url`` links below.
INLINE_URL_PATHS: tuple[tuple[str, str], ...] = (
    ("LauncherConfig", "config/launcher/"),
    ("Launcher", "launcher/"),
    ("Location", "location/"),
    ("Pad", "pad/"),
    ("Program", "program/"),
    ("Expedition", "expedition/"),
    ("Events", "event/"),
)

#: (serializer, key) -> serializer, for objects a seed shows that the description lacks.
SEED_REFS: dict[tuple[str, str], str] = {
    ("SpacecraftFlightDetailed", "landing"): "Landing",
    ("LaunchSerializerCommon", "net_precision"): "NetPrecision",
    ("Mission", "agencies"): "AgencySerializerMini",
    ("Mission", "info_urls"): "InfoURL",
    ("Mission", "vid_urls"): "VidURL",
    ("Program", "type"): "ProgramType",
}

#: (version, serializer, field) -> a field's type changed by hand: README's documented
#: "crew role was a string in 2.0.0", which seed 000 (no crews) cannot show.
PATCHES: dict[tuple[str, str, str], dict[str, Any]] = {
    ("2.0.0", "AstronautFlight", "role"): {"type": "string", "ref": None, "scalar": "string"},
}

#: old key -> the 2.3.0 key of the same value (ll2/README.md "Shape changes into 2.3.0").
RENAMES: dict[str, str] = {
    "image_url": "image",
    "logo_url": "logo",
    "profile_image": "image",
    "country_code": "country",
    "location": "landing_location",
    "flight_vehicle": "flight_vehicle_chaser",
    "space_station": "space_station_target",
    "spacestation": "space_station_target",
    "active_expedition": "active_expeditions",
    "docked": "currently_docked",
    "infoURLs": "info_urls",
    "vidURLs": "vid_urls",
    "family": "families",
}

#: 2.3.0 object -> the key of it an old string stands for (``type: "Commercial"``).
STRING_OF: dict[str, str] = {
    "Image": "image_url",
    "AgencyType": "name",
    "AstronautRole": "role",
    "LauncherConfigFamily": "name",
}

#: (version, serializer, field) -> source, where no rule finds it: in 2.0.0 a launch
#: status ``name`` was the short name 2.2.0 moved to ``abbrev``.
SOURCE_OVERRIDES: dict[tuple[str, str, str], str] = {
    ("2.0.0", "LaunchStatus", "name"): "abbrev",
}

#: resource -> old filter -> the 2.3.0 filter with the same meaning.  Left out on
#: purpose: agencies' ``country_code`` (one exact string where 2.3.0 matches any of an
#: agency's countries), astronauts' ``nationality`` (exact text where 2.3.0 also matches
#: country names and codes) and ``agency_type`` (its value is not documented).
FILTER_SOURCES: dict[str, dict[str, str]] = {
    "spacecraft": {"name": "name", "status": "status", "spacecraft_config": "spacecraft_config"},
    "spacecraft_configurations": {
        "name": "name",
        "manufacturer": "agency",
        "in_use": "in_use",
        "human_rated": "human_rated",
    },
    "spacecraft_flights": {"spacecraft": "spacecraft"},
    "agencies": {"featured": "featured"},
    "astronauts": {
        "status": "status_ids",
        **{
            f"{name}{op}": f"{name}{op}"
            for name in ("date_of_birth", "date_of_death")
            for op in ("", "__gt", "__gte", "__lt", "__lte")
        },
    },
    "space_stations": {
        "name": "name",
        "status": "status",
        "owners": "owners",
        "orbit": "orbit",
        "type": "type",
    },
    "docking_events": {
        "space_station__id": "space_station_target__id",
        "docking_location__id": "docking_location__id",
        "flight_vehicle__id": "flight_vehicle_chaser__id",
        **{f"docking__{op}": f"docking__{op}" for op in ("gt", "gte", "lt", "lte")},
    },
}

CONTROL_PARAMS = frozenset({"limit", "offset", "ordering", "search", "mode", "format"})


# -- reading -----------------------------------------------------------------------------


def seed_body(data: Path, prefix: str) -> Any:
    path = next((data / "seeds").glob(f"{prefix}_*.txt"))
    text = path.read_text(encoding="utf-8")
    return json.loads(text[text.index("{", text.index("Vary: Accept")) :])


def field_of(name: str, prop: dict[str, Any]) -> dict[str, Any]:
    """A spec field from a Swagger property."""
    ref = many = None
    if "$ref" in prop:
        ref = prop["$ref"].rsplit("/", 1)[-1]
    elif prop.get("type") == "array":
        items = prop.get("items", {})
        ref = items["$ref"].rsplit("/", 1)[-1] if "$ref" in items else None
        many = True
    scalar = None
    if ref is None:
        scalar = prop.get("type", "string")
        if prop.get("format") in ("date", "date-time", "uuid"):
            scalar = f"string({prop['format']})"
    nullable = bool(prop.get("x-nullable"))
    return _field(name, ref, scalar, bool(many), nullable)


def _field(
    name: str, ref: str | None, scalar: str | None, many: bool, nullable: bool
) -> dict[str, Any]:
    base = ref or scalar or "string"
    shown = f"[{base}]" if many else base
    return {
        "name": name,
        "type": shown + ("|null" if nullable else ""),
        "ref": ref,
        "scalar": scalar,
        "many": many,
        "nullable": nullable,
        "optional": False,
        "read_only": False,
        "default": None,
        "source": None,
    }


def inferred(name: str, value: Any) -> dict[str, Any]:
    """A field for a scalar only a seed shows, typed by its value."""
    kinds = {bool: "boolean", int: "integer", float: "number", str: "string"}
    scalar = kinds.get(type(value), "string")
    return _field(name, None, scalar, False, value is None)


# -- serializers ---------------------------------------------------------------------------


def swagger_schemas(swagger: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {
        name: [field_of(k, p) for k, p in d.get("properties", {}).items()]
        for name, d in swagger["definitions"].items()
    }


def apply_seed(
    schemas: dict[str, list[dict[str, Any]]], obj: dict[str, Any], name: str, shown: set[str]
) -> None:
    """Give ``name`` the keys ``obj`` has (first sight replaces, later sights add)."""
    known = {f["name"]: f for f in schemas.get(name, [])}
    fields = [] if name not in shown else list(schemas[name])
    present = {f["name"] for f in fields}
    shown.add(name)
    for key, value in obj.items():
        f = known.get(key)
        if f is not None and f["ref"] is None and value is not None:
            seen = inferred(key, value)
            if seen["scalar"] != f["scalar"] and not (f["scalar"] or "").startswith("string("):
                f = {**seen, "nullable": f["nullable"]}  # the seed shows the real type
        if f is None:
            ref = SEED_REFS.get((name, key))
            if ref is not None:
                f = _field(key, ref, None, isinstance(value, list), value is None)
                schemas.setdefault(ref, [])
            else:
                f = inferred(key, value)
        if key not in present:
            fields.append(f)
            present.add(key)
        if f["ref"] is None:
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict):
                apply_seed(schemas, item, f["ref"], shown)
    schemas[name] = fields


def reachable(schemas: dict[str, list[dict[str, Any]]], roots: set[str]) -> set[str]:
    seen: set[str] = set()
    todo = sorted(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo += [f["ref"] for f in schemas[name] if f["ref"] and f["ref"] not in seen]
    return seen


# -- sources: where each old value lives in 2.3.0 ----------------------------------------


def counterparts(
    schemas: dict[str, list[dict[str, Any]]],
    spec: dict[str, Any],
    pairs: list[tuple[str, str]],
) -> dict[str, dict[str, dict[str, Any]]]:
    """Old serializer -> the fields of every 2.3.0 serializer it stands for."""
    new_schemas = spec["schemas"]
    out: dict[str, dict[str, dict[str, Any]]] = {}
    seen: set[tuple[str, str]] = set()
    todo = list(pairs)
    while todo:
        old, new = todo.pop()
        if (old, new) in seen or new not in new_schemas:
            continue
        seen.add((old, new))
        fields = {f["name"]: f for f in new_schemas[new]["fields"]}
        for name, f in fields.items():
            out.setdefault(old, {}).setdefault(name, f)
        for f in schemas[old]:
            nf = fields.get(f["name"]) or fields.get(RENAMES.get(f["name"], ""))
            if f["ref"] and nf is not None and nf["ref"]:
                todo.append((f["ref"], nf["ref"]))
    return out


def source_of(f: dict[str, Any], new_fields: dict[str, dict[str, Any]]) -> str | None:
    """Where the value of old field ``f`` lives in the 2.3.0 object (None: same key)."""
    name = f["name"]
    target = name
    suffix = None
    if name not in new_fields:
        if name.endswith("_thumbnail") and RENAMES.get(name[: -len("_thumbnail")]):
            target, suffix = RENAMES[name[: -len("_thumbnail")]], "thumbnail_url"
        else:
            target = RENAMES.get(name, name)
    nf = new_fields.get(target)
    if nf is None:
        return None  # an old-only field
    if suffix is not None:
        return f"{target}.{suffix}"
    if f["ref"] is None and nf["ref"] is not None:
        leaf = STRING_OF.get(nf["ref"])
        if nf["ref"] == "Country":
            leaf = "alpha_3_code" if name.endswith("code") else "nationality_name"
        return f"{target}.{leaf or 'name'}"
    return None if target == name else target


# -- the spec --------------------------------------------------------------------------------


def build(version: str, swagger: dict[str, Any], spec: dict[str, Any], seed: Any) -> dict[str, Any]:
    schemas = swagger_schemas(swagger)
    root, is_page = SEEDS[version][1], SEEDS[version][2]
    shown: set[str] = set()
    for obj in seed["results"] if is_page else [seed]:
        apply_seed(schemas, obj, root, shown)
    for (v, schema, name), patch in PATCHES.items():
        if v == version:
            for f in schemas[schema]:
                if f["name"] == name:
                    f.update(patch, type=patch["type"])

    new_endpoints = {e["path"]: e for e in spec["endpoints"]}
    from_new = {
        e["resource"]: path
        for path, e in new_endpoints.items()
        if e["resource"] and e["kind"] == "list"
    }
    endpoints: list[dict[str, Any]] = []
    pairs: list[tuple[str, str]] = []
    for resource, path in PATHS.items():
        ops = swagger["paths"][f"/{path}"]["get"]
        item = ops["responses"]["200"]["schema"]["properties"]["results"]["items"]["$ref"]
        list_schema = item.rsplit("/", 1)[-1]
        detail_op = swagger["paths"][f"/{path}{{id}}/"]["get"]
        detail_schema = detail_op["responses"]["200"]["schema"]["$ref"].rsplit("/", 1)[-1]
        new_list = new_endpoints[from_new[resource]]
        new_detail = new_endpoints[from_new[resource] + "{id}/"]
        pairs += [
            (list_schema, new_list["modes"].get(new_list["default_mode"]) or new_list["schema"]),
            (detail_schema, new_detail["schema"]),
        ]
        params = {p["name"]: p for p in ops.get("parameters", [])}
        new_filters = {f["name"]: f for f in new_list["filters"]}
        filters = []
        for name, p in sorted(params.items()):
            if name in CONTROL_PARAMS:
                continue
            source = FILTER_SOURCES.get(resource, {}).get(name)
            scalar = new_filters[source]["scalar"] if source in new_filters else p["type"]
            filters.append(
                {
                    "name": name,
                    "type": scalar,
                    "scalar": scalar,
                    "comma": False,
                    "repeat": False,
                    "source": source,
                }
            )
        id_type = "string(uuid)" if resource == "launches" else "integer"
        common = {"resource": resource, "modes": {}, "default_mode": None, "source": "swagger"}
        endpoints.append(
            {
                **common,
                "path": path,
                "operation": ops["operationId"],
                "kind": "list",
                "schema": list_schema,
                "id_type": None,
                "filters": filters,
                "search": list(new_list["search"]) if "search" in params else [],
                "ordering": [],  # filled below, once sources are known
                "_ordering": "ordering" in params,
            }
        )
        endpoints.append(
            {
                **common,
                "path": f"{path}{{id}}/",
                "operation": detail_op["operationId"],
                "kind": "detail",
                "schema": detail_schema,
                "id_type": id_type,
                "filters": [],
                "search": [],
                "ordering": [],
            }
        )
    endpoints.append(
        {
            "path": "api-throttle/",
            "operation": "api_throttle_list",
            "source": "openapi-2.3.0",
            "resource": None,
            "kind": "throttle",
            "schema": "APIThrottle",
            "modes": {},
            "default_mode": None,
            "id_type": None,
            "filters": [],
            "search": [],
            "ordering": [],
        }
    )

    roots = {e["schema"] for e in endpoints if e["kind"] != "throttle"}
    names = reachable(schemas, roots)
    # an entity serializer stands (at least) for its resource's 2.3.0 detailed one
    pairs += [
        (name, new_endpoints[from_new[ENTITY_SCHEMAS[name]] + "{id}/"]["schema"])
        for name in sorted(names)
        if ENTITY_SCHEMAS.get(name) in from_new
    ]
    matched = counterparts(schemas, spec, pairs)
    out_schemas: dict[str, Any] = {"APIThrottle": spec["schemas"]["APIThrottle"]}
    for name in sorted(names):
        fields = schemas[name]
        for f in fields:
            override = SOURCE_OVERRIDES.get((version, name, f["name"]))
            f["source"] = override or source_of(f, matched.get(name, {}))
        resource = ENTITY_SCHEMAS.get(name)
        url_path = PATHS.get(resource) if resource else None
        if url_path is None and any(f["name"] == "url" for f in fields):
            url_path = next((p for prefix, p in INLINE_URL_PATHS if name.startswith(prefix)), None)
        out_schemas[name] = {"resource": resource, "url_path": url_path, "fields": fields}

    for e in endpoints:
        if e.pop("_ordering", False):
            e["ordering"] = [
                f["name"]
                for f in schemas[e["schema"]]
                if f["name"] != "url" and not f["many"] and f["source"] is None
            ]
    endpoints.sort(key=lambda e: e["path"])
    return {
        "version": version,
        "note": f"Generated by scripts/build_legacy_specs.py from the LL2 2.2.0 Swagger "
        f"description and seed {SEEDS[version][0]}; do not edit.",
        "endpoints": endpoints,
        "schemas": out_schemas,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="inputs directory")
    ap.add_argument("--out-dir", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    swagger = json.loads((args.data / "ll2" / "swagger-2.2.0.json").read_text())
    spec = json.loads((ROOT / "gateway" / "ll2" / "data" / "spec.json").read_text())
    for version in VERSIONS:
        built = build(version, swagger, spec, seed_body(args.data, SEEDS[version][0]))
        out = args.out_dir / f"spec-{version}.json"
        out.write_text(json.dumps(built, indent=1, ensure_ascii=False) + "\n")
        print(f"wrote {out} ({len(built['endpoints'])} endpoints, {len(built['schemas'])} schemas)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
