"""A run's batches: what each one holds, what it has to do once the warehouse has been asked what it
already holds, and everything it writes. Plain functions on records; the flow in flows/ingest.py wires
them to the workers and the warehouse."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from newslake.flows.quality import BatchVerdict, link_key, mention_key
from newslake.flows.sources import ArchiveDownload, PageTask, fetch_row, fetched_document
from newslake.flows.summary import RunSummary, SourceCounts
from newslake.tasks.clusters import story_signature
from newslake.tasks.discover import read_document
from newslake.tasks.fetch import FetchResult
from newslake.tasks.identify import article_id_for, extractor_version
from newslake.tasks.records import Article, ProcessedDocument, RawDocument, Rejection
from newslake.tasks.warc import PassedOver, read_archive
from newslake.warehouse.load import FetchRow, LoadBatch, SourcePlan, StoredDocument


@dataclass
class InputBatch:
    """Documents read or fetched for one batch, fetches that failed, and the fetch log of the batch."""

    docs: list[RawDocument] = field(default_factory=list)
    refused: list[Rejection] = field(default_factory=list)  # failed before there were bytes (fetch, listing)
    fetches: list[FetchRow] = field(default_factory=list)
    languages: dict[str, str] = field(default_factory=dict)  # source_uri -> language its source expects

    @property
    def size(self) -> int:
        return len(self.docs) + len(self.refused)


# Given the open warehouse and the run's summary, give back the run's batches and how many items they hold
# (None when that is not known up front: a web archive is counted as it is read).
BatchSource = Callable[[duckdb.DuckDBPyConnection, RunSummary], tuple[Iterator[InputBatch], int | None]]


@dataclass
class BatchWork:
    """What one batch has to do once the warehouse has been asked what it already holds."""

    process: list[RawDocument] = field(default_factory=list)
    duplicate_sources: list[tuple[str, str]] = field(default_factory=list)  # known content, new place
    previous_article: dict[str, str | None] = field(default_factory=dict)  # doc_id -> article id
    status: dict[str, str] = field(default_factory=dict)  # doc_id -> new | updated
    unchanged: int = 0
    forgotten: int = 0  # of the unchanged: documents `newslake forget` removed, passed over


def has_writes(given: InputBatch, work: BatchWork) -> bool:
    """Tell whether a planned batch has anything to validate or write."""
    return bool(work.process or work.duplicate_sources or given.refused or given.fetches)


def decide_work(
    docs: Sequence[RawDocument],
    plans: dict[tuple[str, str], SourcePlan],
    force: bool = False,
    in_flight: set[str] | None = None,
) -> BatchWork:
    """Give back the batch's work: documents to process, extra sources to record, the unchanged count.

    With force (reprocessing), documents already stored are processed again instead of skipped.
    """
    work = BatchWork()
    for doc in docs:
        plan = plans[(doc.source_uri, doc.doc_id)]
        if plan.status == "forgotten":
            work.unchanged += 1
            work.forgotten += 1
            continue
        if force and plan.status in ("unchanged", "duplicate") and doc.doc_id not in work.status:
            plan = SourcePlan(
                doc.source_uri, doc.doc_id, "updated" if plan.previous_article_id else "new", plan.previous_article_id
            )
        if plan.status == "unchanged":
            work.unchanged += 1
        elif plan.status == "duplicate" or doc.doc_id in work.status or doc.doc_id in (in_flight or ()):
            work.duplicate_sources.append((doc.source_uri, doc.doc_id))
            work.unchanged += 1
        else:
            work.status[doc.doc_id] = plan.status
            work.previous_article[doc.doc_id] = plan.previous_article_id
            work.process.append(doc)
    return work


def assign_article_ids(
    processed: Sequence[ProcessedDocument], previous: dict[str, str | None]
) -> tuple[dict[str, Article], list[Rejection]]:
    """Give back articles keyed by stable id; a second document for one id in a batch is refused."""
    articles: dict[str, Article] = {}
    refused = []
    for item in processed:
        if item.article is None:
            continue
        a = item.article
        article_id = previous.get(a.doc_id) or article_id_for(a.canonical_url or a.source_uri)
        if article_id in articles:
            detail = f"the same article as {articles[article_id].source_uri} in this batch"
            refused.append(Rejection(a.doc_id, a.source_uri, "load", "duplicate_article", detail))
            continue
        articles[article_id] = a
    return articles, refused


def build_batch(
    run_id: str,
    now: datetime,
    work: BatchWork,
    processed: Sequence[ProcessedDocument],
    verdict: BatchVerdict,
    articles: dict[str, Article],
    refused: list[Rejection],
) -> LoadBatch:
    """Give back everything a batch writes: documents, sources, valid articles and their parts, refusals."""
    model = next((p.ner_model for p in processed if p.ner_model), None) or ""
    batch = LoadBatch(run_id=run_id, extracted_at=now, extractor_version=extractor_version(), model=model)
    by_doc = {p.doc_id: p for p in processed}
    for raw in work.process:
        item = by_doc[raw.doc_id]
        fetch = raw.fetch
        batch.documents.append(
            StoredDocument(
                raw.doc_id,
                raw.source_uri,
                raw.discovered_at,
                item.kind,
                item.encoding,
                raw.byte_size,
                raw.content,
                http_status=fetch.status if fetch else None,
                final_url=fetch.final_url if fetch else None,
                fetched_at=fetch.fetched_at if fetch else None,
                http_headers=json.dumps(dict(fetch.headers), sort_keys=True) if fetch else None,
            )
        )
    batch.sources = [(d.source_uri, d.doc_id) for d in work.process] + work.duplicate_sources
    for article_id, article in articles.items():
        if article_id in verdict.refused:
            batch.rejections.append(verdict.refused[article_id])
            continue
        item = by_doc[article.doc_id]
        kept_links = tuple(
            link for link in article.links if link_key(article_id, link.url) not in verdict.dropped_links
        )
        batch.articles.append((article_id, replace(article, links=kept_links)))
        batch.signatures.append((article_id, story_signature(article.text)))
        kept = [m for m in item.mentions if mention_key(article_id, m) not in verdict.dropped_mentions]
        names = {(m.name, m.label) for m in kept}
        batch.mentions.extend((article_id, m) for m in kept)
        batch.spans.extend((article_id, s) for s in item.spans if (s.canonical, s.label) in names)
        batch.quotes.extend((article_id, q) for q in item.quotes if (q.speaker, q.speaker_label) in names)
    batch.rejections += [p.rejection for p in processed if p.rejection] + refused
    batch.validation = verdict.outcomes
    return batch


def read_files(paths: Sequence[Path], max_bytes: int) -> InputBatch:
    """Give back a batch of files read from disk; a file that vanished or cannot be read is refused
    with its reason, and the others still go on."""
    batch = InputBatch()
    now = datetime.now(UTC)
    for path in paths:
        item = read_document(path, max_bytes, now)
        if isinstance(item, Rejection):
            batch.refused.append(item)
        else:
            batch.docs.append(item)
    return batch


def archive_batches(path: Path, batch_size: int, max_bytes: int, passed_over: Counter[str]) -> Iterator[InputBatch]:
    """Give back a web archive's documents and refused records in batches of batch_size, as the archive
    is read; records that are not documents are counted in passed_over."""
    batch = InputBatch()
    for item in read_archive(path, max_bytes):
        if isinstance(item, PassedOver):
            passed_over[item.reason] += 1
            continue
        if isinstance(item, Rejection):
            batch.refused.append(item)
        else:
            batch.docs.append(item)
        if batch.size >= batch_size:
            yield batch
            batch = InputBatch()
    if batch.size:
        yield batch


def download_batches(
    download: ArchiveDownload, batch_size: int, max_bytes: int, summary: RunSummary
) -> Iterator[InputBatch]:
    """Give back a downloaded web archive's batches, counting them for its source, then remove the
    file. The archive's fetch is logged with the first batch; a failed or unchanged download gives one
    batch with its refusal (if any) and its fetch."""
    refused = download.rejection
    counts = summary.sources[download.source] = SourceCounts(
        "warc", not_modified=download.not_modified, error=f"{refused.reason}: {refused.detail}" if refused else None
    )
    logged = InputBatch(refused=[refused] if refused else [], fetches=[download.fetch])
    if download.path is None:
        yield logged
        return
    try:
        for batch in archive_batches(download.path, batch_size, max_bytes, summary.passed_over):
            counts.found += batch.size
            counts.fetched += len(batch.docs)
            batch.fetches, logged = batch.fetches + logged.fetches, InputBatch()
            yield batch
    finally:
        download.path.unlink(missing_ok=True)
    if logged.fetches:
        yield logged  # an archive without documents still logs its fetch


def page_batch(
    fetched: list[tuple[PageTask, FetchResult]], summary: RunSummary, languages: dict[str, str]
) -> InputBatch:
    """Give back a batch of fetched pages: documents, fetch failures and the fetch log."""
    batch = InputBatch()
    for page, result in fetched:
        item = fetched_document(result)
        counts = summary.sources[page.source]
        if isinstance(item, Rejection):
            batch.refused.append(item)
            batch.fetches.append(fetch_row(page.source, "page", result))
            counts.failed += 1
            continue
        batch.docs.append(item)
        batch.fetches.append(fetch_row(page.source, "page", result, item.doc_id))
        counts.fetched += 1
        if page.source in languages:
            batch.languages[item.source_uri] = languages[page.source]
    return batch


@dataclass
class InFlight:
    """A batch handed to the workers and not loaded yet."""

    number: int
    given: InputBatch
    work: BatchWork
    results: Iterator[list[ProcessedDocument]]


def enforce_languages(processed: list[ProcessedDocument], languages: dict[str, str]) -> list[ProcessedDocument]:
    """Give back the documents with articles in a language other than their source expects refused."""
    if not languages:
        return processed
    checked = []
    for item in processed:
        expected = languages.get(item.source_uri)
        article = item.article
        if article is not None and expected and article.language != expected:
            detail = f"the source expects {expected}; the article reads as {article.language or 'unknown'}"
            rejection = Rejection(item.doc_id, item.source_uri, "validate", "unexpected_language", detail)
            item = replace(item, article=None, mentions=(), spans=(), quotes=(), rejection=rejection)
        checked.append(item)
    return checked
