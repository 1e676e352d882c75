"""Great Expectations suites run on frames; Data Docs name each validation after the run."""

from __future__ import annotations

import re
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newslake.tasks import validate
from newslake.tasks.data_docs_views import BYTECODE
from newslake.tasks.validate import SuiteRunner

SUITE = {
    "name": "things",
    "expectations": [
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "title"}, "meta": {"name": "has_title"}}
    ],
}


def test_data_docs_name_each_validation_after_the_run(tmp_path: Path) -> None:
    runner = SuiteRunner(tmp_path / "docs", run_name="20261203T101010Z-abcdef12")
    outcomes = runner.run(SUITE, [{"id": "a", "title": "T"}, {"id": "b", "title": None}], "id", {})
    assert [(o.success, o.failing_ids) for o in outcomes] == [(False, ("b",))]
    index = runner.build_docs()
    assert index is not None and index.exists()
    pages = list((tmp_path / "docs" / "validations").rglob("*.html"))
    assert pages and all("20261203T101010Z-abcdef12" in page.parts for page in pages)
    assert "__none__" not in index.read_text(encoding="utf-8")


def _pages(folder: Path) -> dict[str, str]:
    """The Data Docs pages under a folder by relative path, with the ids and times that differ between
    two builds of the same results (GX's data context id, the time of rendering) left out."""
    volatile = re.compile(
        r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"  # ids
        r"|\d{4}-\d\d-\d\d[T ][\d:.]+|\d{8}T\d{6}(\.\d+)?Z|_run_time_sort.: [\d.]+"  # times
    )
    return {
        volatile.sub("", str(page.relative_to(folder))): volatile.sub("", page.read_text(encoding="utf-8"))
        for page in folder.rglob("*.html")
    }


def test_data_docs_compile_each_template_once_per_process_and_render_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [{"id": "a", "title": "T"}, {"id": "b", "title": None}]
    built = []
    for name in ("first", "second"):
        runner = SuiteRunner(tmp_path / name, run_name="20261203T101010Z-abcdef12")
        runner.run(SUITE, rows, "id", {})
        assert runner.build_docs() is not None
        built.append(len(BYTECODE))
    assert built[0] > 0 and built[1] == built[0]  # the second build compiled nothing new
    # GX's own views, without the cache, render the same pages.
    gx_views = {"PageView": "DefaultJinjaPageView", "IndexPageView": "DefaultJinjaIndexPageView"}
    monkeypatch.setattr(
        validate, "_view", lambda name: {"module_name": "great_expectations.render.view", "class_name": gx_views[name]}
    )
    plain = SuiteRunner(tmp_path / "plain", run_name="20261203T101010Z-abcdef12")
    plain.run(SUITE, rows, "id", {})
    plain.build_docs()
    assert _pages(tmp_path / "second") == _pages(tmp_path / "plain")


def _kept(runner: SuiteRunner) -> int:
    """How many validation results the runner's GX context holds in memory."""
    held = runner._gx  # the memory a long-lived runner holds is the point
    return 0 if held is None else len(held.gx.validation_results_store.list_keys())


def test_a_runner_without_data_docs_keeps_no_result_however_long_it_lives() -> None:
    runner = SuiteRunner()  # a Dask worker's: one for the life of the process
    for _ in range(3):
        assert [o.success for o in runner.run(SUITE, [{"id": "a", "title": "T"}], "id", {})] == [True]
        assert _kept(runner) == 0


def test_the_next_runner_takes_the_context_back_and_renders_only_its_own_run(tmp_path: Path) -> None:
    rows = [{"id": "a", "title": "T"}, {"id": "b", "title": None}]
    first = SuiteRunner(tmp_path / "first", run_name="20261203T101010Z-aaaaaaaa")
    first.run(SUITE, rows, "id", {})
    assert first.build_docs() is not None and _kept(first) == 0
    used = first._gx
    first.close()

    second = SuiteRunner(tmp_path / "second", run_name="20261203T101010Z-bbbbbbbb")
    changed = {**SUITE, "expectations": [{**SUITE["expectations"][0], "kwargs": {"column": "id"}}]}
    assert [o.success for o in second.run(changed, rows, "id", {})] == [True]  # the suite as it is now
    assert second._gx is used
    second.run(SUITE, rows, "id", {})
    assert second.build_docs() is not None
    second.close()
    runs = {
        name: {p for page in (tmp_path / name / "validations").rglob("*.html") for p in page.parts if "Z-" in p}
        for name in ("first", "second")
    }
    assert runs == {"first": {"20261203T101010Z-aaaaaaaa"}, "second": {"20261203T101010Z-bbbbbbbb"}}


def test_a_runner_closed_before_its_docs_leaves_nothing_for_the_next(tmp_path: Path) -> None:
    failed = SuiteRunner(tmp_path / "failed", run_name="20261203T101010Z-cccccccc")
    failed.run(SUITE, [{"id": "a", "title": None}], "id", {})
    failed.close()  # a run that failed before rendering
    nextone = SuiteRunner(tmp_path / "next", run_name="20261203T101010Z-dddddddd")
    nextone.start()
    assert _kept(nextone) == 0
    nextone.close()


def test_suites_prepared_before_a_run_are_the_ones_its_runner_uses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validate, "_IDLE", [])
    validate.prepare_suites([(SUITE, "id")])  # what the warm process does before it forks a run
    runner = SuiteRunner()
    runner.start()
    held = runner._gx
    assert held is not None and validate._IDLE == []
    prepared = held.checkpoint(SUITE, "id")
    assert [o.success for o in runner.run(SUITE, [{"id": "a", "title": None}], "id", {})] == [False]
    assert held.checkpoint(SUITE, "id") is prepared


def test_data_docs_are_rendered_only_where_newslake_puts_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validate, "_IDLE", [], raising=False)  # a context built anew, as a run's first
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "system-tmp"))
    (tmp_path / "system-tmp").mkdir()
    runner = SuiteRunner(tmp_path / "docs", run_name="20261203T101010Z-abcdef12")
    runner.run(SUITE, [{"id": "a", "title": "T"}], "id", {})
    assert runner.build_docs() is not None
    runner.close()
    assert list((tmp_path / "system-tmp").iterdir()) == []  # no second copy left in the system's temp folder


def test_pages_of_validations_older_than_the_cut_are_removed_with_their_empty_folders(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    runner = SuiteRunner(docs, run_name="20261203T101010Z-abcdef12")
    runner.run(SUITE, [{"id": "a", "title": "T"}], "id", {})
    runner.build_docs()
    runner.close()
    old = docs / "validations" / "things" / "20250101T000000Z-00000000" / "20250101T000001.250000Z"
    old.mkdir(parents=True)
    (old / "newslake-things.html").write_text("<html></html>", encoding="utf-8")
    stray = docs / "validations" / "things" / "notes" / "kept"  # not a run time: never touched
    stray.mkdir(parents=True)
    current = {p for p in (docs / "validations").rglob("*.html") if "20250101" not in str(p)}

    assert validate.prune_validation_pages(docs, datetime(2026, 1, 1, tzinfo=UTC)) == 1
    assert not (docs / "validations" / "things" / "20250101T000000Z-00000000").exists()
    assert set((docs / "validations").rglob("*.html")) == current and stray.is_dir()
    assert validate.prune_validation_pages(docs, datetime.now(UTC) + timedelta(days=1)) == 1  # today's run
    assert list((docs / "validations").rglob("*.html")) == [] and stray.is_dir()
    assert (docs / "index.html").exists()


MOSTLY = {
    "name": "mostly",
    "expectations": [
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "title"}, "meta": {"name": "has_title"}},
        {
            "type": "expect_column_values_to_not_be_null",
            "kwargs": {"column": "byline", "mostly": 0.5},
            "meta": {"name": "mostly_bylined", "severity": "warn"},
        },
    ],
}


@pytest.mark.parametrize(
    "rows",
    [
        [{"id": "a", "title": "T", "byline": "B"}, {"id": "b", "title": "U", "byline": "C"}],  # passes whole
        [{"id": "a", "title": "T", "byline": None}, {"id": "b", "title": "U", "byline": "C"}],  # passes, mostly
        [{"id": "a", "title": None, "byline": None}, {"id": "b", "title": "U", "byline": "C"}],  # fails
    ],
)
def test_outcomes_and_data_docs_are_those_of_a_complete_validation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows: list[dict[str, object]]
) -> None:
    monkeypatch.setattr(validate, "_IDLE", [])  # each runner a context of its own, with only this suite
    quick = SuiteRunner(tmp_path / "quick")  # no run name: each validation would get a run id of its own
    outcomes = quick.run(MOSTLY, rows, "id", {})
    quick.build_docs()
    monkeypatch.setattr(validate, "_whole", lambda result: False)  # every batch validated in full
    complete = SuiteRunner(tmp_path / "complete")
    assert outcomes == complete.run(MOSTLY, rows, "id", {})
    complete.build_docs()
    assert _pages(tmp_path / "quick") == _pages(tmp_path / "complete")
    assert len(list((tmp_path / "quick" / "validations").rglob("*.html"))) == 1  # one validation shown
    failing = {row["id"] for row in rows if None in row.values()}
    assert {i for o in outcomes for i in o.failing_ids} == failing


def test_values_written_as_markup_are_text_in_the_data_docs(tmp_path: Path) -> None:
    suite = {
        "name": "capitals",
        "expectations": [
            {
                "type": "expect_column_values_to_match_regex",
                "kwargs": {"column": "title", "regex": "^[A-Z]"},
                "meta": {"name": "capitalised"},
            }
        ],
    }
    hostile = "<img src=x onerror=alert(1)>"
    runner = SuiteRunner(tmp_path / "docs", run_name="20261203T101010Z-abcdef12")
    [outcome] = runner.run(suite, [{"id": "a&b", "title": hostile}, {"id": "c", "title": "Fine"}], "id", {})
    assert outcome.failing_ids == ("a&b",) and hostile in outcome.observed  # recorded as the data has them
    runner.build_docs()
    [page] = (tmp_path / "docs" / "validations").rglob("*.html")
    text = page.read_text(encoding="utf-8")
    assert "<img src=x" not in text and "&lt;img src=x onerror=alert(1)&gt;" in text


def test_a_missing_value_is_observed_as_null_not_as_nan() -> None:
    dated = {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "day"}, "meta": {"name": "dated"}}
    suite = {**SUITE, "expectations": [*SUITE["expectations"], dated]}
    rows = [{"id": "a", "title": None, "day": None}, {"id": "b", "title": "T", "day": datetime(2026, 1, 1, tzinfo=UTC)}]
    outcomes = {o.expectation: o for o in SuiteRunner().run(suite, rows, "id", {})}
    assert (outcomes["has_title"].observed, outcomes["has_title"].failing_ids) == ("[null]", ("a",))
    assert (outcomes["dated"].observed, outcomes["dated"].failing_ids) == ("[null]", ("a",))
