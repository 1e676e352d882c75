"""Per-source state in the warehouse: listing validators, seen URLs and how each source's runs went."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import duckdb
import pyarrow as pa

from newslake.warehouse.lake import execute_staged, read_sql, records, staged, transaction, write
from newslake.warehouse.load import FetchRow, fetch_table

# Transient failures are tried again by later runs, this many runs in all.
MAX_FETCH_ATTEMPTS = 3
UrlStatus = Literal["pending", "done", "failed", "skipped"]


@dataclass(frozen=True)
class SeenUrl:
    """What the warehouse knows of one listed URL."""

    url: str
    status: UrlStatus
    modified_at: datetime | None
    doc_id: str | None
    attempts: int
    reason: str | None


@dataclass(frozen=True)
class ListedRow:
    """A seen_urls row a poll writes: a new or changed item to fetch (pending) or one it skips."""

    url: str
    source: str
    listed_at: datetime
    modified_at: datetime | None
    status: UrlStatus = "pending"
    reason: str | None = None


@dataclass(frozen=True)
class Validators:
    """Conditional-GET validators of one feed or sitemap."""

    source: str
    url: str
    etag: str | None
    last_modified: str | None
    checked_at: datetime


_LISTED_SCHEMA = pa.schema(
    [
        ("url", pa.string()),
        ("source", pa.string()),
        ("listed_at", pa.timestamp("us", tz="UTC")),
        ("modified_at", pa.timestamp("us", tz="UTC")),
        ("status", pa.string()),
        ("reason", pa.string()),
    ]
)
_VALIDATOR_SCHEMA = pa.schema(
    [
        ("source", pa.string()),
        ("url", pa.string()),
        ("etag", pa.string()),
        ("last_modified", pa.string()),
        ("checked_at", pa.timestamp("us", tz="UTC")),
    ]
)


def seen_urls(con: duckdb.DuckDBPyConnection, urls: list[str]) -> dict[str, SeenUrl]:
    """Give back what is known of each URL already seen, in one query."""
    if not urls:
        return {}
    with transaction(con), staged(con, {"staged_urls": pa.table({"url": pa.array(urls, pa.string())})}):
        rows = con.execute(read_sql("seen_lookup")).fetchall()
    return {row[0]: SeenUrl(*row) for row in rows}


def forgotten_hosts(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Give back the hosts `newslake forget --host` removed: no page of them, or of their subdomains,
    is fetched again."""
    return [str(row[0]) for row in con.execute("SELECT key FROM forgotten WHERE key_kind = 'host'").fetchall()]


def pending_urls(
    con: duckdb.DuckDBPyConnection, source: str, private_allowed: bool = False
) -> list[tuple[str, datetime | None]]:
    """Give back the URLs of a source earlier runs left to fetch: pending, failed for a transient reason,
    or refused for a private address when this run's policy lets some through (private_allowed)."""
    rows = con.execute(
        read_sql("pending_urls"),
        {"source": source, "max_attempts": MAX_FETCH_ATTEMPTS, "private_allowed": private_allowed},
    ).fetchall()
    return [(url, modified) for url, modified in rows]


def listing_validators(con: duckdb.DuckDBPyConnection, source: str) -> dict[str, tuple[str | None, str | None]]:
    """Give back the ETag and Last-Modified last seen for each feed or sitemap URL of a source."""
    rows = con.execute("SELECT url, etag, last_modified FROM listing_validators WHERE source = ?", [source]).fetchall()
    return {url: (etag, modified) for url, etag, modified in rows}


def record_poll(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    listed: list[ListedRow],
    validators: list[Validators],
    listing_fetches: list[FetchRow],
) -> None:
    """Store a poll's validators, listing fetches and items to fetch, in one transaction."""
    tables = poll_tables(run_id, listed, validators, listing_fetches)

    def record() -> None:
        with staged(con, tables):
            execute_staged(con, read_sql("record_poll"), tables)

    write(con, record)


def poll_tables(
    run_id: str, listed: list[ListedRow], validators: list[Validators], listing_fetches: list[FetchRow]
) -> dict[str, pa.Table]:
    """Give back the staged tables record_poll.sql reads."""
    return {
        "staged_listed": pa.Table.from_pylist([r.__dict__ for r in listed], schema=_LISTED_SCHEMA),
        "staged_validators": pa.Table.from_pylist([v.__dict__ for v in validators], schema=_VALIDATOR_SCHEMA),
        "staged_listing_fetches": fetch_table(run_id, listing_fetches),
    }


def record_source_run(con: duckdb.DuckDBPyConnection, values: dict[str, Any]) -> None:
    """Record how a run of a source went (source, kind, location, run_id, polled_at, status, items_*, error)."""

    def record() -> None:
        con.execute(read_sql("source_state_upsert"), values)
        con.execute(
            "DELETE FROM source_state WHERE source = ? AND last_run_id <> ?", [values["source"], values["run_id"]]
        )

    write(con, record)


def failing_sources(con: duckdb.DuckDBPyConnection, names: list[str]) -> set[str]:
    """Give back those of the named sources whose listing failed in their last recorded run."""
    if not names:
        return set()
    rows = con.execute(read_sql("failing_sources"), {"names": names}).fetchall()
    return {row[0] for row in rows}


def list_sources(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, Any]]:
    """Give back the recorded state of every source that has run, by name."""
    return {row["source"]: row for row in records(con.execute(read_sql("sources_list")))}


def retry_failed_urls(
    con: duckdb.DuckDBPyConnection, source: str | None = None, reason: str | None = None
) -> list[tuple[str, str, int]]:
    """Make failed URLs pending again (all, or of one source, or with reasons starting with `reason`),
    so the next run of their source fetches them; give back (source, reason, URLs) of what changed."""
    params = {"source": source, "reason": reason}

    def retry() -> list[tuple[str, str, int]]:
        counts = [(str(s), str(r), int(n)) for s, r, n in con.execute(read_sql("failed_urls"), params).fetchall()]
        if counts:
            con.execute(read_sql("retry_failed"), params)
        return counts

    return write(con, retry)
