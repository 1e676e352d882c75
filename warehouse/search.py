"""Full-text search over articles: a BM25 index (DuckDB's fts extension) kept beside the lake.

The index lives in its own DuckDB file, `<lake>/search.duckdb`, rebuilt after each run that changed
articles into a new file and swapped in with a rename, so a search never waits for a run and never sees
half an index.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from warehouse.lake import LakeLocation, connect, load_extensions, sql_literal
from warehouse.load import read_sql

INDEX_FILE = "search.duckdb"
_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}


class SearchIndexMissingError(RuntimeError):
    """Raised when the warehouse has no search index yet."""


def index_path(location: LakeLocation) -> Path:
    """Give back where the search index of a lake is."""
    return location.root / INDEX_FILE


def refresh_search_index(con: duckdb.DuckDBPyConnection, location: LakeLocation) -> int:
    """Rebuild the search index from the lake's current articles and swap it in; give back articles indexed."""
    target = index_path(location)
    building = target.with_name(f".search-{uuid.uuid4().hex}.duckdb")
    try:
        con.execute(f"ATTACH {sql_literal(building)} AS search_build")
        try:
            con.execute(
                "CREATE TABLE search_build.docs AS SELECT article_id, title, site_name, language, "
                "published_at, extracted_at, url, text FROM lake.articles"
            )
            row = con.execute("SELECT count(*) FROM search_build.docs").fetchone()
        finally:
            con.execute("DETACH search_build")
        index = duckdb.connect(str(building), config=_CONFIG)
        try:
            load_extensions(index, "fts")
            index.execute("PRAGMA create_fts_index('docs', 'article_id', 'title', 'text', overwrite = 1)")
            index.execute("CHECKPOINT")
        finally:
            index.close()
        building.replace(target)
    finally:
        building.unlink(missing_ok=True)
        Path(f"{building}.wal").unlink(missing_ok=True)
    return int(row[0]) if row else 0


def search_articles(
    location: LakeLocation, query: str, since: date | datetime | None, entity: str | None, limit: int
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Give back the articles matching the query, best first (columns, rows); text is the full text."""
    con = connect(location, read_only=True)  # says what to do when there is no warehouse yet
    try:
        target = index_path(location)
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
