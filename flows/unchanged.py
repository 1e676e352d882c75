"""A run over local files that finds nothing new: checked and recorded without starting a flow run.

Most runs of a folder on a schedule, or of the same command again, find every file already stored. Such
a run reads the files, asks the warehouse what it holds, records the run in `runs` and stops, without
the orchestrator, the document workers or the quality suites (see docs/performance.md for its time).
Whenever there is anything to do (a new or changed file, one to quarantine, a migration, a stale search
index, a backlog of articles without a story, a killed run to close) the full `ingest` flow runs instead
and does all of it.
"""

from __future__ import annotations

import time

import duckdb

from newslake.flows.batches import decide_work, has_writes
from newslake.flows.inputs import file_batches, plan_inputs
from newslake.flows.locks import gone_runs, writer_lock
from newslake.flows.settings import Settings
from newslake.flows.summary import RunSummary, new_run_id
from newslake.warehouse.clusters import unclustered_articles
from newslake.warehouse.lake import LakeMissingError, connect
from newslake.warehouse.load import plan_batch
from newslake.warehouse.migrate import is_current
from newslake.warehouse.runs import record_run, running_runs, this_host
from newslake.warehouse.search import search_needs_refresh


def unchanged_run(paths: list[str], settings: Settings) -> RunSummary | None:
    """Give back the summary of a run over the paths that found every document already stored, recorded
    in the warehouse; None when the run has anything to do and must go through the `ingest` flow (or
    when the quick check cannot tell, e.g. the warehouse does not answer: the flow then says why)."""
    location = settings.location()
    told = settings.notify.webhook_url is not None and "completed" in settings.notify.on
    if location.missing or settings.report.path is not None or told or search_needs_refresh(location, 0):
        return None  # a new warehouse, a report to refresh, a webhook to tell, an index to build: the flow's work
    started = time.monotonic()
    inputs = plan_inputs(paths, [])
    if not inputs.files or inputs.archives:
        return None  # web archives are read once, by the flow, as they are long to read
    summary = RunSummary(run_id=new_run_id(), lake=location.describe(), skipped=inputs.skipped, status="completed")
    try:
        with writer_lock(settings):
            con = connect(location)
            try:
                if not is_current(con) or unclustered_articles(con, 1):
                    return None
                for given in file_batches(inputs, settings, summary):
                    plans = plan_batch(con, [(d.source_uri, d.doc_id) for d in given.docs])
                    work = decide_work(given.docs, {(p.source_uri, p.doc_id): p for p in plans})
                    if has_writes(given, work):
                        return None
                    summary.seen += given.size
                    summary.unchanged += work.unchanged
                if gone_runs(settings, running_runs(con, this_host())):
                    return None  # the flow marks them interrupted, and their flow runs crashed
                summary.seconds = time.monotonic() - started
                record_run(con, summary.run_id, settings.model_dump(mode="json"), summary.as_run_row(), summary.seconds)
            finally:
                con.close()
    except (LakeMissingError, duckdb.Error, OSError):
        return None
    return summary
