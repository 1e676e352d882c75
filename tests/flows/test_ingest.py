"""End to end through the `newslake` command, with a real Prefect server and real lake files."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newslake.warehouse.lake import LakeLocation, connect
from newslake.warehouse.migrate import migrate, table_names
from tests.conftest import BIN, SEED_000, SEED_003, SEEDS, CliRunner
from tests.lakes import rows

# Data tables; runs, validation_runs and validation_results are run logs that grow by one run each time.
TABLES = tuple(t for t in table_names() if t not in ("runs", "validation_runs", "validation_results"))
HOLD_WRITE_LOCK = (
    "import sqlite3, sys, time\n"
    "con = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
    "con.execute('BEGIN IMMEDIATE')\n"
    "print('held', flush=True)\n"
    "time.sleep(300)\n"
)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(200))


def _counts(lake: Path) -> dict[str, int]:
    sql = " UNION ALL ".join(f"SELECT '{t}' AS t, count(*) AS n FROM {t}" for t in TABLES)
    return {str(row["t"]): int(row["n"]) for row in rows(lake, sql)}


def _last_run(lake: Path) -> dict[str, object]:
    return rows(lake, "SELECT * FROM runs ORDER BY started_at DESC LIMIT 1")[0]


def test_seeds_load_and_a_second_run_changes_nothing(newslake: CliRunner, tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    first = newslake("run", str(SEEDS), "--lake", str(lake))
    assert "Traceback" not in first.stderr + first.stdout
    assert "ERROR" not in first.stderr
    assert "Sample query" in first.stdout and "The Word 360" in first.stdout
    # The sample is the answer `newslake sql` gives to the same query, table and all.
    query = first.stdout.split("Sample query: ", 1)[1].splitlines()[0]
    assert first.stdout.endswith(newslake("sql", query, "--lake", str(lake)).stdout)
    run = _last_run(lake)
    assert (run["status"], run["documents_seen"], run["documents_new"], run["articles_loaded"]) == (
        "completed",
        2,
        2,
        2,
    )
    before = _counts(lake)
    assert before["articles"] == 2 and before["links"] >= 4 and before["mentions"] > 10

    again = newslake("run", str(SEEDS), "--lake", str(lake))
    assert "Nothing new. Query what is there: newslake sql" in again.stdout and "The Word 360" not in again.stdout
    run = _last_run(lake)
    assert (run["documents_seen"], run["documents_unchanged"], run["documents_new"]) == (2, 2, 0)
    assert _counts(lake) == before


def test_a_run_with_nothing_to_ingest_or_an_unknown_source_says_so_and_exits(
    newslake: CliRunner, tmp_path: Path
) -> None:
    lake = tmp_path / "lake"
    empty = newslake("run", "--lake", str(lake), check=False)
    assert empty.returncode == 2 and "nothing to ingest" in empty.stderr
    unknown = newslake("run", "--source", "nope", "--lake", str(lake), check=False)
    assert unknown.returncode == 1 and "no source named 'nope'" in unknown.stderr
    assert "Traceback" not in empty.stderr + unknown.stderr
    assert not lake.exists()


def test_an_unknown_source_is_refused_before_any_worker_starts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A worker pool dropped while its processes start up can print a traceback as the interpreter
    # exits, so the command must refuse the name before it starts one. The pool's start is watched,
    # not replaced.
    from click.testing import CliRunner as ClickRunner

    from newslake.flows import workers
    from newslake.flows.cli import main

    started: list[int] = []
    start = workers.start_workers_early

    def watched(workers: int, model_name: str, max_bytes: int) -> bool:
        started.append(workers)
        return start(workers, model_name, max_bytes)

    monkeypatch.setattr(workers, "start_workers_early", watched)
    result = ClickRunner().invoke(main, ["run", "--source", "nope", "--workers", "2", "--lake", str(tmp_path / "l")])
    assert result.exit_code == 1 and "no source named 'nope'" in result.output
    assert started == []


def test_seed_articles_are_stored_field_by_field(seed_lake: Path) -> None:
    lake = seed_lake
    articles = {Path(str(r["source_uri"])).name: r for r in rows(lake, "SELECT * FROM articles")}
    seed0, seed3 = articles[SEED_000.name], articles[SEED_003.name]
    assert seed0["authors"] == ["T.D."] and seed0["published_at"] is None
    assert str(seed0["text"]).startswith("Ukraine is responding")
    assert seed3["site_name"] == "The Word 360" and seed3["published_at"] is None
    assert str(seed3["text"]).endswith("The war is not frozen. It is managed.")
    people = rows(
        lake,
        "SELECT DISTINCT e.name FROM mentions m JOIN entities e USING (entity_id) "
        "JOIN articles a USING (article_id) WHERE e.label = 'PERSON' AND a.source_uri LIKE '%000_%'",
    )
    assert {"Vladimir Putin", "Ryhor Nijnikau"} <= {p["name"] for p in people}
    speakers = rows(
        lake,
        "SELECT DISTINCT e.name FROM quotes q JOIN entities e ON e.entity_id = q.speaker_entity_id",
    )
    assert {"John Herbst", "Jenny Mathers", "Ryhor Nijnikau", "Oleksandr Kraiev"} <= {s["name"] for s in speakers}
    kyiv = rows(lake, "SELECT label, country_code, latitude FROM entities WHERE name = 'Kyiv'")
    assert kyiv == [{"label": "GPE", "country_code": "UA", "latitude": kyiv[0]["latitude"]}]
    assert kyiv[0]["latitude"] is not None
    documents = rows(lake, "SELECT kind, byte_size, octet_length(content) AS stored FROM documents")
    assert sorted(d["kind"] for d in documents) == ["escaped_html", "text"]
    assert all(d["byte_size"] == d["stored"] for d in documents)


def test_bad_files_are_quarantined_while_seeds_load(newslake: CliRunner, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    shutil.copytree(SEEDS, inbox)
    (inbox / "image.png").write_bytes(PNG)
    (inbox / "empty.html").write_bytes(b"")
    # A regular file whose read fails for every user (EIO): it used to end the run with a traceback.
    (inbox / "broken.html").symlink_to("/proc/self/mem")
    lake = tmp_path / "lake"
    result = newslake("run", str(inbox), "--lake", str(lake))
    assert "Traceback" not in result.stderr
    run = _last_run(lake)
    assert (run["documents_seen"], run["documents_new"], run["documents_quarantined"]) == (5, 2, 3)
    assert json.loads(str(run["quarantine_reasons"])) == {"binary_content": 1, "empty": 1, "unreadable_file": 1}
    refused = rows(lake, "SELECT source_uri, stage, reason, detail FROM quarantine ORDER BY reason")
    assert sorted((r["stage"], r["reason"]) for r in refused) == [
        ("discover", "unreadable_file"),
        ("normalize", "binary_content"),
        ("normalize", "empty"),
    ]
    assert all(r["detail"] for r in refused)


def test_a_lake_inside_the_folder_it_reads_is_never_ingested(newslake: CliRunner, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    shutil.copytree(SEEDS, inbox)
    lake = inbox / "lake"  # its catalog, Parquet files and Data Docs pages are not documents
    newslake("run", str(inbox), "--lake", str(lake))
    again = newslake("run", str(inbox), "--lake", str(lake))
    assert "warehouse_folder" in again.stdout  # the summary says which folder was passed over
    runs = rows(lake, "SELECT documents_seen, documents_unchanged FROM runs ORDER BY started_at")
    assert [(r["documents_seen"], r["documents_unchanged"]) for r in runs] == [(2, 0), (2, 2)]
    assert {str(r["source_uri"]).rsplit("/", 1)[-1] for r in rows(lake, "SELECT source_uri FROM document_sources")} == {
        SEED_000.name,
        SEED_003.name,
    }


@pytest.mark.slow
def test_a_warehouse_held_by_another_writer_fails_in_one_line(newslake: CliRunner, tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    con = connect(LakeLocation.under(lake))
    migrate(con)
    con.close()
    holder = subprocess.Popen(  # another writer that keeps the catalog's write lock
        [sys.executable, "-c", HOLD_WRITE_LOCK, str(lake / "catalog.sqlite")], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        result = newslake("run", str(SEEDS), "--lake", str(lake), "--workers", "1", "--no-progress", check=False)
    finally:
        holder.kill()
        holder.communicate()
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "database is locked" in result.stderr and "run again" in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 4, result.stderr  # Prefect may add an exit warning


def test_a_pipe_given_as_a_path_is_named_as_such(newslake: CliRunner, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = newslake("run", str(fifo), "--lake", str(tmp_path / "lake"), check=False)
    assert result.returncode == 1 and "not a regular file or a folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_changed_file_becomes_an_update_of_the_same_article(newslake: CliRunner, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    shutil.copytree(SEEDS, inbox)
    lake = tmp_path / "lake"
    newslake("run", str(inbox), "--lake", str(lake))
    before = {r["source_uri"]: r["article_id"] for r in rows(lake, "SELECT source_uri, article_id FROM articles")}
    target = inbox / SEED_000.name
    target.write_text(target.read_text(encoding="utf-8").replace("Ukraine is responding", "Ukraine keeps responding"))
    newslake("run", str(inbox), "--lake", str(lake))
    run = _last_run(lake)
    assert (run["documents_updated"], run["documents_unchanged"], run["documents_new"]) == (1, 1, 0)
    after = rows(lake, "SELECT source_uri, article_id, text FROM articles")
    assert {r["source_uri"]: r["article_id"] for r in after} == before
    changed = next(r for r in after if str(r["source_uri"]).endswith(SEED_000.name))
    assert str(changed["text"]).startswith("Ukraine keeps responding")
    versions = rows(lake, "SELECT article_id, text FROM article_versions")
    assert len(versions) == 1 and str(versions[0]["text"]).startswith("Ukraine is responding")


def test_same_bytes_under_two_names_is_one_document_with_two_sources(newslake: CliRunner, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SEED_000, inbox / "a.txt")
    shutil.copy(SEED_000, inbox / "b.txt")
    lake = tmp_path / "lake"
    first = newslake("run", str(inbox), "--lake", str(lake))
    counts = _counts(lake)
    assert (counts["documents"], counts["document_sources"], counts["articles"]) == (1, 2, 1)
    # A first run has nothing unchanged but the copy: the summary says what that count holds.
    assert "1 (1 the same bytes as another document, stored once)" in first.stdout
    again = newslake("run", str(inbox), "--lake", str(lake))
    assert re.search(r"unchanged\s*│ 2\s*│", again.stdout)


def test_sql_refuses_writes_with_a_clear_message(newslake: CliRunner, seed_lake: Path, tmp_path: Path) -> None:
    missing = newslake("sql", "SELECT 1", "--lake", str(tmp_path / "lake"), check=False)
    assert missing.returncode != 0 and "newslake run" in missing.stderr and "Traceback" not in missing.stderr
    assert not (tmp_path / "lake").exists()  # asking did not create it
    lake = seed_lake
    refused = newslake("sql", "DELETE FROM articles", "--lake", str(lake), check=False)
    assert refused.returncode != 0
    assert "only reads" in refused.stderr and "Traceback" not in refused.stderr
    csv_out = newslake("sql", "SELECT title, site_name FROM articles", "--lake", str(lake), "--format", "csv")
    assert csv_out.stdout.splitlines()[0] == "title,site_name"


def test_lake_location_comes_from_the_environment(newslake: CliRunner, tmp_path: Path) -> None:
    lake = tmp_path / "elsewhere"
    newslake("run", str(SEED_000), env={"NEWSLAKE_LAKE": str(lake)})
    assert (lake / "catalog.sqlite").exists()
    table = newslake("sql", "SELECT count(*) AS n FROM articles", env={"NEWSLAKE_LAKE": str(lake)})
    assert "1" in table.stdout


@pytest.mark.slow
def test_a_second_process_reads_while_a_run_writes(newslake: CliRunner, prefect_api: str, tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    newslake("run", str(SEED_003), "--lake", str(lake))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = SEED_000.read_text(encoding="utf-8")
    for i in range(8):  # four batches of two: reads overlap the run between its commits
        (corpus / f"doc{i:03d}.txt").write_text(text.replace("Ukraine is responding", f"Ukraine is responding ({i})"))
    env = {**os.environ, "PREFECT_API_URL": prefect_api, "PREFECT_HOME": str(tmp_path / "ph")}
    writer = subprocess.Popen(
        [
            str(BIN / "newslake"),
            "run",
            str(corpus),
            "--lake",
            str(lake),
            "--batch-size",
            "2",
            "--workers",
            "1",  # one model load: on two cores the reads below take the other
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    reads_during_run = 0
    seen_counts = []
    deadline = time.monotonic() + 300
    while writer.poll() is None and time.monotonic() < deadline:
        answer = newslake("sql", "SELECT count(*) AS n FROM articles", "--lake", str(lake), "--format", "jsonl")
        # An analyst view reads consistently too: the articles it counts are a committed state.
        view = newslake(
            "sql", "SELECT sum(articles) AS n FROM daily_articles", "--lake", str(lake), "--format", "jsonl"
        )
        if writer.poll() is None:
            reads_during_run += 1
            seen_counts.append(json.loads(answer.stdout.splitlines()[0])["n"])
            seen_counts.append(json.loads(view.stdout.splitlines()[0])["n"])
        time.sleep(0.2)  # leave the writer the cores between reads
    _, err = writer.communicate(timeout=300)
    assert writer.returncode == 0, err[-2000:]
    assert reads_during_run >= 1, "the run finished before a read could overlap it"
    assert all(1 <= n <= 9 for n in seen_counts)
    assert rows(lake, "SELECT count(*) AS n FROM articles")[0]["n"] == 9
