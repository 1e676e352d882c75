"""Check records against Great Expectations suites and say which rows fail which expectation."""

from __future__ import annotations

import contextlib
import copy
import html
import json
import re
import shutil
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ExpectationOutcome:
    """How one expectation of a suite did on one batch."""

    suite: str
    expectation: str
    severity: str
    success: bool
    unexpected_count: int
    unexpected_percent: float
    failing_ids: tuple[str, ...]
    observed: str
    rows_checked: int = 0


class SuiteRunner:
    """Runs suites on pandas frames in an ephemeral GX context, taken on first use.

    With a Data Docs folder, every result is kept until `build_docs` renders them. A runner without one
    keeps no result. The context, with the checkpoints of the suites it ran, goes back to a process-wide
    pool when the runner closes, for the next runner of the process (the warm process, Dask workers, the
    tests): building them is most of the cost of a small run's validation.
    """

    def __init__(self, data_docs_dir: Path | None = None, run_name: str | None = None) -> None:
        self._gx: _Context | None = None
        self._started = False
        self._data_docs_dir = data_docs_dir
        # The name Data Docs show for every validation of this run (newslake's run id), not "__none__".
        self._run_name = run_name

    def run(
        self, suite: dict[str, Any], rows: list[dict[str, Any]], id_column: str, parameters: dict[str, Any]
    ) -> list[ExpectationOutcome]:
        """Give back one outcome per expectation of the suite on these rows, with the ids of failing rows."""
        if not rows:
            return []
        import pandas as pd  # heavy: imported on first validation only

        frame = pd.DataFrame(rows)
        gx_context = self._context()
        checkpoint = gx_context.checkpoint(suite, id_column)
        from great_expectations.core.run_identifier import RunIdentifier

        run_id = RunIdentifier(run_name=self._run_name) if self._run_name else None
        batch = {"dataframe": frame}
        # Most batches pass whole. A first pass without the lists of failing rows (GX's BASIC result
        # format, a third cheaper than COMPLETE) then says all there is; a batch with a row that failed
        # anything is validated again by the checkpoint, with every failing row's id, and only that
        # result is kept for the Data Docs.
        store = gx_context.gx.validation_results_store
        kept = set(store.list_keys())
        [definition] = checkpoint.validation_definitions
        quick = definition.run(
            checkpoint_id=checkpoint.id,
            batch_parameters=batch,
            expectation_parameters=parameters,
            result_format={"result_format": "BASIC", "unexpected_index_column_names": [id_column]},
            run_id=run_id,
        )
        results = quick.results
        if not all(_whole(r) for r in results):
            for key in set(store.list_keys()) - kept:
                store.remove_key(key)
            [suite_result] = checkpoint.run(
                batch_parameters=batch, expectation_parameters=parameters, run_id=run_id
            ).run_results.values()
            results = suite_result.results
        if self._data_docs_dir is None:
            gx_context.forget_results()  # nothing renders them: a long-lived runner must not pile them up
        elif any(_escaped(r.result) != r.result for r in results):  # a value HTML would read as markup
            _escape_kept(store, set(store.list_keys()) - kept)
        return [_outcome(suite["name"], r, id_column) for r in results]

    @property
    def started(self) -> bool:
        """Whether this runner took a GX context (and Great Expectations is imported)."""
        return self._started

    def start(self) -> None:
        """Take the GX context now rather than on the first validation."""
        self._context()

    def build_docs(self) -> Path | None:
        """Render the Data Docs of every result so far, then forget those results; give back the index
        page, if there is one."""
        if self._gx is None or self._data_docs_dir is None:
            return None
        self._gx.build_docs(self._data_docs_dir)
        index = self._data_docs_dir / "index.html"
        return index if index.exists() else None

    def close(self) -> None:
        """Forget the results not rendered and give the context back to the pool. The runner takes
        another one if it is used again."""
        if self._gx is not None:
            gx_context, self._gx = self._gx, None
            gx_context.forget_results()
            _give_back(gx_context)

    def _context(self) -> _Context:
        if self._gx is None:
            self._gx = _take()
            self._started = True
        return self._gx


class _Context:
    """An ephemeral GX context with a pandas data source, and a checkpoint for each suite run in it. One
    runner uses it at a time."""

    def __init__(self) -> None:
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self.gx: Any = gx.get_context(mode="ephemeral")
        self.gx.variables.progress_bars = ProgressBarsConfig(globally=False)
        # GX's default site of an ephemeral context is a folder in the system's temporary directory that
        # nothing removes: rendered on every build, it left a 4 MB copy of the Data Docs there per run.
        for site in list(self.gx.list_data_docs_sites()):
            self.gx.delete_data_docs_site(site)
        self.source = self.gx.data_sources.add_pandas("newslake")
        self._checkpoints: dict[str, tuple[str, Any]] = {}  # by suite name: (suite and id column, checkpoint)
        self._site: dict[str, Any] | None = None

    def checkpoint(self, suite: dict[str, Any], id_column: str) -> Any:
        """Give back the checkpoint that runs this suite, built on first use; a suite whose content
        changed since is built anew."""
        import great_expectations as gx  # heavy: imported on first validation only

        name = suite["name"]
        signature = json.dumps([suite, id_column], sort_keys=True, default=str)
        cached = self._checkpoints.get(name)
        if cached is not None and cached[0] == signature:
            return cached[1]
        if cached is not None:
            self.gx.checkpoints.delete(name)
            self.gx.validation_definitions.delete(name)
            self.gx.suites.delete(name)
            self.source.delete_asset(name)
        asset = self.source.add_dataframe_asset(name)
        batch = asset.add_batch_definition_whole_dataframe(name)
        gx_suite = self.gx.suites.add(gx.ExpectationSuite(**copy.deepcopy(suite)))
        definition = self.gx.validation_definitions.add(gx.ValidationDefinition(name=name, data=batch, suite=gx_suite))
        checkpoint = self.gx.checkpoints.add(
            gx.Checkpoint(
                name=name,
                validation_definitions=[definition],
                result_format={"result_format": "COMPLETE", "unexpected_index_column_names": [id_column]},
            )
        )
        self._checkpoints[name] = (signature, checkpoint)
        return checkpoint

    def build_docs(self, folder: Path) -> None:
        """Render the results kept so far into the Data Docs site in folder, then forget them."""
        site = _site(folder)
        if self._site is None:
            self.gx.add_data_docs_site("newslake", site)
        elif self._site != site:
            self.gx.update_data_docs_site("newslake", site)
        self._site = site
        self.gx.build_data_docs(site_names=["newslake"])
        self.forget_results()

    def forget_results(self) -> None:
        """Drop the validation results kept in the context's (in-memory) store."""
        store = self.gx.validation_results_store
        for key in store.list_keys():
            store.remove_key(key)


_IDLE: list[_Context] = []  # contexts no runner holds
_IDLE_LOCK = threading.Lock()
_MOST_IDLE = 4  # one per thread that validates at once is plenty


def prepare_suites(suites: list[tuple[dict[str, Any], str]]) -> None:
    """Build a context with a checkpoint for each (suite, id column) now, and leave it in the pool for
    the next runner. It starts no thread: a process may fork after it."""
    gx_context = _take()
    for suite, id_column in suites:
        gx_context.checkpoint(suite, id_column)
    _give_back(gx_context)


def _take() -> _Context:
    with _IDLE_LOCK:
        if _IDLE:
            return _IDLE.pop()
    return _Context()


def _give_back(gx_context: _Context) -> None:
    with _IDLE_LOCK:
        if len(_IDLE) < _MOST_IDLE:
            _IDLE.append(gx_context)


def _site(folder: Path) -> dict[str, Any]:
    """The configuration of a Data Docs site in folder."""
    return {
        "class_name": "SiteBuilder",
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder", "view": _view("IndexPageView")},
        "site_section_builders": {
            "expectations": {"view": _view("PageView")},
            "validations": {"view": _view("PageView")},
        },
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(folder)},
    }


_RUN_TIME = re.compile(r"\d{8}T\d{6}(?:\.\d+)?Z")  # GX's folder of one validation: its run time


def prune_validation_pages(folder: Path, older_than: datetime) -> int:
    """Delete the Data Docs pages of validations run before older_than (`validations/<suite>/<run
    name>/<run time>/`, the run time as GX writes it), and the folders they leave empty; give back how
    many validations went. Every run adds its pages, and nothing else ever removes them."""
    removed = 0
    for run_time in list((folder / "validations").glob("*/*/*")):  # listed first: folders go below
        if not (run_time.is_dir() and _RUN_TIME.fullmatch(run_time.name)):
            continue
        when = datetime.strptime(run_time.name[:15], "%Y%m%dT%H%M%S").replace(tzinfo=UTC)  # to the second
        if when < older_than:
            shutil.rmtree(run_time)
            removed += 1
            for parent in (run_time.parent, run_time.parent.parent):
                with contextlib.suppress(OSError):
                    parent.rmdir()  # only when empty
    return removed


def _view(class_name: str) -> dict[str, str]:
    """GX's configuration of a Data Docs view: the same pages, templates compiled once per process."""
    return {"module_name": "newslake.tasks.data_docs_views", "class_name": class_name}


def _escaped(value: Any) -> Any:
    """Give back a result's values with every string HTML-escaped."""
    if isinstance(value, str):
        return html.escape(value, quote=True)
    if isinstance(value, dict):
        return {k: _escaped(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_escaped(v) for v in value)
    return value


def _escape_kept(store: Any, keys: set[Any]) -> None:
    """HTML-escape the observed values of the kept validation results: GX's Data Docs write them into
    their pages as they are, and they are the data's own (page titles, URLs, names), so a title written
    as markup ("<img src=x onerror=...>") would run in the analyst's browser. The outcomes newslake
    records come from the results as validated, not from these copies."""
    for key in keys:
        kept = store.get(key)
        for result in kept.results:
            if result.result:
                result.result = _escaped(result.result)
        store.set(key, kept)


def _whole(result: Any) -> bool:
    """Tell whether an expectation's result leaves no row out: it passed, and no row was unexpected (an
    expectation with `mostly` passes with some)."""
    return bool(result.success) and not (result.result or {}).get("unexpected_count")


def _outcome(suite: str, result: Any, id_column: str) -> ExpectationOutcome:
    config = result.expectation_config
    meta = config.meta or {}
    details = result.result or {}
    failing = tuple(
        dict.fromkeys(
            str(row.get(id_column)) for row in details.get("unexpected_index_list") or [] if isinstance(row, dict)
        )
    )
    observed = details.get("partial_unexpected_list") or details.get("observed_value")
    return ExpectationOutcome(
        suite=suite,
        expectation=str(meta.get("name") or config.type),
        severity=str(meta.get("severity", "error")),
        success=bool(result.success),
        unexpected_count=int(details.get("unexpected_count") or 0),
        unexpected_percent=float(details.get("unexpected_percent") or 0.0),
        failing_ids=failing,
        observed=_summarize(observed),
        rows_checked=int(details.get("element_count") or 0),
    )


def _summarize(value: Any, limit: int = 300) -> str:
    text = json.dumps(_missing_as_null(value), default=str, ensure_ascii=False) if value is not None else ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _missing_as_null(value: Any) -> Any:
    """Give back observed values with pandas' marks of a missing value (NaN, NaT) as None: a missing
    title is shown as null, not as NaN."""
    if isinstance(value, list | tuple):
        return [_missing_as_null(v) for v in value]
    if (isinstance(value, float) and value != value) or type(value).__name__ == "NaTType":
        return None
    return value


def suite_problem(suite: dict[str, Any]) -> str | None:
    """Say why Great Expectations cannot build this suite (a type it does not know, arguments an expectation
    does not take), or give back None. GX leaves out an expectation of an unknown type with only a log line."""
    import logging

    import great_expectations as gx

    gx_logger = logging.getLogger("great_expectations")
    level = gx_logger.level
    gx_logger.setLevel(logging.CRITICAL)
    try:
        for number, expectation in enumerate(suite["expectations"], 1):
            try:
                built = gx.ExpectationSuite(name=suite["name"], expectations=[copy.deepcopy(expectation)])
            except Exception as exc:
                return f"expectation {number} ({expectation['type']}): {_first_lines(exc)}"
            if not built.expectations:
                return f"expectation {number}: Great Expectations has no expectation {expectation['type']!r}"
    finally:
        gx_logger.setLevel(level)
    return None


def _first_lines(exc: Exception) -> str:
    """Give back an error's message on one line, shortened."""
    text = " ".join(str(exc).split())
    return text if len(text) <= 300 else text[:299] + "…"


def failures_by_row(outcomes: list[ExpectationOutcome], severity: str = "error") -> dict[str, list[ExpectationOutcome]]:
    """Give back, for each failing row id, the expectations of that severity it failed."""
    failing: dict[str, list[ExpectationOutcome]] = {}
    for outcome in outcomes:
        if outcome.severity == severity and not outcome.success:
            for row_id in outcome.failing_ids:
                failing.setdefault(row_id, []).append(outcome)
    return failing
