"""Fetch GraphiQL's browser assets from the npm registry, checked against their pins.

``assets.json`` beside this file names each npm package, its version, the
tarball's integrity as the registry publishes it (sha512, as in a package-lock)
and the files taken from it, each with the SRI hash (sha384) that Strawberry's
GraphiQL page gives it.  Both are checked; a file that fails either is not
written.  The files land in ``static/`` beside this file (not in the repository)
under unpkg's layout (``graphiql@3.8.3/graphiql.min.js``), where the gateway
serves them from, so that GraphiQL works with no internet.

Run at build time (``setup.py``), by the test suite when they are missing, or
by hand: ``python -m gateway.server.graphiql.fetch [DEST]``.  Standard library
only: the build runs it without the gateway's dependencies.  The registry is
``$npm_config_registry``, else npm's default.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import sys
import tarfile
import urllib.request
from pathlib import Path

__all__ = ["HERE", "STATIC", "fetch", "missing", "pins", "sri"]

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
DEFAULT_REGISTRY = "https://registry.npmjs.org/"


def pins() -> list[dict[str, object]]:
    packages: list[dict[str, object]] = json.loads((HERE / "assets.json").read_text())["packages"]
    return packages


def sri(data: bytes, algorithm: str) -> str:
    """``data``'s Subresource Integrity string (``sha384-...``)."""
    digest = hashlib.new(algorithm, data).digest()
    return f"{algorithm}-{base64.b64encode(digest).decode()}"


def _files(package: dict[str, object]) -> dict[str, str]:
    files = package["files"]
    assert isinstance(files, dict)
    return {str(k): str(v) for k, v in files.items()}


def _target(dest: Path, package: dict[str, object], path: str) -> Path:
    return dest / f"{package['name']}@{package['version']}" / path


def missing(dest: Path = STATIC) -> list[str]:
    """The pinned files not yet in ``dest`` with the right hash."""
    absent = []
    for package in pins():
        for path, integrity in _files(package).items():
            target = _target(dest, package, path)
            algorithm = integrity.partition("-")[0]
            if not target.is_file() or sri(target.read_bytes(), algorithm) != integrity:
                absent.append(f"{package['name']}@{package['version']}/{path}")
    return absent


def _tarball_url(registry: str, name: str, version: str) -> str:
    base = name.rpartition("/")[2]
    return f"{registry.rstrip('/')}/{name}/-/{base}-{version}.tgz"


def fetch(dest: Path = STATIC, *, registry: str | None = None, timeout: float = 60.0) -> None:
    """Download, check and unpack every pinned file into ``dest``; raises on any failure."""
    registry = registry or os.environ.get("npm_config_registry") or DEFAULT_REGISTRY  # noqa: SIM112
    for package in pins():
        name, version = str(package["name"]), str(package["version"])
        wanted = _files(package)
        if all(
            _target(dest, package, p).is_file()
            and sri(_target(dest, package, p).read_bytes(), i.partition("-")[0]) == i
            for p, i in wanted.items()
        ):
            continue
        url = _tarball_url(registry, name, version)
        with urllib.request.urlopen(url, timeout=timeout) as response:
            tarball = response.read()
        integrity = str(package["integrity"])
        if sri(tarball, integrity.partition("-")[0]) != integrity:
            raise ValueError(f"{url}: the tarball does not match its pinned integrity")
        with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
            for path, file_integrity in wanted.items():
                member = archive.extractfile(f"package/{path}")
                if member is None:
                    raise ValueError(f"{url}: no file package/{path}")
                data = member.read()
                if sri(data, file_integrity.partition("-")[0]) != file_integrity:
                    raise ValueError(f"{name}@{version}/{path}: does not match its SRI hash")
                target = _target(dest, package, path)
                target.parent.mkdir(parents=True, exist_ok=True)
                partial = target.with_suffix(target.suffix + ".part")
                partial.write_bytes(data)
                partial.replace(target)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    dest = Path(args[0]) if args else STATIC
    fetch(dest)
    print(f"GraphiQL assets in {dest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
