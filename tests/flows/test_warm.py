"""The warm process (flows.warm): a run hands over to it and looks, stops and ends as if it ran in the
caller; it is kept only for the same folder, code and environment, and only for this user."""

from __future__ import annotations

import contextlib
import os
import pty
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from newslake.flows import warm
from tests.conftest import BIN, SEED_000, SEED_003
from tests.flows.test_interrupt import BATCH, PAGES, _alive, _children, _pages, start_newslake
from tests.lakes import query


def test_the_key_follows_the_folder_and_what_libraries_read_on_import(tmp_path: Path) -> None:
    base = {"PATH": "/usr/bin", "PREFECT_HOME": "/a"}
    key = warm.warm_key(base, str(tmp_path))
    assert warm.warm_key(dict(base), str(tmp_path)) == key
    assert warm.warm_key({**base, "UNRELATED": "1"}, str(tmp_path)) == key  # read when used: handed over
    assert warm.warm_key({**base, "PREFECT_HOME": "/b"}, str(tmp_path)) != key
    assert warm.warm_key({**base, "PREFECT_API_URL": "http://127.0.0.1:1/api"}, str(tmp_path)) != key
    assert warm.warm_key(base, str(tmp_path / "other")) != key


def test_the_code_stamp_changes_when_a_module_is_edited(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "stamped"
    package.mkdir()
    module = package / "__init__.py"
    module.write_text("x = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(warm, "_PACKAGES", ("stamped",))
    before = warm.code_stamp()
    assert warm.code_stamp() == before
    os.utime(module, ns=(time.time_ns(), time.time_ns() + 10**9))
    assert warm.code_stamp() != before


def test_a_folder_others_can_open_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(warm.tempfile, "tempdir", None)  # tempfile caches the folder it found
    folder = warm.runtime_folder()
    assert folder == tmp_path / f"newslake-{os.getuid()}" and folder.stat().st_mode & 0o777 == 0o700
    folder.chmod(0o777)
    assert warm.runtime_folder() is None and warm.socket_path("k") is None


def test_without_a_warm_process_the_caller_runs_the_command(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    tmp_path = tmp_path_factory.mktemp("s")  # short: a socket path has a length limit
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(warm.tempfile, "tempdir", None)
    monkeypatch.chdir(tmp_path)
    assert warm.hand_over(["run", "x"]) is None
    path = warm.socket_path(warm.warm_key())
    assert path is not None
    path.write_text("")  # left by a warm process that is gone: nothing answers there
    assert warm.hand_over(["run", "x"]) is None


def test_a_socket_path_too_long_for_the_system_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    deep = tmp_path / ("d" * 120)
    deep.mkdir()
    monkeypatch.setenv("TMPDIR", str(deep))
    monkeypatch.setattr(warm.tempfile, "tempdir", None)
    assert warm.socket_path("k") is None


def _env(home: Path, runtime: Path) -> dict[str, str]:
    # As a user has it: no PREFECT_API_URL, so the first run starts the shared local Prefect server.
    env = {k: v for k, v in os.environ.items() if k not in ("NEWSLAKE_LAKE", "PREFECT_API_URL")}
    env.update(PREFECT_HOME=str(home / "prefect"), TMPDIR=str(runtime), NEWSLAKE_KEEP_WARM_MINUTES="5")
    return env


def _wait_for(what: str, check, seconds: float = 240) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    raise AssertionError(f"{what}: not within {seconds} s")


@pytest.mark.slow
def test_a_run_hands_over_to_the_warm_process_and_stops_and_ends_as_in_the_caller(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    work, runtime = tmp_path / "w", tmp_path_factory.mktemp("rt")  # short: a socket path has a length limit
    work.mkdir()
    env = _env(tmp_path, runtime)
    try:
        _lifecycle(work, env, runtime / f"newslake-{os.getuid()}")
    finally:  # whatever happened: neither the shared server nor the warm process outlives the test
        subprocess.run([str(BIN / "newslake"), "ui", "--stop"], cwd=work, env=env, capture_output=True)


def _lifecycle(work: Path, env: dict[str, str], folder: Path) -> None:
    lake = ["--lake", str(work / "lake"), "--no-progress"]

    # A run carried out by the caller leaves a warm process behind.
    first = start_newslake(["run", str(SEED_000), *lake], work, env)
    out, err = first.communicate(timeout=600)
    assert first.returncode == 0, err[-3000:]
    _wait_for("the warm process to load", lambda: any(folder.glob("warm-*.sock")))
    [log] = folder.glob("warm-*.log")

    # The next run with something to do runs there: same output, same exit, the caller's terminal.
    second = start_newslake(["run", str(SEED_003), *lake], work, env)
    out, err = second.communicate(timeout=600)
    assert second.returncode == 0, err[-3000:]
    assert "run summary" in out and "articles loaded" in out and "Traceback" not in err
    assert re.search(rf"run \d+: newslake run {re.escape(str(SEED_003))}", log.read_text())
    assert query(work / "lake", "SELECT count(*) FROM articles")[0][0] == 2
    # A copy of the warm process runs one command: it did not hand over again.
    assert log.read_text().count(": newslake run") == 1
    # On a terminal too: the copy writes to it (with the progress bar) as the caller would.
    (work / "more").mkdir()
    (work / "more" / "a.txt").write_text(SEED_000.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    on_terminal = _on_a_terminal(["run", str(work / "more"), *lake[:2]], work, env)
    assert "run summary" in on_terminal and "Traceback" not in on_terminal, on_terminal[-3000:]
    # So does a reprocess.
    again = subprocess.run(
        [str(BIN / "newslake"), "reprocess", "--all", *lake], cwd=work, env=env, capture_output=True, text=True
    )
    assert again.returncode == 0 and "run summary" in again.stdout, again.stderr[-3000:]
    assert log.read_text().count(": newslake reprocess --all") == 1
    # And a run with nothing new: the check runs in the copy, where its imports are done.
    nothing = subprocess.run(
        [str(BIN / "newslake"), "run", str(SEED_003), *lake], cwd=work, env=env, capture_output=True, text=True
    )
    assert nothing.returncode == 0 and "Nothing new" in nothing.stdout, nothing.stderr[-3000:]
    assert log.read_text().count(f": newslake run {SEED_003}") == 2

    # Ctrl-C in the caller's terminal stops the run in the warm process, as it would in the caller.
    inbox = _pages(work / "inbox")
    third = start_newslake(["run", str(inbox), *lake, "--batch-size", str(BATCH)], work, env)
    try:
        copy = int(_wait_for_copy(log, 5))
        _wait_for("a batch of the run", lambda: query(work / "lake", "SELECT count(*) FROM articles")[0][0] > 3)
        helpers = _children(copy)
        # Its workers are forked from the warm process, with the models it holds already loaded.
        commands = _alive(helpers).values()
        assert any("newslake.flows.warm" in c for c in commands), commands
        os.killpg(third.pid, signal.SIGINT)
        out, err = third.communicate(timeout=60)
    finally:
        if third.poll() is None:
            os.killpg(third.pid, signal.SIGKILL)
            third.communicate()
    assert third.returncode == 130, err[-2000:]
    assert "interrupted" in err and "Traceback" not in err
    _wait_for("the run's processes to end", lambda: not _alive({copy, *helpers}), 20)
    last_run = "SELECT status, articles_loaded FROM runs ORDER BY started_at DESC LIMIT 1"
    [(status, loaded)] = query(work / "lake", last_run)
    assert status == "interrupted" and 0 < loaded < PAGES

    # A caller killed outright (its terminal closed) stops its run too.
    fourth = start_newslake(["run", str(inbox), *lake, "--batch-size", str(BATCH)], work, env)
    copy = int(_wait_for_copy(log, 6))
    time.sleep(2)
    fourth.kill()
    fourth.communicate()
    _wait_for("the run of a killed caller to stop", lambda: f"run {copy}: exit 143" in log.read_text(), 60)

    # `newslake ui --stop` stops it; the next run is carried out by the caller again.
    stop = subprocess.run([str(BIN / "newslake"), "ui", "--stop"], cwd=work, env=env, capture_output=True, text=True)
    assert "stopped the Prefect server" in stop.stdout and "stopped 1 warm process" in stop.stdout, stop.stdout
    _wait_for("the warm process to exit", lambda: not any(folder.glob("warm-*.sock")), 30)


def _on_a_terminal(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    """Run `newslake ARGS` with a pseudo-terminal as its stdout and stderr; give back what it wrote."""
    main_end, terminal = pty.openpty()
    process = subprocess.Popen(
        [str(BIN / "newslake"), *args], cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=terminal, stderr=terminal
    )
    os.close(terminal)
    written = bytearray()
    with contextlib.suppress(OSError):  # EIO once every holder of the terminal has closed it
        while chunk := os.read(main_end, 65536):
            written += chunk
    os.close(main_end)
    assert process.wait(timeout=600) == 0, written.decode(errors="replace")[-3000:]
    return written.decode(errors="replace")


def _wait_for_copy(log: Path, nth: int) -> str:
    """Give back the process id of the nth run the warm process started."""
    found: list[str] = []

    def started() -> bool:
        found[:] = re.findall(r"run (\d+): newslake (?:run|reprocess)", log.read_text())
        return len(found) >= nth

    _wait_for(f"run {nth} to reach the warm process", started, 120)
    return found[nth - 1]
