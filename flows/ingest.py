"""The `ingest` flow: discover, process, validate and load documents in bounded batches."""

from __future__ import annotations

import gc
import signal
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, TypeVar, cast

import duckdb
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_link_artifact, create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture, as_completed
from prefect.runtime import flow_run
from prefect.utilities.annotations import quote

from newslake.flows.batches import (
    BatchSource,
    BatchWork,
    InFlight,
    InputBatch,
    assign_article_ids,
    build_batch,
    decide_work,
    enforce_languages,
    has_writes,
)
from newslake.flows.cluster import batch_payload, cluster_workers, ingest_batch
from newslake.flows.errors import ExpectedError, expected_failures, explain_failure, first_line
from newslake.flows.inputs import input_batches, plan_inputs, record_sources, stored_batches
from newslake.flows.interrupt import check_stop, crash_flow_runs, leave, stopping_signal, take_back_sigterm
from newslake.flows.locks import gone_runs, run_lock, source_lock, writer_lock
from newslake.flows.notify import notify_run
from newslake.flows.progress import RunProgress, run_progress
from newslake.flows.quality import (
    BatchVerdict,
    check_local_suites,
    validate_batch,
    validate_run,
    write_validation_page,
)
from newslake.flows.settings import Settings, SourceConfig
from newslake.flows.summary import RunSummary, new_run_id
from newslake.flows.workers import (
    DocumentExecutor,
    InlineExecutor,
    available_cores,
    document_workers,
    loader_threads,
    process_chunk,
    worker_chunks,
)
from newslake.tasks.clusters import story_signature
from newslake.tasks.fetch import Fetcher
from newslake.tasks.records import Article, ProcessedDocument, RawDocument, Rejection
from newslake.tasks.validate import ExpectationOutcome, SuiteRunner, prune_validation_pages
from newslake.warehouse.clusters import store_clusters, unclustered_articles
from newslake.warehouse.lake import LakeLocation, connect, threads_limited
from newslake.warehouse.load import (
    LoadBatch,
    LoadCounts,
    load_batch,
    plan_batch,
    record_validation,
)
from newslake.warehouse.maintain import Maintenance, describe_dropped, drop_raw, maintain_if_due
from newslake.warehouse.migrate import migrate
from newslake.warehouse.quarantine import reprocess_candidates
from newslake.warehouse.runs import finish_run, mark_interrupted, running_runs, start_run, this_host
from newslake.warehouse.search import mark_search_stale, refresh_search_index, search_needs_refresh

T = TypeVar("T")


def unwalked(value: T) -> T:
    """Give back the value marked so Prefect does not walk it: walking every document of a batch to look
    for futures cost a third of a run. The task still receives the plain value."""
    return cast(T, quote(value))


@task(name="plan-batch", cache_policy=NO_CACHE)
def plan_work(
    con: duckdb.DuckDBPyConnection, docs: Sequence[RawDocument], force: bool, in_flight: set[str]
) -> BatchWork:
    """Give back what to do with each document of a batch, from one warehouse query.

    Documents of the batch still in the workers (in_flight) count as already stored.
    """
    with expected_failures("the warehouse"):
        plans = plan_batch(con, [(d.source_uri, d.doc_id) for d in docs])
    return decide_work(docs, {(p.source_uri, p.doc_id): p for p in plans}, force, in_flight)


@task(name="validate-batch", cache_policy=NO_CACHE)
def validate_work(
    runner: SuiteRunner,
    settings: Settings,
    now: datetime,
    docs: Sequence[RawDocument],
    processed: Sequence[ProcessedDocument],
    articles: dict[str, Article],
) -> BatchVerdict:
    """Run the row-level suites on the batch."""
    return validate_batch(runner, settings, now, docs, processed, articles)


@task(name="load-batch", cache_policy=NO_CACHE)
def load_work(con: duckdb.DuckDBPyConnection, batch: LoadBatch) -> LoadCounts:
    """Write one batch in one transaction."""
    with expected_failures("the warehouse"):
        return load_batch(con, batch)


@flow(name="ingest", log_prints=False)
def ingest(
    paths: list[str],
    settings: Settings,
    show_progress: bool | None = False,
    sources: list[SourceConfig] | None = None,
) -> RunSummary:
    """Ingest every document under the paths and from the sources into the warehouse; give back the
    run summary. Folder sources are read like paths; feeds, sitemaps and URL lists are polled and their
    new or changed pages fetched."""
    with told_failures(settings):
        return ingest_sources(paths, settings, show_progress, list(sources or []))


def ingest_sources(
    paths: list[str], settings: Settings, show_progress: bool | None, sources: list[SourceConfig]
) -> RunSummary:
    """The body of the ingest flow."""
    inputs = plan_inputs(paths, sources)
    with ExitStack() as stack:
        for source in sources:
            stack.enter_context(source_lock(settings, source.name))
        fetcher = stack.enter_context(Fetcher(settings.fetch.policy())) if inputs.live else None
        summary = run_batches(
            partial(input_batches, inputs, fetcher, settings),
            settings,
            show_progress,
            force=False,
            finish=partial(record_sources, inputs) if sources else None,
        )
    refresh_report(settings, summary)
    return summary


@contextmanager
def told_failures(settings: Settings) -> Iterator[None]:
    """Turn an expected failure of the block (see flows.errors) into an ExpectedError with its message."""
    with expected_failures(settings.location().root):
        yield


def refresh_report(settings: Settings, summary: RunSummary) -> None:
    """Rewrite the HTML report when report.path is set, and link it from the run's Prefect artifacts."""
    if settings.report.path is None:
        return
    from newslake.flows.report import write_report  # imports the charting libraries: only when a report is wanted

    try:
        path = write_report(settings.location(), settings.report.path)
        summary.report = str(path)
        create_link_artifact(
            link=path.as_uri(), link_text="newslake report", key="newslake-report", description="newslake report"
        )
    except Exception as exc:  # the report must never fail a run that loaded its data
        get_run_logger().warning("could not refresh the report %s: %s", settings.report.path, exc)


@flow(name="reprocess", log_prints=False)
def reprocess(
    settings: Settings,
    run_id: str | None = None,
    reason: str | None = None,
    source: str | None = None,
    everything: bool = False,
    show_progress: bool | None = False,
    language: str | None = None,
) -> RunSummary:
    """Run stored raw documents through the pipeline again: the quarantined ones, or every current one
    (of one language's articles, with `language`)."""
    with told_failures(settings), writer_lock(settings):
        con = connect(settings.location())
        try:
            migrate(con)
            docs = reprocess_candidates(con, run_id, reason, source, everything, language)
        finally:
            con.close()

    with told_failures(settings):
        return run_batches(partial(stored_batches, docs, settings), settings, show_progress, force=True)


def run_batches(
    prepare: BatchSource,
    settings: Settings,
    show_progress: bool | None,
    force: bool,
    finish: Callable[[duckdb.DuckDBPyConnection, RunSummary, datetime], None] | None = None,
) -> RunSummary:
    """Process and load batches, validate the run as a whole, and record its summary."""
    started = time.monotonic()
    started_at = datetime.now(UTC)
    location = settings.location()
    summary = RunSummary(run_id=new_run_id(), lake=location.describe())
    runner = SuiteRunner(settings.data_docs(), run_name=summary.run_id)
    take_back_sigterm()
    held = ExitStack()
    held.enter_context(writer_lock(settings))
    try:
        con = connect(location)
    except BaseException as exc:
        held.close()
        if stopping_signal(exc) is None:  # the warehouse cannot be opened: as much a failed run to hear of
            summary.status = "failed"
            notify_run(settings, summary, explain_failure(exc, location.root) or first_line(exc))
        raise
    error: str | None = None
    stopped_by: int | None = None
    try:
        held.enter_context(run_lock(settings, summary.run_id))
        # The workers start and load their models while the warehouse migrates and the first batch is read.
        with processing(con, settings) as workers:
            migrate(con)
            crash_flow_runs(mark_interrupted(con, gone_runs(settings, running_runs(con, this_host()))))
            start_run(con, summary.run_id, str(flow_run.get_id() or ""), settings.model_dump(mode="json"))
            check_local_suites(settings)  # a team's suite GX cannot build stops the run before any batch
            if caught_up := catch_up_clusters(con, summary.run_id):
                get_run_logger().info("placed %d articles loaded before story clusters in their stories", caught_up)
            batches, total = prepare(con, summary)
            run_pipeline(con, runner, workers, batches, total, settings, summary, show_progress, force)
        finish_quality(con, runner, settings, summary)
        # The Data Docs render in Python while DuckDB builds the search index: the two overlap.
        with ThreadPoolExecutor(1) as side:
            docs = side.submit(runner.build_docs)  # nothing to render when nothing was validated
            refresh_search(con, location, summary)
        docs.result()  # GX's own site: a failure to render it surfaces here, as before
        maintain_after_run(con, settings, summary)
        if runner.started and (page := validation_page(con, settings, summary)):
            summary.data_docs = str(page)  # the run validated something: its results join the page
    except BaseException as exc:
        stopped_by = stopping_signal(exc)
        summary.status = "failed" if stopped_by is None else "interrupted"
        error = f"{type(exc).__name__}: {signal.Signals(stopped_by).name if stopped_by else exc}"
        expected = explain_failure(exc, location.root) if stopped_by is None else None
        if expected is not None:
            error = expected
            raise ExpectedError(expected) from exc
        raise
    finally:
        summary.seconds = time.monotonic() - started
        if finish is not None:
            try:
                finish(con, summary, started_at)
            except Exception as exc:  # the run's own outcome must still be recorded
                get_run_logger().warning("could not record the state of the run's sources: %s", first_line(exc))
        try:
            finish_run(con, summary.run_id, summary.as_run_row(), error)
        except Exception as exc:
            if error is None:
                raise
            # The run's own error is the one to report; the next run marks this row interrupted.
            get_run_logger().warning("could not record the run's outcome: %s", first_line(exc))
        finally:
            con.close()
            held.close()
            runner.close()
            notify_run(settings, summary, error)
            if summary.status == "interrupted":
                # Leave now: the orchestrator's crash reporting would wait for a server Ctrl-C stopped.
                leave(
                    stopped_by,
                    f"newslake: run {summary.run_id} interrupted with {summary.articles} articles loaded "
                    "in whole batches; run the same command again to go on",
                )
            publish_summary(summary)
    return summary


def maintain_after_run(con: duckdb.DuckDBPyConnection, settings: Settings, summary: RunSummary) -> None:
    """Drop the raw bytes past `lake.keep_raw_days` when it is set; merge the warehouse's small files and
    expire old snapshots when they have piled up (`lake.maintain_above_files`). The run's data is
    committed by then: a failure here is a warning."""
    keep = timedelta(days=settings.lake.keep_snapshots_days)
    keep_raw = settings.lake.keep_raw_days
    try:
        dropped = drop_raw(con, timedelta(days=keep_raw)) if keep_raw is not None else 0
        done = maintain_if_due(con, keep, settings.lake.maintain_above_files)
    except Exception as exc:
        get_run_logger().warning(
            "could not maintain the warehouse (`newslake maintain` tries again): %s", first_line(exc)
        )
        return
    done_lines = [describe_dropped(dropped)] if dropped else []
    if done is not None:
        done_lines.append(describe_maintenance(done, remove_old_docs(settings, keep)))
    if done_lines:
        summary.maintenance = "; ".join(done_lines)
        get_run_logger().info("maintenance: %s", summary.maintenance)


def remove_old_docs(settings: Settings, keep: timedelta) -> int:
    """Remove the Data Docs pages of validations older than keep, with the snapshots maintenance
    expires; give back how many validations' pages went."""
    return prune_validation_pages(settings.data_docs(), datetime.now(UTC) - keep)


def describe_maintenance(done: Maintenance, pages: int) -> str:
    """Give back one line on what a maintenance did, Data Docs included."""
    return f"{done.describe()}; {pages:,} validations' Data Docs pages removed"


CLUSTER_BACKLOG_CHUNK = 1000  # articles placed per transaction when catching up


def catch_up_clusters(con: duckdb.DuckDBPyConnection, run_id: str) -> int:
    """Give a story to articles loaded before story clusters existed, oldest first, before the run's own
    articles are placed; give back how many. A warehouse that has them all costs one query."""
    done = 0
    while backlog := unclustered_articles(con, CLUSTER_BACKLOG_CHUNK):
        check_stop()
        store_clusters(con, run_id, datetime.now(UTC), [(aid, story_signature(text)) for aid, text in backlog])
        done += len(backlog)
    return done


@contextmanager
def processing(con: duckdb.DuckDBPyConnection, settings: Settings) -> Iterator[DocumentExecutor]:
    """Give back the run's document workers, with the warehouse connection left the cores they do not
    take while they run. With a Dask cluster the documents are processed there: no local workers."""
    if settings.run.dask_address:
        yield InlineExecutor()
        return
    with (
        document_workers(
            settings.run.workers,
            settings.entities.model,
            settings.run.max_document_bytes,
            settings.run.document_timeout,
        ) as workers,
        threads_limited(con, loader_threads(settings.run.workers, available_cores())),
    ):
        yield workers


def run_on_cluster(
    con: duckdb.DuckDBPyConnection,
    batches: Iterator[InputBatch],
    total: int | None,
    settings: Settings,
    summary: RunSummary,
    show_progress: bool | None,
    force: bool,
) -> None:
    """Plan each batch here and hand it to the Dask cluster, whose worker processes, validates and
    loads it (flows.cluster); keep at most two batches per worker in flight."""
    address = settings.run.dask_address or ""
    limit = 2 * cluster_workers(address)
    get_run_logger().info("running batches on the Dask cluster at %s (%d slots)", address, limit)
    pending: dict[PrefectFuture[Any], tuple[set[str], int]] = {}

    def collect(progress: RunProgress, keep: int) -> None:
        while len(pending) > keep:
            done = next(as_completed(list(pending)))
            _, size = pending.pop(done)
            add_batch_outcome(summary, done.result())
            progress.advance(size, progress_note(summary))

    with run_progress(show_progress) as progress:
        progress.start(total)
        try:
            for number, given in enumerate(batches, start=1):
                check_stop()
                in_flight = set().union(*(docs for docs, _ in pending.values()))
                work = plan_work(con, unwalked(given.docs), force, unwalked(in_flight))
                summary.seen += given.size
                summary.unchanged += work.unchanged
                summary.forgotten += work.forgotten
                summary.same_bytes += len(work.duplicate_sources)
                if not has_writes(given, work):
                    progress.advance(given.size, progress_note(summary))
                    continue
                if work.process:
                    mark_search_stale(settings.location())  # this machine's index, refreshed after the run
                future = ingest_batch.submit(settings, summary.run_id, number, batch_payload(given, work))
                pending[future] = (set(work.status), given.size)
                collect(progress, limit - 1)
            collect(progress, 0)
        finally:
            for future in pending:  # stopped: batches not started are dropped, whole batches stay whole
                future.wrapped_future.cancel()  # type: ignore[attr-defined]


def run_pipeline(
    con: duckdb.DuckDBPyConnection,
    runner: SuiteRunner,
    workers: DocumentExecutor,
    batches: Iterator[InputBatch],
    total: int | None,
    settings: Settings,
    summary: RunSummary,
    show_progress: bool | None,
    force: bool,
) -> None:
    """Plan, process, validate and load the batches, with the workers a batch ahead of the warehouse
    (or on a Dask cluster, with `run.dask_address`)."""
    if settings.run.dask_address:
        run_on_cluster(con, batches, total, settings, summary, show_progress, force)
        return
    with run_progress(show_progress) as progress:
        progress.start(total)
        # Batch n+1 is planned and handed to the workers before batch n is validated and loaded,
        # so the workers never wait for the warehouse.
        pending: InFlight | None = None
        for number, given in enumerate(batches, start=1):
            check_stop()
            in_flight = set(pending.work.status) if pending else set()
            work = plan_work(con, unwalked(given.docs), force, unwalked(in_flight))
            # Many small chunks: a worker that finishes early takes the next one, so the last batch of
            # a run does not leave a core idle while the other finishes a big share.
            chunks = worker_chunks(work.process, settings.run.workers)
            started_batch = InFlight(number, given, work, workers.map_chunks(process_chunk, chunks))
            if work.process and not runner.started:
                runner.start()  # imports Great Expectations while the workers take the first batch
                freeze_imports()
            if pending:
                finish_with_progress(con, runner, pending, settings, summary, progress)
            pending = started_batch
        if pending:
            finish_with_progress(con, runner, pending, settings, summary, progress)


def finish_with_progress(
    con: duckdb.DuckDBPyConnection,
    runner: SuiteRunner,
    batch_in: InFlight,
    settings: Settings,
    summary: RunSummary,
    progress: RunProgress,
) -> None:
    """Finish a batch, moving the progress as each chunk of its documents comes back from the workers."""
    counted = 0

    def chunk_done(size: int) -> None:
        nonlocal counted
        counted += size
        progress.advance(size, progress_note(summary), batch_end=False)

    finish_batch(con, runner, batch_in, settings, summary, chunk_done)
    progress.advance(batch_in.given.size - counted, progress_note(summary))


def freeze_imports() -> None:
    """Move what the process holds now (its imported libraries, most of it) out of the garbage collector's
    reach, once per process: full collections then stop walking it, which nearly halves the main process's
    collection time in a run. Once only, so a long-lived process (`newslake serve`) does not freeze
    each run's leftovers."""
    if not gc.get_freeze_count():
        gc.freeze()


def finish_quality(
    con: duckdb.DuckDBPyConnection, runner: SuiteRunner, settings: Settings, summary: RunSummary
) -> None:
    """Run the run-level suite, set the run status and store the outcomes.

    A run that processed nothing (every document unchanged) has nothing to check: it skips the suite,
    which keeps frequent polls of quiet sources cheap.
    """
    if summary.processed == 0:
        summary.status = "completed"
        return
    outcomes = validate_run(runner, settings, summary.run_id, summary.processed, summary.articles, summary.quarantined)
    record_validation(con, summary.run_id, outcomes, datetime.now(UTC))
    summary.add_outcomes(outcomes)
    # A run-level expectation of a team's own suite marked `warn` is recorded, and leaves the status.
    summary.breaches = [
        f"{o.expectation}: observed {o.observed}" for o in outcomes if not o.success and o.severity == "error"
    ]
    summary.status = settings.quality.on_breach if summary.breaches else "completed"


def validation_page(con: duckdb.DuckDBPyConnection, settings: Settings, summary: RunSummary) -> Path | None:
    """Write the offline validation page beside the Data Docs; a page that cannot be written is told in a
    warning and never fails the run."""
    try:
        return write_validation_page(con, settings.data_docs(), summary.run_id, summary.status)
    except Exception as exc:
        get_run_logger().warning("could not write the validation page: %s", first_line(exc))
        return None


def refresh_search(con: duckdb.DuckDBPyConnection, location: LakeLocation, summary: RunSummary) -> None:
    """Bring the full-text index up to date when the run changed articles (or there is none yet)."""
    if not search_needs_refresh(location, summary.articles):
        return
    try:
        done = refresh_search_index(con, location)
        how = "built anew" if done.rebuilt else f"updated for {done.changed} changed articles"
        get_run_logger().info("search index %s: %s articles", how, done.articles)
    except Exception as exc:  # search is a convenience: a failure must not fail a run that loaded its data
        get_run_logger().warning(
            "could not update the search index (`newslake search` may be stale): %s", first_line(exc)
        )


def publish_summary(summary: RunSummary, log: bool = True) -> None:
    """Log the summary and attach it to the current Prefect flow run as a Markdown artifact."""
    if log:
        get_run_logger().info("run %s %s: %s", summary.run_id, summary.status, summary.as_run_row())
    try:
        create_markdown_artifact(
            markdown=summary.markdown(), key="newslake-run-summary", description="newslake run summary"
        )
    except Exception as exc:  # the report must never fail a run that loaded its data
        get_run_logger().warning("could not attach the run summary artifact: %s", exc)


def finish_batch(
    con: duckdb.DuckDBPyConnection,
    runner: SuiteRunner,
    batch_in: InFlight,
    settings: Settings,
    summary: RunSummary,
    chunk_done: Callable[[int], None] | None = None,
) -> None:
    """Collect a batch from the workers (telling chunk_done each chunk's size as it comes back),
    validate and load it, and add its counts to the summary."""
    summary.seen += batch_in.given.size
    summary.unchanged += batch_in.work.unchanged
    summary.forgotten += batch_in.work.forgotten
    summary.same_bytes += len(batch_in.work.duplicate_sources)
    if not has_writes(batch_in.given, batch_in.work):
        return  # every document unchanged: nothing to validate or write
    processed = []
    for chunk in stoppable(batch_in.results):
        processed += chunk
        if chunk_done is not None:
            chunk_done(len(chunk))
    outcome = complete_batch(
        con, runner, settings, summary.run_id, batch_in.number, batch_in.given, batch_in.work, processed
    )
    add_batch_outcome(summary, outcome)


def progress_note(summary: RunSummary) -> str:
    """Give back what the progress bar says beside its count."""
    return f"{summary.articles} articles, {summary.quarantined} quarantined"


def complete_batch(
    con: duckdb.DuckDBPyConnection,
    runner: SuiteRunner,
    settings: Settings,
    run_id: str,
    number: int,
    given: InputBatch,
    work: BatchWork,
    processed: list[ProcessedDocument],
    mark_search: bool = True,
) -> BatchOutcome:
    """Validate and load a processed batch; give back what it adds to the run. Runs in the flow's
    process, or on a cluster worker (flows.cluster), which has no search index to mark."""
    now = datetime.now(UTC)
    processed = enforce_languages(processed, given.languages)
    articles, refused = assign_article_ids(processed, work.previous_article)
    verdict = (
        validate_work(runner, settings, now, unwalked(work.process), unwalked(processed), unwalked(articles))
        if work.process
        else BatchVerdict()
    )
    batch = build_batch(run_id, now, work, processed, verdict, articles, refused)
    batch.batch_number = number
    batch.rejections += given.refused
    batch.fetches = given.fetches
    if batch.articles and mark_search:
        mark_search_stale(settings.location())  # before the load: a run killed after it still refreshes
    counts = load_work(con, unwalked(batch))
    loaded = [work.status[a.doc_id] for _, a in batch.articles]
    places_only = Counter(a.language or "unknown" for _, a in batch.articles if a.entities_skipped)
    return BatchOutcome(
        loaded.count("new"), loaded.count("updated"), batch.rejections, verdict.outcomes, counts, places_only
    )


@dataclass
class BatchOutcome:
    """What one loaded batch adds to its run's summary."""

    new: int
    updated: int
    rejections: list[Rejection]
    outcomes: list[ExpectationOutcome]
    counts: LoadCounts
    places_only: Counter[str] = field(default_factory=Counter)  # articles no model read, by language


def add_batch_outcome(summary: RunSummary, outcome: BatchOutcome) -> None:
    """Add a loaded batch's counts to the run's summary."""
    summary.new += outcome.new
    summary.updated += outcome.updated
    summary.add_refusals(outcome.rejections)
    summary.add_outcomes(outcome.outcomes)
    summary.articles += outcome.counts.articles
    summary.entities += outcome.counts.entities
    summary.mentions += outcome.counts.mentions
    summary.links += outcome.counts.links
    summary.quotes += outcome.counts.quotes
    summary.copies += outcome.counts.copies
    summary.places_only += outcome.places_only


def stoppable(chunks: Iterator[list[ProcessedDocument]]) -> Iterator[list[ProcessedDocument]]:
    """Give back the chunks as the workers finish them, stopping between two when the run is asked to."""
    for chunk in chunks:
        check_stop()
        yield chunk
