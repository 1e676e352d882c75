"""`newslake run crawl.warc.gz`: an archive's pages load as articles, its other records are counted, a
damaged record is quarantined, and running it again (or resuming it) extracts nothing twice."""

from __future__ import annotations

import json
from pathlib import Path

from tests.archives import Record, record_bytes, write_warc
from tests.conftest import CliRunner
from tests.lakes import query
from tests.site import article_html


def test_an_archive_loads_its_pages_and_a_second_run_changes_nothing(newslake: CliRunner, tmp_path: Path) -> None:
    damaged = record_bytes(Record("https://news.example/a/3", article_html(3).encode()))
    archive = write_warc(
        tmp_path / "crawl.warc.gz",
        [
            Record("", kind="warcinfo"),
            Record("https://news.example/a/1", b"GET /a/1 HTTP/1.1\r\n\r\n", kind="request"),
            Record("https://news.example/a/1", article_html(1).encode()),
            Record("https://news.example/a/2", article_html(2).encode(), chunked=True),
            damaged[: len(damaged) // 2],
            Record("https://news.example/a/4", article_html(4).encode()),
            Record("https://news.example/logo.png", b"\x89PNG", content_type="image/png"),
            Record("https://news.example/a/9", b"<html>gone</html>", status="404 Not Found"),
            Record("https://news.example/a/5 x", article_html(5).encode()),
        ],
    )
    lake = tmp_path / "lake"
    first = newslake("run", str(archive), "--lake", str(lake), "--batch-size", "2")
    assert "archive records passed over" in first.stdout
    # Not on a terminal: one plain progress line per batch (of 2), the total unknown for an archive.
    assert first.stderr.count(" docs/s; ") >= 3 and "newslake: 5 docs," in first.stderr
    articles = query(lake, "SELECT url, title, published_at IS NOT NULL FROM articles ORDER BY url")
    assert [a[0] for a in articles] == [f"https://news.example/a/{n}" for n in (1, 2, 4)]
    assert all(a[1] and a[2] for a in articles)
    fetched = query(lake, "SELECT http_status, fetched_at FROM documents")
    assert {row[0] for row in fetched} == {200} and all(row[1] is not None for row in fetched)
    reasons = dict(query(lake, "SELECT reason, count(*) FROM quarantine GROUP BY reason"))
    assert reasons == {"malformed_record": 1, "invalid_target_uri": 1}
    seen, passed = query(lake, "SELECT documents_seen, records_passed_over FROM runs")[0]
    assert seen == 5
    assert json.loads(passed) == {"warcinfo": 1, "request": 1, "not_html": 1, "http_404": 1}

    # Running it again, or after a stop part-way, extracts nothing already loaded.
    newslake("run", str(archive), "--lake", str(lake))
    run = query(lake, "SELECT documents_new, documents_unchanged, articles_loaded FROM runs ORDER BY started_at DESC")
    assert run[0] == (0, 3, 0)
    assert query(lake, "SELECT count(*) FROM articles")[0][0] == 3

    # The same bytes saved as a file are the same document: a new place of it, not a new article.
    folder = tmp_path / "saved"
    folder.mkdir()
    (folder / "one.html").write_text(article_html(1))
    newslake("run", str(folder), "--lake", str(lake))
    assert query(lake, "SELECT count(*) FROM documents")[0][0] == 3
    assert query(lake, "SELECT count(*) FROM document_sources")[0][0] == 4


def test_an_archive_url_is_downloaded_safely_and_not_read_again_until_it_changes(
    newslake: CliRunner, tmp_path: Path
) -> None:
    from tests.flows.test_sources import source, write_config
    from tests.site import serve_site

    archive = write_warc(
        tmp_path / "served.warc.gz",
        [Record(f"https://news.example/a/{n}", article_html(n).encode()) for n in (1, 2)],
    )
    with serve_site() as site:
        site.set("/crawl.warc.gz", archive.read_bytes(), content_type="application/warc", etag='"v1"')
        site.set("/big.warc.gz", archive.read_bytes() * 50, content_type="application/warc")
        write_config(tmp_path, source("crawl", "warc", site.url("/crawl.warc.gz")))
        lake = tmp_path / "lake"
        first = newslake("run", "--no-progress")
        assert "source crawl" in first.stdout
        assert [r[0] for r in query(lake, "SELECT url FROM articles ORDER BY url")] == [
            "https://news.example/a/1",
            "https://news.example/a/2",
        ]
        fetch = query(lake, "SELECT purpose, outcome, http_status, byte_size FROM fetches")
        assert fetch == [("archive", "fetched", 200, archive.stat().st_size)]
        assert not any((lake / "downloads").iterdir()), "the download is removed once read"

        newslake("run", "--no-progress")  # unchanged: a 304, nothing read
        assert site.conditional_hits["/crawl.warc.gz"] == 1
        assert query(lake, "SELECT outcome FROM fetches ORDER BY fetched_at DESC LIMIT 1") == [("not_modified",)]

        # Over the archive limit, on the command line: refused in one line of the summary, nothing kept.
        env = {"NEWSLAKE_MAX_ARCHIVE_BYTES": str(archive.stat().st_size * 10)}
        big = newslake("run", "--warc", site.url("/big.warc.gz"), "--allow-private", "--no-progress", env=env)
        assert "too_large" in big.stdout
        assert query(lake, "SELECT count(*) FROM articles") == [(2,)]
        assert not any((lake / "downloads").iterdir())

    refused = newslake("run", "--warc", str(archive), check=False)
    assert refused.returncode == 2 and "give a local one as a path" in refused.stderr


def story_page(title: str, text: str, site: str) -> bytes:
    paragraphs = "".join(f"<p>{sentence}.</p>" for sentence in text.split(". "))
    return (
        f'<html lang="en"><head><title>{title}</title><meta property="og:site_name" content="{site}"></head>'
        f"<body><article><h1>{title}</h1>{paragraphs}</article></body></html>"
    ).encode()


def test_copies_of_one_story_from_an_archive_and_a_folder_are_one_story(newslake: CliRunner, tmp_path: Path) -> None:
    from tests.tasks.test_clusters import OTHER, WIRE, rewrite

    archive = write_warc(
        tmp_path / "crawl.warc.gz",
        [
            Record("https://wire.example/council", story_page("Council approves plan", WIRE, "Wire")),
            Record("https://paper.example/council", story_page("Lisbon council backs plan", rewrite(WIRE), "Paper")),
            Record("https://farm.example/harvest", story_page("Early harvest", OTHER, "Farm News")),
        ],
    )
    lake = tmp_path / "lake"
    newslake("run", str(archive), "--lake", str(lake))
    folder = tmp_path / "saved"
    folder.mkdir()
    (folder / "copy.html").write_bytes(story_page("Transport plan approved", WIRE + " Updated at noon.", "Daily"))
    newslake("run", str(folder), "--lake", str(lake))

    stories = query(lake, "SELECT first_title, articles, sites FROM story_clusters ORDER BY articles DESC")
    assert stories == [("Council approves plan", 3, 3), ("Early harvest", 1, 1)]
    assert query(lake, "SELECT documents_new, documents_unchanged FROM runs ORDER BY started_at DESC LIMIT 1") == [
        (1, 0)
    ]
    lisbon = query(lake, "SELECT articles, stories FROM top_entities WHERE window_days IS NULL AND name = 'Lisbon'")
    assert lisbon == [(3, 1)]
