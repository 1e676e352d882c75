"""Forget documents for good: a publisher's takedown, a person's erasure request.

`forget` removes what was found at the given URLs or files, or on the given hosts, from every table
that holds it (the raw document, its article in every version, the entities only it named, its quotes,
links, fetches, quarantine rows, story clusters) and records it in `forgotten`, so that no later run
stores it again: a listing that names the URL (or a page of the host) again does not fetch it, and the
same bytes found anywhere are passed over.
The rows leave the current snapshot at once. Older snapshots still hold them for time travel until
they expire; `purge` takes them out of every file now.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial

import duckdb
import pyarrow as pa

from newslake.warehouse.lake import LakeLocation, execute_staged, read_sql, sqlite_catalog, staged, transaction, write

# Tables forget.sql deletes from, in the order the command's summary lists them.
FORGET_TABLES = (
    "documents",
    "document_sources",
    "articles",
    "article_versions",
    "mentions",
    "entity_mentions",
    "quotes",
    "links",
    "entities",
    "quarantine",
    "fetches",
)

# The tables a purge rewrites: those, the ones forget.sql deletes from without a count of their own,
# and seen_urls, which it updates.
PURGED_TABLES = (
    *FORGET_TABLES,
    "entity_aliases",
    "article_clusters",
    "cluster_signatures",
    "cluster_bands",
    "seen_urls",
)


@dataclass(frozen=True)
class Forgetting:
    """What forget found for the targets: documents, articles and the URIs they were found at."""

    documents: list[str]
    articles: list[str]
    uris: list[str]
    entities: list[str]


def _column(con: duckdb.DuckDBPyConnection, name: str) -> list[str]:
    return sorted(str(row[0]) for row in con.execute(read_sql(name)).fetchall())


def _strings(name: str, values: Sequence[str]) -> pa.Table:
    return pa.table({name: pa.array(list(values), pa.string())})


def find_forgettable(con: duckdb.DuckDBPyConnection, targets: Sequence[str], hosts: Sequence[str] = ()) -> Forgetting:
    """Give back what the targets (source URIs, page URLs, canonical URLs) and hosts (each with its
    subdomains) name in the warehouse now."""
    with transaction(con):
        return _find(con, targets, hosts)


def _find(con: duckdb.DuckDBPyConnection, targets: Sequence[str], hosts: Sequence[str]) -> Forgetting:
    tables = {"staged_targets": _strings("uri", targets), "staged_hosts": _strings("host", hosts)}
    with staged(con, tables):
        documents = _column(con, "forget_documents")
        with staged(con, {"staged_forget_documents": _strings("doc_id", documents)}):
            articles = _column(con, "forget_articles")
            uris = _column(con, "forget_uris")
            with staged(con, {"staged_forget_articles": _strings("article_id", articles)}):
                entities = _column(con, "forget_entities")
    return Forgetting(documents, articles, uris, entities)


def forget(
    con: duckdb.DuckDBPyConnection,
    targets: Sequence[str],
    reason: str,
    hosts: Sequence[str] = (),
    now: datetime | None = None,
) -> tuple[Forgetting, dict[str, int]]:
    """Remove what the targets and hosts name from every table, in one transaction, and record it in
    `forgotten` (a host as such: no later run stores a page of it or of its subdomains). Give back what
    was found and how many rows each table lost."""
    at = now or datetime.now(UTC)

    def remove() -> tuple[Forgetting, dict[str, int]]:
        found = _find(con, targets, hosts)
        before = _counts(con)
        tables = forget_tables(found, reason, at, hosts)
        with staged(con, tables):
            execute_staged(con, read_sql("forget"), tables)
        after = _counts(con)
        return found, {table: before[table] - after[table] for table in FORGET_TABLES}

    return write(con, remove)


def forget_tables(found: Forgetting, reason: str, at: datetime, hosts: Sequence[str] = ()) -> dict[str, pa.Table]:
    """Give back the staged tables forget.sql reads."""
    keys = [(d, "doc_id") for d in found.documents] + [(u, "source_uri") for u in found.uris]
    keys += [(h, "host") for h in hosts]
    return {
        "staged_forget_documents": _strings("doc_id", found.documents),
        "staged_forget_articles": _strings("article_id", found.articles),
        "staged_forget_uris": _strings("uri", found.uris),
        "staged_forget_entities": _strings("entity_id", found.entities),
        "staged_forgotten": pa.table(
            {
                "key": pa.array([k for k, _ in keys], pa.string()),
                "key_kind": pa.array([kind for _, kind in keys], pa.string()),
                "reason": pa.array([reason] * len(keys), pa.string()),
                "forgotten_at": pa.array([at] * len(keys), pa.timestamp("us", tz="UTC")),
            }
        ),
    }


def _counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    query = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in FORGET_TABLES)  # names from FORGET_TABLES
    return {str(name): int(count) for name, count in con.execute(query).fetchall()}


@dataclass(frozen=True)
class Purge:
    """What a purge did: files rewritten without deleted rows, snapshots expired, files deleted."""

    files_rewritten: int
    snapshots_expired: int
    files_deleted: int


def purge(con: duckdb.DuckDBPyConnection) -> Purge:
    """Take deleted rows out of every file now: rewrite each data file that has any, expire every
    snapshot but the current one, and delete the files no snapshot uses any more, at once. Time travel
    then reaches only the current snapshot, and a query that was reading an older one fails. Call it
    on a connection that has not written yet: DuckLake 1.5.5's compactor fails on one that has."""
    # Like maintenance, these take no write token (warehouse/maintain.py): a writer that commits meanwhile
    # makes a step conflict, and `write` runs it again.
    rewritten = 0
    for table in PURGED_TABLES:
        rewritten += write(con, partial(_rewritten, con, table), token=False)
    older = [int(row[0]) for row in con.execute(read_sql("purge_snapshots")).fetchall()]
    if older:
        write(con, lambda: con.execute(read_sql("purge_expire"), {"versions": older}).fetchall(), token=False)
    deleted = write(con, lambda: len(con.execute(read_sql("purge_cleanup")).fetchall()), token=False)
    return Purge(rewritten, len(older), deleted)


def compact_catalog(location: LakeLocation) -> bool:
    """Rewrite the embedded catalog's SQLite file without its free pages, where deleted catalog rows
    (the expired files' column statistics: a name can be a file's smallest or largest value) stay
    readable until SQLite reuses them; give back whether there was one. Call it with no connection to
    the warehouse open. A PostgreSQL catalog frees them at its next VACUUM."""
    catalog = sqlite_catalog(location)
    if catalog is None:
        return False
    with contextlib.closing(sqlite3.connect(catalog)) as db:
        db.execute("VACUUM")
    return True


def _rewritten(con: duckdb.DuckDBPyConnection, table: str) -> int:
    # Each row: schema, table, files processed, files created.
    return sum(int(row[2]) for row in con.execute(read_sql("purge_rewrite"), {"table": table}).fetchall())
