"""A shared warehouse: the catalog on a real PostgreSQL server, the data files on a real S3-compatible
server, and several processes writing to it at once."""

from __future__ import annotations

import multiprocessing
import multiprocessing.synchronize
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import duckdb
import pytest

from newslake.warehouse.lake import LakeLocation, LakeMissingError, connect, s3_secret_sql, write
from newslake.warehouse.load import load_batch
from newslake.warehouse.maintain import drop_raw, maintain
from newslake.warehouse.migrate import migrate
from newslake.warehouse.query import open_query_connection, run_query
from tests.lakes import sample_batch
from tests.services import S3


def test_s3_credentials_come_from_the_standard_variables() -> None:
    local = s3_secret_sql(
        {
            "AWS_ACCESS_KEY_ID": "key",
            "AWS_SECRET_ACCESS_KEY": "it's secret",
            "AWS_REGION": "eu-west-1",
            "AWS_ENDPOINT_URL": "http://127.0.0.1:9000",
        }
    )
    assert "KEY_ID 'key'" in local and "SECRET 'it''s secret'" in local and "REGION 'eu-west-1'" in local
    assert "ENDPOINT '127.0.0.1:9000'" in local and "URL_STYLE 'path'" in local and "USE_SSL false" in local
    aws = s3_secret_sql({"AWS_DEFAULT_REGION": "us-east-2"})
    assert "REGION 'us-east-2'" in aws and "ENDPOINT" not in aws and "KEY_ID" not in aws
    assert "USE_SSL true" in s3_secret_sql({"AWS_ENDPOINT_URL_S3": "https://storage.example.com"})


@pytest.mark.parametrize(
    ("catalog", "described"),
    [
        ("postgres:dbname=lake password=hunter2 host=db", "postgres:dbname=lake password=*** host=db"),
        ("postgres:dbname=lake PASSWORD = 'hunter 2\\'s' host=db", "postgres:dbname=lake PASSWORD = *** host=db"),
        ("postgres:postgresql://newslake:hunter2@db:5432/lake", "postgres:postgresql://newslake:***@db:5432/lake"),
        ("postgres:postgres://newslake@db/lake?password=hunter2", "postgres:postgres://newslake@db/lake?password=***"),
        ("postgres:dbname=lake host=db user=newslake", "postgres:dbname=lake host=db user=newslake"),  # none given
    ],
)
def test_describe_hides_the_catalog_password(catalog: str, described: str) -> None:
    location = LakeLocation(root=None, catalog=catalog, data_path="s3://b/")  # type: ignore[arg-type]
    assert location.describe() == f"catalog {described}, data files in s3://b/"
    assert location.shared and location.remote_data


@pytest.mark.cluster
def test_a_batch_lands_in_postgres_and_s3_and_reads_back(shared_lake: LakeLocation, s3: S3) -> None:
    con = connect(shared_lake)
    migrate(con)
    load_batch(con, sample_batch())
    con.close()
    bucket = shared_lake.data_path.removeprefix("s3://").split("/")[0]
    keys = s3.keys(bucket)
    assert any(k.startswith("lake/main/articles/") and k.endswith(".parquet") for k in keys), keys
    # Users' SQL reads it through the guarded connection, external access off.
    reader = open_query_connection(shared_lake)
    columns, rows = run_query(reader, "SELECT title, authors FROM articles")
    assert columns == ["title", "authors"] and rows == [("A title", ["Jane Doe"])]
    with pytest.raises(duckdb.Error):
        reader.execute("SELECT * FROM read_csv('/etc/passwd')")
    reader.close()
    assert not (shared_lake.root / "catalog.sqlite").exists()


@pytest.mark.cluster
def test_reading_a_database_that_holds_no_warehouse_says_so(shared_lake: LakeLocation) -> None:
    with pytest.raises(LakeMissingError, match="run `newslake run"):
        connect(shared_lake, read_only=True)


def _load_many(location: LakeLocation, worker: int, rounds: int, start: multiprocessing.synchronize.Barrier) -> None:
    con = connect(location)
    start.wait()
    for n in range(rounds):
        # Every worker loads the same entities (Jane Doe, Kyiv) and the same document d0 each round,
        # plus a document of its own: the shared keys are new to all of them at once.
        load_batch(con, sample_batch(doc_id="d0", run_id=f"w{worker}-{n}"))
        own = sample_batch(doc_id=f"d{worker}-{n}", run_id=f"w{worker}-{n}")
        own.articles = [(f"art-{worker}-{n}", replace(own.articles[0][1], source_uri=f"file:///{worker}-{n}"))]
        own.sources = [(f"file:///{worker}-{n}", f"d{worker}-{n}")]
        own.mentions, own.spans, own.quotes = [], [], []
        load_batch(con, own)
    con.close()


@pytest.mark.cluster
def test_concurrent_writers_never_add_a_key_twice(shared_lake: LakeLocation) -> None:
    con = connect(shared_lake)
    migrate(con)
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(3)
    writers = [context.Process(target=_load_many, args=(shared_lake, w, 4, start)) for w in range(3)]
    for process in writers:
        process.start()
    for process in writers:
        process.join(timeout=300)
    assert [p.exitcode for p in writers] == [0, 0, 0]
    duplicated = {
        table: con.execute(f"SELECT count(*) - count(DISTINCT {key}) FROM {table}").fetchone()[0]  # type: ignore[index]
        for table, key in [
            ("entities", "entity_id"),
            ("entity_aliases", "(alias, entity_id)"),
            ("documents", "doc_id"),
            ("articles", "article_id"),
            ("mentions", "(article_id, entity_id)"),
        ]
    }
    assert duplicated == dict.fromkeys(duplicated, 0)
    assert con.execute("SELECT count(*) FROM articles").fetchone() == (1 + 3 * 4,)
    assert con.execute("SELECT count(*) FROM entities").fetchone() == (2,)
    # Every write of every worker went through the token (migrations and views aside).
    assert con.execute("SELECT writes FROM write_token").fetchone()[0] >= 3 * 4 * 2  # type: ignore[index]


@pytest.mark.cluster
def test_a_write_that_meets_another_is_run_again(shared_lake: LakeLocation) -> None:
    first, second = connect(shared_lake), connect(shared_lake)
    migrate(first)
    calls: list[int] = []

    def add_once() -> None:
        calls.append(1)
        if len(calls) == 1:
            # Another writer commits between this transaction's start and its commit.
            write(second, lambda: second.execute("CREATE TABLE IF NOT EXISTS t AS SELECT 1 AS x WHERE false"))
        first.execute("INSERT INTO entity_aliases SELECT 'x', 'e' WHERE 'x' NOT IN (SELECT alias FROM entity_aliases)")

    write(first, add_once)
    assert len(calls) == 2
    assert first.execute("SELECT count(*) FROM entity_aliases").fetchone() == (1,)


@pytest.mark.cluster
def test_maintenance_merges_and_deletes_on_postgres_and_s3(shared_lake: LakeLocation, s3: S3) -> None:
    con = connect(shared_lake)
    migrate(con)
    con.execute("CREATE TABLE notes (n INTEGER)")
    for n in range(12):
        write(con, lambda n=n: con.execute("INSERT INTO notes VALUES (?)", [n]))
    bucket = shared_lake.data_path.removeprefix("s3://").split("/")[0]
    written = [k for k in s3.keys(bucket) if "/notes/" in k]
    assert len(written) == 12
    done = maintain(con, keep_snapshots=timedelta(days=30))
    assert done.files_merged >= 12 and done.files_after <= done.files_before - 11
    later = maintain(con, keep_snapshots=timedelta(days=1), now=datetime.now(UTC) + timedelta(days=3))
    assert later.snapshots_expired > 0 and later.files_deleted >= 12
    assert len([k for k in s3.keys(bucket) if "/notes/" in k]) == 1  # the merged file alone
    assert con.execute("SELECT count(*), sum(n) FROM notes").fetchall() == [(12, 66)]
    con.close()


@pytest.mark.cluster
def test_forget_and_purge_take_a_document_out_of_postgres_and_s3(shared_lake: LakeLocation, s3: S3) -> None:
    from newslake.warehouse.forget import forget, purge

    con = connect(shared_lake)
    migrate(con)
    # Both articles in one batch: each table's file holds a row that goes and one that stays.
    batch = sample_batch(doc_id="d1", text="Quillfeather resigned today. " * 10)
    article, document = batch.articles[0][1], batch.documents[0]
    batch.articles.append(("art2", replace(article, doc_id="d2", source_uri="file:///b.html", text="Kept. " * 60)))
    batch.documents.append(replace(document, doc_id="d2", source_uri="file:///b.html"))
    batch.sources.append(("file:///b.html", "d2"))
    load_batch(con, batch)
    found, removed = forget(con, ["file:///a.html"], "erasure request")
    con.close()
    assert (found.documents, found.articles) == (["d1"], ["art1"]) and removed["articles"] == 1
    con = connect(shared_lake)  # a purge starts on a connection that has not written
    done = purge(con)
    assert done.files_rewritten > 0 and done.snapshots_expired > 0 and done.files_deleted > 0
    assert con.execute("SELECT count(*) FROM ducklake_snapshots('lake')").fetchone() == (1,)
    assert con.execute("SELECT article_id FROM lake.articles").fetchall() == [("art2",)]
    bucket = shared_lake.data_path.removeprefix("s3://").split("/")[0]
    for key in s3.keys(bucket):
        rows = con.execute(f"SELECT * FROM read_parquet('s3://{bucket}/{key}')").fetchall()
        assert "Quillfeather" not in repr(rows), key
    con.close()


@pytest.mark.cluster
def test_raw_bytes_past_keep_raw_days_leave_postgres_and_s3(shared_lake: LakeLocation, s3: S3) -> None:
    con = connect(shared_lake)
    migrate(con)
    batch = sample_batch(doc_id="d1")
    batch.documents[:] = [replace(batch.documents[0], content=b"<p>Quillfeather's raw page</p>")]
    load_batch(con, batch)
    assert drop_raw(con, timedelta(0)) == 1  # keep_raw_days = 0
    assert con.execute("SELECT content, content_dropped_at IS NOT NULL FROM documents").fetchall() == [(None, True)]
    maintain(con, keep_snapshots=timedelta(days=1), now=datetime.now(UTC) + timedelta(days=3))
    assert con.execute("SELECT count(*) FROM articles").fetchone() == (1,)  # the article stays
    bucket = shared_lake.data_path.removeprefix("s3://").split("/")[0]
    documents = [k for k in s3.keys(bucket) if "/documents/" in k]
    assert documents  # the row is still there, without its bytes
    for key in documents:
        rows = con.execute(f"SELECT * FROM read_parquet('s3://{bucket}/{key}')").fetchall()
        assert "Quillfeather" not in repr(rows), key
    con.close()
