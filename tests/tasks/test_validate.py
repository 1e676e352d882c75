"""Great Expectations suites run on frames; Data Docs name each validation after the run."""

from __future__ import annotations

import re
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
