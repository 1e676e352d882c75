"""How commands print: rows as a table, CSV, a JSON array or JSON lines, and the run summary; and how
pages people open in a browser are written (whole, never half).

Tables never cut a reason or a code (a long value wraps in its cell; only long free text is shortened),
and output to a file or a pipe is plain and wide enough that two values that differ never print alike.
"""

from __future__ import annotations

import csv
import json
import sys
import uuid
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import click


def write_rows(columns: list[str], rows: list[tuple[Any, ...]], fmt: str) -> None:
    """Print rows as a table, CSV, one JSON array (json) or one JSON object per line (jsonl)."""
    records = (dict(zip(columns, row, strict=True)) for row in rows)
    if fmt == "json":
        click.echo(json.dumps(list(records), default=json_default, ensure_ascii=False))
    elif fmt == "jsonl":
        for record in records:
            click.echo(json.dumps(record, default=json_default, ensure_ascii=False))
    elif fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows([[cell(v) for v in row] for row in rows])
    else:
        from rich.table import Table
        from rich.text import Text

        table = Table(show_lines=False)
        for column in columns:
            table.add_column(Text(column), overflow="fold")  # a long value wraps in its cell, never cut to "…"
        for row in rows:
            # Text, not console markup: a value is the data's ("[/b]" in a title, "[link=…]") and prints as written.
            table.add_row(*(Text(cell(v, _CELL_CHARACTERS)) for v in row))
        console().print(table)
        click.echo(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")


def print_summary(lines: list[tuple[str, str]]) -> None:
    """Print the run summary as a two-column table."""
    from rich.table import Table
    from rich.text import Text

    table = Table(show_header=True)
    table.add_column("run summary", overflow="fold")
    table.add_column("", overflow="fold")
    for label, value in lines:
        table.add_row(Text(label), Text(value))  # the values hold what the pages wrote: never markup
    console().print(table)


# A table cell shows at most this much of a long value (an article's text); reasons and details fit.
_CELL_CHARACTERS = 300


def console() -> Any:
    """Give back the console tables print on: the terminal's width (at least 120 columns), or, when
    the output goes to a file or a pipe, wide enough that no line wraps and no two values that
    differ print alike."""
    from rich.console import Console

    if sys.stdout.isatty():
        return Console(width=max(120, Console().width))
    return Console(width=1_000, force_terminal=False, no_color=True)


def cell(value: Any, limit: int | None = None) -> str:
    if value is None:
        return ""
    text = json.dumps(value, default=json_default, ensure_ascii=False) if isinstance(value, list | dict) else str(value)
    if limit and len(text) > limit:
        return text[: limit - 1] + "…"
    return text


def json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return str(value)


def write_page(out: Path, text: str) -> Path:
    """Write a page atomically (a browser never opens half of it, two writers never mix); give back its
    absolute path."""
    out = out.expanduser().resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.tmp")
    partial.write_text(text, encoding="utf-8")
    partial.replace(out)
    return out
