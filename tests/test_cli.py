"""The command line: every setting is a flag with an environment twin, and documented."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from gateway.cli import build_parser
from gateway.settings import Settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_every_setting_is_a_flag_with_env_twin_and_in_the_readme(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["serve", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    for f in fields(Settings):
        flag = f"--{f.name.replace('_', '-')}"
        assert flag in help_text
        assert f.metadata["env"] in help_text
        assert f"`{flag}`" in README and f"`{f.metadata['env']}`" in README


def test_environment_then_flags(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"GATEWAY_PORT": "9001", "GATEWAY_GRAPHIQL": "false", "LL2_API_KEY": "secret"}
    settings = Settings.from_env(env, port=9002)
    assert settings.port == 9002
    assert settings.graphiql is False
    assert "secret" not in repr(settings)
    with pytest.raises(ValueError):
        Settings.from_env({"GATEWAY_GRAPHIQL": "maybe"})
