"""The runs table on a real DuckLake: runs whose process is gone are marked interrupted once."""

from __future__ import annotations

from pathlib import Path

from newslake.warehouse.lake import LakeLocation, connect
from newslake.warehouse.migrate import migrate
from newslake.warehouse.runs import mark_interrupted, running_runs, start_run, this_host


def test_marking_runs_interrupted_gives_back_their_flow_runs_once(tmp_path: Path) -> None:
    con = connect(LakeLocation.under(tmp_path / "lake"))
    try:
        migrate(con)
        start_run(con, "r1", "flow-1", {})
        start_run(con, "r2", "", {})  # run outside a flow run: nothing for the orchestrator
        start_run(con, "r3", "flow-3", {})
        con.execute("UPDATE runs SET status = 'completed' WHERE run_id = 'r3'")  # ended as it should
        assert running_runs(con, this_host()) == ["r1", "r2"]
        assert mark_interrupted(con, ["r1", "r2"]) == ["flow-1"]
        assert running_runs(con, this_host()) == []
        statuses = dict(con.execute("SELECT run_id, status FROM runs").fetchall())
        assert mark_interrupted(con, []) == []
    finally:
        con.close()
    assert statuses == {"r1": "interrupted", "r2": "interrupted", "r3": "completed"}
