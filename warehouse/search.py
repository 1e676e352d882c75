"""Full-text search over articles: a BM25 index (DuckDB's fts extension) kept beside the lake.

The index lives in its own DuckDB file, `<lake>/search.duckdb`. After each run that changed articles
a copy of it is brought up to date and swapped in with a rename, so a search never waits for a run and
never sees half an index. Bringing it up to date touches only the articles that changed: their old
postings go, their new ones come in, in the extension's own tables, so the cost of a run's index update
follows the run's size, not the lake's. A missing index, one of an older layout, or one where more than
REBUILD_SHARE of the articles changed is built anew with the extension's create_fts_index.

A run marks the index stale (`<lake>/.search-pending`) before it loads a batch with articles, and the
refresh clears the mark once the new index is in place. A run killed in between leaves the mark, so the
next run refreshes the index even when it loads nothing itself, and removes the killed refresh's copy.
"""

from __future__ import annotations

import fcntl
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from newslake.warehouse.lake import LakeLocation, connect, load_extensions, open_duckdb, read_sql, sql_literal

INDEX_FILE = "search.duckdb"
PENDING_FILE = ".search-pending"  # articles were loaded that the index may not hold yet
REBUILD_SHARE = 0.5  # above this share of the index's articles changed, building anew costs less


@dataclass(frozen=True)
class SearchRefresh:
    """What bringing the search index up to date did."""

    articles: int  # articles in the index now
    changed: int  # articles added, replaced or taken out (all of them when rebuilt)
    rebuilt: bool  # built anew rather than updated in place


class SearchIndexMissingError(RuntimeError):
    """Raised when the warehouse has no search index yet."""


def index_path(location: LakeLocation) -> Path:
    """Give back where the search index of a lake is."""
    return location.root / INDEX_FILE


def mark_search_stale(location: LakeLocation) -> None:
    """Record that articles are about to load which the search index does not hold yet."""
    (location.root / PENDING_FILE).touch(exist_ok=True)


def search_needs_refresh(location: LakeLocation, articles_loaded: int) -> bool:
    """Tell whether the index must be brought up to date: the run loaded articles, there is no index
    yet, or an earlier run loaded articles and stopped before its refresh was done."""
    return articles_loaded > 0 or not index_path(location).exists() or (location.root / PENDING_FILE).exists()


def refresh_search_index(con: duckdb.DuckDBPyConnection, location: LakeLocation) -> SearchRefresh:
    """Bring the search index up to date with the lake's current articles and swap it in."""
    with _refresh_lock(location):
        _remove_leftovers(location)
        done = _refresh(con, location)
        (location.root / PENDING_FILE).unlink(missing_ok=True)
    return done


@contextmanager
def _refresh_lock(location: LakeLocation) -> Iterator[None]:
    # One refresh at a time per lake, so the leftovers of a killed refresh can be removed safely.
    location.root.mkdir(parents=True, exist_ok=True)
    with (location.root / ".search.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove_leftovers(location: LakeLocation) -> None:
    for leftover in location.root.glob(".search-*.duckdb*"):
        leftover.unlink(missing_ok=True)


def _refresh(con: duckdb.DuckDBPyConnection, location: LakeLocation) -> SearchRefresh:
    target = index_path(location)
    building = target.with_name(f".search-{uuid.uuid4().hex}.duckdb")
    try:
        con.execute(read_sql("search_docs"))
        changed: int | None = None
        if target.exists():
            shutil.copyfile(target, building)
            changed = _planned_update(con, building)
            if changed is None:
                building.unlink()
        rebuild = changed is None
        if rebuild:
            con.execute(f"ATTACH {sql_literal(building)} AS search_build")
            try:
                con.execute("CREATE TABLE search_build.docs AS SELECT * FROM search_docs")
            finally:
                con.execute("DETACH search_build")
        index = open_duckdb(str(building))
        try:
            load_extensions(index, "fts")
            if rebuild:
                index.execute("PRAGMA create_fts_index('docs', 'article_id', 'title', 'text', overwrite = 1)")
            else:
                index.execute(read_sql("search_update"))
            index.execute("CHECKPOINT")
            row = index.execute("SELECT count(*) FROM docs").fetchone()
        finally:
            index.close()
        building.replace(target)
    finally:
        building.unlink(missing_ok=True)
        Path(f"{building}.wal").unlink(missing_ok=True)
    articles = int(row[0]) if row else 0
    return SearchRefresh(articles, articles if changed is None else changed, rebuild)


def _planned_update(con: duckdb.DuckDBPyConnection, building: Path) -> int | None:
    """Stage what a copy of the index lacks (search_changes.sql) and give back how many articles that
    is; None when building anew is the way: the copy's layout is older than this code's, or more than
    REBUILD_SHARE of its articles changed."""
    con.execute(f"ATTACH {sql_literal(building)} AS search_build")
    try:
        layout = con.execute(
            "SELECT (SELECT count(*) FROM duckdb_columns() WHERE database_name = 'search_build' "
            "AND schema_name = 'main' AND table_name = 'docs' AND column_name = 'run_id'), "
            "(SELECT count(*) FROM duckdb_tables() WHERE database_name = 'search_build' "
            "AND schema_name = 'fts_main_docs' AND table_name IN ('docs', 'dict', 'terms', 'stats', 'fields'))"
        ).fetchone()
        if layout != (1, 5):
            return None
        con.execute(read_sql("search_changes"))
        counts = con.execute(
            "SELECT (SELECT count(*) FROM (SELECT article_id FROM search_build.search_stale "
            "UNION SELECT article_id FROM search_build.search_fresh)), (SELECT count(*) FROM search_build.docs)"
        ).fetchone()
        if counts is None or counts[0] > REBUILD_SHARE * counts[1]:
            return None
        return int(counts[0])
    finally:
        con.execute("DETACH search_build")


def index_is_current(con: duckdb.DuckDBPyConnection, location: LakeLocation) -> bool:
    """Tell whether the search index holds the lake's articles as they are now: the same article ids,
    each in the same version (the run that loaded it, and when). Compared as a count and an
    order-independent hash, so only three columns of the articles are read."""
    target = index_path(location)
    if not target.exists():
        return False
    fingerprint = "SELECT count(*), bit_xor(hash(article_id, run_id, extracted_at)) FROM {}"
    con.execute(f"ATTACH {sql_literal(target)} AS search_check (READ_ONLY)")
    try:
        indexed = con.execute(fingerprint.format("search_check.docs")).fetchone()
    except duckdb.CatalogException:
        return False  # an index of an older layout
    finally:
        con.execute("DETACH search_check")
    return indexed == con.execute(fingerprint.format("lake.articles")).fetchone()


def search_articles(
    location: LakeLocation, query: str, since: date | datetime | None, entity: str | None, limit: int
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Give back the articles matching the query, best first (columns, rows); text is the full text."""
    con = connect(location, read_only=True)  # says what to do when there is no warehouse yet
    try:
        target = index_path(location)
        if location.shared and not index_is_current(con, location):
            # Each machine keeps its own index of a shared warehouse, and other machines' runs do
            # not update it: it catches up here, with the articles loaded since it was built.
            refresh_search_index(con, location)
        if not target.exists():
            raise SearchIndexMissingError(
                f"no search index at {target}: it is built by every run that loads articles; run `newslake run` once"
            )
        load_extensions(con, "fts")
        con.execute(f"ATTACH {sql_literal(target)} AS search (READ_ONLY)")
        con.execute("USE search")
        result = con.execute(
            read_sql("search_articles"), {"query": query, "since": since, "entity": entity, "limit": limit}
        )
        return [d[0] for d in result.description or []], result.fetchall()
    finally:
        con.close()
