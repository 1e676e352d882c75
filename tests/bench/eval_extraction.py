"""Extraction evaluation: newslake against plain trafilatura on ../shared/eval, scored by its reference scorer.

Prints the scorer's summary lines for both extractors and pages per second for both, measured in
this run on one core, then newslake's body F1 on messy variants of the same pages in the two seed
shapes (tests/bench/messy.py) beside the clean figure. A variant that no longer holds the labelled
article (a page that renders its article from script data loses it with the scripts) is left out of
that comparison, messy and clean alike; the figure over all pages and the ids left out are printed
too. On boilerplate/ and dates/ it prints the metadata figures of ../shared/eval/score_extra.py for
newslake beside plain trafilatura and htmldate (`find_date(extensive_search=True)`, and as
`htmldate-orig` with `original_date=True` too), all run here on
the same pages. With --check FLOOR, exits non-zero when a newslake figure falls below the floor.
Usage: python -m tests.bench.eval_extraction [--eval DIR] [--sets aeb,fundus,boilerplate,dates]
                                             [--check tests/bench/extraction_floor.json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import htmldate
import trafilatura

from newslake.tasks.extract import extract_article
from newslake.tasks.normalize import normalize_document
from newslake.tasks.records import Article, RawDocument
from tests.bench.messy import escaped_variant, holds_article, page_title, text_variant

Prediction = dict[str, Any]
_SUMMARY = re.compile(r"(\w+)=([0-9.]+)")


def newslake_predict(page_id: str, html: bytes) -> Prediction:
    raw = RawDocument(page_id, page_id, html, datetime.now(UTC), len(html))
    try:
        normalized = normalize_document(raw, 50_000_000)
        article = extract_article(normalized) if not hasattr(normalized, "reason") else None  # type: ignore[arg-type]
    except Exception as error:  # a crash is a finding: counted by the scorer and printed here
        print(f"newslake crashed on {page_id}: {type(error).__name__}: {error}")
        return _prediction(page_id, None, None, None, None) | {"crashed": True}
    if not isinstance(article, Article):
        return _prediction(page_id, None, None, None, None) | {"rejected": True}
    date = article.published_on.isoformat() if article.published_on else None
    return _prediction(page_id, article.title, list(article.authors), date, article.text)


def trafilatura_predict(page_id: str, html: bytes) -> Prediction:
    doc = trafilatura.bare_extraction(html.decode("utf-8", "replace"), with_metadata=True)
    if doc is None:
        return _prediction(page_id, None, None, None, None)
    return _prediction(page_id, doc.title, doc.author, doc.date, doc.text)


def htmldate_predict(page_id: str, html: bytes, original: bool = False) -> Prediction:
    # original: the publication date rather than the latest one, the reading newslake's own search uses.
    found = htmldate.find_date(html.decode("utf-8", "replace"), extensive_search=True, original_date=original)
    return _prediction(page_id, None, None, found, None)


def _prediction(page_id: str, title: str | None, author: Any, date: str | None, text: str | None) -> Prediction:
    # Both scorers' field names: score_extraction.py reads author/date, score_extra.py authors/published_at.
    return {"id": page_id, "title": title, "author": author, "date": date, "published_at": date, "text": text}


@lru_cache(maxsize=4)
def load_truth(eval_dir: Path, name: str) -> dict[str, Any]:
    """Give back a set's labelled pages (read once per run)."""
    result: dict[str, Any] = json.loads((eval_dir / name / "truth.json").read_text(encoding="utf-8"))
    return result


def pages(eval_dir: Path, name: str) -> list[tuple[str, bytes]]:
    truth = load_truth(eval_dir, name)
    found = []
    folder = eval_dir / name / "pages" if (eval_dir / name / "pages").is_dir() else eval_dir / name
    for page_id in sorted(truth):
        # A few files of the extra sets repeat the part of their id after its first dot in the name.
        names = (f"{page_id}.html.gz", f"{page_id}{page_id[page_id.find('.') :]}.html.gz" if "." in page_id else "")
        path = next((folder / n for n in names if n and (folder / n).exists()), None)
        if path is not None:
            found.append((page_id, gzip.decompress(path.read_bytes())))
    return found


def messy_pages(eval_dir: Path, name: str, shape: str) -> list[tuple[str, bytes]]:
    """Give back the pages of a set turned into one of the seed shapes (see tests/bench/messy.py)."""
    truth = load_truth(eval_dir, name)
    items = []
    for page_id, page in pages(eval_dir, name):
        if shape == "escaped":
            items.append((page_id, escaped_variant(page)))
        else:
            title = truth[page_id].get("title") or page_title(page)
            items.append((page_id, text_variant(title, truth[page_id].get("body") or "")))
    return items


def lost_articles(eval_dir: Path, name: str, items: list[tuple[str, bytes]]) -> list[str]:
    """Give back the ids of messy variants that no longer hold the labelled article (see holds_article)."""
    truth = load_truth(eval_dir, name)
    return [page_id for page_id, page in items if not holds_article(page, truth[page_id].get("body") or "")]


def subset_truth(eval_dir: Path, name: str, leave_out: list[str], folder: Path) -> Path:
    """Write a data folder whose truth holds every page of the set but those left out; give it back."""
    truth = load_truth(eval_dir, name)
    (folder / name).mkdir(parents=True, exist_ok=True)
    kept = {page_id: value for page_id, value in truth.items() if page_id not in leave_out}
    (folder / name / "truth.json").write_text(json.dumps(kept, ensure_ascii=False), encoding="utf-8")
    return folder


def run(predict: Callable[[str, bytes], Prediction], items: list[tuple[str, bytes]], out: Path) -> float:
    started = time.perf_counter()
    predictions = [predict(page_id, html) for page_id, html in items]
    elapsed = time.perf_counter() - started
    out.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in predictions), encoding="utf-8")
    return len(items) / elapsed


def score(eval_dir: Path, predictions: Path, name: str, data_dir: Path | None = None) -> str:
    command = [
        sys.executable,
        str(eval_dir / "score_extraction.py"),
        str(predictions),
        name,
        "--data-dir",
        str(data_dir or eval_dir),
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return output.strip().splitlines()[-1]


def body_f1(summary: str) -> float:
    return {k: float(v) for k, v in _SUMMARY.findall(summary)}["body_f1"]


# The extra sets: folder, score_extra.py's name for it, the plain libraries beside newslake, and the
# figures kept (name in the floor file -> path in the scorer's JSON; "1-" keeps a rate as a floor).
EXTRA_SETS: dict[str, tuple[str, tuple[str, ...], dict[str, str]]] = {
    "boilerplate": (
        "trafilatura",
        ("trafilatura",),
        {
            "snippet_f1": "snippets.f1",
            "title_em": "title.exact",
            "author_set": "author.set_equal",
            "no_spurious_author": "1-author.spurious_author_rate",
            "date_em": "date.exact",
        },
    ),
    "dates": (
        "htmldate",
        ("trafilatura", "htmldate", "htmldate-orig"),
        {"date_em": "exact", "dated": "1-no_date_given"},
    ),
}
PREDICTORS: dict[str, Callable[[str, bytes], Prediction]] = {
    "trafilatura": trafilatura_predict,
    "htmldate": htmldate_predict,
    "htmldate-orig": partial(htmldate_predict, original=True),
    "newslake": newslake_predict,
}


def score_extra(eval_dir: Path, name: str, predictions: dict[str, Path], out: Path) -> dict[str, Any]:
    """Score prediction files on one of score_extra.py's sets; give back its metrics by predictor."""
    scorer_name = EXTRA_SETS[name][0]
    command = [sys.executable, str(eval_dir / "score_extra.py"), scorer_name, "--json", str(out)]
    command += [f"--pred={label}={path}" for label, path in predictions.items()]
    subprocess.run(command, capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return result


def pick(metrics: dict[str, Any], path: str) -> float:
    """Give back the figure at a dotted path of the scorer's JSON; "1-path" gives its complement."""
    complement = path.startswith("1-")
    value: Any = metrics
    for key in path.removeprefix("1-").split("."):
        value = value[key]
    return 1.0 - float(value) if complement else float(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--eval", type=Path, default=Path(__file__).resolve().parents[3] / "shared" / "eval")
    parser.add_argument("--check", type=Path, help="floor file: fail when newslake scores below it")
    parser.add_argument("--sets", default="aeb,fundus,boilerplate,dates", help="comma-separated sets to run")
    args = parser.parse_args()
    if not (args.eval / "score_extraction.py").exists():
        print(f"no evaluation data at {args.eval}: nothing to evaluate")
        return
    chosen = args.sets.split(",")
    figures: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in (n for n in ("aeb", "fundus") if n in chosen):
            items = pages(args.eval, name)
            for label, predict in (("trafilatura", trafilatura_predict), ("newslake", newslake_predict)):
                out = Path(tmp) / f"{label}-{name}.jsonl"
                pps = run(predict, items, out)
                summary = score(args.eval, out, name)
                print(f"{label:12s} {summary} pages_per_s={pps:.1f}")
                if label == "newslake":
                    figures[name] = {k: float(v) for k, v in _SUMMARY.findall(summary)}
            for shape in ("escaped", "text"):
                out = Path(tmp) / f"messy-{shape}-{name}.jsonl"
                variants = messy_pages(args.eval, name, shape)
                run(newslake_predict, variants, out)
                body = body_f1(score(args.eval, out, name))
                lost = lost_articles(args.eval, name, variants)
                if not lost:
                    figures[f"{name}:messy-{shape}"] = {"body_f1": body}
                    print(f"newslake messy:{shape:7s} {name} body_f1={body:.3f} (clean {figures[name]['body_f1']:.3f})")
                    continue
                # Compare on the pages whose variant still holds the article, clean and messy alike.
                subset = subset_truth(args.eval, name, lost, Path(tmp) / f"without-lost-{shape}")
                kept_body = body_f1(score(args.eval, out, name, subset))
                kept_clean = body_f1(score(args.eval, Path(tmp) / f"newslake-{name}.jsonl", name, subset))
                figures[f"{name}:messy-{shape}"] = {"body_f1": kept_body}
                print(
                    f"newslake messy:{shape:7s} {name} body_f1={kept_body:.3f} (clean {kept_clean:.3f}) on the "
                    f"{len(variants) - len(lost)} pages whose variant holds the article; all {len(variants)}: "
                    f"{body:.3f} (clean {figures[name]['body_f1']:.3f}); lost with the scripts: {', '.join(lost)}"
                )
        for name in (n for n in EXTRA_SETS if n in chosen):
            _, baselines, kept = EXTRA_SETS[name]
            items = pages(args.eval, name)
            files, speeds = {}, {}
            for label in (*baselines, "newslake"):
                files[label] = Path(tmp) / f"{label}-{name}.jsonl"
                speeds[label] = run(PREDICTORS[label], items, files[label])
            metrics = score_extra(args.eval, name, files, Path(tmp) / f"{name}.json")
            for label in files:
                shown = " ".join(f"{key}={pick(metrics[label], path):.3f}" for key, path in kept.items())
                print(f"{label:12s} {name} {shown} n={len(items)} pages_per_s={speeds[label]:.1f}")
            figures[name] = {key: pick(metrics["newslake"], path) for key, path in kept.items()}
    if args.check:
        floor = json.loads(args.check.read_text(encoding="utf-8"))
        failures = [
            f"{name}.{metric}: {figures[name].get(metric, 0.0):.3f} < floor {minimum:.3f}"
            for name, metrics in floor.items()
            if name != "page_types"  # checked by tests.bench.page_types
            for metric, minimum in metrics.items()
            if figures.get(name, {}).get(metric, 0.0) + 1e-9 < minimum
        ]
        if failures:
            sys.exit("extraction fell below the floor:\n  " + "\n  ".join(failures))
        print(f"extraction at or above the floor in {args.check}")


if __name__ == "__main__":
    main()
