"""Config lists (``config/spacecraft_statuses/``...) rebuilt from inline values.

The snapshot keeps statuses, types, licenses and roles inline in the records that use
them.  LL2's config endpoints list each of them once; this walks every record along its
serializers' schemas and gathers, per schema, the distinct inline objects by id.
"""

from __future__ import annotations

from collections import defaultdict

from gateway.ll2.resources import ENTITY_SCHEMAS
from gateway.ll2.spec import ApiSpec

from .snapshot import Record, Snapshot, id_sort_key, is_ref

__all__ = ["InlineCatalog", "inline_catalog"]

FieldRefs = dict[str, frozenset[str]]


class InlineCatalog:
    """Schema name -> the distinct inline objects of that schema, by id ascending."""

    def __init__(self, found: dict[str, dict[str, Record]]) -> None:
        self._by_id = found
        self._sorted = {
            name: sorted(items.values(), key=lambda r: id_sort_key(r.get("id")))
            for name, items in found.items()
        }

    def items(self, schema: str) -> list[Record]:
        return self._sorted.get(schema, [])

    def get(self, schema: str, id_: object) -> Record | None:
        return self._by_id.get(schema, {}).get(str(id_))


def _collect(snapshot: Snapshot, spec: ApiSpec) -> InlineCatalog:
    field_refs: dict[frozenset[str], FieldRefs] = {}

    def refs_of(names: frozenset[str]) -> FieldRefs:
        """Field -> the schemas it nests, merged over every schema in ``names``."""
        found = field_refs.get(names)
        if found is None:
            merged: dict[str, set[str]] = defaultdict(set)
            for name in names:
                for f in spec.schemas[name].fields:
                    if f.ref is not None and f.ref in spec.schemas:
                        merged[f.name].add(f.ref)
            found = field_refs[names] = {k: frozenset(v) for k, v in merged.items()}
        return found

    out: dict[str, dict[str, Record]] = defaultdict(dict)

    def walk(value: Record, names: frozenset[str]) -> None:
        refs = refs_of(names)
        for key, sub in value.items():
            nested = refs.get(key)
            if not nested:
                continue
            for item in sub if type(sub) is list else (sub,):
                if type(item) is not dict or is_ref(item):
                    continue
                if "id" in item:
                    for schema in nested:
                        out[schema].setdefault(str(item["id"]), item)
                walk(item, nested)

    by_resource: dict[str, set[str]] = defaultdict(set)
    for schema, resource in ENTITY_SCHEMAS.items():
        if schema in spec.schemas:
            by_resource[resource].add(schema)
    for resource, record in snapshot.iter_all():
        names = frozenset(by_resource.get(resource, ()))
        if names:
            walk(record, names)
    return InlineCatalog(dict(out))


def inline_catalog(snapshot: Snapshot, spec: ApiSpec) -> InlineCatalog:
    """The catalog for a snapshot, built on first use and kept with it."""

    def factory(s: Snapshot) -> InlineCatalog:
        return _collect(s, spec)

    return snapshot.memo(f"inline_catalog:{id(spec)}", factory)
