"""Rewrite the settings table of README.md from gateway.settings (run after adding one)."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

from gateway.settings import Settings

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- settings -->", "<!-- /settings -->"


def table() -> str:
    defaults = Settings()
    rows = ["| flag | environment | default | what |", "|---|---|---|---|"]
    for f in fields(Settings):
        default = getattr(defaults, f.name)
        if f.name == "upstream":
            shown = "offline snapshot"
        else:
            shown = "—" if default is None or default == "" else f"`{default}`"
        flag = f"--{f.name.replace('_', '-')}"
        rows.append(f"| `{flag}` | `{f.metadata['env']}` | {shown} | {f.metadata['help']} |")
    return "\n".join(rows)


def main() -> None:
    text = README.read_text()
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.S)
    README.write_text(pattern.sub(f"{START}\n{table()}\n{END}", text))


if __name__ == "__main__":
    main()
