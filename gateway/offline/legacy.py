"""Rendering the snapshot as LL2 2.0.0 and 2.2.0 did.

Records are stored in 2.3.0 shapes; an older serializer (``spec-2.x.0.json``) says, per
field, where its value lives in the 2.3.0 object (``source``): ``image_url`` is
``image.image_url``, a 2.2.0 landing's ``location`` is ``landing_location``, a 2.0.0
launch status ``name`` is ``abbrev``.  A value is then fitted to the old field:

* a list where the old field holds one string (``country_code`` from a country list)
  is joined with commas; one object where the old field holds many becomes a list of
  one, a list where it holds one object gives its first item (``spacecraft_stage``);
* a number where the old field is a string (``founding_year: "2002"``) becomes text.

What a record keeps under ``_legacy[version]`` (the value that version really sent,
see ``scripts/snapshot/legacy.py``) wins over any conversion, so the seeds' old-only
fields (an astronaut's ``twitter``, a launch's ``tbdtime``) come back exactly.
"""

from __future__ import annotations

from typing import Any

from gateway.ll2.spec import FieldSpec, SchemaSpec

from .render import Renderer, object_url
from .snapshot import Record, is_ref

__all__ = ["LEGACY_KEY", "LegacyRenderer"]

LEGACY_KEY = "_legacy"


def _legacy(record: Record, version: str) -> dict[str, Any]:
    kept = record.get(LEGACY_KEY)
    found = kept.get(version) if type(kept) is dict else None
    return found if type(found) is dict else {}


def _renamed(value: Any) -> bool:
    return type(value) is dict and "$renamed_to" in value


class LegacyRenderer(Renderer):
    """A :class:`Renderer` for an older version's spec (fields with ``source``)."""

    def _render(
        self,
        record: Record,
        schema: SchemaSpec,
        base: str,
        cache: dict[tuple[str, str, str], Record | None],
    ) -> Record:
        version = self.spec.version
        kept = _legacy(record, version)
        out: Record = {}
        for f in schema.fields:
            name = f.name
            if name == "url" and schema.url_path is not None:
                id_ = record.get("id")
                out[name] = None if id_ is None else object_url(base, version, schema.url_path, id_)
            elif name in kept and not _renamed(kept[name]):
                out[name] = kept[name]
            else:
                out[name] = self._fit(self._source(record, f), f, base, cache)
        return out

    def _source(self, record: Record, f: FieldSpec) -> Any:
        head, _, leaf = (f.source or f.name).partition(".")
        value = record.get(head)
        if not leaf:
            return value
        value = self.snapshot.deref(value)
        if type(value) is list:
            items = (self.snapshot.deref(v) for v in value)
            return [v.get(leaf) for v in items if type(v) is dict]
        return value.get(leaf) if type(value) is dict else None

    def _fit(
        self,
        value: Any,
        f: FieldSpec,
        base: str,
        cache: dict[tuple[str, str, str], Record | None],
    ) -> Any:
        if f.ref is None:
            if type(value) is list:
                parts = [str(v) for v in value if v is not None and v != ""]
                return ",".join(parts) if parts else None
            if is_ref(value):
                return self._scalar(value, f)
            if type(value) is dict:
                return None
            if isinstance(value, int | float) and not isinstance(value, bool):
                return str(value) if (f.scalar or "").startswith("string") else value
            return value
        nested = self.spec.schemas[f.ref]
        if f.many:
            items = value if type(value) is list else ([] if value is None else [value])
            rendered = (self._nested(v, nested, base, cache) for v in items)
            return [r for r in rendered if r is not None]
        if type(value) is list:
            value = value[0] if value else None
        return self._nested(value, nested, base, cache)
