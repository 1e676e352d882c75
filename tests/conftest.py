"""Shared fixtures: seed paths, a real Prefect server on 127.0.0.1, and the CLI in process or as a process."""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from newslake.flows.locks import exclusive
from newslake.tasks.logins import forget_logins
from newslake.warehouse.lake import DUCKDB_CONFIG, LakeLocation
from tests.cli import Outcome, invoke
from tests.lakes import close_readers
from tests.services import PG_BIN, S3, Postgres, postgres_available, postgres_server, s3_server

# Quiet, offline libraries for every test process (the CLI sets the same defaults).
for _key, _value in {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING",
    "GX_ANALYTICS_ENABLED": "false",
    "TQDM_DISABLE": "1",
    # No warm process (flows.warm) outlives a test; the tests of it ask for one.
    "NEWSLAKE_KEEP_WARM_MINUTES": "0",
    # The suite runs a test process per core: DuckDB threads of each would only wait on one another.
    "NEWSLAKE_DUCKDB_THREADS": "1",
}.items():
    os.environ.setdefault(_key, _value)
# The same for the connections tests open themselves (tests.lakes, the warehouse tests), which take no
# settings: about a fifth of the suite's CPU time was DuckDB threads waiting on one another.
DUCKDB_CONFIG["threads"] = 1

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
SEED_000 = SEEDS / "000_8d381c327fafc0c6.txt"
SEED_003 = SEEDS / "003_02b05e878edbd70f.txt"
BIN = Path(sys.executable).parent


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update", action="store_true", help="rewrite tests/golden/ from the current output")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _send_what_is_queued() -> None:
    """Send the logs and events that commands run in this process still hold, while the server is up:
    after it, their workers retry against a closed port for a minute at exit."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogHandler

    with contextlib.suppress(Exception):
        APILogHandler.flush()
    with contextlib.suppress(Exception):
        EventsWorker.drain_all(timeout=10)


# The test processes of one session share one Prefect server: its folder is made by the first pytest
# process (the xdist controller, or pytest alone) and named to the others in this variable.
SHARED_DIR_VARIABLE = "NEWSLAKE_TEST_SESSION_DIR"
_OWNS_SHARED_DIR = pytest.StashKey[Path]()


_EARLY_START = pytest.StashKey[threading.Thread]()


def pytest_configure(config: pytest.Config) -> None:
    if SHARED_DIR_VARIABLE not in os.environ:
        shared = Path(tempfile.mkdtemp(prefix="newslake-tests-"))
        os.environ[SHARED_DIR_VARIABLE] = str(shared)  # the xdist workers start after this and inherit it
        config.stash[_OWNS_SHARED_DIR] = shared
        if getattr(config.option, "numprocesses", None) and not config.option.collectonly:
            # Under xdist, the test processes start, import and collect for 10 s or more before their
            # first test, which then waited as long again for the Prefect server: start it meanwhile.
            early = threading.Thread(target=_start_early, args=(shared, config), name="prefect-server", daemon=True)
            early.start()
            config.stash[_EARLY_START] = early


def _start_early(shared: Path, config: pytest.Config) -> None:
    with contextlib.suppress(Exception):  # the first test that needs the server starts it, and says what failed
        _ensure_prefect_server(shared, _prefect_template(config))


def pytest_unconfigure(config: pytest.Config) -> None:
    shared = config.stash.get(_OWNS_SHARED_DIR, None)
    if shared is None:
        return
    early = config.stash.get(_EARLY_START, None)
    if early is not None:
        early.join(timeout=150)  # a server still starting is stopped once it has
    _stop_prefect_server(shared)
    os.environ.pop(SHARED_DIR_VARIABLE, None)
    shutil.rmtree(shared, ignore_errors=True)


def _prefect_template(config: pytest.Config) -> Path | None:
    """Give back where the database of a just-started Prefect server of this Prefect version is kept
    between sessions (pytest's cache folder), or None when pytest keeps no cache."""
    import prefect

    cache = getattr(config, "cache", None)
    if cache is None:
        return None
    return Path(cache.mkdir("newslake-prefect")) / f"prefect-{prefect.__version__}.db"


def _start_prefect_server(home: Path, template: Path | None = None) -> tuple[str, int]:
    """Start `prefect server` on a free port of 127.0.0.1 with its own home; give back its API URL and
    process id once it answers. It is started by a shell that exits at once, so it is no test process's
    child and outlives the one that asked for it (pytest_unconfigure stops it).

    A new server migrates its empty database first: about 7 of the 10 s of CPU it takes to answer.
    With a template, the server starts on a copy of the database a server of the same Prefect version
    had just after it first answered (made by the first session that had none)."""
    home.mkdir(parents=True, exist_ok=True)
    database = home / "prefect.db"
    if template is not None and template.exists():
        shutil.copyfile(template, database)
        try:
            return _serve_prefect(home)
        except RuntimeError:
            template.unlink(missing_ok=True)  # a template this server cannot start on is made again
            shutil.rmtree(home)
            home.mkdir()
    url, pid = _serve_prefect(home)
    if template is not None and not template.exists() and database.exists():
        _copy_database(database, template)
    return url, pid


def _copy_database(database: Path, target: Path) -> None:
    """Copy a SQLite database that a server has open, consistently (SQLite's online backup)."""
    partial = target.with_name(target.name + ".partial")
    with contextlib.closing(sqlite3.connect(database)) as source, contextlib.closing(sqlite3.connect(partial)) as copy:
        source.backup(copy)
    partial.replace(target)


def _serve_prefect(home: Path) -> tuple[str, int]:
    port = _free_port()
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    log = home / "server.log"
    command = [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    started = subprocess.run(
        ["sh", "-c", f"{shlex.join(command)} </dev/null >{shlex.quote(str(log))} 2>&1 & echo $!"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    pid = int(started.stdout)
    url = f"http://127.0.0.1:{port}/api"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return url, pid
        except OSError:
            time.sleep(0.1)
        if not _alive(pid):
            raise RuntimeError(f"prefect server exited: {log.read_text()[-2000:]}")
    os.kill(pid, signal.SIGTERM)
    raise RuntimeError("prefect server did not become healthy in 120 s")


def _stop_prefect_server(shared: Path) -> None:
    record = shared / "prefect.json"
    if not record.exists():
        return
    pid = int(json.loads(record.read_text())["pid"])
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture(scope="session")
def prefect_api(request: pytest.FixtureRequest) -> Iterator[str]:
    """Give back the API URL of a real `prefect server` on 127.0.0.1, shared by the session's test
    processes: started as the session begins under xdist, else by the first test process that asks."""
    yield _ensure_prefect_server(Path(os.environ[SHARED_DIR_VARIABLE]), _prefect_template(request.config))
    _send_what_is_queued()


def _ensure_prefect_server(shared: Path, template: Path | None) -> str:
    """Give back the API URL of the session's Prefect server, started now if no process did yet."""
    record = shared / "prefect.json"
    with exclusive(shared / "prefect.lock"):
        if not record.exists():
            url, pid = _start_prefect_server(shared / "prefect-home", template)
            record.write_text(json.dumps({"url": url, "pid": pid}))
    return str(json.loads(record.read_text())["url"])


@pytest.fixture(autouse=True)
def _close_kept_readers() -> Iterator[None]:
    """Close the read-only connections tests.lakes keeps for a test's queries once the test ends."""
    yield
    close_readers()


@pytest.fixture(autouse=True)
def _forget_logins() -> Iterator[None]:
    """Forget the logins a test's source URLs left in this process (tasks.logins): a later test's site
    may get the same port."""
    yield
    forget_logins()


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    """Give back a real PostgreSQL server on 127.0.0.1 for this test session."""
    if not postgres_available():
        pytest.fail(f"PostgreSQL is not installed ({PG_BIN}): `.ci/run` installs Debian's postgresql")
    with postgres_server() as server:
        yield server


@pytest.fixture(scope="session")
def s3() -> Iterator[S3]:
    """Give back a real S3-compatible server (moto) on 127.0.0.1 for this test session."""
    with s3_server() as server:
        yield server


@pytest.fixture
def shared_lake(postgres: Postgres, s3: S3, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LakeLocation:
    """Give back an empty shared warehouse: its catalog a new PostgreSQL database, its data files under a
    new bucket. The AWS_* variables that reach the S3 server are set for the test and its subprocesses."""
    for key, value in s3.environ.items():
        monkeypatch.setenv(key, value)
    return LakeLocation(
        root=tmp_path / "lake",
        catalog=postgres.catalog(postgres.new_database()),
        data_path=f"s3://{s3.new_bucket()}/lake/",
    )


CliRunner = Callable[..., "subprocess.CompletedProcess[str] | Outcome"]


def _checked(args: tuple[str, ...], result: subprocess.CompletedProcess[str] | Outcome, check: bool) -> None:
    if check and result.returncode != 0:
        raise AssertionError(f"newslake {' '.join(args)} failed ({result.returncode}):\n{result.stderr[-3000:]}")
    # Every failure a test provokes is an expected one: it is told in a line or two, never a traceback.
    assert "Traceback" not in result.stderr, f"newslake {' '.join(args)} printed a traceback:\n{result.stderr[-3000:]}"


@pytest.fixture
def newslake(prefect_api: str, tmp_path: Path) -> CliRunner:
    """Give back a function that runs the `newslake` command in this process, from tmp_path, against the
    session's Prefect server. Its documents are processed inline (one worker) unless a test asks for
    more: the model then loads once per session."""

    def run(*args: str, check: bool = True, env: dict[str, str] | None = None) -> Outcome:
        result = invoke(args, cwd=tmp_path, prefect_api=prefect_api, env={"NEWSLAKE_WORKERS": "1", **(env or {})})
        _checked(args, result, check)
        return result

    return run


@pytest.fixture
def newslake_process(prefect_api: str, tmp_path: Path) -> CliRunner:
    """Give back a function that runs the real `newslake` command in its own process, for the tests where
    the process boundary is the point (signals, exit codes of the interpreter, concurrent processes)."""

    def run(*args: str, check: bool = True, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        full_env = {**os.environ, "PREFECT_API_URL": prefect_api, "PREFECT_HOME": str(tmp_path / "prefect")}
        full_env.pop("NEWSLAKE_LAKE", None)
        full_env.update(env or {})
        result = subprocess.run(
            [str(BIN / "newslake"), *args],
            cwd=tmp_path,
            env=full_env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        _checked(args, result, check)
        return result

    return run


@pytest.fixture(scope="session")
def seed_lake(prefect_api: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Give back a warehouse that ingested the bundled seeds (shared by read-only tests; do not write to it)."""
    home = tmp_path_factory.mktemp("seed-lake")
    args = ("run", str(SEEDS), "--lake", str(home / "lake"), "--workers", "1", "--no-progress")
    _checked(args, invoke(args, cwd=home, prefect_api=prefect_api), check=True)
    return home / "lake"
