"""Rewrite LL2 2.0.0 / 2.2.0 objects into the LL2 2.3.0 shapes, losslessly.

Older versions spelled some fields differently (ll2/README.md, "Shape changes into 2.3.0"):
image URLs were strings where 2.3.0 has ``Image`` objects, an agency ``type`` was a
string, countries and nationalities were strings, a 2.0.0 crew ``role`` was a string,
docking events had one ``flight_vehicle`` instead of chaser/target pairs.  The snapshot is
stored in 2.3.0 shapes, so legacy objects are converted before they are merged.

Conversion walks the object alongside the 2.3.0 schema it corresponds to.  Whatever the
2.3.0 shape cannot carry is kept, per object, under ``obj["_legacy"][version]``:

* a field 2.3.0 lacks (an astronaut's ``twitter``, a pad's ``agency_id``): its value as is;
* a field whose value was converted (``type: "Commercial"`` -> ``{"id": 3, ...}``): the
  original value, under the original key;
* a field that was only renamed (a 2.2.0 landing's ``location`` is 2.3.0's
  ``landing_location``): ``{"$renamed_to": "<2.3.0 name>"}``.

An emulator of an old version renders the 2.3.0 object, then applies ``_legacy[version]``
(restoring original keys and values) - which is why the original values are kept exactly.
Values are looked up in 2.3.0 data where possible (:class:`Lookups`): a converted image URL
reuses the real ``Image`` with that URL, an agency type name gets its real id.
"""

from __future__ import annotations

import copy
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .schema import FieldType, Schemas

LEGACY_KEY = "_legacy"

#: legacy key -> 2.3.0 key, used when the schema lacks the legacy key and has the new one.
RENAMES: dict[str, str] = {
    "image_url": "image",
    "logo_url": "logo",
    "profile_image": "image",
    "country_code": "country",
    "location": "landing_location",  # 2.2.0 Landing
    "flight_vehicle": "flight_vehicle_chaser",  # 2.x DockingEvent: the docking vehicle
    "space_station": "space_station_target",  # 2.2.0 DockingEventDetailed
    "spacestation": "space_station_target",  # 2.2.0 DockingEventSerializerForSpacecraftFlight
    "active_expedition": "active_expeditions",  # 2.2.0 SpaceStation
    "docked": "currently_docked",  # 2.2.0 DockingLocationSerializerForSpacestation
}


@dataclass
class Lookups:
    """Inline value objects seen in the data, to give converted legacy strings real ids.

    Only 2.3.0 objects feed images, countries and agency types (the brief's rule: reuse
    what 2.3.0 showed).  Crew roles and launch statuses are also taken from 2.2.0, whose
    objects already have the 2.3.0 shape.  The first object seen for a key wins; sources
    are visited best-ranked first, so that is the most trusted one.
    """

    images: dict[str, dict[str, Any]] = field(default_factory=dict)
    agency_types: dict[str, dict[str, Any]] = field(default_factory=dict)
    nationalities: dict[str, dict[str, Any]] = field(default_factory=dict)
    alpha3: dict[str, dict[str, Any]] = field(default_factory=dict)
    roles: dict[str, dict[str, Any]] = field(default_factory=dict)
    launch_statuses: dict[Any, dict[str, Any]] = field(default_factory=dict)

    def observe(self, schema: str, obj: dict[str, Any], version: str) -> None:
        """Remember a value object (already normalised) that a source showed."""
        clean = {k: v for k, v in obj.items() if k != LEGACY_KEY}
        if version == "2.3.0":
            if schema == "Image" and clean.get("image_url") and (clean.get("id") or 0) > 0:
                self.images.setdefault(clean["image_url"], clean)
            elif schema == "AgencyType" and clean.get("id") is not None and clean.get("name"):
                self.agency_types.setdefault(clean["name"], clean)
            elif schema == "Country" and clean.get("id") is not None:
                if clean.get("nationality_name"):
                    self.nationalities.setdefault(clean["nationality_name"], clean)
                if clean.get("alpha_3_code"):
                    self.alpha3.setdefault(clean["alpha_3_code"], clean)
        if schema == "AstronautRole" and clean.get("id") is not None and clean.get("role"):
            self.roles.setdefault(clean["role"], clean)
        elif schema == "LaunchStatus" and "abbrev" in clean and clean.get("id") is not None:
            self.launch_statuses.setdefault(clean["id"], clean)


def synthetic_image_id(url: str) -> int:
    """A stable negative id for an image only known by URL (never clashes with real ids)."""
    return -(zlib.crc32(url.encode("utf-8")) % 10**9) - 1


_UNCONVERTED = object()


class LegacyConverter:
    """Converts one legacy object tree into 2.3.0 shapes (see the module docstring)."""

    def __init__(self, schemas: Schemas, lookups: Lookups, entity_schemas: set[str]) -> None:
        self.schemas = schemas
        self.lookups = lookups
        self.entity_schemas = entity_schemas
        #: (version, schema, field) of legacy values that have no 2.3.0 form (kept in _legacy).
        self.unconverted: Counter[tuple[str, str, str]] = Counter()
        self._strings: dict[str, Callable[[str, str, dict[str, Any], FieldType], Any]] = {
            "Image": self._image,
            "AgencyType": self._agency_type,
            "AstronautRole": self._role,
            "Country": self._countries,
        }

    # -- objects -------------------------------------------------------------------------

    def convert_object(self, obj: dict[str, Any], schema: str, version: str) -> dict[str, Any]:
        """Return ``obj`` in the shape of 2.3.0 ``schema``, with ``_legacy`` if anything changed."""
        fields = self.schemas.fields(schema)
        out: dict[str, Any] = {}
        legacy: dict[str, Any] = {}
        for key, value in obj.items():
            target = key
            if key not in fields:
                renamed = RENAMES.get(key)
                if renamed is None or renamed not in fields or renamed in obj:
                    legacy[key] = copy.deepcopy(value)  # a field 2.3.0 does not have
                    continue
                target = renamed
            converted, changed = self._convert_value(value, fields[target], key, obj, version)
            if converted is _UNCONVERTED:
                self.unconverted[(version, schema, key)] += 1
                legacy[key] = copy.deepcopy(value)
                continue
            out[target] = converted
            if changed:
                legacy[key] = copy.deepcopy(value)
            elif target != key:
                legacy[key] = {"$renamed_to": target}
        out = self._fix_object(schema, obj, out, legacy)
        if legacy:
            out[LEGACY_KEY] = {version: legacy}
        return out

    def _fix_object(
        self, schema: str, original: dict[str, Any], out: dict[str, Any], legacy: dict[str, Any]
    ) -> dict[str, Any]:
        """Per-schema fixes where a field kept its name but changed meaning."""
        if schema == "LaunchStatus" and "abbrev" not in original and "name" in original:
            # 2.0.0 statuses were {id, name} with the short name ("Success") that 2.2.0+
            # moved to ``abbrev`` (the long one, "Launch Successful", became ``name``).
            known = self.lookups.launch_statuses.get(original.get("id"))
            fixed = copy.deepcopy(known) if known else {"id": original.get("id")}
            fixed.setdefault("abbrev", original["name"])
            if fixed.get("name") != original["name"]:
                legacy["name"] = original["name"]
            return fixed
        return out

    # -- values --------------------------------------------------------------------------

    def _convert_value(
        self, value: Any, ftype: FieldType, key: str, parent: dict[str, Any], version: str
    ) -> tuple[Any, bool]:
        """Convert one field value; the flag says the original must be kept in ``_legacy``."""
        if value is None:
            return None, False
        if ftype.is_list:
            return self._convert_list(value, ftype, key, parent, version)
        if ftype.schema is not None:
            if isinstance(value, dict):
                return self.convert_object(value, ftype.schema, version), False
            if isinstance(value, str) and ftype.schema in self._strings:
                return self._strings[ftype.schema](value, key, parent, ftype), True
            return _UNCONVERTED, True
        if ftype.scalar in ("integer", "number") and isinstance(value, str):
            return _parse_number(value, ftype.scalar)
        return copy.deepcopy(value), False

    def _convert_list(
        self, value: Any, ftype: FieldType, key: str, parent: dict[str, Any], version: str
    ) -> tuple[Any, bool]:
        if isinstance(value, str) and ftype.schema in self._strings:
            return self._strings[ftype.schema](value, key, parent, ftype), True
        if not isinstance(value, list):
            return _UNCONVERTED, True
        if ftype.schema is None:
            return copy.deepcopy(value), False
        element = FieldType(False, ftype.schema, None, False, ftype.read_only)
        out, changed = [], False
        for item in value:
            if ftype.schema in self.entity_schemas and isinstance(item, dict) and "id" not in item:
                # e.g. 2.2.0 flight docking events had no id: no record can hold them.
                self.unconverted[(version, ftype.schema, f"{key}[] without id")] += 1
                changed = True
                continue
            converted, item_changed = self._convert_value(item, element, key, parent, version)
            if converted is _UNCONVERTED:
                return _UNCONVERTED, True
            out.append(converted)
            changed = changed or item_changed
        return out, changed

    # -- string -> object converters -------------------------------------------------------

    def _image(self, url: str, key: str, parent: dict[str, Any], _: FieldType) -> dict[str, Any]:
        """An image URL -> the 2.3.0 Image with that URL, or a stand-in Image."""
        known = self.lookups.images.get(url)
        if known is not None:
            return copy.deepcopy(known)
        thumbnail = parent.get(f"{key}_thumbnail") or url
        return {
            "id": synthetic_image_id(url),
            "name": "",
            "image_url": url,
            "thumbnail_url": thumbnail,
            "credit": None,
            "license": None,
            "single_use": None,
            "variants": [],
        }

    def _agency_type(self, name: str, *_: Any) -> dict[str, Any]:
        known = self.lookups.agency_types.get(name)
        return copy.deepcopy(known) if known else {"id": None, "name": name}

    def _role(self, name: str, *_: Any) -> dict[str, Any]:
        known = self.lookups.roles.get(name)
        return copy.deepcopy(known) if known else {"id": None, "role": name, "priority": None}

    def _countries(self, text: str, key: str, _: dict[str, Any], ftype: FieldType) -> Any:
        """A nationality ("American") or country code ("USA", "USA,FRA") -> Country objects."""
        by_code = key == "country_code"
        table = self.lookups.alpha3 if by_code else self.lookups.nationalities
        attr = "alpha_3_code" if by_code else "nationality_name"
        names = [text.strip()] if text.strip() in table else [p.strip() for p in text.split(",")]
        countries = [
            copy.deepcopy(table[name]) if name in table else {"id": None, attr: name}
            for name in names
            if name
        ]
        if ftype.is_list:
            return countries
        return countries[0] if countries else None


def _parse_number(text: str, scalar: str) -> tuple[Any, bool]:
    """``"2002"`` -> 2002, ``"28.458"`` -> 28.458 (2.2.0 sent some numbers as strings)."""
    try:
        number: Any = int(text) if scalar == "integer" else float(text)
    except ValueError:
        return _UNCONVERTED, True
    return number, True
