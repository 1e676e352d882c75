"""The analyst layer end to end: search, exports, the HTML report in a real browser."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from newslake.tasks.charts import LAND_COLOUR
from newslake.warehouse.migrate import table_names
from tests.conftest import SEED_000, SEED_003, CliRunner
from tests.lakes import query
from tests.pngs import share_of_colour
from tests.services import prefect_filter
from tests.site import article_html

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SECTIONS = ("articles_over_time", "top_entities", "places", "cooccurrence", "quoted", "source_health", "quality")


def search(newslake: CliRunner, lake: Path, *args: str) -> list[dict[str, object]]:
    result = newslake("search", *args, "--lake", str(lake), "--format", "jsonl")
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_search_ranks_with_bm25_and_filters(newslake: CliRunner, seed_lake: Path) -> None:
    found = search(newslake, seed_lake, "peace talks")
    assert len(found) == 2
    assert found[0]["title"].startswith("Why Russia Is Still Attacking Ukraine")  # both words, in the title too
    assert float(found[0]["score"]) > float(found[1]["score"]) > 0
    assert all("**" in str(hit["snippet"]) for hit in found)
    herbst = search(newslake, seed_lake, "Ukraine", "--entity", "John Herbst")
    assert [h["title"] for h in herbst] == [found[1]["title"]]
    assert search(newslake, seed_lake, "Ukraine", "--since", "2100-01-01") == []
    empty = newslake("search", "zzzxqv", "--lake", str(seed_lake))
    assert "no article matches" in empty.stderr


def test_the_search_index_follows_each_run(newslake: CliRunner, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(SEED_000, docs)
    lake = str(tmp_path / "lake")
    newslake("run", str(docs), "--lake", lake, "--workers", "1")
    assert search(newslake, tmp_path / "lake", "harbour") == []
    (docs / "harbour.html").write_text(article_html(3, title="A new market opens in the old harbour"))
    newslake("run", str(docs), "--lake", lake, "--workers", "1")
    assert [h["title"] for h in search(newslake, tmp_path / "lake", "harbour")] == [
        "A new market opens in the old harbour"
    ]


def test_search_without_a_warehouse_says_what_to_do(newslake: CliRunner, tmp_path: Path) -> None:
    result = newslake("search", "anything", "--lake", str(tmp_path / "none"), check=False)
    assert result.returncode == 1 and "newslake run" in result.stderr


def _counts(lake: Path) -> dict[str, int]:
    return {t: query(lake, f"SELECT count(*) FROM {t}")[0][0] for t in table_names()}


def test_parquet_export_is_partitioned_by_day_and_complete(newslake: CliRunner, seed_lake: Path, tmp_path: Path):
    out = tmp_path / "export"
    newslake("export", "--lake", str(seed_lake), "--to", str(out))
    manifest = json.loads((out / "_manifest.json").read_text())
    counts = _counts(seed_lake)
    assert manifest["tables"]["articles"] == {"rows": counts["articles"], "partitioned_by_day": True}
    assert manifest["tables"]["mentions"]["rows"] == counts["mentions"]
    assert "share_of_voice" in manifest["tables"] and "schema_migrations" not in manifest["tables"]
    assert sorted(p.name for p in (out / "articles").iterdir())[0].startswith("day=")
    con = duckdb.connect()
    articles = con.execute(
        "SELECT count(*), count(DISTINCT day) "
        f"FROM read_parquet('{out}/articles/**/*.parquet', hive_partitioning = true)"
    ).fetchone()
    assert articles[0] == counts["articles"] and articles[1] >= 1
    columns = {
        d[0] for d in con.execute(f"SELECT * FROM read_parquet('{out}/documents/**/*.parquet') LIMIT 0").description
    }
    assert "content" not in columns and "http_status" in columns  # raw bytes stay in the lake
    views = con.execute(f"SELECT count(*) FROM read_parquet('{out}/daily_articles/*.parquet')").fetchone()
    assert views[0] >= 1

    # A second export replaces the first whole; a folder that is not an export is never overwritten.
    newslake("export", "--lake", str(seed_lake), "--to", str(out), "--since", "2100-01-01")
    assert json.loads((out / "_manifest.json").read_text())["tables"]["articles"]["rows"] == 0
    # Nothing of the first export is left: no day partition, only the empty table's file of columns.
    assert [p.name for p in (out / "articles").iterdir()] == ["data_0.parquet"]
    assert con.execute(f"SELECT count(*) FROM read_parquet('{out}/articles/**/*.parquet')").fetchone() == (0,)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".export")]
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("keep me")
    refused = newslake("export", "--lake", str(seed_lake), "--to", str(other), check=False)
    assert refused.returncode == 1 and "not a newslake export" in refused.stderr
    assert (other / "notes.txt").read_text() == "keep me"


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_csv_and_jsonl_exports_hold_every_row(newslake: CliRunner, seed_lake: Path, tmp_path: Path, fmt: str):
    out = tmp_path / fmt
    newslake("export", "--lake", str(seed_lake), "--to", str(out), "--format", fmt)
    counts = _counts(seed_lake)
    con = duckdb.connect()
    reader = "read_csv" if fmt == "csv" else "read_json"
    for table in ("articles", "mentions", "runs"):
        rows = con.execute(f"SELECT count(*) FROM {reader}('{out / f'{table}.{fmt}'}')").fetchone()[0]
        assert rows == counts[table], table


def test_an_export_for_spreadsheets_escapes_formulas_in_csv_only(newslake: CliRunner, seed_lake: Path, tmp_path: Path):
    out = tmp_path / "csv"
    newslake("export", "--lake", str(seed_lake), "--to", str(out), "--format", "csv", "--escape-formulas")
    assert json.loads((out / "_manifest.json").read_text())["formulas_escaped"] is True
    parquet = ("--to", str(tmp_path / "p"), "--escape-formulas")
    refused = newslake("export", "--lake", str(seed_lake), *parquet, check=False)
    assert refused.returncode == 2 and "--format csv" in refused.stderr and "Traceback" not in refused.stderr


@pytest.mark.slow
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium package (.ci/run installs it)")
def test_the_report_renders_every_chart_offline_in_chromium(newslake: CliRunner, seed_lake: Path, tmp_path: Path):
    from playwright.sync_api import sync_playwright

    out = tmp_path / "report.html"
    newslake("report", "--lake", str(seed_lake), "-o", str(out))  # -o: the short form of --out
    html = out.read_text()
    assert "https://" not in html.split("<script>", 1)[0]  # no stylesheet or script from the network
    errors: list[str] = []
    remote: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        try:
            page = browser.new_page(viewport={"width": 900, "height": 1200})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: None if r.url.startswith(("file:", "data:")) else remote.append(r.url))
            page.goto(out.as_uri())
            page.wait_for_selector("#quality svg", timeout=30_000)
            marks = {section: page.locator(f"#{section} svg path, #{section} svg rect").count() for section in SECTIONS}
            texts = "texts => texts.map(t => t.textContent || '')"
            day_labels = [page.eval_on_selector_all(f"#{s} svg text", texts) for s in ("articles_over_time", "quality")]
            page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
            the_map = page.locator("#places").screenshot()
        finally:
            browser.close()
    assert errors == [] and remote == []
    assert all(n > 0 for n in marks.values()), marks
    # The seeds' articles fall on one day: its axis label is a date, not the epoch milliseconds.
    for labels in day_labels:
        assert not any(re.fullmatch(r"\d{10,}", t.strip()) for t in labels), labels
        assert any(re.search(r"\b20\d\d\b", t) for t in labels), labels
    assert (tmp_path / "report.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "report.png").stat().st_size > 20_000
    # The map has land (the basemap shipped with newslake), not only a sphere and a graticule.
    assert share_of_colour(the_map, LAND_COLOUR) > 0.05


def test_each_run_can_refresh_the_report_and_link_it(newslake: CliRunner, prefect_api: str, tmp_path: Path) -> None:
    report = tmp_path / "reports" / "news.html"
    newslake("run", str(SEED_003), "--lake", str(tmp_path / "lake"), env={"NEWSLAKE_REPORT_PATH": str(report)})
    assert report.exists() and "vegaEmbed" in report.read_text()
    artifacts = prefect_filter(prefect_api, "artifacts", {"artifacts": {"key": {"any_": ["newslake-report"]}}})
    assert any(report.as_uri() in str(a.get("data")) for a in artifacts)
    assert report.stat().st_size > 100_000  # the charting libraries are inlined
