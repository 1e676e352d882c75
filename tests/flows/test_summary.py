"""The run summary adds up and reads well on a screen and as a Prefect artifact."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from newslake.flows.quality import suite_parameters
from newslake.flows.settings import Settings, resolve_settings
from newslake.flows.summary import RunSummary
from newslake.tasks.records import Rejection
from newslake.tasks.validate import ExpectationOutcome


def _summary() -> RunSummary:
    summary = RunSummary(run_id="r1", lake="lake", seen=5, new=2, unchanged=1)
    summary.add_refusals(
        [
            Rejection("d1", "file:///in/a.png", "normalize", "binary_content", "PNG image"),
            Rejection("d2", "file:///in/b.png", "normalize", "binary_content", "PNG image"),
        ]
    )
    summary.add_outcomes([ExpectationOutcome("articles", "enough_words", "error", False, 3, 10.0, ("x",), "[3]")])
    return summary


def test_counts_add_up_and_reasons_keep_one_example() -> None:
    summary = _summary()
    assert summary.seen == summary.new + summary.updated + summary.unchanged + summary.quarantined
    assert summary.reasons == {"binary_content": 2}
    assert summary.examples["binary_content"].source_uri == "file:///in/a.png"
    assert json.loads(summary.as_run_row()["quarantine_reasons"]) == {"binary_content": 2}


def test_markdown_has_counts_failed_expectations_and_examples() -> None:
    text = _summary().markdown()
    assert "| quarantined | 2 |" in text
    assert "articles.enough_words (error): 3 rows" in text
    assert "| `binary_content` | 2 | file:///in/a.png | PNG image |" in text


def test_boilerplate_phrases_become_one_case_insensitive_pattern() -> None:
    import re

    settings = resolve_settings(environ={"NEWSLAKE_BOILERPLATE_PHRASES": "give us a like,click here"})
    pattern = re.compile(suite_parameters(settings, datetime.now(UTC))["boilerplate_regex"])
    assert pattern.search("Please GIVE US A LIKE now") and pattern.search("click here")
    assert not pattern.search("a clickhere b")


def test_articles_no_entity_model_read_are_counted_by_language() -> None:
    summary = _summary()
    assert not any(label.strip().startswith("places only") for label, _ in summary.lines())
    summary.places_only.update({"de": 3, "es": 1})
    assert ("  places only (no entity model)", "4 (de 3, es 1)") in summary.lines()
    assert "Articles with places only (no entity model for the language): 4 (de 3, es 1)" in summary.markdown()


def test_what_the_pages_wrote_is_text_in_the_prefect_artifact() -> None:
    # The Prefect UI renders the summary as Markdown; an address or a title is the publisher's to write.
    summary = RunSummary(run_id="r1", lake="lake", seen=1)
    uri = "https://news.example/a?q=<img src=x onerror=alert(1)>"
    detail = "title: observed ['[win](javascript:alert(2))'] | more\nlines"
    summary.add_refusals([Rejection("d1", uri, "validate", "expectation_failed:title", detail)])
    row = next(line for line in summary.markdown().splitlines() if "expectation_failed" in line)
    assert re.search(r"(?<!\\)[<>]", row) is None and "](" not in row  # no tag, no link
    assert row.count(" | ") == 3  # four cells: no pipe from the data made a fifth
    assert r"\<img src=x onerror=alert\(1\)\>" in row and r"\[win\]\(javascript:alert\(2\)\)" in row


def test_an_example_with_a_long_name_or_detail_is_cut_to_one_line() -> None:
    # A URL list's 9,000-character address filled the terminal, wrapped, under its reason.
    summary = RunSummary("r1", "lake")
    summary.add_refusals([Rejection("d1", "https://example.org/" + "a" * 9000, "fetch", "http_404", "x" * 200)])
    [(_label, value)] = [row for row in summary.lines() if row[0].strip() == "http_404"]
    assert value == "1  e.g. " + "a" * 39 + "…: " + "x" * 59 + "…"


def test_the_parameters_and_tables_a_teams_suite_may_name_are_those_the_gate_gives() -> None:
    from newslake.expectations import PARAMETERS, TABLE_COLUMNS
    from newslake.flows.quality import ROW_IDS

    assert sorted(suite_parameters(Settings(), datetime.now(UTC))) == sorted(PARAMETERS)
    assert set(ROW_IDS) == set(TABLE_COLUMNS)
    assert all(ROW_IDS[table] in columns for table, columns in TABLE_COLUMNS.items())
