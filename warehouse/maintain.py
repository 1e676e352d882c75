"""Keep a warehouse fast as it grows: small files merged, old snapshots expired, unused files deleted.

Each batch a run loads is a snapshot with a Parquet file for each table it writes, so a warehouse fed
every few minutes gathers thousands of small files, and a query opens every file of the tables it
reads. DuckLake never deletes a file by itself either: every snapshot stays reachable by time travel.
`maintain` first drops the raw bytes of the documents past `lake.keep_raw_days`, when that is set
(their articles stay), then runs DuckLake's own maintenance functions (the steps of its CHECKPOINT) in
this order: merge adjacent files, rewrite the files whose rows are mostly deleted, expire the snapshots older than
the retention, and delete the files that no kept snapshot uses once they have waited `FILE_GRACE`
(a reader that began before may still be reading them). A merge keeps time travel whole: the merged
file records the snapshot each of its rows came in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import duckdb

from newslake.warehouse.lake import read_sql, write

FILE_GRACE = timedelta(hours=1)  # how long a file no snapshot uses waits before it is deleted


@dataclass(frozen=True)
class Maintenance:
    """What one maintenance did: the live files (data and deletes) before and after, and the work."""

    files_before: int
    bytes_before: int
    files_after: int
    bytes_after: int
    files_merged: int  # files read by the merge and the rewrite
    snapshots_expired: int
    files_deleted: int
    raw_dropped: int = 0  # documents whose raw bytes were dropped (lake.keep_raw_days)

    def describe(self) -> str:
        """Give back one line: the files before and after, and what was expired and deleted."""
        line = (
            f"files: {self.files_before:,} ({_size(self.bytes_before)}) before, {self.files_after:,} "
            f"({_size(self.bytes_after)}) after; {self.files_merged:,} merged, {self.snapshots_expired:,} snapshots "
            f"expired, {self.files_deleted:,} unused files deleted"
        )
        return f"{describe_dropped(self.raw_dropped)}; {line}" if self.raw_dropped else line


def describe_dropped(documents: int) -> str:
    """Give back what dropping raw bytes did, in words."""
    return f"raw bytes of {documents:,} documents dropped (lake.keep_raw_days)"


def _size(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{size / 1e3:.1f} kB"


def live_files(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """Give back how many data and delete files the warehouse's current snapshot reads, and their bytes."""
    files, size = con.execute(read_sql("maintain_files")).fetchone() or (0, 0)
    return int(files), int(size)


def drop_raw(con: duckdb.DuckDBPyConnection, keep_raw: timedelta, now: datetime | None = None) -> int:
    """Drop the raw bytes of the documents stored more than `keep_raw` ago, in one transaction;
    give back how many documents. The rows stay, with `content_dropped_at` set: their articles, and the
    hash that tells a run the same bytes are nothing new, are kept. The bytes leave the disk once the
    snapshots before this one expire. Checking costs a scan of the documents' times, not their bytes."""
    now = now or datetime.now(UTC)
    params = {"older_than": now - keep_raw}
    due = con.execute(read_sql("raw_due"), params).fetchone()
    if not due or not due[0]:
        return 0  # no transaction, no snapshot

    def work() -> int:
        updated = con.execute(read_sql("drop_raw"), params | {"now": now}).fetchone()  # the rows changed
        return int(updated[0]) if updated else 0

    return write(con, work)


def maintain(
    con: duckdb.DuckDBPyConnection,
    keep_snapshots: timedelta,
    now: datetime | None = None,
    keep_raw: timedelta | None = None,
) -> Maintenance:
    """Drop the raw bytes older than `keep_raw` (when given), merge, rewrite, expire the snapshots older
    than `keep_snapshots`, and delete unused files that have waited `FILE_GRACE`; each step is a
    transaction of its own. Give back what was done."""
    now = now or datetime.now(UTC)
    files_before, bytes_before = live_files(con)
    dropped = drop_raw(con, keep_raw, now) if keep_raw is not None else 0
    # A DuckLake transaction either changes data or compacts it, so these take no write token: a
    # writer that commits meanwhile makes the compaction conflict, and `write` runs it again.
    merged = write(con, lambda: _files_read(con, "maintain_merge"), token=False)
    merged += write(con, lambda: _files_read(con, "maintain_rewrite"), token=False)
    expired = write(con, lambda: len(_call(con, "maintain_expire", _before_day_of(now - keep_snapshots))), token=False)
    deleted = write(con, lambda: len(_call(con, "maintain_cleanup", _before_day_of(now - FILE_GRACE))), token=False)
    files_after, bytes_after = live_files(con)
    return Maintenance(files_before, bytes_before, files_after, bytes_after, merged, expired, deleted, dropped)


def maintain_if_due(con: duckdb.DuckDBPyConnection, keep_snapshots: timedelta, above_files: int) -> Maintenance | None:
    """Maintain the warehouse when its live files outnumber above_files (0: never); give back what was
    done, or None."""
    if above_files <= 0 or live_files(con)[0] <= above_files:
        return None
    return maintain(con, keep_snapshots)


def _before_day_of(moment: datetime) -> datetime:
    """Give back the last instant of the day before moment's (UTC) day. DuckLake's embedded catalog keeps
    its times as text and compares them with the time it is given by day: anything from that day
    counted as older, however late in it. A time at the end of the day before keeps every file and
    snapshot newer than moment, with either catalog; what waits, waits up to a day longer."""
    return datetime.combine(moment.astimezone(UTC).date(), time(), UTC) - timedelta(microseconds=1)


def _files_read(con: duckdb.DuckDBPyConnection, name: str) -> int:
    # Each row: schema, table, files processed, files created.
    return sum(int(row[2]) for row in con.execute(read_sql(name)).fetchall())


def _call(con: duckdb.DuckDBPyConnection, name: str, older_than: datetime) -> list[tuple[object, ...]]:
    return con.execute(read_sql(name), {"older_than": older_than}).fetchall()
