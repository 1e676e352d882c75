"""The runs table: a run is recorded as running when it starts and with its outcome when it ends; runs that
stopped without ending (killed, or their machine went down) are marked interrupted by the next run."""

from __future__ import annotations

import json
import platform
from typing import Any

import duckdb

from newslake.warehouse.lake import read_sql, records, write

INTERRUPTED = "the run stopped before it finished (killed, or its machine went down); later runs pick up its work"


def start_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    flow_run_id: str | None,
    settings: dict[str, Any],
) -> None:
    """Record a run as running, on this machine."""
    write(con, lambda: _insert_running(con, run_id, flow_run_id, settings))


def _insert_running(
    con: duckdb.DuckDBPyConnection, run_id: str, flow_run_id: str | None, settings: dict[str, Any], ago: float = 0.0
) -> None:
    """Insert the run's row as running, started `ago` seconds before now, inside the caller's transaction."""
    con.execute(
        "INSERT INTO runs (run_id, flow_run_id, started_at, status, settings, host) "
        "VALUES (?, ?, now() - to_microseconds(?), 'running', ?, ?)",
        [run_id, flow_run_id, round(ago * 1e6), json.dumps(settings, default=str, sort_keys=True), this_host()],
    )


def record_run(
    con: duckdb.DuckDBPyConnection, run_id: str, settings: dict[str, Any], values: dict[str, Any], seconds: float
) -> None:
    """Record a run that has already ended, with its outcome and counts, in one write: a run that found
    nothing to do (see flows.unchanged)."""

    def insert() -> None:
        _insert_running(con, run_id, None, settings, ago=seconds)
        con.execute(read_sql("finish_run"), {**values, "run_id": run_id, "error": None})

    write(con, insert)


def this_host() -> str:
    """Give back the name runs of this machine are recorded with."""
    return platform.node()


def finish_run(con: duckdb.DuckDBPyConnection, run_id: str, values: dict[str, Any], error: str | None = None) -> None:
    """Record a run's outcome and counts on its runs row."""
    write(con, lambda: con.execute(read_sql("finish_run"), {**values, "run_id": run_id, "error": error}))


def running_runs(con: duckdb.DuckDBPyConnection, host: str) -> list[str]:
    """Give back the ids of the runs of one machine recorded as running (with those recorded before
    runs had a host)."""
    return [
        row[0]
        for row in con.execute(
            "SELECT run_id FROM runs WHERE status = 'running' AND coalesce(host, ?) = ? ORDER BY started_at",
            [host, host],
        ).fetchall()
    ]


def mark_interrupted(con: duckdb.DuckDBPyConnection, run_ids: list[str], error: str = INTERRUPTED) -> list[str]:
    """Record runs whose process is gone as interrupted; give back the ids of their orchestrator's flow
    runs (the runs recorded with one), which their process could not end either."""
    if not run_ids:
        return []
    write(con, lambda: con.execute(read_sql("mark_interrupted"), {"run_ids": run_ids, "error": error}))
    return [row[0] for row in con.execute(read_sql("interrupted_flow_runs"), {"run_ids": run_ids}).fetchall()]


def validation_page_rows(con: duckdb.DuckDBPyConnection, runs: int = 20) -> list[dict[str, Any]]:
    """Give back each expectation of the latest runs that validated anything, summed over the run's
    batches (run_id, started_at, status, suite, expectation, severity, checks, failed_checks,
    failing_rows, failing_ids, observed), newest run first."""
    return records(con.execute(read_sql("validation_page"), {"runs": runs}))
