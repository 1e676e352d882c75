"""Write the HTML report of a warehouse, atomically (a browser never opens half a page)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

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
    page = render_report(data, f"{datetime.now(UTC):%Y-%m-%d %H:%M UTC}", location.describe())
    out = out.expanduser().resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.tmp")
    partial.write_text(page, encoding="utf-8")
    partial.replace(out)
    return out
