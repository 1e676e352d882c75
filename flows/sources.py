"""Live sources: poll feeds, sitemaps and URL lists, decide what is new or changed, and fetch it politely."""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

import duckdb

from newslake.flows.interrupt import check_stop, stop_requested
from newslake.flows.locks import file_name
from newslake.flows.settings import SourceConfig
from newslake.tasks.discover import hash_bytes
from newslake.tasks.feeds import parse_feed
from newslake.tasks.fetch import Fetcher, FetchResult
from newslake.tasks.logins import SiteHeaders, UnsetVariableError, remember_login
from newslake.tasks.records import FetchInfo, ListedItem, ListingError, RawDocument, Rejection
from newslake.tasks.sitemaps import parse_sitemap
from newslake.tasks.urls import InvalidUrlError, host_allowed, normalize_url, parse_url_list, without_userinfo
from newslake.warehouse.load import FetchPurpose, FetchRow
from newslake.warehouse.sources import (
    ListedRow,
    Validators,
    forgotten_hosts,
    listing_validators,
    pending_urls,
    record_poll,
    seen_urls,
)

_MAX_SITEMAPS = 1000  # sitemap files read per poll, index children included


@dataclass(frozen=True)
class PageTask:
    """A page a run has to fetch, and the source that listed it."""

    url: str
    source: str
    site: SiteHeaders | None = None  # the source's own headers, for the pages on its origin


@dataclass
class SourcePoll:
    """What polling one source found: pages to fetch now, and what was refused on the way."""

    polled_at: datetime
    pages: list[PageTask] = field(default_factory=list)
    found: int = 0  # items the listing held
    too_old: int = 0  # items listed now or left by earlier runs that are dated before the source's max_age
    old_sitemaps: int = 0  # child sitemaps an index dates before the source's max_age, not read
    pending: int = 0  # items left for a later run (max_items)
    not_modified: bool = False
    rejections: list[Rejection] = field(default_factory=list)
    error: str | None = None  # the listing itself could not be read


def is_local(source: SourceConfig) -> bool:
    """Tell whether a source is read from disk like a folder: a folder, or a web archive given by path."""
    return source.kind == "folder" or (
        source.kind == "warc" and not source.location.startswith(("http://", "https://"))
    )


def adhoc_source(
    kind: str, location: str, headers: dict[str, str] | None = None, max_age: float | None = None
) -> SourceConfig:
    """Give back a source for a one-off run (--feed, --sitemap, --warc, --urls), named after its kind and
    location (`feed:example.com/rss.xml`, `urls:/home/me/morning.txt`): readable, unique, and the same
    each time, so repeated one-off runs share state. Configured names cannot hold a colon, so the two
    never meet. headers are the run's --header lines and max_age its --max-age, checked already."""
    name = f"{kind}:{re.sub(r'^[a-z]+://', '', without_userinfo(location))}"
    return SourceConfig(name=name, kind=kind, location=location, headers=headers or {}, max_age=max_age)  # type: ignore[arg-type]


def site_headers(source: SourceConfig) -> SiteHeaders | None:
    """Give back the source's own request headers, their `${NAME}`s read from this process's
    environment now; raise ListingError when one names a variable that is not set."""
    try:
        return SiteHeaders.of_source(source.location, source.headers, os.environ)
    except UnsetVariableError as exc:
        raise ListingError(
            "unset_variable",
            f"{exc}: set it where newslake runs (for scheduled runs, in the environment of `newslake serve`)",
        ) from exc


def poll_source(
    con: duckdb.DuckDBPyConnection,
    fetcher: Fetcher,
    source: SourceConfig,
    run_id: str,
    claimed: set[str],
    max_urls: int | None = None,
) -> SourcePoll:
    """Read a source's listing, record its new and changed items as pending, and give back the pages to
    fetch now (at most the source's max_items, else max_urls; earlier leftovers first). URLs in
    `claimed` are fetched by another source of this run."""
    poll = SourcePoll(datetime.now(UTC))
    fetches: list[FetchRow] = []
    validators: list[Validators] = []
    try:
        site = site_headers(source)
    except ListingError as exc:  # its pages left by earlier runs wait too: without the headers they fail
        poll.error = f"{exc.reason}: {exc.detail}"
        poll.rejections.append(Rejection("", source.location, "listing", exc.reason, exc.detail))
        return poll
    try:
        listed = read_listing(con, fetcher, source, site, fetches, validators, poll)
    except ListingError as exc:
        poll.error = f"{exc.reason}: {exc.detail}"
        poll.rejections.append(Rejection("", source.location, "listing", exc.reason, exc.detail))
        listed = []
    poll.found = len(listed)
    recent, old = [], set()  # old: the URLs dated before max_age, as seen_urls keeps them
    for item in listed:
        if not too_old(item, source, poll.polled_at):
            recent.append(item)
        elif url := normalized(item.url):
            old.add(url)
    rows, fresh = plan_items(con, source, recent, poll)
    private = fetcher.policy.allow_private or bool(fetcher.policy.allowed_networks)
    leftovers = []
    for url, modified_at in pending_urls(con, source.name, private):
        if too_old(ListedItem(url, modified_at), source, poll.polled_at):
            old.add(url)  # left pending: a longer max_age reaches it
        elif url not in fresh:
            leftovers.append(url)
    poll.too_old = len(old)
    queue = [u for u in [*leftovers, *fresh] if u not in claimed]
    cap = source.max_items or max_urls
    chosen = queue[:cap] if cap else queue
    claimed.update(chosen)
    poll.pending = len(queue) - len(chosen)
    poll.pages = [PageTask(url, source.name, site) for url in chosen]
    record_poll(con, run_id, rows, validators, fetches)
    return poll


def normalized(listed: str) -> str | None:
    """Give back a listed URL as seen_urls keeps it, or None when it is not a valid URL."""
    try:
        return normalize_url(remember_login(listed))
    except InvalidUrlError:
        return None


@dataclass(frozen=True)
class ListingCheck:
    """What reading a source's listing now gives, without recording anything: `newslake sources --check`."""

    source: str
    kind: str
    ok: bool
    items: int | None = None  # items listed
    recent: int | None = None  # of those, not dated before the source's max_age
    newest: datetime | None = None  # the latest change date the listing gives
    detail: str = ""


def check_listing(fetcher: Fetcher, source: SourceConfig) -> ListingCheck:
    """Read a live source's listing as a run would (its headers, the fetch policy, robots.txt), without
    conditional requests, and say what it lists or why it cannot be read. Nothing is recorded. A folder
    or an archive's path is only looked for; an archive's URL is not downloaded (it may be gigabytes)."""
    if is_local(source):
        found = Path(source.location).exists()
        return ListingCheck(
            source.name, source.kind, found, detail="" if found else f"{source.location} does not exist"
        )
    if source.kind == "warc":
        return ListingCheck(source.name, source.kind, True, detail="not downloaded to check: a run downloads it")
    poll = SourcePoll(datetime.now(UTC))
    try:
        items = read_listing(None, fetcher, source, site_headers(source), [], [], poll)
    except ListingError as exc:
        return ListingCheck(source.name, source.kind, False, detail=f"{exc.reason}: {exc.detail}")
    dates = [item.modified_at for item in items if item.modified_at is not None]
    recent = sum(not too_old(item, source, poll.polled_at) for item in items)
    problems = "; ".join(f"{r.reason}: {r.source_uri}" for r in poll.rejections[:3])  # child sitemaps
    return ListingCheck(source.name, source.kind, True, len(items), recent, max(dates, default=None), problems)


def too_old(item: ListedItem, source: SourceConfig, now: datetime) -> bool:
    """Tell whether the listing dates the item (a page, or an index's child sitemap) before the source's
    max_age; an undated item is never too old."""
    if source.max_age is None or item.modified_at is None:
        return False
    return item.modified_at < now - timedelta(seconds=source.max_age)


def read_listing(
    con: duckdb.DuckDBPyConnection | None,
    fetcher: Fetcher,
    source: SourceConfig,
    site: SiteHeaders | None,
    fetches: list[FetchRow],
    validators: list[Validators],
    poll: SourcePoll,
) -> list[ListedItem]:
    """Give back the items a source lists now. With the warehouse (`con`), feeds and sitemaps are asked
    for conditionally with the validators it keeps, and an unchanged one (304) lists none."""
    if source.kind == "urls":
        return [ListedItem(url) for url in parse_url_list(read_url_list(fetcher, source, site, fetches))]
    known = listing_validators(con, source.name) if con is not None else {}
    if source.kind == "feed":
        content = fetch_listing(fetcher, source, site, source.location, "feed", known, fetches, validators)
        if content is None:
            poll.not_modified = True
            return []
        return parse_feed(content)
    return read_sitemaps(fetcher, source, site, known, fetches, validators, poll)


def read_url_list(fetcher: Fetcher, source: SourceConfig, site: SiteHeaders | None, fetches: list[FetchRow]) -> str:
    """Give back the text of a URL-list file, local or fetched."""
    if source.location.startswith(("http://", "https://")):
        content = fetch_listing(fetcher, source, site, source.location, "urls", {}, fetches, [])
        return (content or b"").decode("utf-8", errors="replace")
    try:
        return Path(source.location).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise ListingError("unreadable_url_list", f"cannot read {source.location}: {exc.strerror}") from exc


def read_sitemaps(
    fetcher: Fetcher,
    source: SourceConfig,
    site: SiteHeaders | None,
    known: dict[str, tuple[str | None, str | None]],
    fetches: list[FetchRow],
    validators: list[Validators],
    poll: SourcePoll,
) -> list[ListedItem]:
    """Give back the pages of a sitemap and, for an index, of every child sitemap that changed."""
    pages: list[ListedItem] = []
    queue: list[str] = [source.location]
    visited: set[str] = set()
    unchanged = 0
    while queue and len(visited) < _MAX_SITEMAPS:
        url = queue.pop(0)
        if url in visited:
            continue
        visited.add(url)
        try:
            content = fetch_listing(fetcher, source, site, url, "sitemap", known, fetches, validators)
            if content is None:
                unchanged += 1
                if url == source.location:
                    # An unchanged index says nothing of its children: ask each known one conditionally.
                    queue.extend(u for u in known if u != source.location)
                continue
            sitemap = parse_sitemap(content)
        except ListingError as exc:
            if url == source.location:
                raise
            poll.rejections.append(Rejection("", url, "listing", exc.reason, exc.detail))
            continue
        pages.extend(sitemap.pages)
        recent = [child.url for child in sitemap.children if not too_old(child, source, poll.polled_at)]
        poll.old_sitemaps += len(sitemap.children) - len(recent)
        queue.extend(recent)
    poll.not_modified = unchanged == len(visited)
    return pages


def fetch_listing(
    fetcher: Fetcher,
    source: SourceConfig,
    site: SiteHeaders | None,
    url: str,
    purpose: FetchPurpose,
    known: dict[str, tuple[str | None, str | None]],
    fetches: list[FetchRow],
    validators: list[Validators],
) -> bytes | None:
    """Give back a listing's bytes, or None when it answered 304; a failure raises ListingError."""
    etag, last_modified = known.get(url, (None, None))
    result = fetcher.fetch(url, etag=etag, last_modified=last_modified, site=site)
    fetches.append(fetch_row(source.name, purpose, result))
    if result.error:
        raise ListingError(result.error, result.detail)
    new_etag, new_modified = result.headers.get("etag"), result.headers.get("last-modified")
    if result.not_modified:
        new_etag, new_modified = etag, last_modified
    validators.append(Validators(source.name, url, new_etag, new_modified, result.fetched_at))
    return None if result.not_modified else result.content


@dataclass
class ArchiveDownload:
    """A web archive fetched for a `warc` source: the file to read (None when unchanged or failed), the
    fetch row, the validators to keep once the archive has been loaded, and what failed."""

    source: str
    path: Path | None
    fetch: FetchRow
    validators: Validators | None = None
    not_modified: bool = False
    rejection: Rejection | None = None


def download_archive(
    fetcher: Fetcher,
    source: SourceConfig,
    known: dict[str, tuple[str | None, str | None]],
    folder: Path,
    max_bytes: int,
    timeout: float,
) -> ArchiveDownload:
    """Download a source's web archive into folder (conditionally: an unchanged one answers 304 and is
    not read again); a failure is told as a rejection of the listing stage."""
    folder.mkdir(parents=True, exist_ok=True)
    suffix = ".warc.gz" if source.location.split("?")[0].endswith(".gz") else ".warc"
    path = folder / f"{file_name(source.name)}{suffix}"
    etag, last_modified = known.get(source.location, (None, None))
    try:
        site = site_headers(source)
    except ListingError as exc:  # told like a failed fetch, with no request made
        result = FetchResult(source.location, datetime.now(UTC), error=exc.reason, detail=exc.detail)
        refused = Rejection("", source.location, "listing", exc.reason, exc.detail)
        return ArchiveDownload(source.name, None, fetch_row(source.name, "archive", result), rejection=refused)
    with path.open("wb") as out:
        result = fetcher.download(
            source.location, out, max_bytes, timeout, etag=etag, last_modified=last_modified, site=site
        )
    size = path.stat().st_size
    row = replace(fetch_row(source.name, "archive", result), byte_size=size if result.ok_download else None)
    if result.error is not None or result.not_modified:
        path.unlink(missing_ok=True)
        rejection = (
            Rejection("", source.location, "listing", result.error, result.detail) if result.error is not None else None
        )
        return ArchiveDownload(source.name, None, row, not_modified=result.not_modified, rejection=rejection)
    keep = Validators(
        source.name, source.location, result.headers.get("etag"), result.headers.get("last-modified"), result.fetched_at
    )
    return ArchiveDownload(source.name, path, row, keep)


def plan_items(
    con: duckdb.DuckDBPyConnection, source: SourceConfig, items: Sequence[ListedItem], poll: SourcePoll
) -> tuple[list[ListedRow], list[str]]:
    """Give back the seen_urls rows to write and the URLs to fetch: new ones, and known ones whose
    listing shows a newer change date. Invalid URLs are refused; hosts outside allowed_hosts are skipped."""
    by_url: dict[str, ListedItem] = {}
    for item in items:
        listed = remember_login(item.url)
        try:
            url = normalize_url(listed)
        except InvalidUrlError as exc:
            poll.rejections.append(Rejection("", listed, "listing", "invalid_url", str(exc)))
            continue
        by_url.setdefault(url, item)
    known = seen_urls(con, list(by_url))
    forgotten = forgotten_hosts(con)
    rows: list[ListedRow] = []
    fresh: list[str] = []
    for url, item in by_url.items():
        seen = known.get(url)
        skipped = "host_forgotten" if forgotten and host_allowed(url, forgotten) else None
        if skipped is None and not host_allowed(url, source.allowed_hosts):
            skipped = "host_not_allowed"
        if skipped is not None:
            if seen is None:
                rows.append(ListedRow(url, source.name, poll.polled_at, item.modified_at, "skipped", skipped))
            continue
        changed = (
            seen is not None
            and seen.status == "done"
            and item.modified_at is not None
            and (seen.modified_at is None or item.modified_at > seen.modified_at)
        )
        if seen is None or changed:
            rows.append(ListedRow(url, source.name, poll.polled_at, item.modified_at))
            fresh.append(url)
    return rows, fresh


def fetch_row(source: str, purpose: FetchPurpose, result: FetchResult, doc_id: str | None = None) -> FetchRow:
    """Give back the fetches row of one fetch."""
    outcome: Literal["fetched", "not_modified", "failed"] = (
        "failed" if result.error else ("not_modified" if result.not_modified else "fetched")
    )
    return FetchRow(
        source=source,
        url=result.url,
        purpose=purpose,
        outcome=outcome,
        fetched_at=result.fetched_at,
        final_url=result.final_url,
        http_status=result.status,
        reason=result.error,
        detail=result.detail or None,
        attempts=result.attempts,
        byte_size=len(result.content) if result.content is not None else None,
        doc_id=doc_id,
        http_headers=json.dumps(dict(result.headers), sort_keys=True) if result.headers else None,
    )


def fetched_document(result: FetchResult) -> RawDocument | Rejection:
    """Give back a fetched page as a raw document, or its failure as a rejection at the fetch stage."""
    if not result.ok or result.content is None:
        return Rejection("", result.url, "fetch", result.error or "fetch_failed", result.detail)
    info = FetchInfo(
        status=result.status or 0,
        final_url=result.final_url or result.url,
        fetched_at=result.fetched_at,
        headers=tuple(sorted(result.headers.items())),
    )
    content = result.content
    return RawDocument(hash_bytes(content), result.url, content, result.fetched_at, len(content), fetch=info)


PAGE_BATCH_SECONDS = 30.0  # a batch of fetched pages loads after this long even when not full


def fetch_pages(
    fetcher: Fetcher,
    pages: Sequence[PageTask],
    batch_size: int,
    concurrency: int,
    flush_seconds: float = PAGE_BATCH_SECONDS,
) -> Iterator[list[tuple[PageTask, FetchResult]]]:
    """Yield the pages fetched in batches as they fill: a batch goes to the warehouse when it holds
    batch_size pages or flush_seconds have passed since it started, so a long or slow listing loads as
    it goes and a run stopped half-way keeps what it loaded. Up to `concurrency` requests are in
    flight (the fetcher also limits each host)."""
    pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="fetch")
    try:
        waiting = {pool.submit(fetcher.fetch, page.url, site=page.site): page for page in pages}
        batch: list[tuple[PageTask, FetchResult]] = []
        started = time.monotonic()
        while waiting:
            left = max(0.0, started + flush_seconds - time.monotonic())
            done, _ = wait(waiting, timeout=min(left, 1.0), return_when=FIRST_COMPLETED)
            check_stop()  # Ctrl-C: stop between two pages; the fetches in flight are dropped
            batch += [(waiting.pop(future), future.result()) for future in done]
            if batch and (len(batch) >= batch_size or time.monotonic() - started >= flush_seconds or not waiting):
                yield batch[:batch_size]
                batch, started = batch[batch_size:], time.monotonic()
        if batch:
            yield batch
    finally:
        pool.shutdown(wait=not stop_requested(), cancel_futures=True)
