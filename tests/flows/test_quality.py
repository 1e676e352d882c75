"""The quality gate end to end: every bad input is loaded or refused with the right reason, nothing is lost."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import SEED_000, SEED_003, SEEDS, CliRunner
from tests.lakes import rows
from tests.services import prefect_filter
from tests.webhook import webhook_server

PARAGRAPH = (
    "The city council approved the new budget on Tuesday after a long debate about schools, roads and "
    "public transport. Council members said the plan would raise spending on repairs while keeping taxes "
    "flat for most households. "
)
GERMAN = (
    "Der Stadtrat hat am Dienstag nach einer langen Debatte über Schulen, Straßen und den öffentlichen "
    "Nahverkehr den neuen Haushalt beschlossen. Die Mitglieder sagten, der Plan erhöhe die Ausgaben für "
    "Reparaturen und lasse die Steuern für die meisten Haushalte unverändert. "
)
JAPANESE = "市議会は火曜日、学校や道路、公共交通機関をめぐる長い議論の末、新しい予算を承認した。" * 6


def _page(title: str, body: str, charset: str = "utf-8", lang: str = "en") -> str:
    paragraphs = "".join(f'<p>({i + 1}) {body} <a href="https://example.org/{i}">More</a></p>' for i in range(4))
    return (
        f'<html lang="{lang}"><head><meta charset="{charset}"><title>{title}</title></head>'
        f"<body><article><h1>{title}</h1>{paragraphs}</article></body></html>"
    )


def _bad_inputs(folder: Path) -> dict[str, str]:
    """Write every bad input; give back file name -> expected outcome ('loaded' or a reason code)."""
    folder.mkdir()
    expected: dict[str, str] = {}

    def put(name: str, content: bytes, outcome: str) -> None:
        (folder / name).write_bytes(content)
        expected[name] = outcome

    article = _page("Council approves the new city budget", PARAGRAPH).encode()
    put("empty.html", b"", "empty")
    put("zero.gz", b"", "duplicate")  # zero bytes, like empty.html: the same document, a second source
    put("truncated.gz", gzip.compress(article)[:40], "corrupt_gzip")
    put("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary_content")
    put("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >>\nendobj\n", "binary_content")
    put("invalid-utf8.html", article.replace(b"budget on Tuesday", b"budget \xff\xfe on Tuesday"), "loaded")
    put("utf16.html", _page("Council approves the budget in UTF-16", PARAGRAPH).encode("utf-16"), "loaded")
    cp1252 = _page("Council approves the “new” budget", PARAGRAPH.replace("roads", "roads – café"), "windows-1252")
    put("cp1252.html", cp1252.encode("cp1252"), "loaded")
    put("shift-jis.html", _page("市議会が新年度予算を承認", JAPANESE, "Shift_JIS", "ja").encode("shift_jis"), "loaded")
    put("big.html", b"<html><body><p>" + b"word " * 10_500_000 + b"</p></body></html>", "too_large")
    put(
        "nested.html",
        ("<html><body>" + "<div>" * 100_000 + "x" + "</div>" * 100_000 + "</body></html>").encode(),
        "no_article",
    )
    put(
        "index.html",
        b'<html><body><ul><li><a href="/a">Home</a></li><li><a href="/b">News</a></li></ul></body></html>',
        "refused",
    )
    put("german.html", _page("Stadtrat beschließt den neuen Haushalt", GERMAN, lang="de").encode(), "loaded")
    # Structured data cut inside an emoji's escaped pair: half a character, which no UTF-8 can write.
    half = b'<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Budget \\ud83d passes",'
    half += b' "author": {"@type": "Person", "name": "Jane \\udc00Roe"}}</script></head>'
    budget = _page("Budget passes after a long night", PARAGRAPH.replace("roads", "parks")).encode()
    budget = budget.replace(b"</h1>", b"</h1><p>By Jane Roe</p>")
    put("half-emoji.html", budget.replace(b"</head>", half), "loaded")
    shutil.copy(SEED_000, folder / "seed.txt")
    shutil.copy(SEED_000, folder / "seed-copy.txt")
    expected["seed.txt"] = expected["seed-copy.txt"] = "one of two"
    return expected


def _artifacts(prefect_api: str) -> list[dict[str, object]]:
    return prefect_filter(prefect_api, "artifacts", {"artifacts": {"key": {"any_": ["newslake-run-summary"]}}})


def test_bad_inputs_end_loaded_or_quarantined_and_the_summary_adds_up(
    newslake: CliRunner, prefect_api: str, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    expected = _bad_inputs(inbox)
    lake = tmp_path / "lake"
    result = newslake("run", str(inbox), "--lake", str(lake))
    assert "Traceback" not in result.stderr

    refused = {Path(str(r["source_uri"])).name: str(r["reason"]) for r in rows(lake, "SELECT * FROM quarantine")}
    loaded = {Path(str(r["source_uri"])).name: r for r in rows(lake, "SELECT source_uri, language FROM articles")}
    for name, outcome in expected.items():
        if outcome in ("duplicate", "one of two"):
            continue  # same bytes as another file: one document, two sources
        if outcome == "loaded":
            assert name in loaded, (name, refused.get(name))
        elif outcome == "refused":
            assert refused[name] in ("no_article",) or refused[name].startswith("expectation_failed:"), refused[name]
        else:
            assert refused.get(name) == outcome, (name, refused.get(name))
    assert len({"seed.txt", "seed-copy.txt"} & set(loaded)) == 1
    assert loaded["german.html"]["language"] == "de"
    assert loaded["shift-jis.html"]["language"] == "ja"
    half = rows(lake, "SELECT title, authors FROM articles WHERE source_uri LIKE '%half-emoji.html'")
    assert half == [{"title": "Budget \ufffd passes", "authors": ["Jane \ufffdRoe"]}]
    # No entity model reads German or Japanese: the summary says so, by language.
    assert re.search(r"places only \(no entity model\)[\s│]+\d+ \(.*de 1", result.stdout), result.stdout

    run = rows(lake, "SELECT * FROM runs")[0]
    seen, new, updated, unchanged, quarantined = (
        int(run[k])
        for k in (
            "documents_seen",
            "documents_new",
            "documents_updated",
            "documents_unchanged",
            "documents_quarantined",
        )
    )
    assert seen == len(expected) == new + updated + unchanged + quarantined
    assert unchanged == 2  # the copy of seed.txt, and zero.gz (the same zero bytes as empty.html)
    reasons = json.loads(str(run["quarantine_reasons"]))
    assert sum(reasons.values()) == quarantined and reasons["binary_content"] == 2
    sources = rows(lake, "SELECT count(*) AS n FROM document_sources WHERE source_uri LIKE '%seed%'")
    assert sources[0]["n"] == 2

    results = rows(lake, "SELECT DISTINCT suite FROM validation_results")
    assert {r["suite"] for r in results} == {"documents", "articles", "entities", "links", "runs"}
    assert (lake / "data_docs" / "index.html").exists()
    # The run links its own validation page, which reads offline: no script or style from elsewhere.
    page = (lake / "data_docs" / "validation.html").read_text(encoding="utf-8")
    assert f"Run {run['run_id']}" in page and "expectations failed" in page
    assert "https://" not in page and "http://" not in page
    assert str(lake / "data_docs" / "validation.html") in " ".join(result.stdout.split())
    reports = [str(a.get("data")) for a in _artifacts(prefect_api)]
    assert any(str(run["run_id"]) in report and "binary_content" in report for report in reports)


def test_quarantine_lists_and_reprocess_releases_after_a_threshold_change(newslake: CliRunner, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SEED_003, inbox / "page.txt")
    short = _page("A short but real news item", "The council approved the budget.")
    (inbox / "short.html").write_text(short, encoding="utf-8")
    (inbox / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    lake = tmp_path / "lake"
    newslake("run", str(inbox), "--lake", str(lake))

    listed = newslake("quarantine", "--lake", str(lake), "--format", "jsonl")
    reasons = {Path(r["source_uri"]).name: r["reason"] for r in map(json.loads, listed.stdout.splitlines())}
    assert reasons == {"short.html": "expectation_failed:enough_words", "image.png": "binary_content"}
    only = newslake("quarantine", "--lake", str(lake), "--reason", "binary", "--format", "jsonl")
    assert len(only.stdout.splitlines()) == 1

    counts_sql = "SELECT (SELECT count(*) FROM articles) AS a, (SELECT count(*) FROM documents) AS d"
    before = rows(lake, counts_sql)[0]
    newslake("reprocess", "--lake", str(lake), env={"NEWSLAKE_MIN_WORDS": "5"})
    after = rows(lake, counts_sql)[0]
    assert after == {"a": before["a"] + 1, "d": before["d"]}
    still = newslake("quarantine", "--lake", str(lake), "--format", "jsonl")
    assert [json.loads(line)["reason"] for line in still.stdout.splitlines()] == ["binary_content"]

    newslake("reprocess", "--lake", str(lake), "--all", env={"NEWSLAKE_MIN_WORDS": "5"})
    assert rows(lake, counts_sql)[0] == after


def test_reprocess_by_language_needs_all_and_says_so(newslake: CliRunner, tmp_path: Path) -> None:
    refused = newslake("reprocess", "--language", "de", "--lake", str(tmp_path / "lake"), check=False)
    assert refused.returncode == 2 and "--language needs --all" in refused.stderr


def _suite(folder: Path, name: str, *expectations: dict[str, object]) -> None:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(json.dumps({"expectations": list(expectations)}), encoding="utf-8")


def test_a_teams_own_suites_refuse_or_record_and_see_the_columns_they_are_told_of(
    newslake: CliRunner, tmp_path: Path
) -> None:
    from newslake.expectations import TABLE_COLUMNS

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    body = PARAGRAPH + "Mayor Anna Schmidt of Springfield said the vote had been close. "  # an entity for its suite
    bylined = _page("Council approves the new city budget", body).replace("</h1>", "</h1><p>By Jane Roe</p>")
    (inbox / "bylined.html").write_text(bylined, encoding="utf-8")
    (inbox / "anonymous.html").write_text(_page("Budget passes after a long night", body), encoding="utf-8")
    checks = tmp_path / "checks"
    _suite(
        checks,
        "articles.json",
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "authors"}, "meta": {"name": "bylined"}},
        {
            "type": "expect_column_values_to_be_between",
            "kwargs": {"column": "author_count", "max_value": 0},
            "meta": {"name": "nobody_named", "severity": "warn"},
        },
    )
    many = {"column": "articles_loaded", "min_value": 100}
    runs_warn = {
        "type": "expect_column_values_to_be_between",
        "kwargs": many,
        "meta": {"name": "many", "severity": "warn"},
    }
    _suite(checks, "runs.json", runs_warn)  # a run-level `warn`: recorded, the run's status unchanged
    # Every table's rows have exactly the columns expectations/README.md lists for it.
    for table, columns in TABLE_COLUMNS.items():
        exact = {"column_set": list(columns), "exact_match": True}
        _suite(
            checks,
            f"{table}.columns.json",
            {"type": "expect_table_columns_to_match_set", "kwargs": exact, "meta": {"name": f"{table}_columns"}},
        )
    lake = tmp_path / "lake"

    result = newslake("run", str(inbox), "--lake", str(lake), env={"NEWSLAKE_SUITES_DIR": str(checks)})

    assert [Path(str(r["source_uri"])).name for r in rows(lake, "SELECT source_uri FROM articles")] == ["bylined.html"]
    assert [(Path(str(r["source_uri"])).name, r["reason"]) for r in rows(lake, "SELECT * FROM quarantine")] == [
        ("anonymous.html", "expectation_failed:bylined")
    ]
    results = {
        (r["suite"], r["expectation"]): (r["severity"], r["success"], r["unexpected_count"])
        for r in rows(lake, "SELECT * FROM validation_results WHERE suite LIKE 'local.%'")
    }
    assert results.pop(("local.articles", "bylined")) == ("error", False, 1)
    assert results.pop(("local.articles", "nobody_named")) == ("warn", False, 1)  # recorded, the article loaded
    assert results.pop(("local.runs", "many")) == ("warn", False, 1)
    assert results == {(f"local.{t}.columns", f"{t}_columns"): ("error", True, 0) for t in TABLE_COLUMNS}
    assert rows(lake, "SELECT status, quality_breaches FROM runs") == [
        {"status": "completed", "quality_breaches": "[]"}
    ]
    assert "expectation_failed:bylined" in result.stdout

    # Without the team's folder the refused article goes through again.
    newslake("reprocess", "--lake", str(lake))
    assert len(rows(lake, "SELECT * FROM articles")) == 2 and not rows(lake, "SELECT * FROM quarantine")


def test_a_teams_suite_great_expectations_cannot_build_stops_the_run_before_any_batch(
    newslake: CliRunner, tmp_path: Path
) -> None:
    checks = tmp_path / "checks"
    unknown = {"type": "expect_column_values_to_be_sorted_nicely", "kwargs": {"column": "title"}, "meta": {"name": "n"}}
    _suite(checks, "articles.json", unknown)
    lake = tmp_path / "lake"

    with webhook_server() as hook:
        env = {"NEWSLAKE_SUITES_DIR": str(checks), "NEWSLAKE_WEBHOOK_URL": hook.url}
        result = newslake("run", str(SEEDS), "--lake", str(lake), check=False, env=env)

    assert result.returncode != 0
    message = f"the suite {checks / 'articles.json'} cannot be used: expectation 1: Great Expectations has no "
    message += "expectation 'expect_column_values_to_be_sorted_nicely'"
    assert message in " ".join(result.stderr.split())
    assert rows(lake, "SELECT status FROM runs") == [{"status": "failed"}]
    # The team hears of the failed run, with its reason.
    [told] = hook.bodies()
    assert (told["status"], told["error"]) == ("failed", message + ". Fix it, or take it out of quality.suites_dir")
    assert rows(lake, "SELECT count(*) AS n FROM documents") == [{"n": 0}]

    _suite(
        checks, "articles.json", {**unknown, "type": "expect_column_values_to_not_be_null", "kwargs": {"colum": "x"}}
    )
    result = newslake("run", str(SEEDS), "--lake", str(lake), check=False, env={"NEWSLAKE_SUITES_DIR": str(checks)})
    assert "expectation 1 (expect_column_values_to_not_be_null):" in result.stderr and "colum" in result.stderr


def test_a_run_that_ends_as_the_team_asked_to_hear_is_posted_to_their_webhook(
    newslake: CliRunner, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "budget.html").write_text(_page("Council approves the new city budget", PARAGRAPH), encoding="utf-8")
    (inbox / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    lake = tmp_path / "lake"
    with webhook_server() as hook:
        env = {"NEWSLAKE_WEBHOOK_URL": hook.url, "NEWSLAKE_MAX_QUARANTINE_SHARE": "0.25"}
        newslake("run", str(inbox), "--lake", str(lake), env=env)  # half the documents refused: a warning

        [message] = hook.bodies()
        [run] = rows(lake, "SELECT run_id, status, settings FROM runs")
        assert (message["run_id"], message["status"], run["status"]) == (run["run_id"], "warning", "warning")
        assert message["text"].startswith(f"newslake run {run['run_id']} warning: quarantine_share_in_limit")
        assert message["documents"] == {"seen": 2, "new": 1, "updated": 0, "unchanged": 0, "quarantined": 1}
        assert message["quarantine_reasons"] == {"binary_content": 1} and message["articles_loaded"] == 1
        assert message["flow_run_id"] and message["error"] is None
        # The run's record keeps the webhook's host only.
        assert json.loads(str(run["settings"]))["notify"]["webhook_url"] == hook.url.split("/services")[0] + "/***"

        # A completed run is not told by default; asked for, even a run with nothing new is.
        (inbox / "image.png").unlink()
        newslake("run", str(inbox), "--lake", str(lake), env={"NEWSLAKE_WEBHOOK_URL": hook.url})
        assert len(hook.received) == 1
        newslake(
            "run",
            str(inbox),
            "--lake",
            str(lake),
            env={"NEWSLAKE_WEBHOOK_URL": hook.url, "NEWSLAKE_NOTIFY_ON": "completed"},
        )
        assert [m["status"] for m in hook.bodies()] == ["warning", "completed"]
        assert hook.bodies()[1]["documents"]["unchanged"] == 1

        # A webhook that refuses the message leaves the run as it was, and says so in the run's log.
        hook.answers = [404]
        (inbox / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(65))
        newslake("run", str(inbox), "--lake", str(lake), env=env)
    statuses = [r["status"] for r in rows(lake, "SELECT status FROM runs ORDER BY started_at")]
    assert statuses == ["warning", "completed", "completed", "warning"]
    said = f"ended: the webhook {hook.url.split('/services')[0]}/*** answered HTTP 404"
    assert any(said in r.getMessage() and r.levelname == "WARNING" for r in caplog.records)
    assert "s3cret" not in caplog.text
