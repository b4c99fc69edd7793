"""One image id, one image: reconcile the copies that sources embedded differently.

LL2 embeds an image whole wherever it appears, and the sources disagree on some (the
development server serves the same image id from another host).  Records are merged
one by one, so two records could keep two versions of one image; the gateway then
shows whichever it met first.  The best-ranked version wins everywhere, and each
copy replaced is logged as a conflict, like any other disagreement.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .sources import Source
    from .store import ConflictLog

__all__ = ["ImageRegistry"]


@dataclass(frozen=True, slots=True)
class _Seen:
    rank: tuple[int, int]
    order: int
    source: str
    image: dict[str, Any]


class ImageRegistry:
    def __init__(self) -> None:
        self._seen: dict[Any, list[_Seen]] = {}

    def observe(self, image: dict[str, Any], source: Source) -> None:
        versions = self._seen.setdefault(image["id"], [])
        if not any(v.image == image for v in versions):
            order = sum(len(v) for v in self._seen.values())
            versions.append(_Seen(source.rank, order, source.name, copy.deepcopy(image)))

    def _best(self, image_id: Any) -> _Seen | None:
        versions = self._seen.get(image_id) or []
        if len(versions) < 2:
            return None
        return max(versions, key=lambda v: (v.rank, len(v.image), -v.order))

    def reconcile(self, records: dict[str, dict[str, dict[str, Any]]], log: ConflictLog) -> int:
        """Replace every copy of an image by its best version; the count replaced."""
        replaced = 0
        for resource, by_id in records.items():
            for rid, record in by_id.items():
                replaced += self._walk(record, "", resource, rid, log)
        return replaced

    def _walk(self, value: Any, path: str, resource: str, rid: Any, log: ConflictLog) -> int:
        replaced = 0
        items: list[tuple[Any, Any]]
        if isinstance(value, dict):
            items = [(k, v) for k, v in value.items() if k not in ("$ref", "_legacy")]
        elif isinstance(value, list):
            items = list(enumerate(value))
        else:
            return 0
        for key, child in items:
            where = f"{path}.{key}" if path else str(key)
            best = self._best(child.get("id")) if _is_image(child) else None
            if best is not None and child != best.image:
                self._log(child, best, where, resource, rid, log)
                value[key] = copy.deepcopy(best.image)
                replaced += 1
            else:
                replaced += self._walk(child, where, resource, rid, log)
        return replaced

    def _log(
        self,
        dropped: dict[str, Any],
        best: _Seen,
        where: str,
        resource: str,
        rid: Any,
        log: ConflictLog,
    ) -> None:
        origin = next(
            (v.source for v in self._seen[dropped["id"]] if v.image == dropped), "unknown"
        )
        for key in sorted(set(dropped) | set(best.image)):
            if dropped.get(key) != best.image.get(key):
                log.add(
                    {
                        "resource": resource,
                        "id": rid,
                        "field": f"{where}.{key}",
                        "kept": best.image.get(key),
                        "kept_from": best.source,
                        "dropped": dropped.get(key),
                        "dropped_from": origin,
                    }
                )


def _is_image(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and value.get("id") is not None
        and "image_url" in value
        and "thumbnail_url" in value
    )
