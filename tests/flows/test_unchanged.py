"""A run over local files that finds nothing new is recorded without a flow run (flows.unchanged); a run
with anything to do goes through the `ingest` flow, as before."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from newslake.flows.settings import Settings
from newslake.flows.unchanged import unchanged_run
from newslake.warehouse.lake import LakeLocation, connect
from newslake.warehouse.runs import start_run
from newslake.warehouse.search import PENDING_FILE
from tests.cli import invoke
from tests.conftest import SEED_000, SEEDS
from tests.lakes import query


@pytest.fixture(scope="module")
def loaded(prefect_api: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Give back a folder holding an inbox (a copy of the seeds) and the lake a real run loaded it into."""
    root = tmp_path_factory.mktemp("loaded")
    shutil.copytree(SEEDS, root / "inbox")
    result = invoke(
        ["run", str(root / "inbox"), "--lake", str(root / "lake"), "--no-progress"],
        cwd=root,
        prefect_api=prefect_api,
        env={"NEWSLAKE_WORKERS": "1"},
    )
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture
def copy(loaded: Path, tmp_path: Path) -> tuple[Path, Path]:
    """Give back (inbox, lake): the loaded inbox (read, never changed) and this test's own copy of the lake."""
    shutil.copytree(loaded / "lake", tmp_path / "lake")
    return loaded / "inbox", tmp_path / "lake"


def _settings(lake: Path, **sections: dict[str, object]) -> Settings:
    return Settings.model_validate({"lake": {"path": str(lake)}, **sections})


def _runs(lake: Path) -> list[tuple[object, ...]]:
    return query(
        lake,
        "SELECT flow_run_id, status, documents_seen, documents_new, documents_unchanged, documents_quarantined "
        "FROM runs ORDER BY started_at",
    )


def test_a_run_with_nothing_new_is_recorded_without_a_flow_run(copy: tuple[Path, Path], prefect_api: str) -> None:
    inbox, lake = copy
    result = invoke(["run", str(inbox), "--lake", str(lake), "--no-progress"], cwd=lake.parent, prefect_api=prefect_api)
    assert result.returncode == 0, result.stderr
    assert "nothing new in" in result.stderr and "Nothing new. Query what is there" in result.stdout
    assert "runs are recorded by the Prefect server" not in result.stderr  # no flow run was made
    first, again = _runs(lake)
    assert first[0] and first[1:] == ("completed", 2, 2, 0, 0)
    assert again == (None, "completed", 2, 0, 2, 0)


def test_a_killed_run_left_running_is_closed_by_the_flow(copy: tuple[Path, Path], prefect_api: str) -> None:
    inbox, lake = copy
    con = connect(LakeLocation.under(lake))
    try:
        start_run(con, "20200101T000000Z-gone", None, {})  # no process holds its lock
    finally:
        con.close()
    # The quick path cannot reach the orchestrator to mark the run's flow run crashed: the flow does both.
    assert unchanged_run([str(inbox)], _settings(lake)) is None
    assert query(lake, "SELECT status FROM runs WHERE run_id = '20200101T000000Z-gone'") == [("running",)]
    result = invoke(["run", str(inbox), "--lake", str(lake), "--no-progress"], cwd=lake.parent, prefect_api=prefect_api)
    assert result.returncode == 0, result.stderr
    assert query(lake, "SELECT status FROM runs WHERE run_id = '20200101T000000Z-gone'") == [("interrupted",)]


def _new_file(extra: Path, lake: Path) -> None:
    (extra / "new.txt").write_text(SEED_000.read_text(encoding="utf-8").replace("Ukraine", "Moldova"))


def _unreadable(extra: Path, lake: Path) -> None:
    (extra / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)


def _copy_elsewhere(extra: Path, lake: Path) -> None:
    shutil.copy(SEED_000, extra / "copy.txt")  # known content in a new place: a source row to record


def _search_pending(extra: Path, lake: Path) -> None:
    (lake / PENDING_FILE).touch()  # an earlier run loaded articles and stopped before its index refresh


def _view_changed(extra: Path, lake: Path) -> None:
    con = connect(LakeLocation.under(lake))
    try:
        con.execute("UPDATE schema_views SET sha256 = 'old' WHERE name = (SELECT min(name) FROM schema_views)")
    finally:
        con.close()


def _archive(extra: Path, lake: Path) -> None:
    (extra / "crawl.warc").write_bytes(b"")


@pytest.mark.parametrize(
    "change",
    [_new_file, _unreadable, _copy_elsewhere, _search_pending, _view_changed, _archive],
    ids=["new file", "file to quarantine", "known content elsewhere", "stale index", "view to update", "archive"],
)
def test_anything_to_do_goes_through_the_flow(
    copy: tuple[Path, Path], tmp_path: Path, change: Callable[[Path, Path], None]
) -> None:
    inbox, lake = copy
    extra = tmp_path / "extra"  # read with the inbox: files added here are new to the warehouse
    extra.mkdir()
    assert unchanged_run([str(inbox), str(extra)], _settings(lake)) is not None  # nothing to do yet
    change(extra, lake)
    before = _runs(lake)
    assert unchanged_run([str(inbox), str(extra)], _settings(lake)) is None
    assert _runs(lake) == before  # nothing recorded: the flow records the run


def test_a_report_to_refresh_or_a_new_warehouse_goes_through_the_flow(copy: tuple[Path, Path]) -> None:
    inbox, lake = copy
    assert unchanged_run([str(inbox)], _settings(lake, report={"path": str(lake.parent / "r.html")})) is None
    assert unchanged_run([str(inbox)], _settings(lake.parent / "new-lake")) is None
    assert not (lake.parent / "new-lake").exists()


@pytest.mark.slow
def test_the_check_does_not_import_the_orchestrator_or_the_models() -> None:
    # Its point is to skip their start-up cost: importing the check must not pay it.
    heavy = "{'prefect', 'spacy', 'great_expectations', 'ftfy', 'courlan'}"
    code = f"import sys, newslake.flows.unchanged; print(sorted({heavy} & set(sys.modules)))"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]", found.stdout + found.stderr
