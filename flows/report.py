"""Write the HTML report of a warehouse, atomically (a browser never opens half a page)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from newslake.flows.output import write_page
from newslake.tasks.charts import render_report
from newslake.warehouse.lake import LakeLocation, connect
from newslake.warehouse.report import report_data


def write_report(location: LakeLocation, out: Path) -> Path:
    """Write the report of the warehouse at location to out; give back its absolute path."""
    con = connect(location, read_only=True)
    try:
        data = report_data(con)
    finally:
        con.close()
    return write_page(out, render_report(data, f"{datetime.now(UTC):%Y-%m-%d %H:%M UTC}", location.describe()))
