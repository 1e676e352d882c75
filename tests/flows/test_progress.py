"""Progress: a bar that moves per chunk on a terminal, one plain line per batch elsewhere."""

from __future__ import annotations

import pytest

from newslake.flows.cli import progress_mode
from newslake.flows.progress import RunProgress


def test_plain_progress_prints_a_line_per_batch_with_rate_and_time_left(capsys: pytest.CaptureFixture[str]) -> None:
    with RunProgress(None) as progress:
        progress.start(300)
        progress.advance(40, "0 articles", batch_end=False)  # a chunk back from the workers: no line
        progress.advance(60, "98 articles, 2 quarantined")
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("newslake: 100/300 docs, ") and "docs/s" in lines[0]
    assert "s left; 98 articles, 2 quarantined" in lines[0]


def test_without_a_known_total_the_line_gives_the_count_and_rate_only(capsys: pytest.CaptureFixture[str]) -> None:
    with RunProgress(None) as progress:
        progress.start(None)
        progress.advance(100, "100 articles")
    line = capsys.readouterr().err.strip()
    assert line.startswith("newslake: 100 docs, ") and "left" not in line


def test_no_progress_prints_nothing_and_the_mode_follows_the_flag(capsys: pytest.CaptureFixture[str]) -> None:
    with RunProgress(False) as progress:
        progress.start(10)
        progress.advance(10, "10 articles")
    assert capsys.readouterr().err == ""
    assert progress_mode(True) is True and progress_mode(False) is False
    assert progress_mode(None) is None  # stderr is not a terminal under pytest: plain lines
