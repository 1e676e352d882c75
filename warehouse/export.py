"""Export tables and views as Parquet (hive-partitioned by day), CSV or JSON lines, atomically.

The export is written into a hidden sibling folder and renamed into place when complete, so a reader of
the target folder sees the previous export or the new one, never half of one. All tables are read in one
transaction: one consistent snapshot of the lake.
"""

from __future__ import annotations

import json
import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from newslake.warehouse.lake import sql_identifier, sql_literal, transaction
from newslake.warehouse.migrate import table_names, view_names

FORMATS = ("parquet", "csv", "jsonl")
# How each table's rows get their day: the article's publication day (its ingest day when the page gives
# none) for article data, the ingest or event day for the rest. Tables not listed are not partitioned.
_DAY_OF = {
    # A version's own day: what article_days says of the article when that version was current.
    "article_versions": "coalesce(published_on, CAST(extracted_at AS DATE))",
    "documents": "CAST(discovered_at AS DATE)",
    "document_sources": "CAST(seen_at AS DATE)",
    "runs": "CAST(started_at AS DATE)",
    "quarantine": "CAST(quarantined_at AS DATE)",
    "fetches": "CAST(fetched_at AS DATE)",
    "validation_runs": "CAST(validated_at AS DATE)",
    "validation_results": "CAST(validated_at AS DATE)",
}
_BY_ARTICLE = ("articles", "mentions", "entity_mentions", "quotes", "links")  # their article's day (article_days)
_NOT_EXPORTED = ("schema_migrations", "schema_views", "listing_validators")
_DROPPED_COLUMNS = {"documents": "content"}  # raw bytes: in the lake for re-extraction, not for BI tools


@dataclass(frozen=True)
class ExportedTable:
    """One table or view written by an export."""

    name: str
    rows: int
    partitioned: bool


def export_lake(
    con: duckdb.DuckDBPyConnection, target: Path, fmt: str, since: date | None, escape_formulas: bool = False
) -> list[ExportedTable]:
    """Write every table and view to target in the format; give back what was written. With
    escape_formulas (CSV only), a text value a spreadsheet would take for a formula is written as text
    (`_formulas_escaped`)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    if escape_formulas and fmt != "csv":
        raise ValueError("escaping formulas is for CSV: Parquet and JSON lines keep values exact")
    target = target.expanduser().resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    building = target.with_name(f".{target.name}.tmp-{uuid.uuid4().hex[:8]}")
    building.mkdir()
    try:
        with transaction(con):  # one snapshot for every table
            written = [_export_one(con, name, building, fmt, since, escape_formulas) for name in exported_names()]
        manifest = {
            "format": fmt,
            "formulas_escaped": escape_formulas,
            "since": since.isoformat() if since else None,
            "exported_at": datetime.now(UTC).isoformat(),
            "tables": {t.name: {"rows": t.rows, "partitioned_by_day": t.partitioned} for t in written},
        }
        (building / "_manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        _swap_in(building, target)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return written


def exported_names() -> list[str]:
    """Give back the tables and views an export writes."""
    return [t for t in table_names() if t not in _NOT_EXPORTED] + view_names()


def _export_one(
    con: duckdb.DuckDBPyConnection, name: str, folder: Path, fmt: str, since: date | None, escape_formulas: bool
) -> ExportedTable:
    query, partitioned = _select(name)
    params = {"since": since} if partitioned else {}
    if partitioned:
        query = f"SELECT * FROM ({query}) WHERE $since IS NULL OR day >= $since"
    if escape_formulas:
        query = _formulas_escaped(con, query, params)
    if fmt == "parquet":
        (folder / name).mkdir()
        out, options = (
            (folder / name, ", PARTITION_BY (day)") if partitioned else (folder / name / "data_0.parquet", "")
        )
        copy = f"COPY ({query}) TO {sql_literal(out)} (FORMAT parquet{options}, OVERWRITE_OR_IGNORE)"
    else:
        options = "FORMAT csv, HEADER" if fmt == "csv" else "FORMAT json"
        copy = f"COPY ({query}) TO {sql_literal(folder / f'{name}.{fmt}')} ({options})"
    row = con.execute(copy, params).fetchone()  # COPY answers with the number of rows written
    rows = int(row[0]) if row else 0
    if fmt == "parquet" and partitioned and rows == 0:
        # A partitioned COPY of no rows writes no file, and read_parquet('<table>/**/*.parquet') then
        # fails: an empty table gets one file with its columns and no rows.
        empty = f"COPY ({query} LIMIT 0) TO {sql_literal(folder / name / 'data_0.parquet')} (FORMAT parquet)"
        con.execute(empty, params)
    return ExportedTable(name, rows, partitioned)


# What a spreadsheet takes for the start of a formula: =, +, -, @, a tab or a carriage return.
_FORMULA_START = r"^[=+\-@\t\r]"


def _formulas_escaped(con: duckdb.DuckDBPyConnection, query: str, params: dict[str, date | None]) -> str:
    """Give back the query with each text value that starts as a formula prefixed with an apostrophe,
    which spreadsheets show as text: titles, quotes and URLs come from pages anyone can write (CSV
    injection, as OWASP describes it)."""
    columns = [(str(row[0]), str(row[1])) for row in con.execute(f"DESCRIBE ({query})", params).fetchall()]
    pattern = sql_literal(_FORMULA_START)
    escaped = [
        f"CASE WHEN regexp_matches({q}, {pattern}) THEN concat(chr(39), {q}) ELSE {q} END AS {q}"
        if column_type == "VARCHAR"
        else q
        for column, column_type in columns
        for q in [sql_identifier(column)]
    ]
    return f"SELECT {', '.join(escaped)} FROM ({query})"


def _select(name: str) -> tuple[str, bool]:
    """Give back the query that exports a table or view, and whether its rows carry a day to partition by."""
    dropped = f" EXCLUDE ({_DROPPED_COLUMNS[name]})" if name in _DROPPED_COLUMNS else ""
    if name in _DAY_OF:
        return f"SELECT *{dropped}, {_DAY_OF[name]} AS day FROM {name}", True
    if name in _BY_ARTICLE:
        return f"SELECT t.*, d.day FROM {name} AS t JOIN article_days AS d ON d.article_id = t.article_id", True
    return f"SELECT *{dropped} FROM {name}", False


def _swap_in(building: Path, target: Path) -> None:
    """Put the finished export at target; a previous export is moved aside first and then removed."""
    old = target.with_name(f".{target.name}.old-{uuid.uuid4().hex[:8]}")
    if target.exists():
        if not (target / "_manifest.json").exists() and any(target.iterdir()):
            raise FileExistsError(f"{target} exists and is not a newslake export: choose an empty or new folder")
        target.rename(old)
    building.rename(target)
    shutil.rmtree(old, ignore_errors=True)
