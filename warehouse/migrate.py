"""Apply the numbered schema migrations in warehouse/migrations, each once, in order."""

from __future__ import annotations

import re
from importlib import resources

import duckdb

_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


def list_migrations() -> list[tuple[int, str, str]]:
    """Give back (number, file name, SQL) of every migration, in order."""
    folder = resources.files("warehouse") / "migrations"
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def table_names() -> list[str]:
    """Give back the names of the tables the migrations create, in order."""
    names: list[str] = []
    for _, _, sql in list_migrations():
        names += [n for n in re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", sql) if n not in names]
    return names


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply the migrations not applied yet, each in its own transaction; give back their names."""
    con.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER, name VARCHAR, applied_at TIMESTAMPTZ)")
    done = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = []
    for number, name, sql in list_migrations():
        if number in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(sql)
            con.execute("INSERT INTO schema_migrations VALUES (?, ?, now())", [number, name])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(name)
    return applied
