"""Apply the numbered schema migrations in warehouse/migrations, each once, in order."""

from __future__ import annotations

import hashlib
import re
from functools import partial
from importlib import resources

import duckdb

from newslake.warehouse.lake import write

_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


def list_migrations() -> list[tuple[int, str, str]]:
    """Give back (number, file name, SQL) of every migration, in order."""
    folder = resources.files("newslake.warehouse") / "migrations"
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


def list_views() -> list[tuple[str, str]]:
    """Give back (name, SQL) of every analyst view in warehouse/views, by name."""
    folder = resources.files("newslake.warehouse") / "views"
    views = [(e.name.removesuffix(".sql"), e.read_text(encoding="utf-8")) for e in folder.iterdir()]
    return sorted((name, sql) for name, sql in views if re.fullmatch(r"[a-z0-9_]+", name))


def apply_views(con: duckdb.DuckDBPyConnection) -> list[str]:
    """(Re)create the views whose SQL changed since they were created; give back their names.

    A view may read another view, so views that fail for a missing view are retried after the rest.
    """
    recorded = dict(con.execute("SELECT name, sha256 FROM schema_views").fetchall())
    todo = [(n, sql) for n, sql in list_views() if recorded.get(n) != _sha256(sql)]
    applied: list[str] = []
    while todo:
        failed: list[tuple[str, str, Exception]] = []
        for name, sql in todo:
            try:
                _create_view(con, name, sql)
                applied.append(name)
            except duckdb.CatalogException as exc:
                failed.append((name, sql, exc))
        if len(failed) == len(todo):
            raise failed[0][2]
        todo = [(name, sql) for name, sql, _ in failed]
    return applied


def _create_view(con: duckdb.DuckDBPyConnection, name: str, sql: str) -> None:
    def create() -> None:
        con.execute(f"CREATE OR REPLACE VIEW {name} AS {sql}")  # name is [a-z0-9_]+ (see list_views)
        con.execute("DELETE FROM schema_views WHERE name = ?", [name])
        con.execute("INSERT INTO schema_views VALUES (?, ?, now())", [name, _sha256(sql)])

    write(con, create)


def _sha256(sql: str) -> str:
    return hashlib.sha256(sql.encode()).hexdigest()


def view_names() -> list[str]:
    """Give back the names of the analyst views."""
    return [name for name, _ in list_views()]


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply the migrations not applied yet, each in its own transaction, then (re)create changed views;
    give back the names of the migrations applied.

    Several processes may migrate one shared warehouse at once: a migration another one applied first
    makes this one's commit conflict, and the retry finds it applied and skips it."""
    write(
        con,
        lambda: con.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER, name VARCHAR, applied_at TIMESTAMPTZ)"
        ),
        token=False,
    )
    done = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = []
    for number, name, sql in list_migrations():
        if number not in done and write(con, partial(_apply, con, number, name, sql), token=False):
            applied.append(name)
    apply_views(con)
    return applied


def _apply(con: duckdb.DuckDBPyConnection, number: int, name: str, sql: str) -> bool:
    """Apply one migration unless it is recorded as applied; tell whether it was applied here."""
    if con.execute("SELECT 1 FROM schema_migrations WHERE version = ?", [number]).fetchone():
        return False
    con.execute(sql)
    con.execute("INSERT INTO schema_migrations VALUES (?, ?, now())", [number, name])
    return True
