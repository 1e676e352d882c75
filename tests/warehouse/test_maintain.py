"""Warehouse maintenance: small files merged, old snapshots expired, unused files deleted, nothing lost."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest

from newslake.warehouse.lake import connect, write
from newslake.warehouse.maintain import _before_day_of, live_files, maintain, maintain_if_due
from tests.lakes import new_lake


def _lake_with_small_files(root: Path, batches: int = 30) -> tuple[duckdb.DuckDBPyConnection, list[int]]:
    """A migrated warehouse with a table written in many small transactions, as scheduled runs write;
    give back its connection and the snapshot after each batch."""
    con = connect(new_lake(root))
    con.execute("CREATE TABLE notes (n INTEGER, body VARCHAR)")
    versions = []
    for n in range(batches):
        write(con, lambda n=n: con.execute("INSERT INTO notes VALUES (?, repeat('x', 200))", [n]))
        versions.append(con.execute("SELECT max(snapshot_id) FROM ducklake_snapshots('lake')").fetchone()[0])
    return con, versions


def _notes(con: duckdb.DuckDBPyConnection, version: int | None = None) -> list[tuple[int, str]]:
    at = f" AT (VERSION => {version})" if version is not None else ""
    return con.execute(f"SELECT n, body FROM notes{at} ORDER BY n").fetchall()


def test_small_files_are_merged_and_every_row_and_snapshot_stays(tmp_path: Path) -> None:
    con, versions = _lake_with_small_files(tmp_path / "lake")
    rows, at_ten = _notes(con), _notes(con, versions[9])
    files, _ = live_files(con)
    done = maintain(con, keep_snapshots=timedelta(days=30))
    assert done.files_before == files and done.files_merged >= 30
    assert done.files_after <= files - 29  # the table's thirty files are one
    assert done.snapshots_expired == 0 and done.files_deleted == 0  # nothing is older than the retention
    assert _notes(con) == rows and len(rows) == 30
    assert _notes(con, versions[9]) == at_ten and len(at_ten) == 10  # time travel reaches the same rows
    con.close()


def test_snapshots_past_the_retention_expire_and_files_nothing_reads_are_deleted(tmp_path: Path) -> None:
    con, versions = _lake_with_small_files(tmp_path / "lake")
    rows = _notes(con)
    maintain(con, keep_snapshots=timedelta(days=30))
    on_disk = len(list((tmp_path / "lake").rglob("*.parquet")))
    later = datetime.now(UTC) + timedelta(days=3)  # three days on, with a retention of one
    done = maintain(con, keep_snapshots=timedelta(days=1), now=later)
    assert done.snapshots_expired >= 30 and done.files_deleted >= 30
    assert len(list((tmp_path / "lake").rglob("*.parquet"))) == on_disk - done.files_deleted
    assert len(list((tmp_path / "lake").rglob("*.parquet"))) == live_files(con)[0]
    assert _notes(con) == rows
    with pytest.raises(duckdb.Error):
        _notes(con, versions[0])  # expired: time travel no longer reaches it
    con.close()


def test_a_run_maintains_only_past_its_threshold(tmp_path: Path) -> None:
    con, _ = _lake_with_small_files(tmp_path / "lake", batches=5)
    files, _ = live_files(con)
    assert maintain_if_due(con, timedelta(days=30), above_files=0) is None  # 0: never after a run
    assert maintain_if_due(con, timedelta(days=30), above_files=files) is None
    done = maintain_if_due(con, timedelta(days=30), above_files=files - 1)
    assert done is not None and done.files_after < files
    con.close()


@pytest.mark.parametrize(
    ("moment", "cut"),
    [
        (datetime(2026, 12, 6, 1, 9, tzinfo=UTC), datetime(2026, 12, 5, 23, 59, 59, 999999, tzinfo=UTC)),
        (datetime(2026, 12, 6, 23, 59, tzinfo=UTC), datetime(2026, 12, 5, 23, 59, 59, 999999, tzinfo=UTC)),
        # 00:30 in Berlin is still the 5th in UTC
        (
            datetime(2026, 12, 6, 0, 30, tzinfo=timezone(timedelta(hours=1))),
            datetime(2026, 12, 4, 23, 59, 59, 999999, tzinfo=UTC),
        ),
    ],
)
def test_what_is_older_than_a_moment_ends_with_the_day_before_it(moment: datetime, cut: datetime) -> None:
    assert _before_day_of(moment) == cut
