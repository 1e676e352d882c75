"""Story clusters benchmark: precision and recall on a labelled sample built from real pages, a
threshold sweep, and the cost of placing 1,000 articles as the warehouse grows.

The labelled sample (from ../shared/eval; nothing is copied into the repository):
- every fundus and aeb page through newslake's own extraction, and the 84 PolNeAR articles as text;
- the same article in another form: the page's escaped and plain-text variants (tests/bench/messy.py),
  extracted like any document;
- syndicated copies made from each text the way wire copy is edited: a dateline and a credit line with
  the last paragraph cut; the first 60% of the paragraphs (a trimmed copy); a light rewrite (a new first
  sentence, one paragraph dropped, one word in twenty changed);
- pairs that are not the same story: every two different articles, among them same-publisher and
  same-topic pairs (PolNeAR's 2016 campaign stories).
Articles are placed one by one in a shuffled order with the warehouse's own placement rule
(tasks.clusters.place_articles), and pairs of articles are scored: same predicted story vs same group.

Usage: python -m tests.bench.bench_clusters [--eval DIR] [--grow N]
"""

from __future__ import annotations

import argparse
import gzip
import random
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from itertools import combinations
from pathlib import Path

import numpy as np

from newslake.tasks.clusters import THRESHOLD, StorySignature, place_articles, story_signature
from tests.bench.eval_extraction import load_truth, messy_pages, newslake_predict, pages


def paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n") if p.strip()]


def wire_copy(text: str) -> str:
    kept = paragraphs(text)
    kept = kept[:-1] if len(kept) > 2 else kept
    return "\n".join(["NEW YORK (Wire) —", *kept, "Reporting by staff; editing by the desk."])


def trimmed(text: str) -> str:
    kept = paragraphs(text)
    return "\n".join(kept[: max(1, round(len(kept) * 0.6))])


def light_rewrite(text: str, rng: random.Random) -> str:
    kept = paragraphs(text)
    if len(kept) > 3:
        kept.pop(rng.randrange(1, len(kept) - 1))
    body = "\n".join(kept)
    first_end = body.find(". ")
    if first_end > 0:
        body = "In a development on Tuesday, officials confirmed the news." + body[first_end + 1 :]
    words = body.split(" ")
    for i in range(0, len(words), 20):
        words[i] = rng.choice(["also", "reportedly", "meanwhile", "however", "still"])
    return " ".join(words)


def sample(eval_dir: Path, rng: random.Random) -> list[tuple[str, str, str]]:
    """Give back (group, kind, text) items: a group is one story."""
    items: list[tuple[str, str, str]] = []
    for name in ("fundus", "aeb"):
        forms = {"original": dict(pages(eval_dir, name))}
        forms["escaped form"] = dict(messy_pages(eval_dir, name, "escaped"))
        forms["plain-text form"] = dict(messy_pages(eval_dir, name, "text"))
        for page_id in sorted(forms["original"]):
            for kind, found in forms.items():
                text = newslake_predict(page_id, found[page_id])["text"] if page_id in found else None
                if text:
                    items.append((f"{name}/{page_id}", kind, text))
    folder = eval_dir / "quotes" / "pages"
    for path in sorted(folder.glob("*.txt.gz")):
        items.append((f"polnear/{path.name}", "original", gzip.decompress(path.read_bytes()).decode("utf-8")))
    originals = [(group, text) for group, kind, text in items if kind == "original"]
    for group, text in originals:
        items.append((group, "wire copy", wire_copy(text)))
        items.append((group, "trimmed copy (60%)", trimmed(text)))
        items.append((group, "light rewrite", light_rewrite(text, rng)))
    return items


def score(items: list[tuple[str, str, str]], clusters: list[str]) -> tuple[float, float, Counter[str], Counter[str]]:
    """Pairwise precision and recall of same-story; recall per kind of copy."""
    tp = fp = fn = 0
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for a, b in combinations(range(len(items)), 2):
        same = items[a][0] == items[b][0]
        predicted = clusters[a] == clusters[b]
        tp += same and predicted
        fp += predicted and not same
        fn += same and not predicted
        if same and "original" in (items[a][1], items[b][1]):
            kind = items[b][1] if items[a][1] == "original" else items[a][1]
            total[kind] += 1
            found[kind] += predicted
    return tp / max(1, tp + fp), tp / max(1, tp + fn), found, total


def sweep(items: list[tuple[str, str, str]], signatures: list[StorySignature | None]) -> None:
    """Pairwise precision and recall of 'estimated similarity >= t' for a few thresholds."""
    keep = [i for i, s in enumerate(signatures) if s is not None]
    values = np.stack([np.frombuffer(signatures[i].hashvalues, dtype="<u4") for i in keep])  # type: ignore[union-attr]
    groups = np.array([items[i][0] for i in keep])
    thresholds = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
    tp, fp, fn = Counter[float](), Counter[float](), Counter[float]()
    closest: list[tuple[float, str, str]] = []
    for row in range(len(keep) - 1):
        similar = (values[row + 1 :] == values[row]).mean(axis=1)
        same = groups[row + 1 :] == groups[row]
        if (~same).any():
            other = int(np.argmax(np.where(same, -1.0, similar)))
            closest.append((float(similar[other]), str(groups[row]), str(groups[row + 1 + other])))
        for t in thresholds:
            hit = similar >= t
            tp[t] += int(np.count_nonzero(hit & same))
            fp[t] += int(np.count_nonzero(hit & ~same))
            fn[t] += int(np.count_nonzero(~hit & same))
    for value, a, b in sorted(closest, reverse=True)[:3]:
        print(f"most similar different stories: {value:.3f} {a} / {b}")
    for t in thresholds:
        precision = tp[t] / max(1, tp[t] + fp[t])
        recall = tp[t] / max(1, tp[t] + fn[t])
        print(f"sweep threshold={t:.1f} pair_precision={precision:.3f} pair_recall={recall:.3f} false_pairs={fp[t]}")


def growth(sizes: list[int], vocabulary: list[str], rng: random.Random) -> None:
    """Time placing 1,000 new articles (signatures, candidate lookup, writes) on a real lake of each size."""
    from newslake.warehouse.clusters import store_clusters
    from newslake.warehouse.lake import LakeLocation, connect
    from newslake.warehouse.migrate import migrate

    def text() -> str:
        return " ".join(rng.choice(vocabulary) for _ in range(400))

    with tempfile.TemporaryDirectory() as folder:
        con = connect(LakeLocation.under(Path(folder) / "lake"))
        migrate(con)
        stored = 0
        for size in sizes:
            while stored < size:
                batch = [(f"a{stored + i}", story_signature(text())) for i in range(1000)]
                store_clusters(con, "grow", datetime.now(UTC), batch)
                stored += 1000
            texts = [text() for _ in range(1000)]
            started = time.perf_counter()
            signed = [(f"n{stored + i}", story_signature(t)) for i, t in enumerate(texts)]
            signing = time.perf_counter() - started
            placed_at = time.perf_counter()
            store_clusters(con, "probe", datetime.now(UTC), signed)
            placing = time.perf_counter() - placed_at
            stored += 1000
            print(
                f"clusters warehouse_articles={size} per_1000_s={signing + placing:.2f} "
                f"(signatures {signing:.2f} s, lookup and writes {placing:.2f} s)"
            )
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--eval", type=Path, default=Path(__file__).resolve().parents[3] / "shared" / "eval")
    parser.add_argument("--grow", type=int, default=50_000, help="largest warehouse size for the cost figures")
    args = parser.parse_args()
    if not (args.eval / "fundus").is_dir():
        print(f"no evaluation data at {args.eval}: nothing to measure")
        return
    rng = random.Random(7)
    started = time.perf_counter()
    items = sample(args.eval, rng)
    load_truth.cache_clear()
    signatures = [story_signature(text) for _, _, text in items]
    order = list(range(len(items)))
    rng.shuffle(order)
    placed = place_articles([(str(i), signatures[i]) for i in order], {})
    cluster_of = {int(p.article_id): p.cluster_id for p in placed}
    clusters = [cluster_of[i] for i in range(len(items))]
    precision, recall, found, total = score(items, clusters)
    groups = len({g for g, _, _ in items})
    print(
        f"labelled sample: {len(items)} articles in {groups} stories, "
        f"{sum(s is None for s in signatures)} too short to compare ({time.perf_counter() - started:.0f} s)"
    )
    print(f"clusters threshold={THRESHOLD} pair_precision={precision:.3f} pair_recall={recall:.3f}")
    for kind in sorted(total):
        print(f"  recall of {kind} vs original: {found[kind] / total[kind]:.3f} ({found[kind]}/{total[kind]})")
    sweep(items, signatures)
    vocabulary = sorted({w for _, _, text in items for w in text.split()})
    growth([1000, 10_000, args.grow], vocabulary, rng)


if __name__ == "__main__":
    main()
