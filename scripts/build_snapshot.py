#!/usr/bin/env python
"""Build the offline LL2 snapshot (``gateway/offline/data/snapshot.json.gz``) from ``data/``.

Usage (from the repository root)::

    python scripts/build_snapshot.py [--data data] \
        [--out gateway/offline/data/snapshot.json.gz]

The inputs are the seed pages (``data/seeds``) and real LL2 2.3.0 responses
(``data/ll2``); the format of the output is described in
``gateway/ll2/resources.py``.  The build is deterministic: the same inputs give the
same bytes (sorted keys, sources visited in a fixed order, gzip without a timestamp),
so the snapshot can be committed and rebuilt to check it.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(REPO))

from snapshot.derive import Deriver  # noqa: E402
from snapshot.legacy import LegacyConverter, Lookups  # noqa: E402
from snapshot.schema import Schemas  # noqa: E402
from snapshot.sources import SPEC_VERSION, Source, load_sources  # noqa: E402
from snapshot.store import EntityStore, Normaliser, is_ref  # noqa: E402

from gateway.ll2.resources import ENTITY_SCHEMAS, RESOURCE_PATHS  # noqa: E402

DEFAULT_DATA = REPO / "data"
DEFAULT_OUT = REPO / "gateway" / "offline" / "data" / "snapshot.json.gz"
EXTRACT = Path("ll2") / "2.3.0-spacecraft-domain-extract.json"


class Build:
    """One snapshot build: sources in, ``{"meta", "entities"}`` out, plus a report."""

    def __init__(self, data: Path) -> None:
        self.resources: list[str] = list(RESOURCE_PATHS)
        self.entity_schemas: dict[str, str] = dict(ENTITY_SCHEMAS)
        self.schemas = Schemas.load(data / EXTRACT)
        self.sources: list[Source] = load_sources(data, self.schemas)
        self.lookups = Lookups()
        self.store = EntityStore(self.resources)
        self.normaliser = Normaliser(self.schemas, self.entity_schemas, self.store, self.lookups)
        self.converter = LegacyConverter(self.schemas, self.lookups, set(self.entity_schemas))
        self.derived: list[dict[str, Any]] = []

    def run(self) -> dict[str, Any]:
        # 2.3.0 sources come first (best-ranked order), so that the lookups the legacy
        # conversion needs (images, agency types, countries) are complete before it runs.
        for source in self.sources:
            for schema, obj in source.items:
                if source.is_legacy:
                    obj = self.converter.convert_object(obj, schema, source.version)
                self.normaliser.add(obj, schema, source)
        self.normaliser.images.reconcile(self.store.records, self.store.log)
        self.derived = Deriver(self.store).run()
        return self.snapshot()

    def snapshot(self) -> dict[str, Any]:
        entities = self.store.records
        conflicts = self.store.log.sorted()
        return {
            "meta": {
                "spec_version": SPEC_VERSION,
                "sources": [s.describe() for s in self.sources],
                "counts": {resource: len(entities[resource]) for resource in self.resources},
                "conflicts": conflicts,
                "derived": self.derived,
            },
            "entities": entities,
        }

    def report(self) -> str:
        """Human summary for stderr: what was built and what could not be converted."""
        lines = [f"{r}: {len(self.store.records[r])}" for r in self.resources]
        lines.append(f"conflicts: {len(self.store.log.entries)}")
        lines += [f"derived {d['resource']}.{d['field']}: {d['records']}" for d in self.derived]
        for (version, schema, field), n in sorted(self.converter.unconverted.items()):
            lines.append(f"unconverted {version} {schema}.{field}: {n} (kept in _legacy)")
        for (source, schema, field), n in sorted(self.normaliser.unknown_fields.items()):
            lines.append(f"undeclared field {source} {schema}.{field}: {n} (kept as is)")
        for (source, schema), n in sorted(self.normaliser.without_id.items()):
            lines.append(f"entity without id {source} {schema}: {n} (dropped)")
        return "\n".join(lines)


def dangling_refs(snapshot: dict[str, Any]) -> list[str]:
    """Every ``$ref`` that does not resolve, as readable strings (empty when all is well)."""
    entities = snapshot["entities"]
    problems: list[str] = []

    def visit(value: Any, where: str) -> None:
        if is_ref(value):
            resource, rid = value["$ref"]
            if str(rid) not in entities.get(resource, {}):
                problems.append(f"{where} -> {resource}/{rid}")
        elif isinstance(value, dict):
            for key, item in value.items():
                visit(item, f"{where}.{key}")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                visit(item, f"{where}[{index}]")

    for resource, records in entities.items():
        for key, record in records.items():
            visit(record, f"{resource}/{key}")
    return problems


def encode(snapshot: dict[str, Any]) -> bytes:
    """Canonical JSON (sorted keys, compact), gzipped with no name and no timestamp."""
    text = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as gz:
        gz.write(text.encode("utf-8"))
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="inputs directory")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="snapshot file to write")
    parser.add_argument("--quiet", action="store_true", help="do not print the build report")
    args = parser.parse_args(argv)

    build = Build(args.data)
    snapshot = build.run()
    problems = dangling_refs(snapshot)
    if problems:
        print("dangling references:\n  " + "\n  ".join(problems[:20]), file=sys.stderr)
        return 1
    data = encode(snapshot)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    if not args.quiet:
        print(build.report(), file=sys.stderr)
        print(f"wrote {args.out} ({len(data)} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
