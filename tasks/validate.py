"""Check records against Great Expectations suites and say which rows fail which expectation."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any

import pandas as pd


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


class SuiteRunner:
    """Runs suites on pandas frames with one ephemeral GX context, built on first use."""

    def __init__(self) -> None:
        self._context: Any = None
        self._definitions: dict[str, Any] = {}

    def run(
        self, suite: dict[str, Any], frame: pd.DataFrame, id_column: str, parameters: dict[str, Any]
    ) -> list[ExpectationOutcome]:
        """Give back one outcome per expectation of the suite, with the ids of failing rows."""
        if frame.empty:
            return []
        definition = self._definition(suite)
        result = definition.run(
            batch_parameters={"dataframe": frame},
            expectation_parameters=parameters,
            result_format={"result_format": "COMPLETE", "unexpected_index_column_names": [id_column]},
        )
        return [_outcome(suite["name"], r, id_column) for r in result.results]

    def _definition(self, suite: dict[str, Any]) -> Any:
        name = suite["name"]
        if name not in self._definitions:
            import great_expectations as gx  # heavy: imported on first validation only

            context = self._get_context()
            asset = context.data_sources.get("newslake").add_dataframe_asset(name)
            batch = asset.add_batch_definition_whole_dataframe(name)
            gx_suite = context.suites.add(gx.ExpectationSuite(**copy.deepcopy(suite)))
            self._definitions[name] = context.validation_definitions.add(
                gx.ValidationDefinition(name=name, data=batch, suite=gx_suite)
            )
        return self._definitions[name]

    def _get_context(self) -> Any:
        if self._context is None:
            import great_expectations as gx
            from great_expectations.data_context.types.base import ProgressBarsConfig

            self._context = gx.get_context(mode="ephemeral")
            self._context.variables.progress_bars = ProgressBarsConfig(globally=False)
            self._context.data_sources.add_pandas("newslake")
        return self._context


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
