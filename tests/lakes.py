"""Reading a test's or a bench's warehouse: rows of a query over a lake folder, read-only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from warehouse.lake import LakeLocation, connect


def query(lake: Path, sql: str) -> list[tuple[Any, ...]]:
    """Give back the rows of a query over the lake under a folder, opened read-only."""
    con = connect(LakeLocation.under(lake), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()
