"""The report's data on a real lake: one query per chart, plain JSON-ready values."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from newslake.warehouse.lake import connect
from newslake.warehouse.report import REPORT_QUERIES, report_data
from tests.lakes import new_lake


def test_every_chart_gets_rows_of_plain_values(tmp_path: Path) -> None:
    con = connect(new_lake(tmp_path / "lake", sample=True))
    data = report_data(con)
    assert list(data) == list(REPORT_QUERIES)
    json.dumps(data)  # dates as ISO strings, decimals as floats: nothing a JSON encoder refuses
    assert not any(isinstance(v, Decimal) for rows in data.values() for row in rows for v in row.values())
    assert {row["name"] for row in data["places"]} == {"Kyiv"}
    assert [row["speaker"] for row in data["quoted"]] == ["Jane Doe"]
    assert data["totals"][0]["stories"] == 1 and data["stories"] == []  # one article is no shared story


def test_an_empty_lake_gives_empty_charts_not_errors(tmp_path: Path) -> None:
    con = connect(new_lake(tmp_path / "lake"))
    data = report_data(con)
    assert all(rows == [] for name, rows in data.items() if name != "totals")
