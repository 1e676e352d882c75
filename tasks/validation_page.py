"""The validation page: every expectation of the latest runs, what failed and on which rows, as one
HTML file with no scripts and no assets from elsewhere, so it reads offline and from any folder.

Great Expectations' own Data Docs load their styles and scripts from CDNs; this page is what a run's
summary links to.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime
from itertools import groupby
from typing import Any

_STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #1d2433; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #dde2ea; vertical-align: top; }
th { background: #f3f5f8; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
.fail { color: #b42318; font-weight: 600; } .pass { color: #067647; } .warn { color: #b54708; font-weight: 600; }
code { font-size: 12px; word-break: break-all; } .muted { color: #667085; }
"""


def render_validation_page(rows: Sequence[dict[str, Any]], generated_at: datetime) -> str:
    """Give back the page for rows of warehouse.runs.validation_page_rows (one per run and expectation,
    newest run first)."""
    out = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8"><meta name="generator" content="newslake">',
        # The title names Great Expectations, whose results these are: a copy of the page read as input is
        # then refused as the warehouse's own Data Docs (tasks.pagetype), never taken for an article.
        "<title>newslake: Great Expectations validation results</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>newslake validation results</h1>",
        f'<p class="muted">Written {_text(f"{generated_at:%Y-%m-%d %H:%M:%S %Z}".strip())}. Each run\'s'
        " expectations, summed over its batches. Failing rows are refused (severity error) or loaded with"
        " the failure recorded (warn); the tables <code>validation_results</code> and <code>quarantine</code>"
        " hold every detail.</p>",
    ]
    if not rows:
        out.append("<p>No run has validated anything yet.</p>")
    for run_id, run_rows in groupby(rows, key=lambda r: r["run_id"]):
        expectations = list(run_rows)
        first = expectations[0]
        failed = [r for r in expectations if r["failed_checks"]]
        verdict = (
            f'<span class="fail">{len(failed)} of {len(expectations)} expectations failed</span>'
            if failed
            else f'<span class="pass">{_all_passed(len(expectations))}</span>'
        )
        out += [
            f'<h2 id="{_text(run_id)}">Run {_text(run_id)}</h2>',
            f"<p>Started {_text(str(first['started_at']))}, status {_text(str(first['status']))}: {verdict}.</p>",
            "<table><tr><th>suite</th><th>expectation</th><th>severity</th><th>checks</th><th>failed</th>"
            "<th>failing rows</th><th>examples</th></tr>",
        ]
        out += [_row(r) for r in expectations]
        out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _row(row: dict[str, Any]) -> str:
    failed = int(row["failed_checks"] or 0)
    mark = ("fail" if row["severity"] == "error" else "warn") if failed else "pass"
    ids = ", ".join(str(i) for i in row.get("failing_ids") or [])
    examples = f"<code>{_text(ids)}</code>" if ids else ""
    if failed and row.get("observed"):
        examples += f'<br><span class="muted">observed: {_text(str(row["observed"]))}</span>'
    return (
        f"<tr><td>{_text(row['suite'])}</td><td>{_text(row['expectation'])}</td><td>{_text(row['severity'])}</td>"
        f'<td class="n">{int(row["checks"])}</td><td class="n {mark}">{failed}</td>'
        f'<td class="n">{int(row["failing_rows"] or 0)}</td><td>{examples}</td></tr>'
    )


def _all_passed(count: int) -> str:
    return "the 1 expectation passed" if count == 1 else f"all {count} expectations passed"


def _text(value: object) -> str:
    return html.escape(str(value), quote=True)
