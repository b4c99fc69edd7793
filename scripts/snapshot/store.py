"""Normalise source objects into entity records and merge them, logging disagreements.

:class:`Normaliser` walks an object alongside its 2.3.0 schema: a value whose schema is an
entity schema (``ENTITY_SCHEMAS``) becomes its own record and is replaced by
``{"$ref": [resource, id]}``; other objects stay inline, but entity-typed fields inside
them are extracted too.  Self links (``url``, typed ``[readOnly]``) and ``response_mode``
are dropped: the emulator regenerates them for its own host and mode.

:class:`EntityStore` merges every representation of an entity into one record, as the
union of fields.  Inline objects with the same ``id`` (or both without one) are merged key
by key, so a richer object extends a poorer one.  Where two sources really disagree, a
deterministic priority picks the value (see :func:`_prefer_new`) and the disagreement is
appended to the :class:`ConflictLog` with both values and both sources.
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from .images import ImageRegistry
from .legacy import LEGACY_KEY, Lookups
from .schema import FieldType, Schemas
from .sources import Source

Path = tuple[str | int, ...]
_MISSING = object()


def ref(resource: str, rid: Any) -> dict[str, list[Any]]:
    """The stored form of a reference to ``entities[resource][str(rid)]``."""
    return {"$ref": [resource, rid]}


def is_ref(value: Any) -> bool:
    return isinstance(value, dict) and "$ref" in value


def strip_legacy(value: Any) -> Any:
    """``value`` without ``_legacy`` keys at any depth (legacy notes never conflict)."""
    if isinstance(value, dict):
        return {k: strip_legacy(v) for k, v in value.items() if k != LEGACY_KEY}
    if isinstance(value, list):
        return [strip_legacy(v) for v in value]
    return value


class ConflictLog:
    """Disagreements between sources, each logged once.

    The same entity is often shown several times by one source (an agency in every
    spacecraft of a page), which would repeat the same disagreement; repeats are skipped.
    """

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []
        self._seen: set[str] = set()

    def add(self, entry: dict[str, Any]) -> None:
        key = json.dumps(entry, sort_keys=True, default=str)
        if key not in self._seen:
            self._seen.add(key)
            self.entries.append(entry)

    def sorted(self) -> list[dict[str, Any]]:
        """Entries in a stable, readable order (by record, then field)."""
        return sorted(
            self.entries,
            key=lambda c: (c["resource"], str(c["id"]), c["field"], c["dropped_from"]),
        )


class EntityStore:
    """All records, the source of each stored value, and the logged conflicts."""

    def __init__(self, resources: list[str]) -> None:
        self.records: dict[str, dict[str, dict[str, Any]]] = {r: {} for r in resources}
        self.log = ConflictLog()
        # (resource, key) -> {path inside the record: source that supplied the value there}
        self._provenance: dict[tuple[str, str], dict[Path, Source]] = {}

    def merge(self, resource: str, rid: Any, record: dict[str, Any], source: Source) -> None:
        """Add one representation of an entity (already normalised) to its record."""
        key = str(rid)
        table = self.records[resource]
        if key not in table:
            table[key] = record
            self._provenance[(resource, key)] = {(): source}
            return
        merge = _Merge(resource, rid, self._provenance[(resource, key)], source, self.log)
        merge.merge_dict(table[key], record, ())

    def get(self, reference: Any) -> dict[str, Any] | None:
        """The record a ``$ref`` points to (None for anything else)."""
        if not is_ref(reference):
            return None
        resource, rid = reference["$ref"]
        return self.records.get(resource, {}).get(str(rid))


@dataclass
class _Merge:
    """Merging one incoming record into a kept one (one call of :meth:`EntityStore.merge`)."""

    resource: str
    rid: Any
    provenance: dict[Path, Source]
    source: Source
    log: ConflictLog

    def merge_dict(self, kept: dict[str, Any], new: dict[str, Any], path: Path) -> None:
        for key, value in new.items():
            where = (*path, key)
            if key == LEGACY_KEY:
                _merge_legacy(kept.setdefault(LEGACY_KEY, {}), value)
            elif key not in kept:
                kept[key] = value
                self.provenance[where] = self.source
            else:
                kept[key] = self.merge_value(kept[key], value, where)

    def merge_value(self, kept: Any, new: Any, path: Path) -> Any:
        if _same_identity(kept, new):
            self.merge_dict(kept, new, path)
            return kept
        if _parallel_lists(kept, new):
            for index, item in enumerate(new):
                kept[index] = self.merge_value(kept[index], item, (*path, index))
            return kept
        if strip_legacy(kept) == strip_legacy(new):
            return kept
        return self.resolve(kept, new, path)

    def resolve(self, kept: Any, new: Any, path: Path) -> Any:
        """A real disagreement: pick a value by priority and log the other one."""
        kept_from = self._source_at(path)
        take_new = _prefer_new(kept, kept_from, new, self.source)
        winner, loser = (new, kept) if take_new else (kept, new)
        self.log.add(
            {
                "resource": self.resource,
                "id": self.rid,
                "field": ".".join(str(p) for p in path),
                "kept": strip_legacy(winner),
                "kept_from": (self.source if take_new else kept_from).name,
                "dropped": strip_legacy(loser),
                "dropped_from": (kept_from if take_new else self.source).name,
            }
        )
        if not take_new:
            return kept
        for known in [p for p in self.provenance if p[: len(path)] == path]:
            del self.provenance[known]
        self.provenance[path] = self.source
        return new

    def _source_at(self, path: Path) -> Source:
        for size in range(len(path), -1, -1):
            found = self.provenance.get(path[:size])
            if found is not None:
                return found
        raise KeyError(path)  # the record root always has a source


def _prefer_new(kept: Any, kept_from: Source, new: Any, new_from: Source) -> bool:
    """Priority, in order: newer LL2 version; production over dev server; a value over
    null; the richer of two objects; else the first seen (sources come best-ranked first)."""
    if new_from.rank != kept_from.rank:
        return new_from.rank > kept_from.rank
    if kept is None or new is None:
        return kept is None
    if isinstance(kept, dict) and isinstance(new, dict):
        return len(strip_legacy(new)) > len(strip_legacy(kept))
    return False


def _same_identity(kept: Any, new: Any) -> bool:
    """Two inline objects describing the same thing: merge them key by key."""
    if not (isinstance(kept, dict) and isinstance(new, dict)) or is_ref(kept) or is_ref(new):
        return False
    return kept.get("id", _MISSING) == new.get("id", _MISSING)


def _parallel_lists(kept: Any, new: Any) -> bool:
    """Lists of inline objects with the same ids in the same order merge item by item."""
    return (
        isinstance(kept, list)
        and isinstance(new, list)
        and len(kept) == len(new)
        and len(kept) > 0
        and all(_same_identity(a, b) for a, b in zip(kept, new, strict=True))
    )


def _merge_legacy(kept: dict[str, Any], new: dict[str, Any]) -> None:
    """Union of legacy notes per version; the first value seen for a key stays."""
    for version, fields in new.items():
        target = kept.setdefault(version, {})
        for key, value in fields.items():
            target.setdefault(key, value)


class Normaliser:
    """Walks source objects with their schema and feeds records into the store."""

    def __init__(
        self,
        schemas: Schemas,
        entity_schemas: dict[str, str],
        store: EntityStore,
        lookups: Lookups,
    ) -> None:
        self.schemas = schemas
        self.entity_schemas = entity_schemas
        self.store = store
        self.lookups = lookups
        #: Every version of every image id seen, to make their copies agree afterwards.
        self.images = ImageRegistry()
        #: (source, schema, field) of keys the 2.3.0 schema does not declare (kept as is).
        self.unknown_fields: Counter[tuple[str, str, str]] = Counter()
        #: (source, schema) of entity objects without an id (cannot be stored).
        self.without_id: Counter[tuple[str, str]] = Counter()

    def add(self, obj: dict[str, Any], schema: str, source: Source) -> Any:
        """Normalise one top-level source object (it is an entity: returns its ref)."""
        return self._value(obj, FieldType(False, schema, None, False, False), source)

    def _value(self, value: Any, ftype: FieldType, source: Source) -> Any:
        if value is None:
            return None
        if ftype.is_list and isinstance(value, list):
            element = FieldType(False, ftype.schema, ftype.scalar, False, ftype.read_only)
            items = [self._value(v, element, source) for v in value]
            return [i for i in items if i is not _MISSING]
        if ftype.schema is None or not isinstance(value, dict):
            return copy.deepcopy(value)
        body = self._object(value, ftype.schema, source)
        resource = self.entity_schemas.get(ftype.schema)
        if resource is None:
            return body
        rid = value.get("id")
        if rid is None:
            self.without_id[(source.name, ftype.schema)] += 1
            return _MISSING
        self.store.merge(resource, rid, body, source)
        return ref(resource, rid)

    def _object(self, obj: dict[str, Any], schema: str, source: Source) -> dict[str, Any]:
        fields = self.schemas.fields(schema)
        out: dict[str, Any] = {}
        for key, value in obj.items():
            ftype = fields.get(key)
            if key == LEGACY_KEY:
                out[key] = copy.deepcopy(value)
            elif key == "response_mode" or (key == "url" and ftype and ftype.read_only):
                continue  # regenerated by the emulator
            elif ftype is None:
                self.unknown_fields[(source.name, schema, key)] += 1
                out[key] = copy.deepcopy(value)
            else:
                result = self._value(value, ftype, source)
                if result is not _MISSING:
                    out[key] = result
        self.lookups.observe(schema, out, source.version)
        if schema == "Image" and out.get("id") is not None:
            self.images.observe(out, source)
        return out
