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


def test_the_bar_shown_at_start_is_the_one_the_run_takes_over() -> None:
    from newslake.flows.progress import hide_starting, run_progress, show_starting

    show_starting(True)
    progress = run_progress(True)
    try:
        with progress:
            assert progress._progress is not None and progress._progress.tasks[0].fields["note"] == "starting"
            progress.start(12)  # the run knows its total: the same bar starts over, no second task
            assert len(progress._progress.tasks) == 1 and progress._progress.tasks[0].total == 12
        assert run_progress(True) is not progress  # taken once
        show_starting(None)  # plain lines wait for the first batch: nothing shown at start
        assert run_progress(None) is not progress
    finally:
        hide_starting()


@pytest.mark.slow
def test_a_terminal_shows_the_bar_before_the_orchestrator_starts(tmp_path, prefect_api) -> None:  # type: ignore[no-untyped-def]
    import os
    import pty
    import re
    import subprocess
    import time

    from tests.conftest import BIN, SEEDS

    leader, follower = pty.openpty()
    env = {**os.environ, "PREFECT_API_URL": prefect_api, "PREFECT_HOME": str(tmp_path / "prefect"), "COLUMNS": "160"}
    args = [str(BIN / "newslake"), "run", str(SEEDS), "--lake", str(tmp_path / "lake"), "--workers", "1"]
    process = subprocess.Popen(args, stdin=follower, stdout=follower, stderr=follower, env=env, cwd=tmp_path)
    os.close(follower)
    seen = b""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the command closed the terminal: it ended
            break
        if not chunk:
            break
        seen += chunk
    process.wait(timeout=60)
    os.close(leader)
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", seen.decode("utf-8", "replace"))
    assert process.returncode == 0, text[-2000:]
    # the bar reads "starting" before the run knows its documents (2 seeds), then counts them
    assert "starting" in text, text[-2000:]
    assert text.index("starting") < text.index("2/2 docs")
