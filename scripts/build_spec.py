"""Build ``gateway/ll2/data/spec.json``: LL2 2.3.0's endpoints and serializers, as data.

The LL2 digest (``2.3.0-spacecraft-domain-extract.json``) keeps its facts as prose and
type strings ("Fields searched - `name`", "Image|null [readOnly]").  Parsing them once
here keeps the emulator free of doc-string scraping and makes its behaviour reviewable
as data.  Detail routes the digest omits (``landings/{id}/``, ``config/*/{id}/``) are
taken from the full OpenAPI document when it is available.

Usage::

    python scripts/build_spec.py [--extract PATH] [--openapi PATH] [--out PATH]

The output is deterministic: endpoints and schemas are sorted by name, schema fields
keep the serializer's order (which is the order LL2 renders them in).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


sys.path.insert(0, str(ROOT))
from gateway.ll2.resources import ENTITY_SCHEMAS as _SCHEMAS  # noqa: E402
from gateway.ll2.resources import RESOURCE_PATHS  # noqa: E402

ENTITY_SCHEMAS: dict[str, str] = dict(_SCHEMAS)
RESOURCES: dict[str, str] = dict(RESOURCE_PATHS)

VERSION = "2.3.0"
PREFIX = f"/{VERSION}/"
DATA_LL2 = ROOT / "data" / "ll2"
DEFAULT_EXTRACT = DATA_LL2 / "2.3.0-spacecraft-domain-extract.json"
DEFAULT_OPENAPI = DATA_LL2 / "openapi-2.3.0.json"
DEFAULT_OUT = ROOT / "gateway" / "ll2" / "data" / "spec.json"

#: query parameters handled by pagination, search and ordering, not by filters.
CONTROL_PARAMS = frozenset({"limit", "offset", "ordering", "search", "mode", "format"})

#: LL2 list routes of inline (non-entity) serializers whose ``url`` LL2 generates;
#: the first matching name prefix wins.  Entity schemas use ``RESOURCES``.
INLINE_URL_PATHS: tuple[tuple[str, str], ...] = (
    ("LauncherConfig", "launcher_configurations/"),
    ("Launcher", "launchers/"),
    ("Location", "locations/"),
    ("Pad", "pads/"),
    ("PayloadFlight", "payload_flights/"),
    ("Program", "programs/"),
    ("Expedition", "expeditions/"),
    ("Spacewalk", "spacewalks/"),
)

_TYPE_RE = re.compile(
    r"(?P<open>\[)?(?P<base>[A-Za-z_]\w*(?:\([\w-]+\))?)(?P<close>\])?"
    r"(?P<null>\|null)?(?P<flags>.*)"
)
_DEFAULT_RE = re.compile(r"default='([^']*)'")
_BACKTICK_RE = re.compile(r"`([^`]+)`")


def parse_type(raw: str) -> dict[str, Any]:
    """Split a digest type string ("[Country]", "integer|null (optional)") into parts."""
    m = _TYPE_RE.fullmatch(raw)
    if m is None or bool(m["open"]) != bool(m["close"]):
        raise ValueError(f"unparsed type string: {raw!r}")
    base, flags = m["base"], m["flags"]
    is_ref = base[0].isupper()
    default = _DEFAULT_RE.search(flags)
    return {
        "type": raw,
        "ref": base if is_ref else None,
        "scalar": None if is_ref else base,
        "many": bool(m["open"]),
        "nullable": bool(m["null"]),
        "optional": "(optional)" in flags,
        "read_only": "[readOnly]" in flags,
        "default": default[1] if default else None,
    }


def doc_names(doc: str | None) -> list[str]:
    """The back-quoted names of a help line ("Fields - `a`, `b`")."""
    return _BACKTICK_RE.findall(doc) if doc else []


def schema_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def list_item_schema(schemas: dict[str, Any], paginated: str) -> str:
    """``PaginatedXList`` -> ``X`` (the schema of one ``results`` item)."""
    results = parse_type(schemas[paginated]["results"])
    return results["ref"]


def modes_of(schemas: dict[str, Any], item: str, doc: str | None) -> dict[str, str]:
    """mode -> schema from a ``Polymorphic*`` discriminator, in documented order."""
    poly = schemas[item]
    mapping = {m: schema_name(r) for m, r in poly["discriminator"]["mapping"].items()}
    order = [m for m in doc_names(doc) if m in mapping]
    order += sorted(m for m in mapping if m not in order)
    return {m: mapping[m] for m in order}


def build_filters(params: list[dict[str, Any]]) -> list[dict[str, Any]]:
    filters = []
    for p in params:
        if p["in"] != "query" or p["name"] in CONTROL_PARAMS:
            continue
        raw = p["type"]
        scalar = raw[1:-1] if raw.startswith("[") else raw
        filters.append(
            {
                "name": p["name"],
                "type": raw,
                "scalar": scalar,
                "comma": bool(p["multi_value_comma"]),
                "repeat": bool(p["multi_value_repeat"]),
            }
        )
    return sorted(filters, key=lambda f: f["name"])


def resource_for(path: str) -> str | None:
    for resource, rpath in RESOURCES.items():
        if rpath == path:
            return resource
    return None


def build_endpoint(path: str, ep: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    rel = path.removeprefix(PREFIX)
    out: dict[str, Any] = {
        "path": rel,
        "operation": ep["operationId"],
        "source": "extract",
        "resource": None,
        "kind": "list",
        "schema": None,
        "modes": {},
        "default_mode": None,
        "id_type": None,
        "filters": [],
        "search": doc_names(ep.get("search_doc")),
        "ordering": doc_names(ep.get("ordering_doc")),
    }
    if rel == "api-throttle/":
        out.update(kind="throttle", schema="APIThrottle", search=[], ordering=[])
        return out
    if rel.endswith("{id}/"):
        id_param = next(p for p in ep["parameters"] if p["name"] == "id")
        out.update(
            kind="detail",
            resource=resource_for(rel.removesuffix("{id}/")),
            schema=schema_name(ep["response_200"]),
            id_type=id_param["type"],
            search=[],
            ordering=[],
        )
        return out
    out["resource"] = resource_for(rel)
    out["filters"] = build_filters(ep["parameters"])
    item = list_item_schema(schemas, ep["response_200"])
    if "discriminator" in schemas[item]:
        out["modes"] = modes_of(schemas, item, ep.get("modes_doc"))
        out["default_mode"] = "normal" if "normal" in out["modes"] else next(iter(out["modes"]))
    else:
        out["schema"] = item
    return out


def openapi_detail(openapi: dict[str, Any], path: str) -> dict[str, Any] | None:
    """A digest-shaped entry for a detail route found only in the OpenAPI document."""
    op = openapi.get("paths", {}).get(path, {}).get("get")
    if op is None:
        return None
    ref = op["responses"]["200"]["content"]["application/json"]["schema"].get("$ref")
    if ref is None:
        return None
    id_schema = next(p["schema"] for p in op["parameters"] if p["name"] == "id")
    id_type = id_schema["type"]
    if "format" in id_schema:
        id_type += f"({id_schema['format']})"
    return {
        "operationId": op["operationId"],
        "parameters": [{"name": "id", "in": "path", "type": id_type}],
        "response_200": schema_name(ref),
    }


def url_path(name: str, fields: list[dict[str, Any]], openapi: dict[str, Any] | None) -> str | None:
    """The list route below which LL2 links objects of this schema (``url`` field)."""
    url = next((f for f in fields if f["name"] == "url"), None)
    if url is None or not url["read_only"]:
        return None  # no url, or a data URL (InfoURL, VidURL, SocialMedia)
    resource = ENTITY_SCHEMAS.get(name)
    if resource is not None:
        return RESOURCES[resource]
    path = next((p for prefix, p in INLINE_URL_PATHS if name.startswith(prefix)), None)
    if path is None:
        raise ValueError(f"no LL2 route known for the url of {name}")
    if openapi is not None and f"{PREFIX}{path}{{id}}/" not in openapi.get("paths", {}):
        raise ValueError(f"{name}: {PREFIX}{path}{{id}}/ is not an LL2 route")
    return path


def reachable(schemas: dict[str, Any], roots: set[str]) -> set[str]:
    seen: set[str] = set()
    todo = sorted(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for raw in schemas[name].values():
            if isinstance(raw, str):
                ref = parse_type(raw)["ref"]
                if ref and ref not in seen:
                    todo.append(ref)
    return seen


def build_spec(extract: dict[str, Any], openapi: dict[str, Any] | None) -> dict[str, Any]:
    schemas = extract["schemas"]
    raw_endpoints: dict[str, tuple[dict[str, Any], str]] = {
        p: (ep, "extract") for p, ep in extract["endpoints"].items()
    }
    if openapi is not None:
        for p in list(raw_endpoints):
            detail = f"{p}{{id}}/"
            if p.endswith("/") and "{" not in p and detail not in raw_endpoints:
                found = openapi_detail(openapi, detail)
                if found is not None and found["response_200"] in schemas:
                    raw_endpoints[detail] = (found, "openapi")
    endpoints = []
    for path in sorted(raw_endpoints):
        ep, source = raw_endpoints[path]
        built = build_endpoint(path, ep, schemas)
        built["source"] = source
        endpoints.append(built)

    roots = {e["schema"] for e in endpoints if e["schema"]}
    roots |= {s for e in endpoints for s in e["modes"].values()}
    out_schemas = {}
    for name in sorted(reachable(schemas, roots)):
        fields = [{"name": f, **parse_type(t)} for f, t in schemas[name].items()]
        out_schemas[name] = {
            "resource": ENTITY_SCHEMAS.get(name),
            "url_path": url_path(name, fields, openapi),
            "fields": fields,
        }
    return {
        "version": VERSION,
        "note": "Generated by scripts/build_spec.py from the LL2 2.3.0 digest; do not edit.",
        "endpoints": endpoints,
        "schemas": out_schemas,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--extract", type=Path, default=DEFAULT_EXTRACT)
    ap.add_argument("--openapi", type=Path, default=DEFAULT_OPENAPI)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    extract = json.loads(args.extract.read_text())
    openapi = json.loads(args.openapi.read_text()) if args.openapi.exists() else None
    spec = build_spec(extract, openapi)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(spec, indent=1, ensure_ascii=False) + "\n")
    n_ep, n_sc = len(spec["endpoints"]), len(spec["schemas"])
    print(f"wrote {args.out} ({n_ep} endpoints, {n_sc} schemas)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
