"""Read-only SQL for users: a connection that cannot write, and statements checked before they run.

Two guards, each enough on its own for the common case and together for the rest:
- the connection: the lake is attached READ_ONLY, then DuckDB's `enable_external_access` is turned off
  (only the lake's data folder or object-storage prefix stays readable) and the configuration is
  locked, so no statement can read or write other files, attach databases, load extensions or turn
  the guard off again;
- the statements: only queries pass (SELECT, WITH, FROM, VALUES, DESCRIBE, SHOW, SUMMARIZE, and
  EXPLAIN of one of those); the DuckLake maintenance functions that write files
  (`ducklake_merge_adjacent_files`, `expire_snapshots`, ...) and `query()`, which runs SQL text this
  check cannot see, are refused wherever they appear.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import duckdb

from newslake.warehouse.lake import LakeLocation, connect

# DuckLake table functions that change the catalog or write and delete files, by their bare name
# (they are called as `ducklake_<name>(...)` or as `<lake>.<name>()`).
_WRITING_FUNCTIONS = frozenset(
    {
        "add_data_files",
        "checkpoint",
        "cleanup_old_files",
        "cleanup_orphaned_files",
        "delete_orphaned_files",
        "expire_snapshots",
        "flush_inlined_data",
        "merge_adjacent_files",
        "rewrite_data_files",
        "set_commit_message",
        "set_option",
    }
)
# Functions that run SQL given as text, which the statement check cannot look into.
_OPAQUE_FUNCTIONS = frozenset({"query"})
_CALLED = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*\(")
_EXPLAIN = re.compile(r"^\s*EXPLAIN\s+(?:ANALY[SZ]E\s+)?(?:\([^)]*\)\s*)?", re.IGNORECASE)

READ_ONLY_HELP = (
    "`newslake sql` only reads: use SELECT (or WITH, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN); "
    "data changes happen through `newslake run`."
)


class WriteRefusedError(ValueError):
    """Raised for a statement that would change something, or reach outside the lake."""


def open_query_connection(location: LakeLocation, allow_files: bool = False) -> duckdb.DuckDBPyConnection:
    """Give back a read-only connection to the lake for users' SQL: it cannot write anything, and it
    reads no file outside the lake unless allow_files."""
    con = connect(location, read_only=True, check_each_load=True)
    if not allow_files:
        if location.data_path.startswith("/") or location.remote_data:
            con.execute("SET allowed_directories = [?]", [location.data_path])
        con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


def check_read_only(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Raise WriteRefusedError unless every statement in the SQL only reads."""
    statements = con.extract_statements(sql)
    if not statements:
        raise WriteRefusedError("no SQL statement given")
    for statement in statements:
        _check_statement(con, statement.query, statement.type)


def _check_statement(con: duckdb.DuckDBPyConnection, text: str, kind: duckdb.StatementType) -> None:
    if kind == duckdb.StatementType.EXPLAIN:
        inner = con.extract_statements(_EXPLAIN.sub("", text, count=1))
        if len(inner) != 1:
            raise WriteRefusedError(f"EXPLAIN must wrap one query: {READ_ONLY_HELP}")
        _check_statement(con, inner[0].query, inner[0].type)
        return
    if kind != duckdb.StatementType.SELECT:
        raise WriteRefusedError(f"{_statement_name(text, kind)} statements are refused: {READ_ONLY_HELP}")
    for name in _function_names(con, text):
        bare = name.lower().removeprefix("ducklake_")
        if bare in _WRITING_FUNCTIONS or name.lower() in _OPAQUE_FUNCTIONS:
            raise WriteRefusedError(f"the function {name}() is refused: {READ_ONLY_HELP}")


def _statement_name(text: str, kind: duckdb.StatementType) -> str:
    """Give back the statement's name as its writer knows it: DuckDB files INSTALL under LOAD."""
    words = [w.upper() for w in text.split(maxsplit=2)[:2]]
    if kind == duckdb.StatementType.LOAD and "INSTALL" in words:
        return "INSTALL"
    return kind.name


def _function_names(con: duckdb.DuckDBPyConnection, text: str) -> Iterator[str]:
    row = con.execute("SELECT json_serialize_sql(?)", [text]).fetchone()
    tree = json.loads(row[0]) if row else {}
    if tree.get("error"):
        # A query the serializer cannot express (PIVOT, ...): every name called like a function counts.
        yield from _CALLED.findall(text)
        return
    yield from _walk_function_names(tree)


def _walk_function_names(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        name = node.get("function_name")
        if isinstance(name, str):
            yield name
        for value in node.values():
            yield from _walk_function_names(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk_function_names(value)


def run_query(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[list[str], list[tuple[object, ...]]]:
    """Give back the column names and rows of a read-only query."""
    check_read_only(con, sql)
    result = con.execute(sql)
    columns = [d[0] for d in result.description or []]
    return columns, result.fetchall()
