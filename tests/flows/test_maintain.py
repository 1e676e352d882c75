"""`newslake maintain`, and the maintenance a run does once the warehouse's files pile up."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from newslake.flows import ingest
from tests.conftest import SEED_000, SEEDS, CliRunner
from tests.lakes import query


def _seeds_run(newslake: CliRunner, folder: Path, lake_settings: str) -> tuple[Path, Any]:
    """Run the seeds into a new warehouse under folder with these [lake] settings; give back its folder
    and the command's result."""
    (folder / "newslake.toml").write_text(f"[lake]\n{lake_settings}\n", encoding="utf-8")
    return folder / "lake", newslake("run", str(SEEDS), "--lake", str(folder / "lake"), "--no-progress")


def test_a_run_past_the_threshold_maintains_and_the_command_does_it_on_demand(
    newslake: CliRunner, tmp_path: Path
) -> None:
    lake, before = _seeds_run(newslake, tmp_path, "maintain_above_files = 5")
    assert "maintenance" in before.stdout and "merged" in before.stdout
    titles = query(lake, "SELECT title FROM articles ORDER BY title")
    assert len(titles) == 2

    done = json.loads(newslake("maintain", "--lake", str(lake), "--format", "json").stdout)
    assert [set(row) for row in done] == [
        {
            "raw_dropped",
            "files_before",
            "bytes_before",
            "files_after",
            "bytes_after",
            "files_merged",
            "snapshots_expired",
            "files_deleted",
            "validation_pages_removed",
        }
    ]
    assert done[0]["files_after"] <= done[0]["files_before"]
    assert query(lake, "SELECT title FROM articles ORDER BY title") == titles

    (tmp_path / "newslake.toml").write_text("[lake]\nmaintain_above_files = 0\n", encoding="utf-8")
    new = tmp_path / "new" / "story.txt"
    new.parent.mkdir()
    new.write_text(SEED_000.read_text(encoding="utf-8") + "\nOne more sentence makes it a new story.\n", "utf-8")
    again = newslake("run", str(new.parent), "--lake", str(lake), "--no-progress")
    assert query(lake, "SELECT count(*) FROM articles") == [(3,)]  # the run did work
    assert "maintenance" not in again.stdout  # 0: only on demand


def test_maintain_names_a_missing_warehouse(newslake: CliRunner, tmp_path: Path) -> None:
    result = newslake("maintain", "--lake", str(tmp_path / "none"), check=False)
    assert result.returncode == 1 and "no warehouse at" in result.stderr
    assert not (tmp_path / "none").exists()


def test_a_maintenance_that_fails_leaves_the_run_completed_with_a_warning(
    newslake: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(*_: object) -> None:
        raise duckdb.IOException('Could not write file "lake/data/main/articles/x.parquet": No space left on device')

    monkeypatch.setattr(ingest, "maintain_if_due", full_disk)
    result = newslake("run", str(SEEDS), "--lake", str(tmp_path / "lake"), "--no-progress")
    assert "could not maintain the warehouse" in result.stderr and "No space left" in result.stderr
    assert query(tmp_path / "lake", "SELECT status, articles_loaded FROM runs") == [("completed", 2)]


def test_raw_bytes_past_keep_raw_days_are_dropped_after_a_run_and_reprocess_says_so(
    newslake: CliRunner, tmp_path: Path
) -> None:
    lake, first = _seeds_run(newslake, tmp_path, "keep_raw_days = 0")
    assert "raw bytes of 2 documents dropped (lake.keep_raw_days)" in first.stdout
    assert query(lake, "SELECT count(*), count(content), count(content_dropped_at) FROM documents") == [(2, 0, 2)]
    assert query(lake, "SELECT count(*) FROM articles") == [(2,)]  # the articles stay

    again = newslake("run", str(SEEDS), "--lake", str(lake), "--no-progress")
    assert "Nothing new" in again.stderr + again.stdout  # the hash still knows the bytes
    assert query(lake, "SELECT count(*) FROM articles") == [(2,)]

    redo = newslake("reprocess", "--all", "--lake", str(lake), "--no-progress")
    assert "not reprocessed" in redo.stdout and "2 documents: lake.keep_raw_days dropped" in redo.stdout

    (tmp_path / "newslake.toml").write_text("", encoding="utf-8")
    done = json.loads(newslake("maintain", "--lake", str(lake), "--keep-raw-days", "0", "--format", "json").stdout)
    assert done[0]["raw_dropped"] == 0  # already dropped
