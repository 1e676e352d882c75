"""Two runs of one source never write at once: the second waits for the first's lock."""

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from newslake.flows.interrupt import crash_flow_runs
from newslake.flows.locks import gone_runs, run_lock, source_lock
from newslake.flows.settings import resolve_settings
from tests.conftest import BIN, SEED_000, SEED_003
from tests.lakes import query

REPO = Path(__file__).resolve().parents[2]


def test_a_second_run_of_a_source_waits_for_the_first(tmp_path):
    settings = resolve_settings(environ={"NEWSLAKE_LAKE": str(tmp_path / "lake")})
    events: list[str] = []
    first_holds = threading.Event()

    def first() -> None:
        with source_lock(settings, "feed"):
            events.append("first in")
            first_holds.set()
            time.sleep(0.5)
            events.append("first out")

    def second() -> None:
        first_holds.wait(5)
        with source_lock(settings, "feed"):
            events.append("second in")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert events == ["first in", "first out", "second in"]


def test_other_sources_do_not_wait(tmp_path):
    settings = resolve_settings(environ={"NEWSLAKE_LAKE": str(tmp_path / "lake")})
    with source_lock(settings, "a"), source_lock(settings, "b"):
        assert (tmp_path / "lake" / "locks" / "a.lock").exists()


@pytest.mark.slow
def test_a_run_whose_process_is_gone_is_told_from_one_still_running(tmp_path):
    settings = resolve_settings(environ={"NEWSLAKE_LAKE": str(tmp_path / "lake")})
    holder = (
        "import sys, time\n"
        "from flows.locks import run_lock\n"
        "from flows.settings import resolve_settings\n"
        f"settings = resolve_settings(environ={{'NEWSLAKE_LAKE': {str(tmp_path / 'lake')!r}}})\n"
        "with run_lock(settings, sys.argv[1]):\n"
        "    print('held', flush=True)\n"
        "    time.sleep(60)\n"
    )
    alive = subprocess.Popen([sys.executable, "-c", holder, "alive"], cwd=REPO, stdout=subprocess.PIPE, text=True)
    killed = subprocess.Popen([sys.executable, "-c", holder, "killed"], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert alive.stdout is not None and alive.stdout.readline() == "held\n"
        assert killed.stdout is not None and killed.stdout.readline() == "held\n"
        assert gone_runs(settings, ["alive", "killed", "older"]) == ["older"]  # "older" left no lock at all
        killed.send_signal(signal.SIGKILL)
        killed.wait(10)
        assert gone_runs(settings, ["alive", "killed"]) == ["killed"]
    finally:
        for process in (alive, killed):
            process.kill()
            process.wait(10)
            if process.stdout is not None:
                process.stdout.close()
    with run_lock(settings, "mine"):
        assert gone_runs(settings, ["mine"]) == []  # the same process holding it counts as running too


def test_the_flow_runs_of_gone_runs_are_marked_crashed_and_only_unfinished_ones(prefect_api: str) -> None:
    from prefect import flow
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings
    from prefect.states import Completed, Running

    @flow(name="newslake-test-gone-run")
    def gone() -> None:
        pass

    with temporary_settings({PREFECT_API_URL: prefect_api}), get_client(sync_client=True) as client:
        running = str(client.create_flow_run(gone, state=Running()).id)
        completed = str(client.create_flow_run(gone, state=Completed()).id)
        unknown = "00000000-0000-4000-8000-000000000000"  # a temporary server's run: that server is gone
        assert crash_flow_runs([running, completed, unknown, "not-an-id"]) == [running]
        assert client.read_flow_run(running).state.type.value == "CRASHED"  # type: ignore[union-attr]
        assert client.read_flow_run(completed).state.type.value == "COMPLETED"  # type: ignore[union-attr]
    # A server that does not answer: the run goes on, with a warning.
    with temporary_settings({PREFECT_API_URL: "http://127.0.0.1:9/api"}):
        assert crash_flow_runs([running]) == []


@pytest.mark.slow
def test_two_runs_on_one_embedded_warehouse_take_turns(prefect_api: str, tmp_path: Path) -> None:
    # Two sources at once on one SQLite catalog used to fail one run with "database is locked".
    lake = tmp_path / "lake"
    folders = []
    for seed in (SEED_000, SEED_003):
        folder = tmp_path / seed.stem
        folder.mkdir()
        shutil.copy(seed, folder)
        folders.append(folder)
    env = {**os.environ, "PREFECT_API_URL": prefect_api, "PREFECT_HOME": str(tmp_path / "prefect")}
    runs = [
        subprocess.Popen(
            [str(BIN / "newslake"), "run", str(f), "--lake", str(lake), "--workers", "1", "--no-progress"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f in folders
    ]
    outputs = [run.communicate(timeout=600) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert not any("locked" in err or "Traceback" in err for _, err in outputs), outputs
    assert query(lake, "SELECT status, articles_loaded FROM runs ORDER BY started_at") == [
        ("completed", 1),
        ("completed", 1),
    ]
