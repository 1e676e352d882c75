"""The `ingest` flow: discover, process, validate and load documents in bounded batches."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from expectations import load_suite
from flows.progress import RunProgress
from flows.settings import Settings
from flows.summary import RunSummary
from flows.workers import DocumentExecutor, document_workers, process_chunk, split_evenly
from tasks.discover import discover_files, read_document
from tasks.extract import EXTRACTOR_VERSION
from tasks.identify import article_id_for
from tasks.records import Article, ProcessedDocument, RawDocument, Rejection
from tasks.validate import SuiteRunner, failures_by_row
from warehouse.lake import connect
from warehouse.load import (
    LoadBatch,
    LoadCounts,
    SourcePlan,
    StoredDocument,
    finish_run,
    load_batch,
    plan_batch,
    start_run,
)
from warehouse.migrate import migrate

_VALIDATOR = SuiteRunner()


@dataclass
class BatchWork:
    """What one batch has to do once the warehouse has been asked what it already holds."""

    process: list[RawDocument] = field(default_factory=list)
    duplicate_sources: list[tuple[str, str]] = field(default_factory=list)  # known content, new place
    previous_article: dict[str, str | None] = field(default_factory=dict)  # doc_id -> article id
    status: dict[str, str] = field(default_factory=dict)  # doc_id -> new | updated
    unchanged: int = 0


def decide_work(docs: Sequence[RawDocument], plans: dict[tuple[str, str], SourcePlan]) -> BatchWork:
    """Give back the batch's work: documents to process, extra sources to record, the unchanged count."""
    work = BatchWork()
    for doc in docs:
        plan = plans[(doc.source_uri, doc.doc_id)]
        if plan.status == "unchanged":
            work.unchanged += 1
        elif plan.status == "duplicate" or doc.doc_id in work.status:
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


@task(name="plan-batch", cache_policy=NO_CACHE)
def plan_work(con: duckdb.DuckDBPyConnection, docs: Sequence[RawDocument]) -> BatchWork:
    """Give back what to do with each document of a batch, from one warehouse query."""
    plans = plan_batch(con, [(d.source_uri, d.doc_id) for d in docs])
    return decide_work(docs, {(p.source_uri, p.doc_id): p for p in plans})


@task(name="process-documents", cache_policy=NO_CACHE)
def process_documents(workers: DocumentExecutor, docs: list[RawDocument], parts: int) -> list[ProcessedDocument]:
    """Normalize, extract and find entities in the batch, spread over the worker processes."""
    return [item for chunk in workers.map_chunks(process_chunk, split_evenly(docs, parts)) for item in chunk]


@task(name="validate-articles", cache_policy=NO_CACHE)
def validate_articles(articles: dict[str, Article], settings: Settings, now: datetime) -> dict[str, Rejection]:
    """Give back, per failing article id, a rejection naming the error-severity expectations it failed."""
    if not articles:
        return {}
    frame = pd.DataFrame(
        [
            {
                "article_id": i,
                "title": a.title,
                "word_count": a.word_count,
                "text": a.text,
                "published_at": a.published_at,
            }
            for i, a in articles.items()
        ]
    )
    parameters = {"min_words": settings.min_words, "latest_published_at": now + timedelta(days=1)}
    outcomes = _VALIDATOR.run(load_suite("articles"), frame, "article_id", parameters)
    rejections = {}
    for article_id, failed in failures_by_row(outcomes).items():
        article = articles[article_id]
        names = ",".join(o.expectation for o in failed)
        detail = "; ".join(f"{o.expectation}: observed {o.observed}" for o in failed)
        rejections[article_id] = Rejection(
            article.doc_id, article.source_uri, "validate", f"expectation_failed:{names}", detail
        )
    return rejections


@task(name="load-batch", cache_policy=NO_CACHE)
def load_work(con: duckdb.DuckDBPyConnection, batch: LoadBatch) -> LoadCounts:
    """Write one batch in one transaction."""
    return load_batch(con, batch)


def build_batch(
    run_id: str,
    now: datetime,
    work: BatchWork,
    processed: Sequence[ProcessedDocument],
    invalid: dict[str, Rejection],
    articles: dict[str, Article],
    refused: list[Rejection],
) -> LoadBatch:
    """Give back everything a batch writes: documents, sources, valid articles, mentions, refusals."""
    model = next((p.ner_model for p in processed if p.ner_model), None) or ""
    batch = LoadBatch(run_id=run_id, extracted_at=now, extractor_version=EXTRACTOR_VERSION, model=model)
    by_doc = {p.doc_id: p for p in processed}
    for raw in work.process:
        item = by_doc[raw.doc_id]
        batch.documents.append(
            StoredDocument(
                raw.doc_id, raw.source_uri, raw.discovered_at, item.kind, item.encoding, raw.byte_size, raw.content
            )
        )
    batch.sources = [(d.source_uri, d.doc_id) for d in work.process] + work.duplicate_sources
    for article_id, article in articles.items():
        if article_id in invalid:
            batch.rejections.append(invalid[article_id])
        else:
            batch.articles.append((article_id, article))
            item = by_doc[article.doc_id]
            batch.mentions.extend((article_id, m) for m in item.mentions)
            batch.spans.extend((article_id, span) for span in item.spans)
            batch.quotes.extend((article_id, quote) for quote in item.quotes)
    batch.rejections += [p.rejection for p in processed if p.rejection] + refused
    return batch


def batched(items: Sequence[Path], size: int) -> Iterator[Sequence[Path]]:
    """Give back consecutive slices of at most `size` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def new_run_id() -> str:
    """Give back a run id that sorts by start time."""
    return f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"


@flow(name="ingest", log_prints=False)
def ingest(paths: list[str], settings: Settings, show_progress: bool = False) -> RunSummary:
    """Ingest every document under the paths into the warehouse; give back the run summary."""
    started = time.monotonic()
    location = settings.location()
    summary = RunSummary(run_id=new_run_id(), lake=location.describe())
    files = list(discover_files(paths))
    con = connect(location)
    error: str | None = None
    try:
        migrate(con)
        start_run(con, summary.run_id, str(flow_run.get_id() or ""), settings.model_dump(mode="json"))
        with (
            RunProgress(show_progress) as progress,
            document_workers(settings.workers, settings.ner_model, settings.max_document_bytes) as workers,
        ):
            progress.start(len(files))
            for paths_batch in batched(files, settings.batch_size):
                ingest_batch(con, workers, paths_batch, settings, summary)
                progress.advance(len(paths_batch), f"{summary.articles} articles, {summary.quarantined} quarantined")
        summary.status = "completed"
    except BaseException as exc:
        summary.status = "failed"
        error = f"{type(exc).__name__}: {exc}"
        raise
    finally:
        summary.seconds = time.monotonic() - started
        finish_run(con, summary.run_id, summary.as_run_row(), error)
        con.close()
        get_run_logger().info("run %s %s: %s", summary.run_id, summary.status, summary.as_run_row())
    return summary


def ingest_batch(
    con: duckdb.DuckDBPyConnection,
    workers: DocumentExecutor,
    paths: Sequence[Path],
    settings: Settings,
    summary: RunSummary,
) -> None:
    """Process and load one batch of files, adding its counts to the summary."""
    now = datetime.now(UTC)
    docs = [read_document(p, settings.max_document_bytes, now) for p in paths]
    work = plan_work(con, docs)
    processed = process_documents(workers, work.process, settings.workers) if work.process else []
    articles, refused = assign_article_ids(processed, work.previous_article)
    invalid = validate_articles(articles, settings, now)
    batch = build_batch(summary.run_id, now, work, processed, invalid, articles, refused)
    counts = load_work(con, batch)
    loaded = [work.status[a.doc_id] for _, a in batch.articles]
    summary.seen += len(docs)
    summary.unchanged += work.unchanged
    summary.new += loaded.count("new")
    summary.updated += loaded.count("updated")
    summary.quarantined += len(batch.rejections)
    summary.reasons.update(r.reason for r in batch.rejections)
    summary.articles += counts.articles
    summary.entities += counts.entities
    summary.mentions += counts.mentions
    summary.links += counts.links
    summary.quotes += counts.quotes
