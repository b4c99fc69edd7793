"""The LL2 inputs kept in the repository (``data/``), by path from the repository root.

``data/seeds`` holds the seed pages and ``data/ll2`` real LL2 responses and specifications
(each folder's README says what is in it).  They are not package data: the tests and the
scripts read them from a checkout.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

__all__ = ["DATA", "LL2", "REPO", "SEEDS", "ll2_file", "seed", "seed_file"]

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
SEEDS = DATA / "seeds"
LL2 = DATA / "ll2"


def seed_file(prefix: str) -> Path:
    """The seed page whose name starts with ``prefix`` (``"002"``)."""
    return next(SEEDS.glob(f"{prefix}_*.txt"))


@functools.cache
def seed(prefix: str) -> Any:
    """The JSON body of a seed page: from the first ``{`` after ``Vary: Accept``."""
    text = seed_file(prefix).read_text(encoding="utf-8")
    return json.loads(text[text.index("{", text.index("Vary: Accept")) :])


@functools.cache
def ll2_file(name: str) -> Any:
    """A ``data/ll2`` JSON file, decoded."""
    return json.loads((LL2 / name).read_text(encoding="utf-8"))
