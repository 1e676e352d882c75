"""Generate docs/data-dictionary.md from the schema: every table, view and column with its type, meaning
and an example value. Meanings and examples live in warehouse/dictionary.toml.

Usage: python -m warehouse.dictionary [OUT.md]   (default docs/data-dictionary.md)
"""

from __future__ import annotations

import sys
import tempfile
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from newslake.warehouse.lake import LakeLocation, connect
from newslake.warehouse.migrate import migrate, table_names, view_names

DEFAULT_OUT = Path("docs/data-dictionary.md")


class MissingDescriptionError(ValueError):
    """Raised when a table or column of the schema has no meaning or example in dictionary.toml."""


def read_descriptions() -> dict[str, Any]:
    """Give back the contents of warehouse/dictionary.toml."""
    text = (resources.files("newslake.warehouse") / "dictionary.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def read_schema() -> dict[str, list[tuple[str, str]]]:
    """Give back (column, type) of every table and view, from a warehouse migrated from empty."""
    with tempfile.TemporaryDirectory() as folder:
        con = connect(LakeLocation.under(Path(folder)))
        try:
            migrate(con)
            names = ["schema_migrations", *table_names(), *view_names()]
            return {name: _columns(con, name) for name in names}
        finally:
            con.close()


def _columns(con: duckdb.DuckDBPyConnection, name: str) -> list[tuple[str, str]]:
    return [(row[0], row[1]) for row in con.execute(f"DESCRIBE {name}").fetchall()]


def render_dictionary(schema: dict[str, list[tuple[str, str]]], descriptions: dict[str, Any]) -> str:
    """Give back the data dictionary as Markdown; raise MissingDescriptionError for anything undescribed."""
    common, tables = descriptions.get("common", {}), descriptions.get("tables", {})
    views = set(view_names())
    missing = [name for name in schema if name not in tables]
    out = [
        "# Data dictionary",
        "",
        "Every table and view of the newslake warehouse. Generated from the schema by `make docs`",
        "(meanings in `warehouse/dictionary.toml`); a test fails when it is out of date.",
        "Times are `TIMESTAMP WITH TIME ZONE` in UTC; lists are `VARCHAR[]`.",
        "",
        "| name | kind | what it holds |",
        "| --- | --- | --- |",
    ]
    out += [
        f"| [{n}](#{n}) | {'view' if n in views else 'table'} | {_cell(tables.get(n, {}).get('about', ''))} |"
        for n in schema
    ]
    for name, columns in schema.items():
        entry = tables.get(name, {})
        own = entry.get("columns", {})
        out += ["", f"## {name}", "", f"{'View' if name in views else 'Table'}. {entry.get('about', '')}", ""]
        out += ["| column | type | meaning | example |", "| --- | --- | --- | --- |"]
        for column, kind in columns:
            described = own.get(column) or common.get(column)
            if not described:
                missing.append(f"{name}.{column}")
                continue
            meaning, example = described
            out.append(f"| `{column}` | {kind} | {_cell(meaning)} | `{_cell(example)}` |")
    if missing:
        raise MissingDescriptionError(f"describe these in warehouse/dictionary.toml: {', '.join(missing)}")
    return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else DEFAULT_OUT
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_dictionary(read_schema(), read_descriptions()), encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
