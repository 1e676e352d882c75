"""Is this an article? newslake's page verdicts on a labelled set of page kinds, with precision and recall.

The set (tests/bench/page_types.json): every page of ../shared/eval/aeb and fundus (articles), pages
of ../shared/eval/boilerplate and dates labelled by hand, and the pages of tests/bench/page_types/ (written for
this set in the shape of common CMS output: error, log-in, search, listing and product pages, and
short posts, a link round-up and a news brief that are articles). "Positive" is not an article: precision
is the share of pages newslake refuses that are not articles, recall the share of non-articles it refuses.
With --check FLOOR, exits non-zero when precision or recall falls below tests/bench/extraction_floor.json.
Usage: python -m tests.bench.page_types [--eval DIR] [--check tests/bench/extraction_floor.json]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from newslake.tasks.extract import extract_article
from newslake.tasks.normalize import normalize_document
from newslake.tasks.records import Article, RawDocument, Rejection
from tests.bench.eval_extraction import load_truth, pages

HERE = Path(__file__).resolve().parent


def verdict(page_id: str, html: bytes, url: str | None) -> tuple[str, str]:
    """Give back newslake's page kind and evidence (no_article when extraction finds no text)."""
    doc = normalize_document(RawDocument(page_id, page_id, html, datetime.now(UTC), len(html)), 50_000_000)
    if isinstance(doc, Rejection):
        return doc.reason, doc.detail
    article = extract_article(doc, url)
    if not isinstance(article, Article):
        return article.reason, article.detail
    return article.page_kind, article.page_evidence


def labelled_pages(eval_dir: Path) -> list[tuple[str, str, bytes, str | None]]:
    """Give back (name, kind, page, url) for every labelled page."""
    labels = json.loads((HERE / "page_types.json").read_text(encoding="utf-8"))
    found: list[tuple[str, str, bytes, str | None]] = []
    for name in ("aeb", "fundus"):
        found += [(f"{name}/{page_id}", "article", html, None) for page_id, html in pages(eval_dir, name)]
    for name in ("boilerplate", "dates"):
        truth = load_truth(eval_dir, name)
        for page_id, html in pages(eval_dir, name):
            if page_id in labels[name]:
                found.append((f"{name}/{page_id}", labels[name][page_id][0], html, truth[page_id].get("url")))
    for path in sorted((HERE / "page_types").glob("*.html")):
        found.append((f"page_types/{path.name}", path.name.split("-")[0], path.read_bytes(), None))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--eval", type=Path, default=HERE.parents[2] / "shared" / "eval")
    parser.add_argument("--check", type=Path, help="floor file: fail when precision or recall falls below it")
    args = parser.parse_args()
    if not (args.eval / "aeb").is_dir():
        print(f"no evaluation data at {args.eval}: nothing to evaluate")
        return
    counts: Counter[str] = Counter()
    by_kind: Counter[tuple[str, bool]] = Counter()
    for name, kind, html, url in labelled_pages(args.eval):
        found, evidence = verdict(name, html, url)
        refused, not_article = found != "article", kind != "article"
        counts["tp" if refused and not_article else "fp" if refused else "fn" if not_article else "tn"] += 1
        by_kind[kind, found == kind or (not_article and refused)] += 1
        if refused != not_article or (not_article and found != kind):
            print(f"  {name}: labelled {kind}, newslake says {found}: {evidence}")
    precision = counts["tp"] / max(counts["tp"] + counts["fp"], 1)
    recall = counts["tp"] / max(counts["tp"] + counts["fn"], 1)
    kinds = sorted({k for k, _ in by_kind})
    shown = " ".join(f"{k}={by_kind[k, True]}/{by_kind[k, True] + by_kind[k, False]}" for k in kinds)
    print(
        f"newslake     page_types not_an_article_precision={precision:.3f} not_an_article_recall={recall:.3f} "
        f"n={sum(counts.values())} ({counts['tp'] + counts['fn']} not articles) by kind: {shown}"
    )
    if args.check:
        floor = json.loads(args.check.read_text(encoding="utf-8")).get("page_types", {})
        figures = {"not_an_article_precision": precision, "not_an_article_recall": recall}
        failures = [f"{k}: {figures[k]:.3f} < floor {v:.3f}" for k, v in floor.items() if figures[k] + 1e-9 < v]
        if failures:
            sys.exit("page verdicts fell below the floor:\n  " + "\n  ".join(failures))


if __name__ == "__main__":
    main()
