"""Warehouse maintenance: small files merged, old snapshots expired, unused files deleted, raw bytes past
their retention dropped, nothing else lost."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest

from newslake.warehouse.lake import connect, write
from newslake.warehouse.maintain import _before_day_of, drop_raw, live_files, maintain, maintain_if_due
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


NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def _lake_with_documents(root: Path) -> duckdb.DuckDBPyConnection:
    """A warehouse whose documents were stored by a run 40 days ago and by one today; one page of an old
    web archive, found in 2019, was stored today; one row has no run recorded (found 40 days ago)."""
    con = connect(new_lake(root))
    old, new = NOW - timedelta(days=40), NOW - timedelta(hours=1)
    rows = [
        ("a-old", "old-run", old, b"<p>old</p>"),
        ("b-new", "new-run", new, b"<p>new</p>"),
        ("c-archive", "new-run", datetime(2019, 5, 1, tzinfo=UTC), b"<p>archived</p>"),
        ("d-no-run", "gone-run", old, b"<p>no run</p>"),
    ]

    def work() -> None:
        for run_id, started in (("old-run", old), ("new-run", new)):
            con.execute("INSERT INTO runs (run_id, started_at) VALUES (?, ?)", [run_id, started])
        for doc_id, run_id, found, content in rows:
            con.execute(
                "INSERT INTO documents (doc_id, source_uri, discovered_at, byte_size, content, run_id) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [doc_id, f"file:///{doc_id}.html", found, len(content), content, run_id],
            )

    write(con, work)
    return con


def _contents(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[bytes | None, bool]]:
    rows = con.execute("SELECT doc_id, content, content_dropped_at IS NOT NULL FROM documents ORDER BY 1").fetchall()
    return {doc_id: (content, dropped) for doc_id, content, dropped in rows}


def _snapshots(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("SELECT count(*) FROM ducklake_snapshots('lake')").fetchone()[0])


def test_raw_bytes_stored_before_the_retention_are_dropped_and_the_rows_stay(tmp_path: Path) -> None:
    con = _lake_with_documents(tmp_path / "lake")
    assert drop_raw(con, timedelta(days=30), now=NOW) == 2
    assert _contents(con) == {
        "a-old": (None, True),
        "b-new": (b"<p>new</p>", False),
        # timed by the run that stored it, not by when the archive found it
        "c-archive": (b"<p>archived</p>", False),
        "d-no-run": (None, True),  # no run recorded: by when it was found
    }
    snapshots = _snapshots(con)
    assert drop_raw(con, timedelta(days=30), now=NOW) == 0  # nothing left to drop: no transaction
    assert _snapshots(con) == snapshots
    assert drop_raw(con, timedelta(0), now=NOW) == 2  # 0 days: every document's bytes go
    assert all(content is None and dropped for content, dropped in _contents(con).values())
    con.close()


def test_maintenance_drops_raw_bytes_only_when_given_a_retention(tmp_path: Path) -> None:
    con = _lake_with_documents(tmp_path / "lake")
    kept = maintain(con, keep_snapshots=timedelta(days=30), now=NOW)
    assert kept.raw_dropped == 0 and "raw bytes" not in kept.describe()
    assert all(content is not None for content, _ in _contents(con).values())
    done = maintain(con, keep_snapshots=timedelta(days=30), now=NOW, keep_raw=timedelta(days=30))
    assert done.raw_dropped == 2
    assert done.describe().startswith("raw bytes of 2 documents dropped (lake.keep_raw_days); files:")
    con.close()
