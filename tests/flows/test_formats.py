"""Output formats of the commands that list rows, in process: json is one array, jsonl one object a line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from newslake.flows.cli import main
from newslake.warehouse.lake import LakeLocation, connect
from newslake.warehouse.load import load_batch
from newslake.warehouse.migrate import migrate
from tests.lakes import sample_batch


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("formats") / "lake"
    con = connect(LakeLocation.under(root))
    migrate(con)
    load_batch(con, sample_batch())
    con.close()
    return root


def _sql(lake: Path, query: str, fmt: str) -> str:
    result = CliRunner().invoke(main, ["sql", query, "--lake", str(lake), "--format", fmt], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_json_is_one_array_that_json_load_reads(lake: Path) -> None:
    rows = json.loads(_sql(lake, "SELECT title, authors, extracted_at FROM articles", "json"))
    assert rows == [{"title": "A title", "authors": ["Jane Doe"], "extracted_at": "2026-01-02T00:00:00+00:00"}]
    assert json.loads(_sql(lake, "SELECT * FROM articles WHERE false", "json")) == []


def test_jsonl_is_one_object_per_line(lake: Path) -> None:
    lines = _sql(lake, "SELECT name FROM entities ORDER BY name", "jsonl").splitlines()
    assert [json.loads(line) for line in lines] == [{"name": "Jane Doe"}, {"name": "Kyiv"}]
    assert _sql(lake, "SELECT * FROM entities WHERE false", "jsonl") == ""


def test_quarantine_json_is_an_array_too(lake: Path) -> None:
    result = CliRunner().invoke(main, ["quarantine", "--lake", str(lake), "--format", "json"], catch_exceptions=False)
    [refused] = json.loads(result.stdout)
    assert refused["reason"] == "binary_content"


def test_a_table_piped_to_a_file_never_cuts_or_wraps_a_value(lake: Path) -> None:
    reason = "expectation_failed:" + ",".join(f"article_rule_number_{n}" for n in range(8))
    other = reason[:-1] + "9"
    query = f"SELECT '{reason}' AS reason, 1 AS n UNION ALL SELECT '{other}', 2 ORDER BY n"
    out = _sql(lake, query, "table")
    assert reason in out and other in out  # two reasons that differ at their end print apart
    assert "…" not in out
    assert out.rstrip().endswith("(2 rows)")


def test_values_written_like_console_markup_print_as_written(lake: Path) -> None:
    # A title may hold square brackets; rich would read them as its markup and fail on "[/b]".
    values = ["[/b] closed first", "[red]styled[/red]", "[link=https://evil.example]click[/link]"]
    query = " UNION ALL ".join(f"SELECT '{v}' AS \"[b]title\", {n} AS n" for n, v in enumerate(values)) + " ORDER BY n"
    out = _sql(lake, query, "table")
    assert "[b]title" in out and all(v in out for v in values)


def test_a_table_cell_keeps_codes_whole_and_shortens_only_long_text() -> None:
    from datetime import date
    from decimal import Decimal

    from newslake.flows.output import cell, json_default

    assert cell(None) == "" and cell("expectation_failed:enough_words") == "expectation_failed:enough_words"
    assert cell("x" * 500, 300) == "x" * 299 + "…"
    assert cell({"b": [1, 2]}) == '{"b": [1, 2]}'
    assert (json_default(date(2026, 1, 2)), json_default(Decimal("1.5")), json_default(b"abc")) == (
        "2026-01-02",
        1.5,
        "<3 bytes>",
    )


def test_the_run_summary_prints_what_the_pages_wrote_as_written(capsys: pytest.CaptureFixture[str]) -> None:
    from newslake.flows.output import print_summary

    print_summary([("invalid_url", "1  e.g. [/b]: not an absolute http(s) URL"), ("[red]source[/red]", "ok")])
    out = capsys.readouterr().out
    assert "e.g. [/b]: not an absolute" in out and "[red]source[/red]" in out
