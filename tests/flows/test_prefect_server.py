"""The shared local Prefect server: started once by the first command without a configured server,
reused by the next ones (its UI shows their runs), left alone when a run is killed, stopped on demand."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from newslake.flows.prefect_server import answers, running_server, stop_shared_server
from tests.conftest import BIN, SEEDS
from tests.services import prefect_filter

pytestmark = pytest.mark.slow


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "prefect"
    yield folder
    stop_shared_server(folder)  # whatever the test did, no server outlives it


def newslake(home: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "NEWSLAKE_LAKE", "NEWSLAKE_PREFECT_SERVER")
    }
    env["PREFECT_HOME"] = str(home)
    result = subprocess.run(
        [str(BIN / "newslake"), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    return result


def test_the_first_command_starts_the_server_and_the_next_reuse_it(home: Path, tmp_path: Path) -> None:
    lake = str(tmp_path / "lake")
    first = newslake(home, "run", str(SEEDS), "--lake", lake, "--no-progress", cwd=tmp_path)
    assert "started now and kept for later commands" in first.stderr
    server = running_server(home)
    assert server is not None, "the server outlives the command that started it"
    assert server.ui_url in first.stderr

    more = tmp_path / "more"  # something new, so the second run is a flow run too
    more.mkdir()
    (more / "new.txt").write_text((SEEDS / "000_8d381c327fafc0c6.txt").read_text() + "\nA new last line.\n")
    second = newslake(home, "run", str(SEEDS), str(more), "--lake", lake, "--no-progress", cwd=tmp_path)
    assert f"recorded by the Prefect server at {server.ui_url}" in second.stderr
    assert "started now" not in second.stderr
    assert running_server(home) == server
    names = {run["name"] for run in prefect_filter(server.api_url, "flow_runs", {})}
    assert len(names) >= 2, "both runs are in the server's history (its UI)"

    assert newslake(home, "ui", cwd=tmp_path).stdout.strip() == server.ui_url
    stopped = newslake(home, "ui", "--stop", cwd=tmp_path)
    assert "stopped the Prefect server" in stopped.stdout
    time.sleep(0.5)
    assert running_server(home) is None and not answers(server.api_url)


def test_a_killed_run_leaves_the_shared_server_it_started_running(home: Path, tmp_path: Path) -> None:
    env = {
        k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "NEWSLAKE_LAKE", "NEWSLAKE_PREFECT_SERVER")
    }
    env["PREFECT_HOME"] = str(home)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for n in range(30):
        (inbox / f"{n}.txt").write_text((SEEDS / "000_8d381c327fafc0c6.txt").read_text() + f"\ncopy {n}\n")
    process = subprocess.Popen(
        [str(BIN / "newslake"), "run", str(inbox), "--lake", str(tmp_path / "lake"), "--no-progress"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    for line in process.stderr:  # the run starts the server (its own child until the run ends), then begins
        if "recorded by the Prefect server" in line:
            break
    time.sleep(3)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    process.stderr.close()
    time.sleep(8)  # the reaper ends what the run started in its own session
    server = running_server(home)
    assert server is not None and answers(server.api_url)


def test_with_a_configured_server_ui_names_it_and_starts_nothing(prefect_api: str, tmp_path: Path) -> None:
    env = {**os.environ, "PREFECT_API_URL": prefect_api, "PREFECT_HOME": str(tmp_path / "prefect")}
    result = subprocess.run([str(BIN / "newslake"), "ui"], env=env, capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == f"{prefect_api.removesuffix('/api')} (PREFECT_API_URL)"
    assert running_server(tmp_path / "prefect") is None
