"""Story clusters on a real lake: copies loaded in later batches join the first article's story, ids do
not churn on replays or updates, and the views count a story once."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from newslake.tasks.clusters import story_signature
from newslake.tasks.records import Article, Mention
from newslake.warehouse.lake import connect
from newslake.warehouse.load import LoadBatch, StoredDocument, load_batch
from newslake.warehouse.report import report_data
from tests.lakes import new_lake
from tests.tasks.test_clusters import OTHER, WIRE, rewrite


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    return connect(new_lake(tmp_path / "lake"))


def batch_of(run_id: str, day: int, *articles: tuple[str, str, str]) -> LoadBatch:
    """A batch of (article id, site, text) articles published on the given day, each mentioning Lisbon."""
    at = datetime(2026, 11, day, 8, tzinfo=UTC)
    batch = LoadBatch(run_id=run_id, extracted_at=at, extractor_version="test", model="m-1")
    for article_id, site, text in articles:
        doc_id = f"doc-{article_id}-{len(text)}"
        uri = f"https://{site}/{article_id}"
        batch.documents.append(StoredDocument(doc_id, uri, at, "html", "utf-8", len(text), text.encode()))
        batch.sources.append((uri, doc_id))
        article = Article(doc_id, uri, f"Title {article_id}", text, url=uri, site_name=site, published_at=at)
        batch.articles.append((article_id, article))
        batch.mentions.append((article_id, Mention("Lisbon", "GPE", ("Lisbon",), 1, 0)))
        batch.signatures.append((article_id, story_signature(text)))
    return batch


def clusters(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("SELECT article_id, cluster_id FROM article_clusters").fetchall())


def test_copies_in_later_batches_join_the_first_story_and_ids_never_churn(con: duckdb.DuckDBPyConnection) -> None:
    counts = load_batch(con, batch_of("r1", 2, ("wire", "wire.example", WIRE), ("farm", "farm.example", OTHER)))
    assert counts.copies == 0
    second = batch_of(
        "r2",
        3,
        ("copy1", "paper.example", rewrite(WIRE)),
        ("copy2", "daily.example", WIRE),
        ("farm2", "b.example", OTHER),
    )
    assert load_batch(con, second).copies == 3
    placed = clusters(con)
    assert placed == {"wire": "wire", "farm": "farm", "copy1": "wire", "copy2": "wire", "farm2": "farm"}

    # A replayed batch and an updated article change no story.
    load_batch(con, second)
    load_batch(con, batch_of("r3", 4, ("wire", "wire.example", WIRE + " Updated with a correction.")))
    assert clusters(con) == placed
    assert con.execute("SELECT count(*) FROM cluster_signatures").fetchone() == (5,)

    story = con.execute(
        "SELECT articles, sites, first_site, first_title, spread_hours FROM story_clusters WHERE cluster_id = 'wire'"
    ).fetchone()
    # The update moved the wire article to the 4th: the copies of the 3rd are now the first seen.
    assert story == (3, 3, "paper.example", "Title copy1", 24.0)
    assert con.execute("SELECT count(*) FROM story_clusters").fetchone() == (2,)


def test_views_count_a_story_once_beside_the_articles(con: duckdb.DuckDBPyConnection) -> None:
    load_batch(con, batch_of("r1", 2, ("wire", "wire.example", WIRE), ("farm", "farm.example", OTHER)))
    load_batch(con, batch_of("r2", 3, ("copy1", "paper.example", rewrite(WIRE)), ("copy2", "paper.example", WIRE)))
    top = con.execute(
        "SELECT articles, stories FROM top_entities WHERE window_days IS NULL AND name = 'Lisbon'"
    ).fetchone()
    assert top == (4, 2)
    site = con.execute("SELECT articles, stories FROM share_of_voice WHERE site_name = 'paper.example'").fetchone()
    assert site == (2, 1)
    first = con.execute("SELECT first_site, first_seen FROM story_clusters WHERE cluster_id = 'wire'").fetchone()
    assert first == ("wire.example", datetime(2026, 11, 2, 8, tzinfo=UTC))
    report = report_data(con)
    assert report["totals"][0]["stories"] == 2
    assert [(r["title"], r["first_site"], r["sites"]) for r in report["stories"]] == [("Title wire", "wire.example", 2)]


def test_articles_loaded_before_clustering_get_their_stories_oldest_first(con: duckdb.DuckDBPyConnection) -> None:
    from newslake.flows.ingest import catch_up_clusters

    old = batch_of(
        "r1", 2, ("wire", "wire.example", WIRE), ("farm", "farm.example", OTHER), ("short", "x.example", "Hi.")
    )
    later = batch_of("r2", 3, ("copy", "paper.example", rewrite(WIRE)))
    old.signatures, later.signatures = [], []  # as loaded before story clusters existed
    load_batch(con, later)
    load_batch(con, old)
    assert clusters(con) == {}
    assert catch_up_clusters(con, "r3") == 4
    assert clusters(con) == {"wire": "wire", "farm": "farm", "short": "short", "copy": "wire"}
    assert catch_up_clusters(con, "r4") == 0
