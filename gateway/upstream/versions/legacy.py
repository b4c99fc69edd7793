"""LL2 2.0.0 and 2.2.0: what the two older versions share, driven by their descriptions.

Each older version is described by ``gateway/ll2/data/spec-<version>.json`` (built by
``scripts/build_legacy_specs.py`` from the 2.2.0 Swagger description and the seeds), the
same description the offline emulator serves it from (:mod:`gateway.ll2`).  Every old
field there carries ``source``, the place of its value in the 2.3.0 object, and every
old filter the 2.3.0 filter of the same meaning.  This adapter reads them backwards:

* **shapes**: an old object is walked alongside its old serializer and the 2.3.0 one;
  ``image_url: "https://..."`` becomes ``image: {image_url: ...}`` (with
  ``profile_image_thumbnail`` as its ``thumbnail_url``), an agency ``type: "Commercial"``
  becomes ``type: {name: "Commercial"}`` (no id: the version has none), ``country_code``
  and ``nationality`` strings become ``Country`` objects (a list where 2.3.0 has one,
  split on commas), a 2.0.0 crew ``role`` string ``{role}``, a 2.0.0 launch status ``name``
  its ``abbrev``; renamed keys take their 2.3.0 names (a docking event's
  ``flight_vehicle``/``space_station`` are the chaser/target sides, a landing's
  ``location`` is ``landing_location``); one object where 2.3.0 has a list becomes a
  list (``spacecraft_stage``); numbers sent as text become numbers.  A field only the
  old version has (an astronaut's ``twitter``) is kept under its own name, for the
  types that expose it.  An object of a resource is matched against every 2.3.0
  serializer of that resource at once (an old agency embedded in a configuration says
  more than 2.3.0's embedded agency does).
* **parameters**: a 2.3.0 filter is sent under the old name that means the same thing
  (``space_station_target__id`` -> ``space_station__id``, ``agency`` ->
  ``manufacturer``; a comma-list filter only with one value); an ordering only on a
  field the old list has; ``search`` where the old list has it.  ``mode`` does not
  exist: each old list has one shape, and :meth:`LegacyAdapter.is_whole` says whether it
  is the detail one.  Anything else is refused with ``BAD_USER_INPUT``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from gateway.errors import BadUserInput
from gateway.ll2 import api
from gateway.ll2.spec import ApiSpec, FieldSpec, SchemaSpec, load_spec, load_version_spec
from gateway.upstream.versions.base import VersionAdapter

__all__ = ["LegacyAdapter"]

_PAGING = frozenset({"limit", "offset"})


def _words(resource: str) -> str:
    return resource.replace("_", " ")


def _number(text: str, scalar: str | None) -> int | float | None:
    try:
        return int(text) if scalar == "integer" else float(text)
    except ValueError:
        return None


class LegacyAdapter(VersionAdapter):
    """An LL2 version older than 2.3.0, as its description in ``gateway.offline`` says."""

    def __init__(self) -> None:
        self.spec: ApiSpec = load_version_spec(self.version)
        self.current: ApiSpec = load_spec()

    # -- parameters ------------------------------------------------------------------------

    def map_params(self, resource: str, params: Mapping[str, str]) -> dict[str, str]:
        endpoint = self._served(resource).listing
        current = api(resource)
        current_filters = current.filters if current is not None else {}
        by_source = {f.source: f for f in endpoint.filters if f.source}
        out: dict[str, str] = {}
        for name, value in params.items():
            if name in _PAGING:
                out[name] = value
            elif name == "mode":
                continue  # no modes here: the list has one shape (see is_whole)
            elif name == "search":
                if not endpoint.search:
                    raise self._refuse(f"cannot search {_words(resource)}", "search")
                out[name] = value
            elif name == "ordering":
                for term in value.split(","):
                    field = term.removeprefix("-")
                    if field not in endpoint.ordering:
                        raise self._refuse(
                            f"cannot order {_words(resource)} by `{field}`", "ordering"
                        )
                out[name] = value
            else:
                old = by_source.get(name)
                if old is None:
                    raise self._refuse(
                        f"has no {_words(resource)} filter meaning 2.3.0's `{name}`", name
                    )
                wanted = current_filters.get(name)
                if wanted is not None and wanted.comma and not old.comma and "," in value:
                    raise self._refuse(
                        f"filters {_words(resource)} by one `{old.name}` at a time, not by "
                        f"a list (`{name}`)",
                        name,
                    )
                out[old.name] = value
        return out

    def _refuse(self, what: str, argument: str) -> BadUserInput:
        return BadUserInput(
            f"The upstream is LL2 {self.version}, which {what}: this argument cannot be "
            "honoured there.",
            argument=argument,
            upstreamVersion=self.version,
        )

    # -- shapes ---------------------------------------------------------------------------

    def normalise(
        self, resource: str, data: dict[str, Any], *, detail: bool = False
    ) -> dict[str, Any]:
        served = self.served(resource)
        endpoint = None if served is None else served.detail if detail else served.listing
        if endpoint is None or endpoint.schema is None:
            return data
        return self._convert(data, self.spec.schemas[endpoint.schema], self._merged(resource))

    @functools.cache  # noqa: B019 - adapters live as long as the process
    def _merged(self, resource: str) -> SchemaSpec:
        """Every 2.3.0 field of ``resource``'s serializers (the detail one's first)."""
        current = api(resource)
        detail = current.detail if current is not None else None
        first = [detail.schema] if detail and detail.schema else []
        names = first + sorted(s.name for s in self.current.schemas.values())
        fields: dict[str, FieldSpec] = {}
        for name in names:
            schema = self.current.schemas[name]
            if schema.resource == resource:
                for f in schema.fields:
                    fields.setdefault(f.name, f)
        return SchemaSpec(f"{resource}:2.3.0", resource, None, tuple(fields.values()))

    def _target(self, name: str) -> SchemaSpec:
        schema = self.current.schemas[name]
        return schema if schema.resource is None else self._merged(schema.resource)

    def _convert(self, obj: dict[str, Any], old: SchemaSpec, new: SchemaSpec) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in obj.items():
            f = old.field_map.get(key)
            head, _, leaf = (f.source or key).partition(".") if f else (key, "", "")
            nf = new.field_map.get(head) if f else None
            if f is None or nf is None:
                out.setdefault(key, value)  # undocumented, or only this version has it
            elif leaf:
                self._put_leaf(out, head, leaf, value, nf)
            else:
                out[head] = self._value(value, f, nf)
        return out

    @staticmethod
    def _put_leaf(out: dict[str, Any], head: str, leaf: str, value: Any, nf: FieldSpec) -> None:
        """A string standing for a 2.3.0 object (or a comma list of them, if ``nf.many``)."""
        if value is None or value == "":
            out.setdefault(head, None)
        elif nf.many:
            parts = [p.strip() for p in str(value).split(",") if p.strip()]
            out[head] = [{leaf: p} for p in parts]
        else:
            target = out.get(head)
            if not isinstance(target, dict):
                target = out[head] = {}
            target[leaf] = value

    def _value(self, value: Any, f: FieldSpec, nf: FieldSpec) -> Any:
        if value is None:
            return None
        if f.ref is not None and nf.ref is not None:
            old, new = self.spec.schemas[f.ref], self._target(nf.ref)
            if isinstance(value, list):
                items = [self._convert(v, old, new) if isinstance(v, dict) else v for v in value]
                return items if nf.many else (items[0] if items else None)
            if isinstance(value, dict):
                converted = self._convert(value, old, new)
                return [converted] if nf.many else converted
            return value
        if nf.ref is None and nf.scalar in ("integer", "number") and isinstance(value, str):
            return _number(value, nf.scalar)
        return value
