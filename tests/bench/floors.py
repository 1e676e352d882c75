"""Floors for the quality benchmarks, kept in tests/bench/quality_floor.json and enforced by
`make eval-check`: a figure below its floor (or, for a key starting with max_, above its ceiling)
fails the check with a line per figure."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def check_floor(figures: dict[str, float], floor_file: Path, section: str) -> None:
    """Exit non-zero when a figure of this section falls below its floor or above its ceiling."""
    floor: dict[str, float] = json.loads(floor_file.read_text(encoding="utf-8"))[section]
    failures = []
    for key, limit in floor.items():
        if key.startswith("max_"):
            value = figures.get(key.removeprefix("max_"), float("inf"))
            if value > limit:
                failures.append(f"{section}.{key.removeprefix('max_')}: {value:g} > ceiling {limit:g}")
        elif figures.get(key, 0.0) + 1e-9 < limit:
            failures.append(f"{section}.{key}: {figures.get(key, 0.0):.3f} < floor {limit:.3f}")
    if failures:
        sys.exit(f"{section} fell below the floor:\n  " + "\n  ".join(failures))
    print(f"{section} at or above the floor in {floor_file}")


def summary_figures(line: str) -> dict[str, float]:
    """Give back the key=value figures of a scorer's summary line ("name mention_f1=0.756 ...")."""
    pairs = (word.split("=", 1) for word in line.split() if "=" in word)
    return {key: float(value) for key, value in pairs}
