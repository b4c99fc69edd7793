"""schema.graphql and schema.federation.graphql are what the code builds: clients,
routers and reviewers read the files."""

from pathlib import Path

import pytest
from graphql import build_schema

from gateway.cli import main
from gateway.schema import schema

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "schema.graphql"
SUBGRAPH_FILE = ROOT / "schema.federation.graphql"


def test_schema_file_matches_code() -> None:
    assert SCHEMA_FILE.read_text() == schema.as_str() + "\n", (
        "schema.graphql is stale: run `ll2-gateway export-schema schema.graphql`"
    )


def test_subgraph_schema_file_matches_code() -> None:
    assert SUBGRAPH_FILE.read_text() == schema.subgraph_sdl() + "\n", (
        "schema.federation.graphql is stale: run "
        "`ll2-gateway export-schema --federation schema.federation.graphql`"
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [([], SCHEMA_FILE), (["--federation"], SUBGRAPH_FILE)],
    ids=["client", "federation"],
)
def test_export_schema_command_writes_the_schema(
    tmp_path: Path, args: list[str], expected: Path
) -> None:
    target = tmp_path / "out.graphql"
    assert main(["export-schema", *args, str(target)]) == 0
    assert target.read_text() == expected.read_text()


def test_the_client_schema_stands_alone() -> None:
    """Codegen tools read schema.graphql without a federation composer: it applies no
    @key or @link (whose definitions only a composer knows: building would fail)."""
    built = build_schema(SCHEMA_FILE.read_text())
    assert built.query_type is not None
    assert "_entities" in built.query_type.fields
    assert built.get_directive("key") is None and built.get_directive("link") is None
