"""The command line against a shared warehouse: catalog on PostgreSQL, data files on S3."""

from __future__ import annotations

import json

import pytest

from tests.conftest import SEEDS, CliRunner
from tests.services import S3, Postgres, free_port


def test_a_catalog_server_that_does_not_answer_is_told_in_one_line(newslake: CliRunner) -> None:
    catalog = f"postgres:dbname=lake host=127.0.0.1 port={free_port()} user=newslake"
    result = newslake("sql", "--catalog", catalog, "--data-path", "s3://bucket/lake/", "SELECT 1", check=False)
    assert result.returncode == 1
    assert "PostgreSQL catalog does not answer" in result.stderr and "Connection refused" in result.stderr


@pytest.mark.cluster
@pytest.mark.slow
def test_run_query_search_and_report_on_a_shared_warehouse(newslake: CliRunner, postgres: Postgres, s3: S3) -> None:
    env = {
        **s3.environ,
        "NEWSLAKE_CATALOG": postgres.catalog(postgres.new_database()),
        "NEWSLAKE_DATA_PATH": f"s3://{s3.new_bucket()}/news/",
    }
    run = newslake("run", str(SEEDS), "--workers", "1", "--no-progress", env=env)
    assert "postgres:dbname=" in run.stderr + run.stdout
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
    newslake("report", "--out", "report.html", env=env)
    exported = newslake("export", "--format", "parquet", "--to", "out", env=env)
    assert exported.returncode == 0
