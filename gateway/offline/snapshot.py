"""The normalised LL2 snapshot: entity records by resource and id, with reference lookup.

The file format is defined in :mod:`gateway.offline.entities`.  Parsing ~MBs of JSON
and sorting every resource costs tens of milliseconds, so a loaded snapshot is cached
per (path, mtime, size) and its derived indexes are built once, on first use.
"""

from __future__ import annotations

import functools
import gzip
from collections.abc import Callable, Iterator, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import orjson

__all__ = ["Record", "Snapshot", "is_ref", "load_snapshot"]

Record = dict[str, Any]
T = TypeVar("T")

PACKAGED_SNAPSHOT = ("data", "snapshot.json.gz")


def is_ref(value: object) -> bool:
    """True for a reference ``{"$ref": [resource, id]}``."""
    return type(value) is dict and "$ref" in value


def id_sort_key(value: object) -> tuple[int, Any]:
    """Integers numerically, anything else (UUIDs) as text, integers first."""
    if isinstance(value, bool):
        return (1, str(value))
    if isinstance(value, int | float):
        return (0, value)
    try:
        return (0, int(str(value)))
    except ValueError:
        return (1, str(value))


class Snapshot:
    """Records by resource and id; follows references; caches derived indexes.

    Records are shared, never copied: treat everything returned as read-only.
    """

    __slots__ = ("_memo", "_sorted", "entities", "meta")

    def __init__(self, entities: Mapping[str, Mapping[str, Record]], meta: Record | None = None):
        self.meta: Record = dict(meta or {})
        self.entities: dict[str, dict[str, Record]] = {r: dict(e) for r, e in entities.items()}
        self._sorted: dict[str, list[Record]] = {}
        self._memo: dict[str, Any] = {}
        for records in self.entities.values():
            for key, record in records.items():
                if "id" not in record:
                    record["id"] = int(key) if key.isdigit() else key

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Snapshot:
        """From the parsed file: ``{"meta": ..., "entities": {resource: {id: record}}}``."""
        if not isinstance(data.get("entities"), dict):
            raise ValueError("not an LL2 snapshot: no 'entities' object")
        return cls(data["entities"], data.get("meta"))

    @classmethod
    def from_bytes(cls, raw: bytes) -> Snapshot:
        """From file bytes, gzip-compressed or not."""
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        return cls.from_json(orjson.loads(raw))

    def __repr__(self) -> str:
        sizes = ", ".join(f"{r}={len(e)}" for r, e in self.entities.items())
        return f"<Snapshot {sizes}>"

    @property
    def resources(self) -> list[str]:
        return list(self.entities)

    def get(self, resource: str, id: object) -> Record | None:
        """The record of ``resource`` with this id (int or str), or None."""
        return self.entities.get(resource, {}).get(str(id))

    def deref(self, value: Any) -> Any:
        """Follow a reference (None when it dangles); return other values unchanged."""
        if is_ref(value):
            resource, id_ = value["$ref"]
            return self.get(resource, id_)
        return value

    def records(self, resource: str) -> list[Record]:
        """All records of a resource, by id ascending (computed once)."""
        found = self._sorted.get(resource)
        if found is None:
            found = sorted(
                self.entities.get(resource, {}).values(), key=lambda r: id_sort_key(r["id"])
            )
            self._sorted[resource] = found
        return found

    def values_at(self, value: Any, path: Sequence[str]) -> list[Any]:
        """Every value reached by following ``path`` from ``value``.

        Lists fan out and references are followed at each step, like a Django lookup
        across relations (``agency__abbrev``); a missing field yields None at the end.
        """
        out: list[Any] = []
        self._walk(value, path, 0, out)
        return out

    def _walk(self, value: Any, path: Sequence[str], i: int, out: list[Any]) -> None:
        if type(value) is list:
            for item in value:
                self._walk(item, path, i, out)
            return
        if is_ref(value):
            value = self.deref(value)
            if value is None:
                return
        if i == len(path):
            out.append(value)
        elif type(value) is dict:
            self._walk(value.get(path[i]), path, i + 1, out)

    def memo(self, key: str, factory: Callable[[Snapshot], T]) -> T:
        """A derived index, built by ``factory`` on first use and kept with the snapshot."""
        try:
            return self._memo[key]  # type: ignore[no-any-return]
        except KeyError:
            value = self._memo[key] = factory(self)
            return value

    def patched(self, resource: str, id: object, patch: Record) -> tuple[Snapshot, Record]:
        """A new snapshot whose record of ``resource`` with this id has ``patch``'s keys
        (and the record); this snapshot, shared by whoever loaded it, is left as it was.

        Raises ``KeyError`` when there is no such record.
        """
        record = self.get(resource, id)
        if record is None:
            raise KeyError((resource, id))
        changed = {**record, **patch, "id": record["id"]}
        entities = {r: dict(e) for r, e in self.entities.items()}
        entities[resource][str(id)] = changed
        return Snapshot(entities, self.meta), changed

    def iter_all(self) -> Iterator[tuple[str, Record]]:
        for resource, records in self.entities.items():
            for record in records.values():
                yield resource, record


@functools.lru_cache(maxsize=8)
def _load_file(path: Path, mtime_ns: int, size: int) -> Snapshot:
    return Snapshot.from_bytes(path.read_bytes())


@functools.cache
def _load_packaged() -> Snapshot:
    ref = resources.files("gateway.offline").joinpath(*PACKAGED_SNAPSHOT)
    if not ref.is_file():
        raise FileNotFoundError(
            "the packaged LL2 snapshot gateway/offline/data/snapshot.json.gz is missing; "
            "build it with scripts/build_snapshot.py"
        )
    return Snapshot.from_bytes(ref.read_bytes())


def load_snapshot(path: Path | str | None = None) -> Snapshot:
    """Load a snapshot file (default: the one packaged with ``gateway.offline``).

    Cached: loading the same unchanged file again returns the same object.
    """
    if path is None:
        return _load_packaged()
    p = Path(path).resolve()
    st = p.stat()
    return _load_file(p, st.st_mtime_ns, st.st_size)
