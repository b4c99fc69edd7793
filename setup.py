"""Build hook: GraphiQL's browser assets go into the wheel, fetched from the npm registry
and checked against their pins (``gateway/server/graphiql/fetch.py``), so that an
installed gateway serves GraphiQL with no internet.  Without the registry the build
still succeeds and GraphiQL falls back to its CDN.  Everything else is in pyproject.toml.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
FETCH = HERE / "gateway" / "server" / "graphiql" / "fetch.py"


class BuildWithGraphiQL(build_py):
    def run(self) -> None:
        super().run()
        static = Path("gateway", "server", "graphiql", "static")
        dest = HERE / static if self.editable_mode else Path(self.build_lib) / static
        spec = importlib.util.spec_from_file_location("_graphiql_fetch", FETCH)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        try:
            module.fetch(dest)
        except Exception as exc:  # the CDN remains
            print(f"warning: GraphiQL's assets were not fetched ({exc}); it will use its CDN")


setup(cmdclass={"build_py": BuildWithGraphiQL})
