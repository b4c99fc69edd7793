"""Project snapshot records through LL2 serializer schemas.

A record is the union of every field LL2 ever showed for an entity; a response must
have exactly the fields of the serializer of the requested mode, and each nested object
the fields of *its own* serializer (a ``SpacecraftNormal`` holds a
``SpacecraftConfigNormal`` whose agency is an ``AgencyMini``), whatever mode was asked.
So rendering walks the schema, not the record: missing fields render as null (lists as
``[]``), references are followed, ``response_mode`` comes from the serializer's
default and ``url`` is rebuilt for the host the client called.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from gateway.ll2.resources import RESOURCE_PATHS
from gateway.ll2.spec import ApiSpec, FieldSpec, SchemaSpec

from .snapshot import Record, Snapshot, is_ref

__all__ = ["Renderer", "entity_url", "object_url"]

#: how many distinct base URLs keep a render cache (normally one: the server's own).
_MAX_BASES = 4


def entity_url(base: str, version: str, resource: str, id_: object) -> str:
    """The absolute URL LL2 gives an entity: ``{base}/2.3.0/{path}{id}/``."""
    return f"{base}/{version}/{RESOURCE_PATHS[resource]}{id_}/"


def object_url(base: str, version: str, url_path: str, id_: object) -> str:
    """The absolute URL LL2 gives any object under a list route (``pads/``)."""
    return f"{base}/{version}/{url_path}{id_}/"


class Renderer:
    """Renders records with schemas; caches rendered entities per (base, schema, id).

    Rendered dicts are shared between responses: callers must not mutate them.
    """

    def __init__(self, snapshot: Snapshot, spec: ApiSpec) -> None:
        self.snapshot = snapshot
        self.spec = spec
        self._caches: OrderedDict[str, dict[tuple[str, str, str], Record | None]] = OrderedDict()

    def render(self, record: Record, schema: str, base: str) -> Record:
        """``record`` as the serializer ``schema`` would render it, URLs under ``base``.

        ``record`` must be a snapshot record (or an inline value for non-entity schemas):
        entity renders are cached by id.
        """
        spec = self.spec.schemas[schema]
        cache = self._cache(base)
        if spec.resource is None or "id" not in record:
            return self._render(record, spec, base, cache)
        key = (spec.name, spec.resource, str(record["id"]))
        found = cache.get(key)
        if found is None:
            found = cache[key] = self._render(record, spec, base, cache)
        return found

    def render_ref(self, value: Any, schema: str, base: str) -> Record | None:
        """Like :meth:`render` for a reference or inline value; None if it dangles."""
        return self._nested(value, self.spec.schemas[schema], base, self._cache(base))

    def _cache(self, base: str) -> dict[tuple[str, str, str], Record | None]:
        cache = self._caches.get(base)
        if cache is None:
            cache = self._caches[base] = {}
            if len(self._caches) > _MAX_BASES:
                self._caches.popitem(last=False)
        return cache

    def _render(
        self,
        record: Record,
        schema: SchemaSpec,
        base: str,
        cache: dict[tuple[str, str, str], Record | None],
    ) -> Record:
        out: Record = {}
        for f in schema.fields:
            name = f.name
            if name == "response_mode" and f.default is not None:
                out[name] = f.default
            elif name == "url" and schema.url_path is not None:
                id_ = record.get("id")
                out[name] = (
                    None
                    if id_ is None
                    else object_url(base, self.spec.version, schema.url_path, id_)
                )
            elif f.ref is None:
                out[name] = self._scalar(record.get(name), f)
            elif f.many:
                nested = self.spec.schemas[f.ref]
                value = record.get(name)
                items = value if type(value) is list else []
                rendered = (self._nested(v, nested, base, cache) for v in items)
                out[name] = [r for r in rendered if r is not None]
            else:
                out[name] = self._nested(record.get(name), self.spec.schemas[f.ref], base, cache)
        return out

    def _scalar(self, value: Any, f: FieldSpec) -> Any:
        if is_ref(value):  # a relation kept as a reference where LL2 shows text (agency parent)
            target = self.snapshot.deref(value)
            if target is None:
                return None
            return target.get("name") if f.scalar == "string" else target.get("id")
        return value

    def _nested(
        self,
        value: Any,
        schema: SchemaSpec,
        base: str,
        cache: dict[tuple[str, str, str], Record | None],
    ) -> Record | None:
        if is_ref(value):
            resource, id_ = value["$ref"]
            key = (schema.name, resource, str(id_))
            if key in cache:
                return cache[key]
            target = self.snapshot.get(resource, id_)
            rendered = None if target is None else self._render(target, schema, base, cache)
            cache[key] = rendered
            return rendered
        if type(value) is dict:
            return self._render(value, schema, base, cache)
        return None
