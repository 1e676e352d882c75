"""Live sources end to end: the CLI against a real news site on 127.0.0.1 and a real Prefect server."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

import pytest

from newslake.tasks.logins import forget_logins
from newslake.warehouse.lake import LakeLocation
from tests.conftest import BIN, CliRunner
from tests.lakes import count_articles, query
from tests.services import prefect_filter
from tests.site import FETCH, NewsSite, article_html, serve_site

# No politeness pause and short backoffs, private addresses still refused: for tests of something else.
QUICK = """
[fetch]
per_host_delay = 0
backoff = 0.01
"""


def write_config(folder: Path, sources: str, fetch: str = FETCH) -> Path:
    path = folder / "newslake.toml"
    path.write_text(fetch + sources, encoding="utf-8")
    return path


def source(name: str, kind: str, location: str, **options: Any) -> str:
    lines = [f'name = "{name}"', f'kind = "{kind}"', f'location = "{location}"']
    lines += [f"{key} = {json.dumps(value)}" for key, value in options.items()]
    return "\n[[sources]]\n" + "\n".join(lines) + "\n"


def start_serve(
    folder: Path, env: dict[str, str], *options: str, ctrl_c: bool = True
) -> tuple[subprocess.Popen[bytes], Any]:
    """Start `newslake serve` in folder, its output to folder/serve.log; give back the process and the
    open log. It takes Ctrl-C as from a terminal, even when the suite itself runs as a background job
    (which ignores SIGINT, and its children would too); with ctrl_c False it ignores SIGINT, as a job a
    script starts in the background does. Python's fault handler is on, so a serve that will not stop
    can be made to show where it waits (stop_serve)."""
    log = (folder / "serve.log").open("wb")
    # A handled signal is reset to its default by exec; an ignored one stays ignored.
    ignored = signal.signal(signal.SIGINT, signal.default_int_handler if ctrl_c else signal.SIG_IGN)
    try:
        server = subprocess.Popen(
            [str(BIN / "newslake"), "serve", *options],
            cwd=folder,
            env={**env, "PYTHONFAULTHANDLER": "1"},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    finally:
        signal.signal(signal.SIGINT, ignored)
    return server, log


def stop_serve(server: subprocess.Popen[bytes], log: Any, stop: signal.Signals = signal.SIGINT) -> int:
    """Stop a `newslake serve` process with stop (Ctrl-C's SIGINT unless told) and give back its exit
    code. One that lingers fails the test, with every thread's stack in its log: SIGABRT makes the
    fault handler write them. The process is reaped and its log closed either way."""
    try:
        server.send_signal(stop)
        return server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.send_signal(signal.SIGABRT)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=30)
        log.flush()
        output = Path(log.name).read_text(errors="replace")
        raise AssertionError(f"serve did not stop within 60 s of {stop.name}:\n{output[-12000:]}") from None
    finally:
        log.close()


@pytest.fixture
def site() -> Iterator[NewsSite]:
    with serve_site() as running:
        yield running


def test_feed_and_sitemap_are_fetched_politely_and_incrementally(newslake: CliRunner, tmp_path, site):
    write_config(
        tmp_path,
        source("news-feed", "feed", site.url("/feed.xml"), interval="15m")
        + source("news-sitemap", "sitemap", site.url("/sitemap_index.xml"), cron="0 2 * * *"),
    )
    lake = tmp_path / "lake"
    newslake("run", "--no-progress")  # no arguments: every configured source

    titles = {row[0] for row in query(lake, "SELECT source_uri FROM articles")}
    assert titles == {site.url(p) for p in ["/articles/1", "/articles/2", "/articles/3", "/articles/4"]} | {
        site.url(p) for p in ["/articles/5", "/articles/6", "/flaky"]
    }
    reasons = dict(query(lake, "SELECT reason, count(*) FROM quarantine WHERE stage = 'fetch' GROUP BY reason"))
    assert reasons == {"http_404": 1, "robots_disallowed": 1, "timeout": 1, "redirect_loop": 1, "too_large": 1}
    assert site.hits["/flaky"] == 2  # a 500, then a 200 on retry
    assert site.hits["/private/secret"] == 0
    assert site.user_agents == {"newslake-test/1.0"}
    fetched = query(lake, "SELECT http_status, final_url, fetched_at, http_headers FROM documents")
    assert len(fetched) == 7
    assert all(status == 200 and final and at and "content-type" in headers for status, final, at, headers in fetched)
    run = query(lake, "SELECT documents_seen, documents_quarantined, quarantine_reasons FROM runs")[0]
    assert run[0] == 12 and run[1] == 5 and json.loads(run[2])["timeout"] == 1

    # Second poll, nothing changed: the feed and every sitemap answer 304 and no article is fetched again.
    # The page that timed out (a transient failure) is tried again, and now answers in time.
    site.pages["/slow"].delay = 0
    before = dict(site.hits)
    newslake("run", "--no-progress")
    assert site.conditional_hits["/feed.xml"] == 1
    assert site.conditional_hits["/sitemap_index.xml"] == 1
    assert site.conditional_hits["/sitemap-1.xml"] == 1 and site.conditional_hits["/sitemap-2.xml.gz"] == 1
    for n in range(1, 7):
        assert site.hits[f"/articles/{n}"] == before[f"/articles/{n}"] == 1
    assert site.hits["/missing"] == 1  # a 404 is not asked for again
    assert query(lake, "SELECT count(*) FROM articles WHERE source_uri LIKE '%/slow'") == [(1,)]

    # The feed changes: one new item and one updated item. Only those two pages are fetched.
    now = datetime.now(UTC)
    site.set("/articles/1", article_html(1, revision=1))
    site.set("/articles/7", article_html(7, title="A new market opens in the old harbour"))
    site.feed([("/articles/1", now), ("/articles/2", datetime(2026, 11, 1, tzinfo=UTC)), ("/articles/7", now)], '"2"')
    first_id = query(lake, f"SELECT article_id FROM articles WHERE source_uri = '{site.url('/articles/1')}'")
    newslake("run", "--source", "news-feed", "--no-progress")
    assert site.hits["/articles/1"] == 2 and site.hits["/articles/7"] == 1 and site.hits["/articles/2"] == 1
    assert query(lake, f"SELECT article_id FROM articles WHERE source_uri = '{site.url('/articles/1')}'") == first_id
    assert query(lake, "SELECT count(*) FROM article_versions") == [(1,)]
    assert query(lake, "SELECT count(*) FROM articles") == [(9,)]

    listed = newslake("sources", "--format", "jsonl").stdout.splitlines()
    state = {row["source"]: row for row in map(json.loads, listed)}
    assert state["news-feed"]["items_new"] == 2 and state["news-feed"]["last_success_at"]
    assert state["news-sitemap"]["schedule"] == "cron 0 2 * * *"


def test_a_login_in_a_source_url_is_used_and_never_stored_printed_or_sent_to_prefect(
    newslake: CliRunner, tmp_path, site, prefect_api
):
    site.login = ("alice", "s3cret-pw")
    with_login = site.url("/feed.xml").replace("http://", "http://alice:s3cret-pw@")
    write_config(tmp_path, source("news-feed", "feed", with_login))
    told = newslake("run", "--no-progress")
    again = newslake("run", "--feed", with_login, "--no-progress")  # a one-off source, named after its URL
    listed = newslake("sources")
    forget_logins()  # as a new process: a URL list's own lines carry the login
    urls = tmp_path / "urls.txt"
    urls.write_text(site.url("/articles/5").replace("http://", "http://alice:s3cret-pw@") + "\n")
    from_list = newslake("run", "--urls", str(urls), "--no-progress")

    lake = tmp_path / "lake"
    assert query(lake, "SELECT count(*) FROM articles") == [(5,)]  # the feed's 1-3 and flaky one, the list's 5
    assert site.authorizations == {"Basic YWxpY2U6czNjcmV0LXB3"}  # alice:s3cret-pw, on every request
    for output in (told, again, listed, from_list):
        assert "s3cret" not in output.stdout + output.stderr
    assert "feed:127.0.0.1" in again.stderr and site.url("/feed.xml") in listed.stdout
    tables = [t for (t,) in query(lake, "SELECT table_name FROM duckdb_tables() WHERE database_name = 'lake'")]
    assert {"articles", "documents", "fetches", "seen_urls", "quarantine", "runs"} <= set(tables)
    for table in tables:
        assert "s3cret" not in repr(query(lake, f"SELECT * FROM {table}")), table
    for path in lake.rglob("*"):
        assert not path.is_file() or b"s3cret" not in path.read_bytes(), path
    recent = prefect_filter(prefect_api, "flow_runs", {"sort": "EXPECTED_START_TIME_DESC", "limit": 200})
    ours = [run for run in recent if site.url("/feed.xml") in json.dumps(run["parameters"])]
    assert len(ours) == 3 and "s3cret" not in json.dumps(recent)


def test_a_sources_own_headers_take_their_secret_from_the_environment_and_keep_it(
    newslake: CliRunner, tmp_path, site, prefect_api
):
    site.required = {"X-Api-Key": "k3y-from-env"}
    keyed = source("keyed-feed", "feed", site.url("/feed.xml")) + 'headers = { X-Api-Key = "${NEWS_KEY}" }\n'
    with serve_site() as open_site:
        urls = tmp_path / "urls.txt"
        urls.write_text(open_site.url("/articles/7") + "\n")
        open_site.set("/articles/7", article_html(11))
        write_config(tmp_path, keyed + source("open-list", "urls", str(urls)))
        unset = newslake("run", "--no-progress", check=False, env={"NEWS_KEY": None})
        lake = tmp_path / "lake"
        # The source whose variable is not set fails alone, in a line that says what to set.
        assert unset.returncode == 0 and "Traceback" not in unset.stderr
        assert "NEWS_KEY" in unset.stdout + unset.stderr and "newslake serve" in unset.stdout + unset.stderr
        assert query(lake, "SELECT stage, reason FROM quarantine") == [("listing", "unset_variable")]
        assert query(lake, "SELECT source_uri FROM articles") == [(open_site.url("/articles/7"),)]
        assert site.hits["/feed.xml"] == 0

        told = newslake("run", "--no-progress", env={"NEWS_KEY": "k3y-from-env"})
        listed = newslake("sources")
    assert query(lake, "SELECT count(*) FROM articles") == [(5,)]  # the feed's 1-3 and flaky one, the list's 7
    assert "unset_variable" not in repr(query(lake, "SELECT reason FROM quarantine"))  # released by the poll
    assert {r.get("x-api-key") for r in site.received} == {"k3y-from-env"}  # robots.txt, the feed, its pages
    assert not any("x-api-key" in r for r in open_site.received)
    for output in (unset, told, listed):
        assert "k3y" not in output.stdout + output.stderr
    tables = [t for (t,) in query(lake, "SELECT table_name FROM duckdb_tables() WHERE database_name = 'lake'")]
    for table in tables:
        assert "k3y" not in repr(query(lake, f"SELECT * FROM {table}")), table
    for path in lake.rglob("*"):
        assert not path.is_file() or b"k3y" not in path.read_bytes(), path
    recent = prefect_filter(prefect_api, "flow_runs", {"sort": "EXPECTED_START_TIME_DESC", "limit": 200})
    assert any("keyed-feed" in json.dumps(run["parameters"]) for run in recent) and "k3y" not in json.dumps(recent)


def test_a_one_off_feed_takes_headers_from_the_command_line_with_its_secret_in_the_environment(
    newslake: CliRunner, tmp_path, site
):
    site.required = {"X-Api-Key": "k3y-from-env"}
    write_config(tmp_path, "")
    key = "X-Api-Key: ${NEWS_KEY}"  # as a shell passes it in single quotes: the secret stays out of argv
    told = newslake("run", "--feed", site.url("/feed.xml"), "--header", key, env={"NEWS_KEY": "k3y-from-env"})
    assert query(tmp_path / "lake", "SELECT count(*) FROM articles") == [(4,)]
    assert {r.get("x-api-key") for r in site.received} == {"k3y-from-env"}
    assert "k3y" not in told.stdout + told.stderr
    for wrong, said in (
        (("--header", "X-Api-Key k3y"), "is not NAME: VALUE"),
        (("--header", "User-Agent: me"), "set by the fetcher itself"),
        (("--urls", str(write_config(tmp_path, "")), "--header", key), "goes with --feed"),
    ):
        feed = () if "--urls" in wrong else ("--feed", site.url("/feed.xml"))
        refused = newslake("run", *feed, *wrong, check=False)
        assert refused.returncode == 2 and said in refused.stderr and "Traceback" not in refused.stderr


def test_a_source_whose_variable_is_unset_leaves_its_pending_pages_for_a_later_run(tmp_path, site, monkeypatch):
    from newslake.flows.settings import SourceConfig
    from newslake.flows.sources import poll_source
    from newslake.tasks.fetch import Fetcher, FetchPolicy
    from newslake.warehouse.lake import connect
    from tests.lakes import new_lake

    site.required = {"X-Api-Key": "k3y"}
    keyed = SourceConfig(
        name="keyed", kind="feed", location=site.url("/feed.xml"), max_items=1, headers={"X-Api-Key": "${TEST_KEY}"}
    )
    con = connect(new_lake(tmp_path / "lake"))
    with Fetcher(FetchPolicy(allowed_networks=("127.0.0.1/32",), per_host_delay=0)) as fetcher:
        monkeypatch.setenv("TEST_KEY", "k3y")
        first = poll_source(con, fetcher, keyed, "r1", set())
        monkeypatch.delenv("TEST_KEY")
        second = poll_source(con, fetcher, keyed, "r2", set())
    con.close()
    assert len(first.pages) == 1 and first.pending > 0 and first.error is None
    # Fetched without the header they would only fail: they wait for a run that has it.
    assert second.pages == [] and (second.error or "").startswith("unset_variable")


def test_a_listing_refused_run_after_run_is_one_quarantine_row_until_it_reads(newslake: CliRunner, tmp_path, site):
    feed_url, feed = site.url("/feed.xml"), site.pages["/feed.xml"]
    write_config(tmp_path, source("news-feed", "feed", feed_url))
    site.set("/feed.xml", "gone", status=404, content_type="text/plain")
    for _ in range(2):
        newslake("run", "--no-progress")
    lake = tmp_path / "lake"
    assert query(lake, "SELECT stage, reason, source_uri FROM quarantine") == [("listing", "http_404", feed_url)]
    site.pages["/feed.xml"] = feed
    newslake("run", "--no-progress")
    assert query(lake, "SELECT count(*) FROM quarantine WHERE stage = 'listing'") == [(0,)]
    assert query(lake, "SELECT count(*) FROM articles") == [(4,)]


def test_a_private_address_is_refused_unless_allowed(newslake: CliRunner, tmp_path, site):
    write_config(tmp_path, "", fetch=QUICK)
    feed = site.url("/feed.xml")
    result = newslake("run", "--feed", feed, "--lake", str(tmp_path / "lake"), "--workers", "1", "--no-progress")
    assert "blocked_address" in result.stdout
    assert sum(site.hits.values()) == 0
    rows = query(tmp_path / "lake", "SELECT stage, reason, source_uri FROM quarantine")
    assert rows == [("listing", "blocked_address", feed)]
    assert query(tmp_path / "lake", "SELECT count(*) FROM articles") == [(0,)]

    newslake("run", "--feed", feed, "--allow-private", "--lake", str(tmp_path / "lake"), "--workers", "1")
    assert query(tmp_path / "lake", "SELECT count(*) FROM articles") == [(4,)]  # 1-3 and the flaky page


def test_pages_refused_for_their_address_are_fetched_once_private_addresses_are_allowed(
    newslake: CliRunner, tmp_path, site
):
    write_config(tmp_path, "", fetch=QUICK)
    urls = tmp_path / "urls.txt"
    urls.write_text("\n".join(site.url(f"/articles/{n}") for n in (1, 2)) + "\n")
    lake = str(tmp_path / "lake")
    newslake("run", "--urls", str(urls), "--lake", lake, "--workers", "1", "--no-progress")
    assert query(tmp_path / "lake", "SELECT reason, count(*) FROM quarantine GROUP BY ALL") == [("blocked_address", 2)]
    assert sum(site.hits.values()) == 0
    # The same list again, now allowed: the URLs refused before are eligible again, not skipped as known.
    newslake("run", "--urls", str(urls), "--allow-private", "--lake", lake, "--workers", "1", "--no-progress")
    assert query(tmp_path / "lake", "SELECT count(*) FROM articles") == [(2,)]
    assert query(tmp_path / "lake", "SELECT count(*) FROM quarantine") == [(0,)]


def test_retry_makes_failed_urls_pending_for_the_next_run(newslake: CliRunner, tmp_path, site):
    urls = tmp_path / "urls.txt"
    urls.write_text(site.url("/articles/1") + "\n" + site.url("/later") + "\n")
    write_config(tmp_path, "")
    newslake("run", "--urls", str(urls), "--no-progress")
    assert query(tmp_path / "lake", "SELECT reason FROM quarantine") == [("http_404",)]
    site.set("/later", article_html(9))  # the page is there now; a 404 is never retried by itself
    newslake("run", "--urls", str(urls), "--no-progress")
    assert query(tmp_path / "lake", "SELECT count(*) FROM articles") == [(1,)]
    retried = newslake("retry", "--reason", "http_4")
    assert "http_404" in retried.stdout and "the next run of" in retried.stderr
    newslake("run", "--urls", str(urls), "--no-progress")
    assert query(tmp_path / "lake", "SELECT count(*) FROM articles") == [(2,)]
    assert query(tmp_path / "lake", "SELECT count(*) FROM quarantine") == [(0,)]
    assert "no failed URLs" in newslake("retry").stderr


def test_max_urls_caps_each_source_for_the_run(newslake: CliRunner, tmp_path, site):
    urls = tmp_path / "urls.txt"
    urls.write_text("\n".join(site.url(f"/articles/{n}") for n in (1, 2, 3, 4, 5)) + "\n")
    write_config(tmp_path, "")
    newslake("run", "--urls", str(urls), "--max-urls", "2", "--no-progress")
    assert query(tmp_path / "lake", "SELECT count(*) FROM articles") == [(2,)]
    assert query(tmp_path / "lake", "SELECT count(*) FROM seen_urls WHERE status = 'pending'") == [(3,)]
    newslake("run", "--urls", str(urls), "--no-progress")  # the default cap (fetch.max_urls) is 1,000
    assert query(tmp_path / "lake", "SELECT count(*) FROM articles") == [(5,)]


def test_fetched_pages_load_in_batches_as_they_fill_not_after_the_slowest(site):
    from newslake.flows.sources import PageTask, fetch_pages
    from newslake.tasks.fetch import Fetcher, FetchPolicy

    site.set("/slow", article_html(8), delay=3.0)
    pages = [PageTask(site.url(p), "s") for p in ("/articles/1", "/slow", "/articles/2", "/articles/3")]
    policy = FetchPolicy(allowed_networks=("127.0.0.1/32",), per_host_delay=0, per_host_concurrency=4, timeout=10)
    started = time.monotonic()
    with Fetcher(policy) as fetcher:
        batches = fetch_pages(fetcher, pages, batch_size=100, concurrency=4, flush_seconds=0.5)
        first = next(batches)
        first_after = time.monotonic() - started
        rest = [item for batch in batches for item in batch]
    assert sorted(page.url.rsplit("/", 1)[-1] for page, _ in first) == ["1", "2", "3"]
    assert first_after < 2.5  # loaded while /slow was still on its way
    assert [page.url.rsplit("/", 1)[-1] for page, _ in rest] == ["slow"]
    assert all(result.ok for _, result in first + rest)


def test_max_items_leaves_the_rest_for_the_next_run(newslake: CliRunner, tmp_path, site):
    urls = tmp_path / "urls.txt"
    urls.write_text("\n".join(site.url(f"/articles/{n}") for n in (1, 2, 3, 4)) + "\n# a comment\n")
    write_config(tmp_path, source("list", "urls", "urls.txt", max_items=3))
    summary = newslake("run", "--no-progress").stdout
    assert "3 fetched, 0 failed, 1 left pending" in " ".join(summary.replace("│", " ").split())
    assert query(tmp_path / "lake", "SELECT count(*) FROM articles") == [(3,)]
    assert query(tmp_path / "lake", "SELECT items_pending FROM source_state") == [(1,)]
    newslake("run", "--no-progress")
    assert query(tmp_path / "lake", "SELECT count(*) FROM articles") == [(4,)]
    assert all(site.hits[f"/articles/{n}"] == 1 for n in (1, 2, 3, 4))


def test_max_age_leaves_what_the_listing_dates_older_unread(newslake: CliRunner, tmp_path, site):
    now = datetime.now(UTC)

    def urlset(entries: list[tuple[str, datetime | None]]) -> str:
        urls = "".join(
            f"<url><loc>{site.url(path)}</loc>" + (f"<lastmod>{when.isoformat()}</lastmod>" if when else "") + "</url>"
            for path, when in entries
        )
        return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'

    site.set("/old.xml", urlset([("/articles/1", now - timedelta(days=400))]), content_type="application/xml")
    recent = [
        ("/articles/2", now - timedelta(days=1)),
        ("/articles/3", now - timedelta(days=100)),
        ("/articles/4", None),
    ]
    site.set("/new.xml", urlset(recent), content_type="application/xml")
    children = "".join(
        f"<sitemap><loc>{site.url(path)}</loc><lastmod>{when.date().isoformat()}</lastmod></sitemap>"
        for path, when in (("/old.xml", now - timedelta(days=400)), ("/new.xml", now - timedelta(days=1)))
    )
    index = f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{children}</sitemapindex>'
    site.set("/index.xml", index, content_type="application/xml")
    write_config(tmp_path, source("news", "sitemap", site.url("/index.xml"), max_age="30d"))

    summary = " ".join(newslake("run", "--no-progress").stdout.replace("│", " ").split())
    assert "3 listed, 1 dated before max_age not fetched, 1 child sitemaps dated before max_age not read" in summary
    assert site.hits["/old.xml"] == 0  # an index child dated before max_age is not read
    assert [site.hits[f"/articles/{n}"] for n in (1, 2, 3, 4)] == [0, 1, 0, 1]  # undated: fetched
    assert query(tmp_path / "lake", "SELECT count(*) FROM articles") == [(2,)]


def test_a_one_off_feed_takes_max_age_from_the_command_line(newslake: CliRunner, tmp_path, site):
    now = datetime.now(UTC)
    site.feed([("/articles/1", now - timedelta(days=60)), ("/articles/2", now - timedelta(hours=2))], '"f1"')
    write_config(tmp_path, "")
    feed = site.url("/feed.xml")
    bad = newslake("run", "--feed", feed, "--max-age", "soon", check=False)
    assert bad.returncode == 2 and "--max-age: 'soon' is not an age" in bad.stderr
    alone = newslake("run", "--urls", str(tmp_path / "newslake.toml"), "--max-age", "7d", check=False)
    assert alone.returncode == 2 and "--max-age goes with --feed or --sitemap" in alone.stderr
    assert sum(site.hits.values()) == 0  # refused before anything was fetched
    newslake("run", "--feed", feed, "--max-age", "7d", "--no-progress")
    assert [site.hits[f"/articles/{n}"] for n in (1, 2)] == [0, 1]


def test_max_age_leaves_items_an_earlier_run_left_pending_when_they_are_older(newslake: CliRunner, tmp_path, site):
    now = datetime.now(UTC)
    items = [("/articles/2", now - timedelta(hours=2)), ("/articles/1", now - timedelta(days=60))]
    site.feed(items, '"f1"')
    write_config(tmp_path, source("wire", "feed", site.url("/feed.xml"), max_items=1))
    newslake("run", "--no-progress")  # fetches the first item, leaves the old one pending
    assert [site.hits[f"/articles/{n}"] for n in (1, 2)] == [0, 1]
    site.feed(items, '"f2"')  # read again: the old item is both listed and left pending, counted once
    write_config(tmp_path, source("wire", "feed", site.url("/feed.xml"), max_items=1, max_age="7d"))
    summary = " ".join(newslake("run", "--no-progress").stdout.replace("│", " ").split())
    assert "2 listed, 1 dated before max_age not fetched, 0 fetched" in summary
    assert site.hits["/articles/1"] == 0
    assert query(tmp_path / "lake", "SELECT status FROM seen_urls WHERE url LIKE '%/articles/1'") == [("pending",)]


def test_sources_check_reads_each_listing_and_records_nothing(newslake: CliRunner, tmp_path, site):
    now = datetime.now(UTC)
    site.feed([("/articles/1", now - timedelta(days=60)), ("/articles/2", now - timedelta(hours=2))], '"f1"')
    configured = source("wire", "feed", site.url("/feed.xml"), max_age="7d")
    configured += source("gone", "sitemap", site.url("/missing.xml"))
    configured += source("inbox", "folder", str(tmp_path / "nowhere"))
    write_config(tmp_path, configured)
    checked = newslake("sources", "--check", "--format", "json", check=False)
    assert checked.returncode == 1 and "cannot read gone, inbox" in checked.stderr
    rows = {row["source"]: row for row in json.loads(checked.stdout)}
    wire, gone, inbox = rows["wire"], rows["gone"], rows["inbox"]
    assert (wire["check"], wire["items"], wire["recent"]) == ("ok", 2, 1)
    assert wire["newest"].startswith((now - timedelta(hours=2)).date().isoformat())
    assert gone["check"] == "failed" and gone["detail"].startswith("http_404")
    assert inbox["check"] == "failed" and "does not exist" in inbox["detail"]
    assert site.hits["/feed.xml"] == 1 and site.hits["/articles/1"] == site.hits["/articles/2"] == 0
    assert not (tmp_path / "lake").exists()  # nothing recorded, no warehouse made


@pytest.mark.slow
def test_a_run_killed_mid_fetch_loses_nothing(prefect_api, tmp_path, site):
    hold = threading.Event()
    site.pages["/articles/2"].hold = hold
    site.feed([(f"/articles/{n}", datetime(2026, 11, 1, tzinfo=UTC)) for n in (1, 2, 3)], '"feed-x"')
    write_config(tmp_path, source("feed", "feed", site.url("/feed.xml")))
    env = {**os.environ, "PREFECT_API_URL": prefect_api, "PREFECT_HOME": str(tmp_path / "prefect")}
    run = subprocess.Popen(
        [str(BIN / "newslake"), "run", "--no-progress"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while site.hits["/articles/2"] == 0 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert site.hits["/articles/2"] == 1, "the run never reached the held page"
    finally:
        os.killpg(run.pid, signal.SIGKILL)
        run.wait()
    hold.set()
    [(killed_flow_run,)] = query(tmp_path / "lake", "SELECT flow_run_id FROM runs")
    assert flow_run_state(prefect_api, killed_flow_run) == "RUNNING"  # nothing was left to say otherwise

    finished = subprocess.run(
        [str(BIN / "newslake"), "run", "--no-progress"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert finished.returncode == 0, finished.stderr[-2000:]
    assert site.conditional_hits["/feed.xml"] == 1  # the feed itself had not changed: 304
    assert query(tmp_path / "lake", "SELECT count(*) FROM articles") == [(3,)]
    # The killed run no longer claims to be running: the next run found its process gone.
    statuses = query(tmp_path / "lake", "SELECT status, error IS NOT NULL FROM runs ORDER BY started_at")
    assert statuses == [("interrupted", True), ("completed", False)]
    # Nor does its flow run on the Prefect server, which kept it Running for good before.
    assert flow_run_state(prefect_api, killed_flow_run) == "CRASHED"


@pytest.mark.slow
def test_serve_runs_a_source_on_its_schedule(prefect_api, tmp_path, site):
    """A real Prefect server runs the source's deployment every few seconds; the second ingest of the
    feed fetches only the item that changed."""
    site.feed([(f"/articles/{n}", datetime(2026, 11, 1, tzinfo=UTC)) for n in (1, 2)], '"s1"')
    write_config(tmp_path, source("scheduled-feed", "feed", site.url("/feed.xml"), interval=4))
    lake = tmp_path / "lake"
    env = {**os.environ, "PREFECT_API_URL": prefect_api, "PREFECT_HOME": str(tmp_path / "prefect")}
    server, log = start_serve(tmp_path, env)

    def wait_for(check: Any, what: str) -> None:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            assert server.poll() is None, (tmp_path / "serve.log").read_text()[-3000:]
            try:
                if check():
                    return
            except Exception:  # the lake may not exist yet
                pass
            time.sleep(1)
        raise AssertionError(f"timed out waiting for {what}: {(tmp_path / 'serve.log').read_text()[-3000:]}")

    try:
        wait_for(lambda: query(lake, "SELECT count(*) FROM articles") == [(2,)], "the first scheduled run")
        site.set("/articles/3", article_html(3))
        site.feed([(f"/articles/{n}", datetime(2026, 11, 1, tzinfo=UTC)) for n in (1, 2, 3)], '"s2"')
        wait_for(lambda: query(lake, "SELECT count(*) FROM articles") == [(3,)], "a later scheduled run")
    finally:
        stop_serve(server, log)
    assert site.hits["/articles/1"] == 1 and site.hits["/articles/2"] == 1 and site.hits["/articles/3"] == 1
    flow_runs = query(lake, "SELECT count(*) FROM runs WHERE flow_run_id <> '' AND status <> 'failed'")[0][0]
    assert flow_runs >= 2
    assert query(lake, "SELECT DISTINCT source FROM source_state") == [("scheduled-feed",)]
    assert server.returncode == 0 and paused(prefect_api, "scheduled-feed")  # Ctrl-C stopped it and its schedule


def flow_run_states(prefect_api: str, deployment: str) -> list[str]:
    """Give back the state types of the deployment's flow runs on the Prefect server, oldest first."""
    runs = prefect_filter(prefect_api, "flow_runs", {"deployments": {"name": {"any_": [deployment]}}})
    return [r["state_type"] for r in sorted(runs, key=lambda r: r["expected_start_time"])]


def flow_run_state(prefect_api: str, flow_run_id: str) -> str:
    """Give back the state type of one flow run on the Prefect server."""
    [found] = prefect_filter(prefect_api, "flow_runs", {"flow_runs": {"id": {"any_": [flow_run_id]}}})
    return str(found["state_type"])


def wait_for_runs(
    prefect_api: str,
    deployment: str,
    check: Callable[[list[str]], bool],
    what: str,
    seconds: float = 180,
    serving: tuple[subprocess.Popen[bytes], IO[bytes]] | None = None,
) -> None:
    """Poll the deployment's flow-run states until check holds for them; the time running out, or
    serving (a serve process and its log) exiting, fails the test. A busy Prefect server that answers
    late is asked again."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if serving is not None and serving[0].poll() is not None:
            told = Path(serving[1].name).read_text(errors="replace")[-3000:]
            raise AssertionError(f"serve exited ({serving[0].returncode}):\n{told}")
        with contextlib.suppress(OSError):
            if check(flow_run_states(prefect_api, deployment)):
                return
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}: {flow_run_states(prefect_api, deployment)}")


def slow_feed(site: NewsSite, folder: Path, name: str, delay: float) -> list[str]:
    """Serve a feed of 20 pages that each answer after delay seconds, and configure it in folder as the
    source name, polled every 5 s; give back the pages' paths."""
    pages = [f"/articles/{n}" for n in range(1, 21)]
    for n, path in enumerate(pages, start=1):
        site.set(path, article_html(n), delay=delay)
    site.feed([(path, datetime(2026, 11, 1, tzinfo=UTC)) for path in pages], '"s1"')
    write_config(folder, source(name, "feed", site.url("/feed.xml"), interval=5))
    return pages


def wait_for_a_fetching_run(
    prefect_api: str, name: str, site: NewsSite, page: str, serving: tuple[subprocess.Popen[bytes], IO[bytes]]
) -> None:
    """Wait until a run of the source is Running on the server and has asked for the page."""
    wait_for_runs(
        prefect_api, name, lambda states: "RUNNING" in states and site.hits[page] > 0, "a run", serving=serving
    )


def next_serve_runs_the_source(
    prefect_api: str, name: str, folder: Path, env: dict[str, str], site: NewsSite, pages: list[str]
) -> None:
    """Serve again, the pages answering at once now: a run of the source completes, and the warehouse
    in folder holds every page."""
    for path in pages:
        site.pages[path].delay = 0
    server, log = start_serve(folder, env)
    try:
        wait_for_runs(
            prefect_api,
            name,
            lambda states: "COMPLETED" in states,
            "a run after the restart",
            serving=(server, log),
        )
    finally:
        stop_serve(server, log)
    assert count_articles(LakeLocation.under(folder / "lake")) == len(pages)


@pytest.mark.slow
def test_serve_stopped_during_a_run_stops_it_and_the_next_serve_runs_the_source(prefect_api, tmp_path, site):
    """Ctrl-C while a scheduled run fetches: the run stops after the documents in hand and records
    itself as interrupted, its flow run ends Cancelled, and the next `newslake serve` runs the source
    again. A run left Running on the server held the deployment's one concurrency slot for good."""
    name = "slow-feed"
    pages = slow_feed(site, tmp_path, name, 0.4)  # a run of about 8 s of fetching
    lake = tmp_path / "lake"
    env = {**os.environ, "PREFECT_API_URL": prefect_api, "PREFECT_HOME": str(tmp_path / "prefect")}

    server, log = start_serve(tmp_path, env)
    try:
        wait_for_a_fetching_run(prefect_api, name, site, pages[0], (server, log))
    finally:
        assert stop_serve(server, log) == 0
    states = flow_run_states(prefect_api, name)
    assert "CANCELLED" in states and not {"RUNNING", "PENDING"} & set(states), states
    assert [status for (status,) in query(lake, "SELECT status FROM runs")] == ["interrupted"]
    assert count_articles(LakeLocation.under(lake)) < len(pages)

    next_serve_runs_the_source(prefect_api, name, tmp_path, env, site, pages)


def test_the_silent_run_automation_watches_one_deployments_runs_for_three_heartbeats():
    from uuid import uuid4

    from newslake.flows.schedule import silent_run_automation, silent_runs_name

    deployment = uuid4()
    automation = silent_run_automation("bbc-world", deployment, 180)
    assert automation.name == silent_runs_name("bbc-world") and automation.enabled
    trigger = automation.trigger
    assert trigger.posture == "Proactive" and trigger.within.total_seconds() == 540
    assert trigger.after == {"prefect.flow-run.heartbeat"}
    assert trigger.expect == {"prefect.flow-run.*"}  # any sign of life
    assert trigger.for_each == {"prefect.resource.id"}  # each run on its own
    related = trigger.match_related
    assert related.get("prefect.resource.id") == [f"prefect.deployment.{deployment}"]
    [action] = automation.actions
    assert action.type == "change-flow-run-state" and action.state == "CRASHED"
    assert not action.force  # through the rules that give the slot back


def test_serve_keeps_one_silent_run_automation_per_source_for_its_heartbeats(prefect_api, caplog):
    import asyncio
    from uuid import uuid4

    from prefect import get_client
    from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from newslake.flows.schedule import keep_silent_run_automations, silent_runs_name

    deployments = {"kept-a": uuid4(), "kept-b": uuid4()}
    names = {"automations": {"name": {"any_": [silent_runs_name(name) for name in deployments]}}}

    def keep(heartbeat: int | None) -> bool:
        async def call() -> bool:
            async with get_client() as client:
                return await keep_silent_run_automations(client, deployments)

        updates = {PREFECT_API_URL: prefect_api, PREFECT_FLOWS_HEARTBEAT_FREQUENCY: heartbeat}
        with temporary_settings(updates=updates):
            return asyncio.run(call())

    logger = logging.getLogger("prefect.newslake")  # Prefect's loggers may not reach the root's handlers
    logger.addHandler(caplog.handler)
    try:
        assert not keep(None) and prefect_filter(prefect_api, "automations", names) == []
    finally:
        logger.removeHandler(caplog.handler)
    assert "heartbeats are off" in caplog.text
    assert keep(60) and keep(60)  # the second time finds them as they should be
    found = prefect_filter(prefect_api, "automations", names)
    assert sorted((a["name"], a["trigger"]["within"]) for a in found) == [
        (silent_runs_name("kept-a"), 180),
        (silent_runs_name("kept-b"), 180),
    ]
    assert keep(90)  # a serve with other heartbeats brings them up to date, still one per source
    assert sorted(a["trigger"]["within"] for a in prefect_filter(prefect_api, "automations", names)) == [270, 270]


def test_serve_removes_the_deployments_of_sources_taken_out_of_its_config_file(prefect_api, tmp_path):
    import asyncio

    from prefect import get_client
    from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from newslake.flows.schedule import (
        drop_removed_sources,
        keep_silent_run_automations,
        silent_runs_name,
        source_deployment,
    )
    from newslake.flows.settings import SourceConfig

    ours, theirs = tmp_path / "newslake.toml", tmp_path / "other" / "newslake.toml"
    names = {"dropped-feed": ours, "kept-feed": ours, "unscheduled-feed": ours, "other-projects-feed": theirs}
    automations = {"automations": {"name": {"any_": [silent_runs_name(name) for name in names]}}}
    with temporary_settings(updates={PREFECT_API_URL: prefect_api, PREFECT_FLOWS_HEARTBEAT_FREQUENCY: 30}):
        made = {}
        for name, config in names.items():
            feed = SourceConfig(name=name, kind="feed", location="https://news.example/feed.xml", interval=3600)
            made[name] = source_deployment(feed, config).apply()

        async def keep() -> None:
            async with get_client() as client:
                await keep_silent_run_automations(client, made)

        asyncio.run(keep())
        # The file now has kept-feed (scheduled) and unscheduled-feed (no schedule: still served by name).
        removed = drop_removed_sources(ours, {"kept-feed", "unscheduled-feed"})
        again = drop_removed_sources(ours, {"kept-feed", "unscheduled-feed"})
    assert (removed, again) == (["dropped-feed"], [])
    assert [paused(prefect_api, name) is not None for name in names] == [False, True, True, True]
    left = {a["name"] for a in prefect_filter(prefect_api, "automations", automations)}
    assert left == {silent_runs_name(name) for name in names if name != "dropped-feed"}


@pytest.mark.slow
def test_a_run_whose_serve_is_killed_outright_is_crashed_and_the_next_serve_runs_the_source(
    prefect_api, tmp_path, site
):
    """SIGKILL to serve and everything it started (the out-of-memory killer, a reboot): nothing is
    left to say the run ended. Its heartbeats stop, and serve's automation on the Prefect server marks
    it Crashed (three heartbeats, 90 s here); the deployment's slot comes back with it and the next
    `newslake serve` runs the source. The run stayed Running on the server for good before."""
    from newslake.flows.reaper import descendants
    from newslake.flows.schedule import silent_runs_name

    name = "killed-feed"
    pages = slow_feed(site, tmp_path, name, 1.0)
    env = {
        **os.environ,
        "PREFECT_API_URL": prefect_api,
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "PREFECT_FLOWS_HEARTBEAT_FREQUENCY": "30",  # Prefect's least: a run is Crashed 90 s after it dies
    }

    server, log = start_serve(tmp_path, env)
    try:
        wait_for_a_fetching_run(prefect_api, name, site, pages[1], (server, log))
        watching = {"automations": {"name": {"any_": [silent_runs_name(name)]}}}
        found = prefect_filter(prefect_api, "automations", watching)
        assert [automation["trigger"]["within"] for automation in found] == [90]
    finally:
        for pid in [*descendants(server.pid), server.pid]:
            with contextlib.suppress(ProcessLookupError):  # a worker may have ended meanwhile
                os.kill(pid, signal.SIGKILL)
        server.wait(timeout=30)
        log.close()
    wait_for_runs(
        prefect_api,
        name,
        lambda states: "CRASHED" in states,
        "the killed run to be marked crashed",
        240,
    )
    assert "RUNNING" not in flow_run_states(prefect_api, name)

    next_serve_runs_the_source(prefect_api, name, tmp_path, env, site, pages)


def paused(prefect_api: str, deployment: str) -> bool | None:
    """Tell whether the Prefect server holds the deployment paused (None: it holds no such deployment)."""
    found = prefect_filter(prefect_api, "deployments", {"deployments": {"name": {"any_": [deployment]}}})
    return bool(found[0]["paused"]) if found else None


def deployment_status(prefect_api: str, deployment: str) -> str | None:
    """Give back the deployment's status on the Prefect server: READY once a runner polls for its runs."""
    found = prefect_filter(prefect_api, "deployments", {"deployments": {"name": {"any_": [deployment]}}})
    return str(found[0]["status"]) if found else None


@pytest.mark.slow
def test_serve_stops_on_sigterm_as_on_ctrl_c_and_pauses_its_schedules(prefect_api, tmp_path):
    """A service manager stops `serve` with SIGTERM: it ends at once, quietly, and the deployments'
    schedules are paused as after Ctrl-C (test_serve_runs_a_source_on_its_schedule), so the server does
    not queue runs nobody serves. It does so in a process that ignores SIGINT, as one started in the
    background by a script does."""
    name = "yearly-feed"
    write_config(tmp_path, source(name, "feed", "https://news.example/feed.xml", cron="0 0 1 1 *"))
    env = {**os.environ, "PREFECT_API_URL": prefect_api, "PREFECT_HOME": str(tmp_path / "prefect")}
    server, log = start_serve(tmp_path, env, ctrl_c=False)
    try:
        deadline = time.monotonic() + 120
        # The runner has polled the server for runs: it is serving, its signal handlers set.
        while deployment_status(prefect_api, name) != "READY" and time.monotonic() < deadline:
            assert server.poll() is None, (tmp_path / "serve.log").read_text()
            time.sleep(0.5)
    finally:
        code = stop_serve(server, log, signal.SIGTERM)
    assert code == 0
    output = (tmp_path / "serve.log").read_text()
    assert "Warning" not in output and "Traceback" not in output, output
    assert output.rstrip().endswith("the schedules are paused until the next `newslake serve`"), output
    assert paused(prefect_api, name), output


def test_serve_stopped_while_it_creates_its_deployments_leaves_no_schedule_active(
    newslake: CliRunner, prefect_api, tmp_path, monkeypatch
):
    # Ctrl-C before Prefect's runner started: the deployments made so far had active schedules that
    # nothing served, and the server queued their runs as late.
    from newslake.flows import schedule

    made: list[str] = []
    create = schedule.source_deployment

    def interrupted_after_the_first(source: Any, config_file: Path) -> Any:
        if made:
            raise KeyboardInterrupt
        made.append(source.name)
        return create(source, config_file)

    monkeypatch.setattr(schedule, "source_deployment", interrupted_after_the_first)
    feeds = [source(f"set-up-{n}", "feed", f"https://news.example/{n}.xml", cron="0 0 1 1 *") for n in (1, 2)]
    write_config(tmp_path, "".join(feeds))
    result = newslake("serve")
    assert result.stderr.rstrip().endswith("the schedules are paused until the next `newslake serve`")
    assert made == ["set-up-1"]
    assert paused(prefect_api, "set-up-1") is True
    assert paused(prefect_api, "set-up-2") is None


@pytest.mark.slow
def test_serve_stopped_by_sigterm_while_it_sets_up_leaves_no_schedule_active(prefect_api, tmp_path):
    """SIGTERM from a service manager that restarts serve at once: before the runner's own handler,
    it ended serve with the signal's default, leaving the deployments made so far active."""
    names = [f"sigterm-set-up-{n}" for n in range(12)]
    feeds = [source(name, "feed", f"https://news.example/{name}.xml", cron="0 0 1 1 *") for name in names]
    write_config(tmp_path, "".join(feeds))
    env = {**os.environ, "PREFECT_API_URL": prefect_api, "PREFECT_HOME": str(tmp_path / "prefect")}
    server, log = start_serve(tmp_path, env, ctrl_c=False)
    try:
        deadline = time.monotonic() + 120
        # Stopped as soon as the first deployment exists: the others are still being created.
        while paused(prefect_api, names[0]) is None and time.monotonic() < deadline:
            assert server.poll() is None, (tmp_path / "serve.log").read_text()
            time.sleep(0.05)
    finally:
        code = stop_serve(server, log, signal.SIGTERM)
    output = (tmp_path / "serve.log").read_text()
    assert code == 0 and "Traceback" not in output, output
    states = [paused(prefect_api, name) for name in names]
    assert states[0] is True and all(state in (True, None) for state in states), states


@pytest.mark.slow
def test_serve_without_a_prefect_server_says_what_to_do(tmp_path):
    write_config(tmp_path, source("feed", "feed", "https://news.example/feed.xml", interval="15m"))
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["PREFECT_HOME"] = str(tmp_path / "prefect")
    result = subprocess.run([str(BIN / "newslake"), "serve"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode == 1
    assert "prefect server start" in result.stderr and "PREFECT_API_URL" in result.stderr


@pytest.mark.slow
def test_serve_with_its_prefect_server_down_says_what_to_do(tmp_path):
    write_config(tmp_path, source("feed", "feed", "https://news.example/feed.xml", interval="15m"))
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_API_URL": f"http://127.0.0.1:{port}/api"}
    result = subprocess.run(
        [str(BIN / "newslake"), "serve"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "does not answer" in result.stderr and "prefect server start" in result.stderr


def test_serve_whose_prefect_server_goes_away_says_so_in_one_line(newslake: CliRunner, tmp_path, monkeypatch):
    # Seen with a real server stopped under serve: Prefect's client gave up on pausing the schedules
    # after about a minute of retries, and serve ended with httpx's traceback.
    import httpx

    from newslake.flows import schedule

    def server_gone(*_args: Any) -> None:
        raise httpx.ConnectError("All connection attempts failed")

    monkeypatch.setattr(schedule, "serve_sources", server_gone)
    write_config(tmp_path, source("yearly", "feed", "https://news.example/feed.xml", cron="0 0 1 1 *"))
    result = newslake("serve", check=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "stopped answering (ConnectError), so the schedules could not be paused" in result.stderr


def test_a_folder_source_is_read_like_a_path(newslake: CliRunner, tmp_path):
    from tests.conftest import SEEDS

    write_config(tmp_path, source("archive", "folder", str(SEEDS)))
    result = newslake("run", "--no-progress")
    assert "folder: 2 listed" in result.stdout
    assert query(tmp_path / "lake", "SELECT count(*) FROM articles") == [(2,)]
    state = query(tmp_path / "lake", "SELECT source, kind, last_status, items_found FROM source_state")
    assert state == [("archive", "folder", "completed", 2)]


@pytest.mark.cluster
@pytest.mark.slow
def test_serve_runs_on_the_shared_warehouse_its_flags_name(prefect_api, tmp_path, site, postgres, s3, monkeypatch):
    # Scheduled runs resolve their own settings: --catalog and --data-path must reach them too.
    for key, value in s3.environ.items():
        monkeypatch.setenv(key, value)
    site.feed([(f"/articles/{n}", datetime(2026, 11, 1, tzinfo=UTC)) for n in (1, 2)], '"s1"')
    write_config(tmp_path, source("shared-feed", "feed", site.url("/feed.xml"), interval=4))
    shared = LakeLocation(tmp_path / "lake", postgres.catalog(postgres.new_database()), f"s3://{s3.new_bucket()}/n/")
    env = {**os.environ, "PREFECT_API_URL": prefect_api, "PREFECT_HOME": str(tmp_path / "prefect")}
    server, log = start_serve(tmp_path, env, "--catalog", shared.catalog, "--data-path", shared.data_path)

    try:
        deadline = time.monotonic() + 240
        while count_articles(shared) < 2 and time.monotonic() < deadline:
            assert server.poll() is None, (tmp_path / "serve.log").read_text()[-3000:]
            time.sleep(1)
    finally:
        stop_serve(server, log)
    assert count_articles(shared) == 2, (tmp_path / "serve.log").read_text()[-3000:]
    assert not (tmp_path / "lake" / "catalog.sqlite").exists()


_SCHEDULED_RUN = """
import sys
from newslake.flows.schedule import ingest_source
state = ingest_source(sys.argv[1], sys.argv[2], return_state=True)
print("status:", state.result()["status"])
print("flow run:", state.state_details.flow_run_id)
"""


@pytest.mark.slow
def test_a_scheduled_run_shows_its_summary_on_the_deployments_run(prefect_api: str, tmp_path: Path) -> None:
    from tests.conftest import SEED_000

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.txt").write_bytes(SEED_000.read_bytes())
    config = write_config(tmp_path, source("inbox", "folder", str(inbox)))
    env = {**os.environ, "PREFECT_API_URL": prefect_api, "PREFECT_HOME": str(tmp_path / "prefect")}
    result = subprocess.run(
        [str(BIN / "python"), "-c", _SCHEDULED_RUN, "inbox", str(config)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert "status: completed" in result.stdout, result.stderr[-3000:]

    # The run's own id: by start time, a serve test's scheduled runs of the same flow may sort first.
    parent = result.stdout.split("flow run:")[1].strip()
    on_run = {"artifacts": {"key": {"any_": ["newslake-run-summary"]}, "flow_run_id": {"any_": [parent]}}}
    on_parent = prefect_filter(prefect_api, "artifacts", on_run)
    assert on_parent and "newslake run" in str(on_parent[0]["data"])
