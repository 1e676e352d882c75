"""Warehouse on real DuckLake files: migrations, planning, idempotent loading, read-only queries."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from newslake.tasks.clusters import story_signature
from newslake.tasks.places import PLACES_ONLY
from newslake.tasks.validate import ExpectationOutcome
from newslake.warehouse.clusters import STAGED_SCHEMAS
from newslake.warehouse.forget import Forgetting, forget_tables
from newslake.warehouse.lake import (
    LakeLocation,
    LakeMissingError,
    connect,
    execute_staged,
    read_sql,
    staged,
    threads_limited,
    transaction,
    write,
)
from newslake.warehouse.load import (
    ALREADY_LOADED,
    FetchRow,
    LoadBatch,
    StoredDocument,
    blob_column,
    load_batch,
    plan_batch,
    staged_tables,
)
from newslake.warehouse.migrate import list_migrations, migrate, table_names
from newslake.warehouse.query import WriteRefusedError, run_query
from newslake.warehouse.sources import ListedRow, Validators, poll_tables, record_poll
from tests.lakes import RecordingConnection, new_lake, sample_batch

# Data tables; runs, validation_runs and validation_results are run logs that grow by one run each time,
# schema_views is schema bookkeeping.
TABLES = tuple(t for t in table_names() if t not in ("runs", "validation_runs", "validation_results", "schema_views"))


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    return connect(new_lake(tmp_path / "lake"))


def _counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    # write_token is bookkeeping: its single row is bumped by every write (see test_write.py).
    with transaction(con):  # each statement of its own would read the catalog first
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES if t != "write_token"}  # type: ignore[index]


def test_a_migrated_lake_is_empty_and_takes_no_migration_twice(con: duckdb.DuckDBPyConnection) -> None:
    # Migrating from empty is tests/warehouse/test_migrate.py's; `con` is a copy of a migrated lake.
    assert migrate(con) == []
    applied = con.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()
    assert [row[0] for row in applied] == [number for number, _, _ in list_migrations()]
    assert all(count == 0 for count in _counts(con).values())
    assert con.execute("SELECT count(*) FROM write_token").fetchone() == (1,)


def _logged_batch() -> LoadBatch:
    # A batch with a page fetch and quality results, as a batch of a run that fetched pages has.
    batch = sample_batch()
    batch.batch_number = 3
    batch.fetches = [FetchRow("feed", "https://e.org/a", "page", "fetched", batch.extracted_at, doc_id="d1")]
    batch.validation = [ExpectationOutcome("articles", "title_present", "error", True, 0, 0.0, (), "{}", 1)]
    return batch


def test_loading_the_same_batch_twice_changes_nothing(con: duckdb.DuckDBPyConnection) -> None:
    # A batch is replayed when the worker that loaded it died before it could tell the run.
    logs = ("fetches", "validation_runs", "validation_results")
    load_batch(con, _logged_batch())
    first = _counts(con)
    first_logs = [con.execute(f"SELECT count(*) FROM {t}").fetchone() for t in logs]
    load_batch(con, _logged_batch())
    assert _counts(con) == first
    assert [con.execute(f"SELECT count(*) FROM {t}").fetchone() for t in logs] == first_logs == [(1,), (1,), (1,)]
    assert (first["articles"], first["entities"], first["entity_aliases"], first["links"]) == (1, 2, 3, 1)
    assert (first["entity_mentions"], first["quotes"]) == (2, 1)
    place = con.execute("SELECT country_code, latitude FROM entities WHERE name = 'Kyiv'").fetchone()
    assert place == ("UA", 50.45)


def test_raw_content_is_stored_byte_for_byte(con: duckdb.DuckDBPyConnection) -> None:
    batch = sample_batch()
    page = "<p>caf\u00e9</p>".encode() + bytes(range(256))
    batch.documents = [
        StoredDocument("d1", "file:///a.html", batch.extracted_at, "html", "utf-8", len(page), page),
        StoredDocument("d2", "https://example.org/gone", batch.extracted_at, "html", None, 0, None),
        StoredDocument("d3", "file:///empty.txt", batch.extracted_at, "text", "utf-8", 0, b""),
    ]
    load_batch(con, batch)
    stored = dict(con.execute("SELECT doc_id, content FROM documents").fetchall())
    assert stored == {"d1": page, "d2": None, "d3": b""}


def test_blob_column_keeps_values_empty_values_and_nulls_apart() -> None:
    assert blob_column([b"ab", None, b"", b"xyz"]).to_pylist() == [b"ab", None, b"", b"xyz"]
    assert blob_column([]).to_pylist() == []


def test_data_lands_in_zstd_parquet_files(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    load_batch(con, sample_batch())
    # Every file the batch wrote (the bookkeeping rows of the migrations before 007 keep the default snappy).
    files = [f for f in (tmp_path / "lake" / "data").rglob("*.parquet") if f.parent.name != "schema_migrations"]
    assert {f.parent.name for f in files} >= {"documents", "articles", "mentions", "links"}
    codecs = {
        row[0] for f in files for row in duckdb.sql(f"SELECT compression FROM parquet_metadata('{f}')").fetchall()
    }
    assert codecs == {"ZSTD"}


def _every_kind_of_row(con: duckdb.DuckDBPyConnection) -> None:
    """Give the warehouse a row in each table the staged SQL files write to."""
    at = datetime(2026, 1, 2, tzinfo=UTC)
    batch = _logged_batch()
    batch.signatures = [("art1", story_signature(" ".join(f"word{n}" for n in range(200))))]
    load_batch(con, batch)
    listed = [ListedRow("https://e.org/a", "feed", at, None)]
    record_poll(con, "r1", listed, [Validators("feed", "https://e.org/feed", '"e1"', None, at)], batch.fetches)


def _empty_inputs(sql_name: str) -> dict[str, pa.Table]:
    if sql_name == "load_batch":
        empty = staged_tables(LoadBatch("r9", datetime(2026, 1, 3, tzinfo=UTC), "test", "m-1"))
        return {**empty, **{name: schema.empty_table() for name, (_, _, schema) in ALREADY_LOADED.items()}}
    if sql_name == "record_poll":
        return poll_tables("r9", [], [], [])
    if sql_name == "forget":
        return forget_tables(Forgetting([], [], [], []), "", datetime(2026, 1, 3, tzinfo=UTC))
    return {name: schema.empty_table() for name, schema in STAGED_SCHEMAS.items()}


@pytest.mark.parametrize("sql_name", ["load_batch", "record_poll", "cluster_store", "forget"])
def test_a_staged_statement_changes_nothing_when_its_staged_tables_are_empty(
    con: duckdb.DuckDBPyConnection, sql_name: str
) -> None:
    # execute_staged skips a statement whose staged tables are all empty: right only while running it
    # would change nothing. Here every statement runs, on empty inputs, over rows of every kind.
    _every_kind_of_row(con)
    tables = [t for t in table_names() if t != "write_token"]
    before = {t: sorted(map(repr, con.execute(f"SELECT * FROM {t}").fetchall())) for t in tables}
    assert all(before[t] for t in ("articles", "seen_urls", "cluster_bands", "fetches", "quarantine"))
    inputs = _empty_inputs(sql_name)
    with transaction(con), staged(con, inputs):
        for statement in con.extract_statements(read_sql(sql_name)):
            con.execute(statement.query)
    assert {t: sorted(map(repr, con.execute(f"SELECT * FROM {t}").fetchall())) for t in tables} == before


def test_statements_with_no_staged_rows_are_skipped_and_the_others_run(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE TEMP TABLE log (n BIGINT)")
    # count(*) of an empty table is a row: a statement reading only the empty staged_b shows if it ran.
    sql = """
        INSERT INTO temp.log SELECT count(*) + 100 FROM staged_b;
        INSERT INTO temp.log SELECT n FROM staged_a;
        INSERT INTO temp.log SELECT count(*) + 10 FROM (SELECT n FROM staged_a UNION ALL SELECT n FROM staged_b);
        INSERT INTO temp.log VALUES (7);
    """
    inputs = {"staged_a": pa.table({"n": [1]}), "staged_b": pa.table({"n": pa.array([], pa.int64())})}
    with transaction(con), staged(con, inputs):
        execute_staged(con, sql, inputs)
    assert sorted(row[0] for row in con.execute("SELECT n FROM temp.log").fetchall()) == [1, 7, 11]


def test_update_keeps_previous_version(con: duckdb.DuckDBPyConnection) -> None:
    load_batch(con, sample_batch())
    first = _counts(con)
    load_batch(con, sample_batch(doc_id="d2", text="Changed words " * 30, run_id="r2"))
    rows = con.execute("SELECT article_id, doc_id FROM articles").fetchall()
    assert rows == [("art1", "d2")]
    old = con.execute("SELECT doc_id, superseded_by_run FROM article_versions").fetchall()
    assert old == [("d1", "r2")]
    # The new version's mentions, links and quotes replace the old one's.
    counts = _counts(con)
    assert [counts[t] for t in ("mentions", "links", "entity_mentions", "quotes")] == [
        first[t] for t in ("mentions", "links", "entity_mentions", "quotes")
    ]


def test_new_articles_skip_the_statements_that_replace_rows_and_an_update_runs_them(
    con: duckdb.DuckDBPyConnection,
) -> None:
    replacing = re.compile(r"^(DELETE FROM (articles|mentions|links|entity_mentions|quotes|validation_\w+)\b)", re.M)
    first = RecordingConnection(con)
    load_batch(first, _logged_batch())  # type: ignore[arg-type]
    assert not [sql for sql in first.executed if replacing.search(sql)]
    again = RecordingConnection(con)
    load_batch(again, _logged_batch())  # type: ignore[arg-type]
    ran = {m.group(2) for sql in again.executed for m in [replacing.search(sql)] if m}
    replaced = {"articles", "mentions", "links", "entity_mentions", "quotes", "validation_runs", "validation_results"}
    assert ran == replaced


def test_plan_tells_new_unchanged_updated_and_duplicate(con: duckdb.DuckDBPyConnection) -> None:
    load_batch(con, sample_batch())
    plans = plan_batch(
        con, [("file:///a.html", "d1"), ("file:///a.html", "d9"), ("file:///copy.html", "d1"), ("file:///n", "d5")]
    )
    assert [(p.status, p.previous_article_id) for p in plans] == [
        ("unchanged", "art1"),
        ("updated", "art1"),
        ("duplicate", None),
        ("new", None),
    ]


def test_plan_passes_over_what_was_forgotten_by_content_place_or_host(con: duckdb.DuckDBPyConnection) -> None:
    forgotten = [("d7", "doc_id"), ("file:///gone.html", "source_uri"), ("news.example", "host")]
    write(
        con,
        lambda: con.executemany("INSERT INTO forgotten VALUES (?, ?, 'takedown', now())", [list(f) for f in forgotten]),
    )
    candidates = [
        ("file:///elsewhere.html", "d7"),  # the same bytes at another place
        ("file:///gone.html", "d8"),  # other bytes at the place
        ("https://news.example/a", "d9"),
        ("https://www.news.example/b", "d10"),  # a subdomain
        ("https://notnews.example/c", "d11"),  # another host that ends alike
        ("file:///news.example/d", "d12"),  # a file path that names the host
    ]
    assert [p.status for p in plan_batch(con, candidates)] == ["forgotten"] * 4 + ["new", "new"]


def test_failed_batch_leaves_nothing_behind(con: duckdb.DuckDBPyConnection) -> None:
    batch = sample_batch()
    batch.articles.append(("art2", "not an article"))  # type: ignore[arg-type]
    with pytest.raises(AttributeError):
        load_batch(con, batch)
    assert all(count == 0 for count in _counts(con).values())


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM articles",
        "INSERT INTO links VALUES ('a', 'b', 'c')",
        "DROP TABLE runs",
        "COPY (SELECT 1) TO 'out.csv'",
        "ATTACH 'other.db'",
        "SELECT 1; DELETE FROM articles",
    ],
)
def test_sql_refuses_statements_that_write(con: duckdb.DuckDBPyConnection, statement: str) -> None:
    load_batch(con, sample_batch())
    with pytest.raises(WriteRefusedError, match="only reads"):
        run_query(con, statement)
    assert con.execute("SELECT count(*) FROM articles").fetchone() == (1,)


def test_reader_sees_rows_through_a_read_only_attachment(tmp_path: Path) -> None:
    location = LakeLocation.under(tmp_path / "lake")
    writer = connect(location)
    migrate(writer)
    load_batch(writer, sample_batch())
    reader = connect(location, read_only=True)
    columns, rows = run_query(reader, "SELECT title, authors FROM articles")
    assert columns == ["title", "authors"] and rows == [("A title", ["Jane Doe"])]
    with pytest.raises(duckdb.Error, match="read-only"):
        reader.execute("INSERT INTO links VALUES ('a', 'b', 'c')")


def test_reading_a_missing_lake_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(LakeMissingError, match="newslake run"):
        connect(LakeLocation.under(tmp_path / "none"), read_only=True)


def _threads(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("SELECT current_setting('threads')").fetchone()[0])  # type: ignore[index]


def test_threads_are_limited_for_the_block_and_restored_after_it_even_on_error(
    con: duckdb.DuckDBPyConnection,
) -> None:
    con.execute("SET threads = 3")
    with threads_limited(con, 1):
        assert _threads(con) == 1
    assert _threads(con) == 3
    with pytest.raises(RuntimeError), threads_limited(con, 2):
        assert _threads(con) == 2
        raise RuntimeError("a failed load")
    assert _threads(con) == 3
    with threads_limited(con, None):
        assert _threads(con) == 3
    with threads_limited(con, 6):  # a limit never raises what the connection was given (lake.duckdb_threads)
        assert _threads(con) == 3
    assert _threads(con) == 3


def test_a_lake_moved_to_another_folder_opens_and_takes_writes_there(tmp_path: Path) -> None:
    first = LakeLocation.under(tmp_path / "here" / "lake")
    writer = connect(first)
    migrate(writer)
    load_batch(writer, sample_batch())
    writer.close()
    (tmp_path / "there").mkdir()
    (tmp_path / "here" / "lake").rename(tmp_path / "there" / "lake")
    moved = LakeLocation.under(tmp_path / "there" / "lake")
    reader = connect(moved, read_only=True)
    assert reader.execute("SELECT title, text FROM articles").fetchall() == [("A title", "Some words " * 30)]
    reader.close()
    writer = connect(moved)
    load_batch(writer, sample_batch("d2", "Other words " * 30, "r2"))
    assert writer.execute("SELECT count(*) FROM documents").fetchall() == [(2,)]
    # Tools that attach without DATA_PATH find the data folder where it is now.
    stored = writer.execute(
        "SELECT value FROM __ducklake_metadata_lake.ducklake_metadata WHERE key = 'data_path'"
    ).fetchall()
    assert stored == [(moved.data_path,)]
    writer.close()
    assert not (tmp_path / "here").exists() or not any((tmp_path / "here").rglob("*.parquet"))


def test_the_views_count_an_article_on_the_publishers_day_in_any_session_time_zone(
    con: duckdb.DuckDBPyConnection,
) -> None:
    batch = sample_batch()
    utc_stamp = datetime(2023, 11, 9, 1, 9, 55, tzinfo=UTC)  # 18:09 on the 8th where it was published
    batch.articles[0] = ("art1", replace(batch.articles[0][1], published_at=utc_stamp, published_on=date(2023, 11, 8)))
    load_batch(con, batch)
    for zone in ("UTC", "Asia/Tokyo", "America/Denver"):
        con.execute(f"SET TimeZone = '{zone}'")
        assert con.execute("SELECT day FROM daily_articles").fetchall() == [(date(2023, 11, 8),)]
    assert con.execute("SELECT published_at FROM articles").fetchone()[0] == utc_stamp  # type: ignore[index]


def test_rows_loaded_before_published_on_get_their_utc_day(tmp_path: Path) -> None:
    connection = connect(LakeLocation.under(tmp_path / "lake"))
    connection.execute("CREATE TABLE schema_migrations (version INTEGER, name VARCHAR, applied_at TIMESTAMPTZ)")
    for number, name, sql in list_migrations():
        if name == "008_published_on.sql":
            break
        connection.execute(sql)
        connection.execute("INSERT INTO schema_migrations VALUES (?, ?, now())", [number, name])
    stamp = "TIMESTAMPTZ '2023-11-09 01:09:55+00'"
    connection.execute(f"INSERT INTO articles (article_id, published_at) VALUES ('a', {stamp}), ('b', NULL)")
    assert "008_published_on.sql" in migrate(connection)
    days = connection.execute("SELECT article_id, published_on FROM articles ORDER BY 1").fetchall()
    assert days == [("a", date(2023, 11, 9)), ("b", None)]


def test_entity_coverage_counts_the_articles_each_language_had_read_or_skipped(con: duckdb.DuckDBPyConnection) -> None:
    batch = sample_batch()
    why = "no entity model for language 'de' (m-1 reads 'en'): places only"
    german = replace(batch.articles[0][1], language="de", entities_skipped=why, entities_model=PLACES_ONLY)
    english = replace(batch.articles[0][1], doc_id="doc2", language="en", entities_model="m-1")
    batch.articles[:] = [("art1", german), ("art2", english)]
    load_batch(con, batch)
    rows = con.execute("SELECT * FROM entity_coverage ORDER BY language").fetchall()
    assert rows == [("de", 1, 0, 1, 1, None, why), ("en", 1, 1, 0, 0, "m-1", None)]
