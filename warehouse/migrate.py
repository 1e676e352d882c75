"""Apply the numbered schema migrations in warehouse/migrations, each once, in order."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from functools import partial
from importlib import resources

import duckdb

from newslake.warehouse.lake import write

_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
# Statements that change existing rows: on a new warehouse there are none to change.
_CHANGES_ROWS = frozenset({duckdb.StatementType.UPDATE, duckdb.StatementType.DELETE})


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
    """(Re)create the views whose SQL changed since they were created, inside the caller's transaction;
    give back their names. A view that reads another view is created after it."""
    recorded = _recorded_views(con)
    changed = _changed_views(recorded)
    for name, sql in changed:
        con.execute(f"CREATE OR REPLACE VIEW {name} AS {sql}")  # name is [a-z0-9_]+ (see list_views)
    # One statement each for the bookkeeping: each write to a warehouse table is a data file.
    replaced = [name for name, _ in changed if name in recorded]
    if replaced:
        con.execute(f"DELETE FROM schema_views WHERE name IN ({', '.join('?' * len(replaced))})", replaced)
    if changed:
        _insert_rows(con, "schema_views", [(name, _sha256(sql)) for name, sql in changed])
    return [name for name, _ in changed]


def _insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[tuple[object, object]]) -> None:
    """Insert (key, value, now()) rows into a bookkeeping table in one statement."""
    values = ", ".join("(?, ?, now())" for _ in rows)
    con.execute(f"INSERT INTO {table} VALUES {values}", [value for row in rows for value in row])


def _recorded_views(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Give back the SHA-256 of each view's SQL as it was when the view was created, by name."""
    return dict(con.execute("SELECT name, sha256 FROM schema_views").fetchall())


def _changed_views(recorded: dict[str, str]) -> list[tuple[str, str]]:
    """Give back (name, SQL) of the views whose SQL changed since they were created (`recorded`), each
    after the views it reads."""
    views = dict(list_views())
    return [(n, views[n]) for n in _dependency_order(views) if recorded.get(n) != _sha256(views[n])]


def _applied(con: duckdb.DuckDBPyConnection) -> set[int]:
    """Give back the versions of the migrations recorded as applied."""
    return {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}


def _pending_migrations(applied: set[int]) -> list[tuple[int, str, str]]:
    """Give back the migrations not among the applied versions, in order."""
    return [m for m in list_migrations() if m[0] not in applied]


def _reads(sql: str, views: dict[str, str]) -> set[str]:
    """The other views a view's SQL names."""
    words = set(re.findall(r"[a-z0-9_]+", sql.lower()))
    return {name for name in views if name in words}


def _dependency_order(views: dict[str, str]) -> list[str]:
    """The view names, each after the views it reads (by name), else alphabetical."""
    ordered: list[str] = []
    todo = sorted(views)
    while todo:
        ready = [n for n in todo if _reads(views[n], views) - {n} <= set(ordered)]
        if not ready:
            raise ValueError(f"views that read each other: {', '.join(todo)}")
        ordered += ready
        todo = [n for n in todo if n not in ready]
    return ordered


def _sha256(sql: str) -> str:
    return hashlib.sha256(sql.encode()).hexdigest()


def view_names() -> list[str]:
    """Give back the names of the analyst views."""
    return [name for name, _ in list_views()]


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply the migrations not applied yet and (re)create changed views, in as few transactions as
    DuckLake allows (see _transactions); give back the names of the migrations applied.

    Several processes may migrate one shared warehouse at once: the one that commits second conflicts,
    and its retry finds the migrations applied and skips them."""
    write(
        con,
        lambda: con.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER, name VARCHAR, applied_at TIMESTAMPTZ)"
        ),
        token=False,
    )
    applied_before = _applied(con)
    # A warehouse no migration has touched holds no rows, and no other process can load any before the
    # migrations are applied (loading needs them all): its migrations' data changes have nothing to do.
    new = not applied_before
    applied: list[str] = []
    for group in _transactions(_pending_migrations(applied_before)):
        applied += write(con, partial(_apply, con, group, new), token=False)
    write(con, partial(apply_views, con), token=False)
    return applied


def is_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Tell whether every migration is applied and every view is as its SQL says, so `migrate` would
    change nothing. A warehouse no run has migrated is not current."""
    try:
        return not _pending_migrations(_applied(con)) and not _changed_views(_recorded_views(con))
    except duckdb.CatalogException:
        return False


def _transactions(pending: list[tuple[int, str, str]]) -> list[list[tuple[int, str, str]]]:
    """Group the pending migrations into transactions: one transaction for all of them, except that a
    migration setting a table's options starts a new one (DuckLake refuses options on a table created
    in the same transaction)."""
    groups: list[list[tuple[int, str, str]]] = []
    for migration in pending:
        if not groups or "set_option(" in migration[2]:
            groups.append([])
        groups[-1].append(migration)
    return groups


def _apply(con: duckdb.DuckDBPyConnection, group: list[tuple[int, str, str]], new: bool) -> list[str]:
    """Apply the group's migrations that are not recorded as applied; give back their names. On a new
    warehouse (`new`: no migration was applied when migrating began) the statements that update or
    delete rows are left out: every table is empty, and each such statement costs 25-45 ms of
    planning over the catalog for nothing."""
    done = _applied(con)  # again inside the transaction: another process may have applied them meanwhile
    applied = [(number, name) for number, name, _ in group if number not in done]
    for number, _, sql in group:
        if number in done:
            continue
        for statement in con.extract_statements(sql):
            if not (new and statement.type in _CHANGES_ROWS):
                con.execute(statement.query)
    if applied:
        _insert_rows(con, "schema_migrations", applied)
    return [name for _, name in applied]
