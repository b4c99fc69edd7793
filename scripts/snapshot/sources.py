"""The inputs of the snapshot: seed pages (``seeds/*.txt``) and real responses (``ll2/*.json``).

Each input becomes a :class:`Source`: a name used in ``meta.conflicts`` ("seeds/003",
"ll2/astronauts"), the LL2 version and server it came from, and its objects paired with
the 2.3.0 schema that describes them.  The rank of a source decides merges: 2.3.0 beats
older versions, and production data beats the stale development server.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .schema import Schemas

SPEC_VERSION = "2.3.0"
VERSION_RANK = {"2.0.0": 0, "2.2.0": 1, "2.3.0": 2}

#: 2.0.0 / 2.2.0 path prefixes -> their 2.3.0 equivalents (ll2/README.md).
LEGACY_PATHS = {
    "spacecraft/flight/": "spacecraft_flights/",
    "config/spacecraft/": "spacecraft_configurations/",
    "astronaut/": "astronauts/",
    "spacestation/": "space_stations/",
    "docking_event/": "docking_events/",
}

#: ll2/ files: source name -> (file, the request captured, mode it used).  A list
#: capture is its pages' results concatenated; a detail capture (``/{id}/``) is a
#: one-item array.
LL2_FILES = {
    "ll2/spacecraft_configurations": (
        "2.3.0-spacecraft_configurations-detailed.json",
        "/2.3.0/spacecraft_configurations/",
        "detailed",
    ),
    "ll2/astronauts": (
        "2.3.0-astronauts-detailed-pruned.json",
        "/2.3.0/astronauts/",
        "detailed",
    ),
    "ll2/space_stations-4": (
        "2.3.0-space_stations-4-detailed.json",
        "/2.3.0/space_stations/4/",
        "detailed",
    ),
}

_REQUEST_RE = re.compile(r"^GET (?P<target>/\S+)", re.MULTILINE)
_DEV_HOST = "lldev.thespacedevs.com"


@dataclass
class Source:
    """One input file and its objects, each paired with its 2.3.0 schema name."""

    name: str
    file: str
    version: str
    server: str
    request: str
    endpoint: str
    sha256: str
    items: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    @property
    def rank(self) -> tuple[int, int]:
        """Higher wins a merge: (LL2 version, production over development server)."""
        return (VERSION_RANK[self.version], 0 if self.server == "dev" else 1)

    @property
    def is_legacy(self) -> bool:
        return self.version != SPEC_VERSION

    def describe(self) -> dict[str, Any]:
        """The ``meta.sources`` entry: enough to trace every value back to its file."""
        return {
            "name": self.name,
            "file": self.file,
            "version": self.version,
            "server": self.server,
            "request": self.request,
            "endpoint": self.endpoint,
            "objects": len(self.items),
            "sha256": self.sha256,
        }


def endpoint_of(path: str) -> tuple[str, str, bool]:
    """Map a request path of any version to (version, 2.3.0 endpoint key, is_detail)."""
    parts = path.strip("/").split("/")
    version, rest = parts[0], "/".join(parts[1:]) + "/"
    for old, new in LEGACY_PATHS.items():
        if version != SPEC_VERSION and rest.startswith(old):
            rest = new + rest[len(old) :]
            break
    segments = [s for s in rest.split("/") if s]
    is_detail = bool(segments) and segments[-1].isdigit()
    if is_detail:
        segments[-1] = "{id}"
    return version, f"/{SPEC_VERSION}/" + "/".join(segments) + "/", is_detail


def _body(text: str) -> Any:
    """The JSON body of a browsable-API page: from the first ``{`` after ``Vary: Accept``."""
    start = text.index("{", text.index("Vary: Accept"))
    return json.loads(text[start:])


def load_seed(path: Path, schemas: Schemas) -> Source:
    """Read one seed page; the request line gives version, endpoint and mode."""
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    request = _REQUEST_RE.search(text)
    if request is None:
        raise ValueError(f"{path}: no request line")
    target = urlsplit(request["target"])
    version, endpoint, is_detail = endpoint_of(target.path)
    mode = parse_qs(target.query).get("mode", [None])[0]
    body = _body(text)
    objects = [body] if is_detail else body["results"]
    source = Source(
        name=f"seeds/{path.name[:3]}",
        file=f"seeds/{path.name}",
        version=version,
        server="dev" if _DEV_HOST in text else "prod",
        request=f"GET {request['target']}",
        endpoint=endpoint,
        sha256=hashlib.sha256(raw).hexdigest(),
    )
    for obj in objects:
        source.items.append((_schema_for(schemas, endpoint, is_detail, obj, mode), obj))
    return source


def load_ll2(data: Path, name: str, schemas: Schemas) -> Source:
    """Read one ``ll2/`` capture (a bare array of page results, or of the one detail)."""
    filename, path, mode = LL2_FILES[name]
    version, endpoint, is_detail = endpoint_of(path)
    raw = (data / "ll2" / filename).read_bytes()
    source = Source(
        name=name,
        file=f"ll2/{filename}",
        version=version,
        server="prod",
        # a detail route has one shape (detailed): the capture sent no mode
        request=f"GET {path}" if is_detail else f"GET {path}?mode={mode}",
        endpoint=endpoint,
        sha256=hashlib.sha256(raw).hexdigest(),
    )
    objects = json.loads(raw)
    if is_detail and len(objects) != 1:
        raise ValueError(f"{filename}: a detail capture holds one object, not {len(objects)}")
    for obj in objects:
        source.items.append((_schema_for(schemas, endpoint, is_detail, obj, mode), obj))
    return source


def _schema_for(
    schemas: Schemas, endpoint: str, is_detail: bool, obj: dict[str, Any], mode: str | None
) -> str:
    """The schema of one returned object: the detail schema, or the list item's mode branch."""
    if is_detail:
        return schemas.endpoints[endpoint]["response_200"]
    return schemas.item_schema(endpoint, obj.get("response_mode") or mode)


def load_sources(data: Path, schemas: Schemas) -> list[Source]:
    """Every input below ``data`` (the repository's ``data/``), best-ranked first (merging
    relies on a stable order, not on it for priority)."""
    sources = [load_seed(p, schemas) for p in sorted((data / "seeds").glob("[0-9]*.txt"))]
    sources += [load_ll2(data, name, schemas) for name in sorted(LL2_FILES)]
    return sorted(sources, key=lambda s: (-s.rank[0], -s.rank[1], s.name))
