"""Great Expectations suites, kept as data: one JSON file per suite in this folder."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any


def load_suite(name: str) -> dict[str, Any]:
    """Give back the suite stored as expectations/<name>.json."""
    text = (resources.files("newslake.expectations") / f"{name}.json").read_text(encoding="utf-8")
    suite: dict[str, Any] = json.loads(text)
    return suite
