"""Read-only SQL for users: refuse statements that write, answer the rest from the lake."""

from __future__ import annotations

import duckdb

# Statement kinds a reader may run; everything else (INSERT, COPY, ATTACH, SET, ...) is refused.
_READ_ONLY_STATEMENTS = {
    duckdb.StatementType.SELECT,
    duckdb.StatementType.EXPLAIN,
}


class WriteRefusedError(ValueError):
    """Raised for a statement that would change something."""


def check_read_only(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Raise WriteRefusedError unless every statement in the SQL only reads."""
    statements = con.extract_statements(sql)
    if not statements:
        raise WriteRefusedError("no SQL statement given")
    for statement in statements:
        if statement.type not in _READ_ONLY_STATEMENTS:
            kind = statement.type.name
            raise WriteRefusedError(
                f"{kind} statements are refused: `newslake sql` only reads. "
                "Use SELECT (or DESCRIBE/SHOW); data changes happen through `newslake run`."
            )


def run_query(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[list[str], list[tuple[object, ...]]]:
    """Give back the column names and rows of a read-only query."""
    check_read_only(con, sql)
    result = con.execute(sql)
    columns = [d[0] for d in result.description or []]
    return columns, result.fetchall()
