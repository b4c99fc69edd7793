"""schema.graphql is what the code builds: clients and reviewers read the file."""

from pathlib import Path

from gateway.cli import main
from gateway.schema import schema

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema.graphql"


def test_schema_file_matches_code() -> None:
    assert SCHEMA_FILE.read_text() == schema.as_str() + "\n", (
        "schema.graphql is stale: run `ll2-gateway export-schema schema.graphql`"
    )


def test_export_schema_command_writes_the_schema(tmp_path: Path) -> None:
    target = tmp_path / "schema.graphql"
    assert main(["export-schema", str(target)]) == 0
    assert target.read_text() == SCHEMA_FILE.read_text()
