"""Django lookup paths (``rocket__configuration__name``) as paths through records.

LL2's filter, search and ordering names are ORM lookups; a few cross a reverse
relation that the serializers expose under another name (``rocket__spacecraftflight``
is ``rocket.spacecraft_stage`` in a launch).  This table is the one place that knows.
"""

from __future__ import annotations

import functools
from typing import Final

__all__ = ["ALIASES", "record_path"]

#: ORM lookup prefix -> the record fields that hold the same relation.
ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "rocket__spacecraftflight": ("rocket", "spacecraft_stage"),
    "spacecraftflight__rocket__launch": ("spacecraftflight", "launch"),
    "firststage__rocket__launch": ("firststage", "launch"),
}


@functools.cache
def record_path(lookup: str) -> tuple[str, ...]:
    """The record field path for an ORM lookup path (without a lookup suffix)."""
    for prefix, fields in ALIASES.items():
        if lookup == prefix:
            return fields
        if lookup.startswith(prefix + "__"):
            return fields + tuple(lookup[len(prefix) + 2 :].split("__"))
    return tuple(lookup.split("__"))
