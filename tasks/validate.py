"""Check records against Great Expectations suites and say which rows fail which expectation."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
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
    """Runs suites on pandas frames with one ephemeral GX context, built on first use.

    With a Data Docs folder, every result is kept in the context and `build_docs` renders them.
    """

    def __init__(self, data_docs_dir: Path | None = None, run_name: str | None = None) -> None:
        self._context: Any = None
        self._definitions: dict[str, Any] = {}
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
        checkpoint = self._checkpoint(suite, id_column)
        from great_expectations.core.run_identifier import RunIdentifier

        result = checkpoint.run(
            batch_parameters={"dataframe": frame},
            expectation_parameters=parameters,
            run_id=RunIdentifier(run_name=self._run_name) if self._run_name else None,
        )
        [suite_result] = result.run_results.values()
        return [_outcome(suite["name"], r, id_column) for r in suite_result.results]

    @property
    def started(self) -> bool:
        """Whether the GX context is built (and Great Expectations imported)."""
        return self._context is not None

    def start(self) -> None:
        """Build the GX context now rather than on the first validation."""
        self._get_context()

    def build_docs(self) -> Path | None:
        """Render the Data Docs of every result so far; give back the index page, if there is one."""
        if self._context is None or self._data_docs_dir is None:
            return None
        self._context.build_data_docs()
        index = self._data_docs_dir / "index.html"
        return index if index.exists() else None

    def _checkpoint(self, suite: dict[str, Any], id_column: str) -> Any:
        name = suite["name"]
        if name not in self._definitions:
            import great_expectations as gx  # heavy: imported on first validation only

            context = self._get_context()
            asset = context.data_sources.get("newslake").add_dataframe_asset(name)
            batch = asset.add_batch_definition_whole_dataframe(name)
            gx_suite = context.suites.add(gx.ExpectationSuite(**copy.deepcopy(suite)))
            definition = context.validation_definitions.add(
                gx.ValidationDefinition(name=name, data=batch, suite=gx_suite)
            )
            self._definitions[name] = context.checkpoints.add(
                gx.Checkpoint(
                    name=name,
                    validation_definitions=[definition],
                    result_format={"result_format": "COMPLETE", "unexpected_index_column_names": [id_column]},
                )
            )
        return self._definitions[name]

    def _get_context(self) -> Any:
        if self._context is None:
            import great_expectations as gx
            from great_expectations.data_context.types.base import ProgressBarsConfig

            self._context = gx.get_context(mode="ephemeral")
            self._context.variables.progress_bars = ProgressBarsConfig(globally=False)
            self._context.data_sources.add_pandas("newslake")
            if self._data_docs_dir is not None:
                self._context.add_data_docs_site(
                    "newslake",
                    {
                        "class_name": "SiteBuilder",
                        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder", "view": _view("IndexPageView")},
                        "site_section_builders": {
                            "expectations": {"view": _view("PageView")},
                            "validations": {"view": _view("PageView")},
                        },
                        "store_backend": {
                            "class_name": "TupleFilesystemStoreBackend",
                            "base_directory": str(self._data_docs_dir),
                        },
                    },
                )
        return self._context


def _view(class_name: str) -> dict[str, str]:
    """GX's configuration of a Data Docs view: the same pages, templates compiled once per process."""
    return {"module_name": "newslake.tasks.data_docs_views", "class_name": class_name}


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
    text = json.dumps(value, default=str, ensure_ascii=False) if value is not None else ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def failures_by_row(outcomes: list[ExpectationOutcome], severity: str = "error") -> dict[str, list[ExpectationOutcome]]:
    """Give back, for each failing row id, the expectations of that severity it failed."""
    failing: dict[str, list[ExpectationOutcome]] = {}
    for outcome in outcomes:
        if outcome.severity == severity and not outcome.success:
            for row_id in outcome.failing_ids:
                failing.setdefault(row_id, []).append(outcome)
    return failing
