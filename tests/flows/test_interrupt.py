"""Ctrl-C and SIGTERM stop a run within seconds, with whole batches kept and the run recorded, and no
process of the run outlives it; the next run finishes the work."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import BIN, REPO
from tests.lakes import query
from tests.site import article_html

pytestmark = pytest.mark.slow

# Enough pages that a run is still going when its first batch lands, few enough to run twice quickly.
PAGES = 120
BATCH = 10


def _pages(folder: Path) -> Path:
    folder.mkdir()
    for n in range(PAGES):
        (folder / f"page-{n:03d}.html").write_text(article_html(n, revision=n))
    return folder


def _children(pid: int) -> set[int]:
    """Give back every process below pid (workers, the temporary Prefect server, ...)."""
    found: set[int] = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found |= {int(entry.name), *_children(int(entry.name))}
    return found


def _alive(pids: set[int]) -> dict[int, str]:
    """Give back the processes still running among pids, with their command lines (zombies are dead)."""
    alive = {}
    for pid in pids:
        try:
            if (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]) != "Z":
                alive[pid] = Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")[:200]
        except OSError:
            pass
    return alive


def _start(tmp_path: Path, inbox: Path, prefect_api: str | None = None) -> subprocess.Popen[str]:
    # Without prefect_api, a temporary server: Prefect starts one, which a terminal's Ctrl-C also
    # reaches. (The shared server lives in a session of its own: tests/flows/test_prefect_server.py.)
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "NEWSLAKE_LAKE")}
    env["PREFECT_HOME"] = str(tmp_path / "prefect")
    if prefect_api:
        env["PREFECT_API_URL"] = prefect_api
    else:
        env["NEWSLAKE_PREFECT_SERVER"] = "temporary"
    args = ["run", str(inbox), "--lake", str(tmp_path / "lake"), "--batch-size", str(BATCH)]
    return start_newslake(args, tmp_path, env)


def start_newslake(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    """Start `newslake ARGS` as a terminal starts a command: in a process group of its own, which
    Ctrl-C reaches as a whole."""
    return subprocess.Popen(
        [str(BIN / "newslake"), *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _wait_for_a_loaded_batch(run: subprocess.Popen[str], lake: Path) -> set[int]:
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and run.poll() is None:
        try:
            if query(lake, "SELECT count(*) FROM articles")[0][0] > 0:
                return _children(run.pid)
        except Exception:
            pass  # the lake is not created yet
        time.sleep(0.5)
    if run.poll() is not None:
        told = run.communicate()[1][-3000:]
        raise AssertionError(f"the run ended ({run.returncode}) before it loaded a batch:\n{told}")
    raise AssertionError("the run loaded no batch in 240 s")


@pytest.mark.parametrize(
    ("stop", "code", "session_server", "then_finish"),
    [
        # Ctrl-C on a terminal reaches the whole group, the temporary Prefect server included; the
        # next run finishes the work (checked once: both signals leave the same state, checked for each).
        (lambda pid: os.killpg(pid, signal.SIGINT), 130, False, True),
        # A supervisor stops the command only; the run reports to a Prefect server it did not start.
        (lambda pid: os.kill(pid, signal.SIGTERM), 143, True, False),
    ],
    ids=["ctrl-c", "sigterm"],
)
def test_a_signal_stops_the_run_within_seconds_with_whole_batches_kept(
    tmp_path: Path, prefect_api: str, stop, code, session_server, then_finish
) -> None:
    inbox = _pages(tmp_path / "inbox")
    lake = tmp_path / "lake"
    run = _start(tmp_path, inbox, prefect_api if session_server else None)
    try:
        helpers = _wait_for_a_loaded_batch(run, lake)
        assert helpers, "the run should have worker processes"
        if not session_server:  # the temporary server is out of reach of the terminal's Ctrl-C
            [server] = [pid for pid, command in _alive(helpers).items() if "prefect.server.api.server" in command]
            assert os.getpgid(server) != run.pid
        stopped_at = time.monotonic()
        stop(run.pid)
        _, stderr = run.communicate(timeout=60)
        took = time.monotonic() - stopped_at
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.communicate()
    assert run.returncode == code, stderr[-2000:]
    assert took < 15, f"the run took {took:.1f} s to stop"
    assert "Traceback" not in stderr and "interrupted" in stderr
    time.sleep(1)
    assert not _alive(helpers), "a process of the run outlived it"
    [(status, loaded)] = query(lake, "SELECT status, articles_loaded FROM runs")
    assert status == "interrupted" and 0 < loaded < PAGES
    # Whole batches only. A signal that lands during a batch's commit can end it after DuckDB
    # committed, so the lake may hold one batch more than the run recorded.
    stored = query(lake, "SELECT count(*) FROM articles")[0][0]
    assert stored % BATCH == 0 and loaded <= stored <= loaded + BATCH, (stored, loaded)
    if not then_finish:
        return

    again = _start(tmp_path, inbox, prefect_api)  # the session's server: starting another adds nothing here
    _, stderr = again.communicate(timeout=600)
    assert again.returncode == 0, stderr[-2000:]
    assert query(lake, "SELECT count(*) FROM articles")[0][0] == PAGES
    assert query(lake, "SELECT count(*) FROM documents")[0][0] == PAGES


def test_nothing_the_run_started_outlives_its_main_process_killed(tmp_path: Path) -> None:
    inbox = _pages(tmp_path / "inbox")
    run = _start(tmp_path, inbox)
    try:
        helpers = _wait_for_a_loaded_batch(run, tmp_path / "lake")
        commands = _alive(helpers).values()
        assert any("multiprocessing" in c for c in commands) and any("uvicorn" in c for c in commands), commands
        run.kill()  # as the OOM killer would: only the main process, with SIGKILL
        run.wait(timeout=30)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and _alive(helpers):
            time.sleep(0.2)
        assert not _alive(helpers), "workers or the temporary Prefect server outlived the main process"
    finally:
        os.killpg(run.pid, signal.SIGKILL)
        run.communicate(timeout=30)


def test_a_signal_that_interrupts_a_duckdb_statement_is_still_the_stop() -> None:
    # Prefect's SIGTERM handler raises inside DuckDB's statement, which then ends as "Query interrupted".
    import duckdb

    from newslake.flows.interrupt import stopping_signal

    assert stopping_signal(RuntimeError("Query interrupted")) == signal.SIGTERM
    assert stopping_signal(duckdb.InterruptException("INTERRUPT Error: Interrupted!")) == signal.SIGTERM
    assert stopping_signal(RuntimeError("something else")) is None


_FLOW_WITH_SIGTERM = """
import os, signal, time
from prefect import flow
from newslake.flows.interrupt import install_stop_handlers, stop_requested, take_back_sigterm

install_stop_handlers()

@flow
def stopped_inside() -> bool:
    take_back_sigterm()
    os.kill(os.getpid(), signal.SIGTERM)  # with the engine's handler this raised where it landed
    time.sleep(0.2)
    return stop_requested()

print("stop requested:", stopped_inside())
"""


def test_inside_a_flow_run_sigterm_only_asks_the_run_to_stop(prefect_api: str, tmp_path: Path) -> None:
    env = {**os.environ, "PREFECT_API_URL": prefect_api, "PREFECT_HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", _FLOW_WITH_SIGTERM], env=env, capture_output=True, text=True, timeout=120, cwd=REPO
    )
    assert "stop requested: True" in result.stdout, result.stderr[-2000:]
