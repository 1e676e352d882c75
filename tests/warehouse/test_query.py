"""Users' SQL on a real lake: reads answer, and nothing can write or read outside the lake."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from newslake.warehouse.lake import LakeLocation
from newslake.warehouse.query import WriteRefusedError, open_query_connection, run_query
from tests.lakes import new_lake


@pytest.fixture
def location(tmp_path: Path) -> LakeLocation:
    return new_lake(tmp_path / "lake", sample=True)


def _data_files(location: LakeLocation) -> set[Path]:
    return set(Path(location.data_path).rglob("*"))


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT title FROM articles",
        "WITH t AS (SELECT title FROM articles) SELECT * FROM t",
        "FROM articles SELECT count(*)",
        "DESCRIBE articles",
        "SHOW TABLES",
        "SUMMARIZE articles",
        "EXPLAIN SELECT * FROM articles",
        "EXPLAIN ANALYZE SELECT count(*) FROM articles",
        "SELECT * FROM lake.snapshots()",
        "SELECT * FROM top_entities",
        "PRAGMA version",
    ],
)
def test_queries_answer(location: LakeLocation, statement: str) -> None:
    con = open_query_connection(location)
    columns, _ = run_query(con, statement)
    assert columns


def test_explain_analyze_of_copy_is_refused_and_writes_nothing(location: LakeLocation, tmp_path: Path) -> None:
    con = open_query_connection(location)
    target = tmp_path / "out.csv"
    with pytest.raises(WriteRefusedError, match="COPY statements are refused"):
        run_query(con, f"EXPLAIN ANALYZE COPY (SELECT title FROM articles) TO '{target}'")
    assert not target.exists()


@pytest.mark.parametrize(
    ("statement", "named"),
    [
        ("INSTALL httpfs", "INSTALL"),
        ("FORCE INSTALL httpfs", "INSTALL"),
        ("LOAD httpfs", "LOAD"),
        ("ATTACH 'other.db'", "ATTACH"),
        ("DELETE FROM articles", "DELETE"),
    ],
)
def test_a_refused_statement_is_named_as_written(location: LakeLocation, statement: str, named: str) -> None:
    con = open_query_connection(location)
    with pytest.raises(WriteRefusedError, match=f"^{named} statements are refused"):
        run_query(con, statement)


def test_copy_over_a_lake_data_file_is_refused_and_the_lake_still_reads(location: LakeLocation) -> None:
    con = open_query_connection(location)
    victim = next(p for p in Path(location.data_path).rglob("*.parquet") if "articles" in str(p))
    for statement in (
        f"COPY (SELECT 1) TO '{victim}' (FORMAT parquet)",
        f"EXPLAIN ANALYZE COPY (SELECT 1) TO '{victim}' (FORMAT parquet)",
        f"EXPLAIN (FORMAT json) COPY (SELECT 1) TO '{victim}'",
    ):
        with pytest.raises(WriteRefusedError):
            run_query(con, statement)
    assert run_query(con, "SELECT title FROM articles")[1] == [("A title",)]


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT * FROM ducklake_merge_adjacent_files('lake')",
        "SELECT * FROM lake.merge_adjacent_files()",
        "SELECT * FROM ducklake_expire_snapshots('lake', older_than => now())",
        "SELECT 1 WHERE 1 IN (SELECT count(*) FROM ducklake_cleanup_old_files('lake', cleanup_all => true))",
        "SELECT * FROM query('SELECT 1')",
        "PIVOT (SELECT * FROM ducklake_merge_adjacent_files('lake')) ON files_processed USING count(*)",
    ],
)
def test_maintenance_functions_that_write_are_refused_and_leave_no_files(
    location: LakeLocation, statement: str
) -> None:
    before = _data_files(location)
    con = open_query_connection(location)
    with pytest.raises(WriteRefusedError, match="refused"):
        run_query(con, statement)
    assert _data_files(location) == before


def test_local_files_are_read_only_with_allow_files(location: LakeLocation, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("private")
    query = f"SELECT content FROM read_text('{secret}')"
    with pytest.raises(duckdb.PermissionException):
        run_query(open_query_connection(location), query)
    assert run_query(open_query_connection(location, allow_files=True), query)[1] == [("private",)]


def test_the_guard_cannot_be_turned_off_from_inside(location: LakeLocation) -> None:
    con = open_query_connection(location)
    with pytest.raises(WriteRefusedError):
        run_query(con, "SET enable_external_access = true")
    with pytest.raises(duckdb.Error, match="locked"):
        con.execute("SET enable_external_access = true")
