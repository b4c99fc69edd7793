"""The LL2 2.3.0 schema digest (``ll2/2.3.0-spacecraft-domain-extract.json``), made queryable.

Every step of the build is driven by "which serializer schema describes this object": it
decides which nested objects are entities (pulled out into their own record), which keys
are self links to drop, and which legacy values need a shape conversion.  The digest
spells field types as short strings (``"Image|null [readOnly]"``, ``"[AgencyMini]"``);
:func:`parse_type` turns them into :class:`FieldType`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_TYPE_RE = re.compile(r"^(?P<body>[^\s]+)(?P<rest>.*)$")


@dataclass(frozen=True)
class FieldType:
    """One field's declared type.

    ``schema`` is the referenced schema name for object and list-of-object fields, None
    for scalars; ``scalar`` is the base scalar type (``integer``, ``number``, ``string``...).
    """

    is_list: bool
    schema: str | None
    scalar: str | None
    nullable: bool
    read_only: bool


def parse_type(spec: str, known: set[str]) -> FieldType:
    """Parse a digest type string such as ``"[SpacecraftFlightNormal]"`` or ``"string|null"``."""
    match = _TYPE_RE.match(spec.strip())
    body, rest = (match["body"], match["rest"]) if match else (spec, "")
    is_list = body.startswith("[") and body.endswith("]")
    if is_list:
        body = body[1:-1]
    alternatives = body.split("|")
    nullable = "null" in alternatives
    base = next((a for a in alternatives if a != "null"), "null")
    schema = base if base in known else None
    scalar = None if schema else base.split("(")[0]
    return FieldType(is_list, schema, scalar, nullable, "[readOnly]" in rest)


class Schemas:
    """Field types per schema, plus endpoint response schemas, from the digest."""

    def __init__(self, digest: dict[str, Any]) -> None:
        self._raw: dict[str, dict[str, Any]] = digest["schemas"]
        self.endpoints: dict[str, dict[str, Any]] = digest["endpoints"]
        known = set(self._raw)
        self._fields: dict[str, dict[str, FieldType]] = {
            name: {f: parse_type(t, known) for f, t in body.items() if isinstance(t, str)}
            for name, body in self._raw.items()
            if "oneOf" not in body
        }

    @classmethod
    def load(cls, path: Path) -> Schemas:
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def __contains__(self, name: str) -> bool:
        return name in self._raw

    def fields(self, schema: str) -> dict[str, FieldType]:
        """Declared fields of a (non-polymorphic) schema, in declaration order."""
        return self._fields.get(schema, {})

    def field(self, schema: str, name: str) -> FieldType | None:
        return self.fields(schema).get(name)

    def polymorphic(self, schema: str, mode: str) -> str:
        """The concrete schema a ``Polymorphic*`` schema uses for ``response_mode`` = mode."""
        body = self._raw.get(schema, {})
        mapping = body.get("discriminator", {}).get("mapping", {})
        if mode in mapping:
            return mapping[mode].rsplit("/", 1)[-1]
        return schema

    def item_schema(self, endpoint: str, mode: str | None) -> str:
        """Schema of one object returned by a 2.3.0 endpoint (a page's item, or the detail).

        ``mode`` picks the branch of a polymorphic list item; when it is None the
        endpoint's documented default (``normal``) applies, as on the live API.
        """
        response = self.endpoints[endpoint]["response_200"]
        item = response
        results = self.field(response, "results")
        if results is not None and results.schema:
            item = results.schema
        return self.polymorphic(item, mode or "normal")
