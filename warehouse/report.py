"""The data behind the HTML report: one query per chart, from the analyst views."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from importlib import resources
from typing import Any

import duckdb

from newslake.warehouse.lake import transaction

REPORT_QUERIES = (
    "totals",
    "articles_over_time",
    "top_entities",
    "stories",
    "places",
    "cooccurrence",
    "quoted",
    "source_health",
    "quality",
)


def report_data(con: duckdb.DuckDBPyConnection) -> dict[str, list[dict[str, Any]]]:
    """Give back the rows of every report query, as JSON-ready records, read in one snapshot."""
    folder = resources.files("newslake.warehouse") / "sql" / "report"
    data = {}
    with transaction(con):
        for name in REPORT_QUERIES:
            result = con.execute((folder / f"{name}.sql").read_text(encoding="utf-8"))
            columns = [d[0] for d in result.description or []]
            data[name] = [{c: _plain(v) for c, v in zip(columns, row, strict=True)} for row in result.fetchall()]
    return data


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value
