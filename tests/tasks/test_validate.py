"""Great Expectations suites run on frames; Data Docs name each validation after the run."""

from __future__ import annotations

from pathlib import Path

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
