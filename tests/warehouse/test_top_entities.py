"""The top entities are those in the most stories: one long article cannot put its product on top."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from newslake.tasks.records import Article, Mention
from newslake.warehouse.lake import connect
from newslake.warehouse.load import LoadBatch, StoredDocument, load_batch
from tests.lakes import new_lake

# (article, organisation, times it is mentioned there)
MENTIONS = [("a1", "Acme Laptop", 75), ("a1", "Reuters", 1), ("a2", "Reuters", 1), ("a3", "Reuters", 2)]


def test_entities_rank_by_stories_then_articles_then_mentions(tmp_path: Path) -> None:
    con = connect(new_lake(tmp_path / "lake"))
    now = datetime(2026, 1, 2, tzinfo=UTC)
    for article_id in ("a1", "a2", "a3"):
        batch = LoadBatch(run_id=f"r-{article_id}", extracted_at=now, extractor_version="test", model="m-1")
        uri = f"file:///{article_id}.html"
        batch.documents.append(StoredDocument(article_id, uri, now, "html", "utf-8", 3, b"abc"))
        batch.sources.append((uri, article_id))
        text = f"{article_id} " + "words " * 60
        batch.articles.append((article_id, Article(doc_id=article_id, source_uri=uri, title=article_id, text=text)))
        for _, name, count in (m for m in MENTIONS if m[0] == article_id):
            batch.mentions.append((article_id, Mention(name, "ORG", (name,), count, 0)))
        load_batch(con, batch)
    rows = con.execute(
        "SELECT rank, name, stories, articles, mentions FROM top_entities WHERE window_days IS NULL ORDER BY rank"
    ).fetchall()
    assert rows == [(1, "Reuters", 3, 3, 4), (2, "Acme Laptop", 1, 1, 75)]
