"""Expected failures are told in one line: real errors from the system, recognised and explained."""

from __future__ import annotations

import sqlite3
import subprocess
import tempfile
from pathlib import Path

import pytest

from newslake.flows.errors import ExpectedError, explain_failure, first_line
from tests.conftest import SEEDS, CliRunner
from tests.users import as_nobody


def _raised(action) -> BaseException:  # type: ignore[no-untyped-def]
    try:
        action()
    except BaseException as exc:
        return exc
    raise AssertionError("nothing was raised")


def test_a_full_disk_is_explained() -> None:
    def write_to_full_device() -> None:
        with Path("/dev/full").open("wb") as device:  # always answers ENOSPC
            device.write(b"x")
            device.flush()

    message = explain_failure(_raised(write_to_full_device), "/data/lake")
    assert message is not None and "disk holding /data/lake is full" in message


def test_no_permission_is_explained() -> None:
    with tempfile.TemporaryDirectory() as folder:
        Path(folder).chmod(0o755)
        with as_nobody():
            error = _raised(lambda: (Path(folder) / "catalog.sqlite").write_bytes(b"x"))
    message = explain_failure(error, "/data/lake")
    assert message is not None and "no permission to write" in message


def test_a_locked_catalog_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    other = sqlite3.connect(path, timeout=0.1)
    error = _raised(lambda: other.execute("CREATE TABLE t (x)"))
    holder.close()
    other.close()
    message = explain_failure(error, tmp_path)
    assert message is not None and "database is locked" in message and "run again" in message


def test_a_catalog_connection_lost_without_a_reason_is_explained() -> None:
    import duckdb

    # What DuckDB raised when PostgreSQL stopped in the middle of a batch's transaction (seen in
    # test_postgres_stopped_mid_run_is_told_and_a_rerun_finishes): libpq gave no message at all.
    message = explain_failure(duckdb.Error('Failed to execute query "ROLLBACK": '), "/data/lake")
    assert message is not None and "PostgreSQL catalog stopped answering (connection lost)" in message
    assert explain_failure(duckdb.Error('Failed to execute query "SELECT 1": syntax error'), "/x") is None


def test_other_errors_keep_their_traceback() -> None:
    assert explain_failure(ValueError("a bug"), "/data/lake") is None
    assert explain_failure(ExpectedError("told already"), "/x") == "told already"
    assert first_line(RuntimeError("first\nsecond")) == "first"
    quoted = RuntimeError('IO Error: Unable to connect to Postgres at "dbname=news password=hunter2": refused')
    assert first_line(quoted) == 'IO Error: Unable to connect to Postgres at "dbname=news password=***": refused'


@pytest.mark.slow
def test_a_run_on_a_full_disk_fails_in_a_few_lines(newslake_process: CliRunner, tmp_path: Path) -> None:
    # A process of its own: the small file system is unmounted after it, which an open file would stop.
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"a small file system for the full disk needs mount (as root): {mounted.stderr.decode()[:200]}")
    try:
        (disk / "filler").write_bytes(b"\0" * 2_700_000)  # leaves about 400 KB: less than a run writes
        result = newslake_process("run", str(SEEDS), "--lake", str(disk / "lake"), "--workers", "1", check=False)
    finally:
        subprocess.run(["umount", str(disk)], check=True)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert any(line.startswith("Error: the disk holding") for line in result.stderr.splitlines()), result.stderr
    assert len(result.stderr.strip().splitlines()) <= 6, result.stderr


@pytest.mark.slow
def test_a_run_on_a_read_only_lake_fails_in_a_few_lines_and_reads_still_answer(
    newslake: CliRunner, tmp_path: Path
) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"a file system to make read-only needs mount (as root): {mounted.stderr.decode()[:200]}")
    lake = disk / "lake"
    try:
        newslake("run", str(SEEDS), "--lake", str(lake), "--workers", "1")
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        result = newslake("run", str(SEEDS), "--lake", str(lake), "--workers", "1", check=False)
        answer = newslake("sql", "SELECT count(*) AS n FROM articles", "--lake", str(lake), "--format", "csv")
    finally:
        subprocess.run(["umount", str(disk)], check=True)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    # The one line; Prefect may add a warning of its own as the process exits.
    assert any(line.startswith("Error: ") and "read-only file system" in line for line in result.stderr.splitlines())
    assert answer.stdout.split() == ["n", "2"]


def test_an_object_store_that_does_not_answer_is_explained() -> None:
    import duckdb

    from newslake.warehouse.lake import load_extensions, s3_secret_sql
    from tests.services import free_port

    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    load_extensions(con, "httpfs")
    con.execute(s3_secret_sql({"AWS_ACCESS_KEY_ID": "k", "AWS_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}"}))
    error = _raised(lambda: con.execute("COPY (SELECT 1 AS x) TO 's3://bucket/x.parquet'"))
    message = explain_failure(error, "s3://bucket/")
    assert message is not None and "object store does not answer" in message


def test_a_temporary_prefect_server_that_does_not_answer_in_time_is_explained(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect.settings import PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, temporary_settings

    from newslake.flows.temporary_server import TemporaryServer, log_path

    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    server = TemporaryServer()
    try:
        with temporary_settings(updates={PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS: 0}):
            error = _raised(server.start)  # the real timeout, as a busy machine meets it
    finally:
        server.stop()
    message = explain_failure(error, "/data/lake")
    assert message is not None and "did not answer in time" in message and "run.prefect_server" in message
    assert str(log_path()) in message and log_path().parent == tmp_path


def test_a_temporary_prefect_server_is_given_two_minutes_to_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    # Regression: Prefect's own 20 s, counted in sleeps, ran out on a busy machine and the run failed.
    from prefect.settings import PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS

    from newslake.flows.cli import prefect_api
    from newslake.flows.settings import Settings

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", raising=False)
    with prefect_api(Settings.model_validate({"run": {"prefect_server": "temporary"}})):
        assert PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value() == 120  # the shared server's wait
    monkeypatch.setenv("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "300")  # the user's own choice stands
    with prefect_api(Settings.model_validate({"run": {"prefect_server": "temporary"}})):
        assert PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value() == 300


def test_a_prefect_server_gone_during_a_command_is_explained() -> None:
    import httpx

    from tests.conftest import _free_port

    error = _raised(lambda: httpx.get(f"http://127.0.0.1:{_free_port()}/api/health"))  # nothing listens there
    message = explain_failure(error, "/data/lake")
    assert message is not None and "Prefect server at" in message and "stopped answering (ConnectError)" in message


def test_a_run_whose_prefect_server_goes_away_ends_in_one_line(
    newslake: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What Prefect's client raises when its server is gone mid-run, after its retries (about a minute
    # against a real stopped server): a traceback before, one line now.
    import httpx

    from newslake.flows import ingest

    def server_gone(*_args: object, **_kwargs: object) -> None:
        raise httpx.ConnectError("All connection attempts failed")

    monkeypatch.setattr(ingest, "run_batches", server_gone)
    result = newslake("run", str(SEEDS), "--no-progress", check=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "Prefect server at" in result.stderr and "stopped answering (ConnectError)" in result.stderr
