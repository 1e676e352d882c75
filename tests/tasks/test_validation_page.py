"""The offline validation page: literal rows in, one self-contained HTML page out."""

from __future__ import annotations

from datetime import UTC, datetime

from newslake.tasks.extract import extract_article
from newslake.tasks.normalize import normalize_document
from newslake.tasks.records import RawDocument, Rejection
from newslake.tasks.validation_page import render_validation_page

ROWS = [
    {
        "run_id": "20261204T050000Z-aaaa",
        "started_at": datetime(2026, 12, 4, 5, tzinfo=UTC),
        "status": "warning",
        "suite": "articles",
        "expectation": "enough_words",
        "severity": "error",
        "checks": 3,
        "failed_checks": 1,
        "failing_rows": 2,
        "failing_ids": ["282b2ee1", "<script>"],
        "observed": "[12, 7]",
    },
    {
        "run_id": "20261204T050000Z-aaaa",
        "started_at": datetime(2026, 12, 4, 5, tzinfo=UTC),
        "status": "warning",
        "suite": "documents",
        "expectation": "size_within_limit",
        "severity": "error",
        "checks": 3,
        "failed_checks": 0,
        "failing_rows": 0,
        "failing_ids": [],
        "observed": None,
    },
    {
        "run_id": "20261203T010000Z-bbbb",
        "started_at": datetime(2026, 12, 3, 1, tzinfo=UTC),
        "status": "completed",
        "suite": "runs",
        "expectation": "quarantine_share",
        "severity": "error",
        "checks": 1,
        "failed_checks": 0,
        "failing_rows": 0,
        "failing_ids": None,
        "observed": None,
    },
]


def test_each_run_gets_its_name_verdict_and_failing_rows_with_nothing_loaded_from_elsewhere() -> None:
    page = render_validation_page(ROWS, datetime(2026, 12, 4, 6, tzinfo=UTC))
    assert page.index("Run 20261204T050000Z-aaaa") < page.index("Run 20261203T010000Z-bbbb")
    assert "1 of 2 expectations failed" in page and "the 1 expectation passed" in page
    assert "282b2ee1" in page and "observed: [12, 7]" in page
    assert "<script>" not in page and "&lt;script&gt;" in page  # values are escaped
    assert "http://" not in page and "https://" not in page and "src=" not in page  # reads offline


def test_a_warehouse_with_no_validation_yet_says_so() -> None:
    assert "No run has validated anything yet." in render_validation_page([], datetime(2026, 12, 4, tzinfo=UTC))


def test_a_copy_of_the_page_read_as_input_is_no_article() -> None:
    body = render_validation_page(ROWS, datetime(2026, 12, 4, tzinfo=UTC)).encode()
    doc = normalize_document(
        RawDocument("d1", "file:///docs/validation.html", body, datetime.now(UTC), len(body)), 10**7
    )
    judged = extract_article(doc)  # type: ignore[arg-type]
    # The articles suite refuses it as not_an_article, with this evidence.
    assert not isinstance(judged, Rejection) and judged.page_kind == "data_docs", judged
