"""One page given as markup, through newslake's own decoding and extraction."""

from __future__ import annotations

from datetime import UTC, datetime

from newslake.tasks.extract import extract_article
from newslake.tasks.normalize import normalize_document
from newslake.tasks.records import Article, RawDocument


def extract_page(page: str | bytes, uri: str = "file:///page.html") -> Article:
    """Give back the article newslake extracts from the page (the test fails when it finds none)."""
    body = page.encode() if isinstance(page, str) else page
    doc = normalize_document(RawDocument("d1", uri, body, datetime.now(UTC), len(body)), 10_000_000)
    article = extract_article(doc)  # type: ignore[arg-type]
    assert isinstance(article, Article), article
    return article
