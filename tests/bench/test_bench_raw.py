"""The raw-bytes retention benchmark runs, drops what it says, and gives the disk back."""

from __future__ import annotations

import re
import sys

import pytest

from tests.bench import bench_raw


def test_the_benchmark_drops_half_and_prints_its_figures(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["bench_raw", "--documents", "40", "--size", "20000"])
    bench_raw.main()
    out = capsys.readouterr().out
    assert "dropped the bytes of 20" in out
    figures = dict(re.findall(r"(\w+)=([0-9.]+)", out.splitlines()[-1]))
    assert float(figures["disk_after_mb"]) < float(figures["disk_before_mb"]) * 0.6  # the older half is gone
