"""The command line against a shared warehouse: catalog on PostgreSQL, data files on S3."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest

from newslake.warehouse.lake import LakeLocation
from tests.conftest import BIN, SEEDS, CliRunner
from tests.lakes import count_articles
from tests.services import S3, Postgres, free_port, postgres_server, prefect_filter
from tests.site import article_html


@pytest.mark.parametrize(
    "connection",
    [
        "dbname=lake host=127.0.0.1 port={port} user=newslake password=hunter2",
        "postgresql://newslake:hunter2@127.0.0.1:{port}/lake",
    ],
    ids=["keywords", "uri"],
)
def test_a_catalog_server_that_does_not_answer_is_told_in_one_line(newslake: CliRunner, connection: str) -> None:
    catalog = "postgres:" + connection.format(port=free_port())
    result = newslake("sql", "--catalog", catalog, "--data-path", "s3://bucket/lake/", "SELECT 1", check=False)
    assert result.returncode == 1
    assert "PostgreSQL catalog does not answer" in result.stderr and "Connection refused" in result.stderr
    assert "hunter2" not in result.stdout + result.stderr and "***" in result.stderr


@pytest.mark.cluster
@pytest.mark.slow
def test_run_query_search_and_report_on_a_shared_warehouse(
    newslake: CliRunner, postgres: Postgres, s3: S3, tmp_path: Path, prefect_api: str
) -> None:
    env = {
        **s3.environ,
        # The test server trusts local connections: the password is never asked for, only carried.
        "NEWSLAKE_CATALOG": postgres.catalog(postgres.new_database()) + " password=hunter2",
        "NEWSLAKE_DATA_PATH": f"s3://{s3.new_bucket()}/news/",
    }
    run = newslake("run", str(SEEDS), "--workers", "1", "--no-progress", env=env)
    assert "postgres:dbname=" in run.stderr + run.stdout and "hunter2" not in run.stderr + run.stdout
    # Neither the warehouse's record of the run nor Prefect's keeps the catalog's password.
    recorded = newslake("sql", "--format", "json", "SELECT * FROM runs", env=env).stdout
    assert "password=***" in recorded and "hunter2" not in recorded
    flow_runs = prefect_filter(prefect_api, "flow_runs", {"sort": "EXPECTED_START_TIME_DESC", "limit": 200})
    assert "hunter2" not in json.dumps(flow_runs)
    first = newslake("sql", "--format", "json", "SELECT count(*) AS n FROM articles", env=env)
    assert json.loads(first.stdout) == [{"n": 2}]
    # Run again: nothing new, nothing duplicated.
    newslake("run", str(SEEDS), "--workers", "1", "--no-progress", env=env)
    again = newslake(
        "sql", "--format", "json", "SELECT count(*) AS n, count(DISTINCT article_id) AS d FROM articles", env=env
    )
    assert json.loads(again.stdout) == [{"n": 2, "d": 2}]
    found = newslake("search", "--format", "json", "Ukraine", env=env)
    assert len(json.loads(found.stdout)) >= 1
    # Another machine (its own local folder) searches the same warehouse: its index is built there.
    elsewhere = newslake("search", "--lake", "machine-b", "--format", "json", "Ukraine", env=env)
    assert len(json.loads(elsewhere.stdout)) == len(json.loads(found.stdout))
    # ... and catches up with articles loaded later from here.
    page = tmp_path / "later" / "page.html"
    page.parent.mkdir()
    page.write_text(article_html(7), encoding="utf-8")
    on_b = ("search", "--lake", "machine-b", "--format", "json", "Warsaw transport plan")
    title = "Council in Warsaw approves transport plan number 7"
    assert title not in [row["title"] for row in json.loads(newslake(*on_b, env=env).stdout)]
    newslake("run", str(page.parent), "--workers", "1", "--no-progress", env=env)
    assert json.loads(newslake(*on_b, env=env).stdout)[0]["title"] == title
    newslake("report", "--out", "report.html", env=env)
    newslake("export", "--format", "parquet", "--to", "out", env=env)
    assert any((tmp_path / "out" / "articles").rglob("*.parquet"))


@pytest.mark.cluster
@pytest.mark.slow
def test_postgres_stopped_mid_run_is_told_and_a_rerun_finishes(
    s3: S3, prefect_api: str, tmp_path: Path, newslake: CliRunner
) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    for n in range(30):
        (folder / f"page-{n:03}.html").write_text(article_html(n), encoding="utf-8")
    with postgres_server() as postgres:  # its own server: this test stops it
        location = LakeLocation(
            tmp_path / "lake", postgres.catalog(postgres.new_database()), f"s3://{s3.new_bucket()}/n/"
        )
        env = {**s3.environ, "NEWSLAKE_CATALOG": location.catalog, "NEWSLAKE_DATA_PATH": location.data_path}
        run_env = {**os.environ, **env, "PREFECT_API_URL": prefect_api, "PREFECT_HOME": str(tmp_path / "prefect")}
        command = [str(BIN / "newslake"), "run", str(folder), "--batch-size", "2", "--workers", "1", "--no-progress"]
        run = subprocess.Popen(command, cwd=tmp_path, env=run_env, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 300
        while run.poll() is None and time.monotonic() < deadline and count_articles(location) < 2:
            time.sleep(0.3)
        postgres.stop()
        _, err = run.communicate(timeout=300)
        assert run.returncode == 1, err[-3000:]
        assert "Traceback" not in err
        assert "PostgreSQL catalog stopped answering" in err and "run the same command again" in err
        postgres.start()
        kept = count_articles(location)
        assert 2 <= kept < 30
        newslake("run", str(folder), "--batch-size", "10", "--workers", "1", "--no-progress", env=env)
        rows = newslake(
            "sql", "--format", "json", "SELECT count(*) AS n, count(DISTINCT article_id) AS d FROM articles", env=env
        )
        assert json.loads(rows.stdout) == [{"n": 30, "d": 30}]
