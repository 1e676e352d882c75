"""A team's own suites: read from their folder, checked before a run, named apart from the shipped ones."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from newslake.expectations import PARAMETERS, TABLE_COLUMNS, SuiteError, load_suite, read_local_suites


def _write(folder: Path, name: str, expectations: Any) -> None:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(json.dumps({"expectations": expectations}), encoding="utf-8")


def _expectation(column: str = "site_name", **meta: Any) -> dict[str, Any]:
    return {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": column}, "meta": {"name": "x", **meta}}


def test_each_file_checks_the_table_its_name_starts_with_after_the_shipped_suite(tmp_path: Path) -> None:
    _write(tmp_path, "articles.json", [_expectation(name="site_named", why="every article names its publisher")])
    _write(tmp_path, "articles.byline.json", [_expectation("authors", name="bylined", severity="warn")])
    _write(tmp_path, "links.json", [{"type": "expect_column_values_to_not_be_null", "meta": {"name": "u"}}])
    (tmp_path / "notes.txt").write_text("not a suite")
    (tmp_path / ".articles.json").write_text("{")  # an editor's hidden copy

    suites = read_local_suites(tmp_path)

    assert [(s["name"], s["meta"]["table"]) for s in suites] == [
        ("local.articles.byline", "articles"),
        ("local.articles", "articles"),
        ("local.links", "links"),
    ]
    byline, articles, links = suites
    assert articles["meta"]["file"] == str(tmp_path / "articles.json")
    # An expectation refuses its rows unless it says it only warns; its own meta is kept.
    assert articles["expectations"][0]["meta"] == {
        "name": "site_named",
        "why": "every article names its publisher",
        "severity": "error",
    }
    assert byline["expectations"][0]["meta"]["severity"] == "warn"
    assert links["expectations"][0]["kwargs"] == {}


def test_a_folder_without_suites_gives_none(tmp_path: Path) -> None:
    assert read_local_suites(tmp_path) == ()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("article.json", [_expectation()], "must start with the table it checks"),
        ("articles.json", "{", "not readable as JSON"),
        ("articles.json", [], "non-empty"),
        ("articles.json", [{"kwargs": {"column": "title"}}], '"type"'),
        ("articles.json", [{"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "title"}}], "name"),
        ("articles.json", [_expectation(name="has space")], "name"),
        ("articles.json", [_expectation(name="title_present")], "title_present is taken"),
        ("articles.json", [_expectation(name="a"), _expectation(name="a")], "a is taken"),
        ("articles.json", [_expectation(severity="fatal")], "'fatal'"),
        ("articles.json", [_expectation("byline")], "no column 'byline' in the articles rows"),
        ("entities.json", [_expectation("title")], "no column 'title' in the entities rows"),
        (
            "articles.json",
            [
                {
                    "type": "expect_column_pair_values_to_be_equal",
                    "kwargs": {"column_A": "url", "column_B": "link"},
                    "meta": {"name": "p"},
                }
            ],
            "no column 'link'",
        ),
        (
            "articles.json",
            [
                {
                    "type": "expect_column_values_to_not_match_regex",
                    "kwargs": {"column": "title", "regex": "(sponsored"},
                    "meta": {"name": "r"},
                }
            ],
            "the regex '(sponsored' does not compile",
        ),
        (
            "articles.json",
            [
                {
                    "type": "expect_column_values_to_be_between",
                    "kwargs": {"column": "word_count", "min_value": {"$PARAMETER": "max_words"}},
                    "meta": {"name": "w"},
                }
            ],
            "no parameter 'max_words'",
        ),
    ],
)
def test_a_suite_that_cannot_be_used_is_named_with_its_problem(
    tmp_path: Path, name: str, content: Any, message: str
) -> None:
    if isinstance(content, str):
        tmp_path.joinpath(name).write_text(content)
    else:
        _write(tmp_path, name, content)
    with pytest.raises(SuiteError) as raised:
        read_local_suites(tmp_path)
    assert str(tmp_path / name) in str(raised.value) and message in str(raised.value), str(raised.value)


def test_an_expectations_name_is_one_rows_reason_across_the_files_of_a_table(tmp_path: Path) -> None:
    _write(tmp_path, "articles.json", [_expectation(name="signed")])
    _write(tmp_path, "links.json", [_expectation("url", name="signed")])  # another table's rows: fine
    assert len(read_local_suites(tmp_path)) == 2
    _write(tmp_path, "articles.more.json", [_expectation(name="signed")])
    with pytest.raises(SuiteError, match="the name signed is taken"):
        read_local_suites(tmp_path)


def test_a_missing_folder_is_said_so(tmp_path: Path) -> None:
    with pytest.raises(SuiteError, match="is not a folder of suites"):
        read_local_suites(tmp_path / "checks")


def test_the_shipped_suites_use_only_the_columns_and_parameters_a_teams_suite_may_use() -> None:
    for table, columns in TABLE_COLUMNS.items():
        for expectation in load_suite(table)["expectations"]:
            kwargs = expectation["kwargs"]
            assert kwargs.get("column", columns[0]) in columns, (table, expectation["meta"]["name"])
            for value in kwargs.values():
                if isinstance(value, dict) and "$PARAMETER" in value:
                    assert value["$PARAMETER"] in PARAMETERS


def test_the_readme_lists_the_columns_of_each_tables_rows() -> None:
    readme = (Path(__file__).resolve().parents[1] / "expectations" / "README.md").read_text(encoding="utf-8")
    for table, columns in TABLE_COLUMNS.items():
        [row] = [line for line in readme.splitlines() if line.startswith(f"| {table} | ")]
        assert [c for c in columns if f"`{c}`" not in row] == [], table
