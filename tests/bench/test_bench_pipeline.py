"""The pipeline benchmark's summary: every measurement of the run counts, limit and newslake alike."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

from newslake.tasks.extract import extract_article
from newslake.tasks.normalize import normalize_document
from newslake.tasks.records import Article, RawDocument
from tests.bench.bench_pipeline import build_corpus, pages_per_second, summary_line, with_own_url


def test_pages_per_second_is_pages_over_the_mean_time() -> None:
    # 100 s and 300 s for 2,000 pages: 2,000 over 200 s, not the mean of 20 and 6.67 pages/s.
    assert pages_per_second(2000, [100.0, 300.0]) == 10.0


def test_summary_uses_every_limit_and_every_round() -> None:
    line = summary_line(
        pages=2000,
        small=500,
        limit_s=[100.0, 125.0, 150.0],  # 2,000 pages over 125 s: 16 pages/s
        large_s=[120.0, 130.0],  # 2,000 over 125 s as well
        small_s=[40.0, 60.0],  # 500 over 50 s: 10 pages/s
        rerun_s=5.0,
        peak_rss_mb=1234.4,
    )
    assert line == (
        "bench pages=2000 limit_pps=16.0 newslake_pps=16.0 ratio=1.00 rerun_speedup=25.0 "
        "scale_pps_ratio=1.60 peak_rss_mb=1234"
    )


def test_summary_with_one_round_sets_it_against_both_limits() -> None:
    line = summary_line(2000, 500, [100.0, 150.0], [150.0], [50.0], 6.0, 1000.0)
    # limit: 2,000 over 125 s = 16.0; newslake 2,000 over 150 s = 13.3; ratio 0.83.
    assert line.startswith("bench pages=2000 limit_pps=16.0 newslake_pps=13.3 ratio=0.83 rerun_speedup=25.0 ")


_PAGE = (
    b'<html><head><title>Rain</title><link rel="canonical" href="https://news.example/rain">'
    b'<meta content="https://news.example/rain" property="og:url">'
    b'<script type="application/ld+json">{"@type": "NewsArticle", "url": "https://news.example/rain"}</script>'
    b'</head><body><a href="https://news.example/rain-more">more</a><article><h1>Rain</h1>'
    + b"<p>It rained all day over the whole county, and the river rose by a metre before dusk.</p>" * 6
    + b"</article></body></html>"
)


def test_a_copy_names_its_own_url_everywhere_the_page_names_it() -> None:
    copy = with_own_url(_PAGE, 7)
    assert copy.count(b"https://news.example/rain?copy=7") == 3  # canonical, og:url, JSON-LD
    assert b"https://news.example/rain-more" in copy  # a longer URL that starts with it is left alone
    assert with_own_url(copy.replace(b"?copy=7", b"?id=1"), 8).count(b"rain?id=1&copy=8") == 3


def test_the_corpus_copies_are_distinct_articles(tmp_path: Path) -> None:
    (tmp_path / "aeb").mkdir()
    (tmp_path / "aeb" / "rain.html.gz").write_bytes(gzip.compress(_PAGE))
    build_corpus(tmp_path, tmp_path / "corpus", 3)
    pages = sorted((tmp_path / "corpus").iterdir())
    canonical = set()
    for page in pages:
        raw = RawDocument(page.name, page.as_uri(), page.read_bytes(), datetime.now(UTC), page.stat().st_size)
        article = extract_article(normalize_document(raw, 1_000_000))  # type: ignore[arg-type]
        assert isinstance(article, Article)
        canonical.add(article.canonical_url)
    assert canonical == {
        "https://news.example/rain",
        "https://news.example/rain?copy=1",
        "https://news.example/rain?copy=2",
    }


def test_a_copy_names_its_own_url_when_the_attributes_are_unquoted_or_padded() -> None:
    page = (
        b"<html><head><link href=https://news.example/a rel=canonical>"
        b'<meta property="og:url" content=" https://news.example/b "></head></html>'
    )
    copy = with_own_url(page, 3)
    assert b"href=https://news.example/a?copy=3 rel=canonical" in copy
    assert b'content=" https://news.example/b?copy=3 "' in copy


def test_a_copy_url_is_written_as_is() -> None:
    page = b'<link rel="canonical" href="https://news.example/a\\1b">'
    assert with_own_url(page, 2) == b'<link rel="canonical" href="https://news.example/a\\1b?copy=2">'
