"""Junk at the top: the top 20 people, organisations and places of a real corpus, and how many are junk.

Runs newslake's document step (extraction, the language policy, entities) in process over the HTML
pages of ../shared/eval (aeb, fundus, boilerplate, dates; each page once), counts articles and
mentions per entity as the warehouse's resolved_entities view resolves them (its own SQL, run here),
ranks them as the top_entities view does (by stories, then articles, then mentions; each page here is
its own story) and prints the top 20 per label. Each name is looked up in tests/bench/top_entities_review.json, a
hand-made list of names judged a named entity of that label or not; the figures are the junk count
and the names nobody has judged yet (judge them and add them, so the count stays honest). It also
counts the pairs among the top 30 people that are one person split in two as the names show it
("Biden" beside "Joe Biden").
It first prints the entity coverage per language: articles an entity model read, articles given only
their places (no model for the language, tasks/places.py), and how many of either have any entity.
With --check FLOOR, exits non-zero when the junk or the unjudged names exceed their ceilings.
Usage: python -m tests.bench.bench_top_entities [--eval DIR] [--top 20] [--check FLOOR]
"""

from __future__ import annotations

import argparse
import gzip
import json
import unicodedata
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from newslake.flows.settings import Settings
from newslake.flows.workers import init_worker, process_chunk
from newslake.tasks.identify import entity_id_for
from newslake.tasks.records import RawDocument
from newslake.warehouse.migrate import list_views
from tests.bench.floors import check_floor

HERE = Path(__file__).resolve().parent
LABELS = {"PERSON": "people", "ORG": "organisations", "GPE": "places"}


def corpus(eval_dir: Path) -> list[RawDocument]:
    """Give back the HTML pages of the development sets as documents, each page once (the dates and
    boilerplate sets share some)."""
    paths = sorted((eval_dir / "aeb").glob("*.html.gz")) + sorted((eval_dir / "fundus").rglob("*.html.gz"))
    paths += sorted((eval_dir / "boilerplate" / "pages").glob("*.html.gz"))
    paths += sorted((eval_dir / "dates" / "pages").glob("*.html.gz"))
    now = datetime.now(UTC)
    docs: dict[bytes, RawDocument] = {}
    for path in paths:
        body = gzip.decompress(path.read_bytes())
        docs.setdefault(body, RawDocument(f"d{len(docs)}", path.as_uri(), body, now, len(body)))
    return list(docs.values())


def resolved_counts(
    mentions: list[tuple[int, str, str, int, tuple[str, ...]]],
) -> dict[str, dict[str, tuple[int, int]]]:
    """Give back (articles, mentions) per label and name from (article, name, label, count, spellings)
    rows, each entity under the name the warehouse's resolved_entities view gives it: the view's own SQL
    runs here over an in-memory copy of the two tables it reads (an entity row keeps the first
    spelling loaded, as the warehouse does; the view shows the spelling most articles use, and a
    person's name however the articles spell it)."""
    ids = {(name, label): entity_id_for(name, label) for _, name, label, _, _ in mentions}
    first: dict[str, tuple[str, str]] = {}
    for (name, label), entity_id in ids.items():
        first.setdefault(entity_id, (name, label))
    con = duckdb.connect()
    con.execute("CREATE TABLE entities (entity_id VARCHAR, name VARCHAR, label VARCHAR)")
    con.execute("CREATE TABLE mentions (entity_id VARCHAR, mention_count BIGINT, surface_forms VARCHAR[])")
    con.executemany("INSERT INTO entities VALUES (?, ?, ?)", [(i, n, lb) for i, (n, lb) in first.items()])
    con.executemany(
        "INSERT INTO mentions VALUES (?, ?, ?)", [(ids[(n, lb)], c, list(f)) for _, n, lb, c, f in mentions]
    )
    con.execute(f"CREATE VIEW resolved_entities AS {dict(list_views())['resolved_entities']}")
    resolved = dict(con.execute("SELECT entity_id, resolved_name FROM resolved_entities").fetchall())
    print_shared_surnames(first, resolved)
    articles: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for article, name, label, count, _ in mentions:
        name = resolved[ids[(name, label)]]
        articles[label][name].add(article)
        counts[label][name] += count
    return {label: {n: (len(articles[label][n]), counts[label][n]) for n in counts[label]} for label in counts}


def print_shared_surnames(first: dict[str, tuple[str, str]], resolved: dict[str, str]) -> None:
    """Print the surnames that several people of the corpus bear and the view gives to one of them (the
    one far more articles name), so that a wrong merge shows."""
    people = [name for name, label in first.values() if label == "PERSON"]
    bearers: dict[str, set[str]] = defaultdict(set)
    for name in people:
        if " " in name:
            bearers[_folded(name).split()[-1]].add(resolved.get(entity_id_for(name, "PERSON"), name))
    given = sorted(
        f"{name} -> {resolved[entity_id]} (of {len(bearers[_folded(name)])})"
        for entity_id, (name, label) in first.items()
        if label == "PERSON" and " " not in name and resolved[entity_id] != name and len(bearers[_folded(name)]) > 1
    )
    print(f"surnames several people bear, given to the one far more articles name: {given}")


def _folded(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()


def split_people(names: list[str]) -> list[tuple[str, str]]:
    """Give back the pairs of a list of people's names that are one person counted twice, as far as the
    names show: a one-word name and a longer one it is the last word of ("Biden", "Joe Biden")."""
    folded = {n: _folded(n) for n in names}
    return [
        (short, full)
        for short in names
        if " " not in short
        for full in names
        if full != short and folded[full].split()[-1] == folded[short]
    ]


def ranked(counts: dict[str, tuple[int, int]], top: int) -> list[str]:
    """Give back the top names by articles, then mentions, then name."""
    return sorted(counts, key=lambda n: (-counts[n][0], -counts[n][1], n))[:top]


def print_coverage(coverage: dict[str, Counter[str]]) -> None:
    """Print, per language, the articles an entity model read, those given only their places (no model
    for the language), and how many of either have any entity."""
    for language, tally in sorted(coverage.items(), key=lambda item: (-item[1]["articles"], item[0])):
        print(
            f"coverage {language} articles={tally['articles']} model={tally['model']} "
            f"places_only={tally['places_only']} with_entities={tally['with_mentions']}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--eval", type=Path, default=HERE.parents[2] / "shared" / "eval")
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--check", type=Path, help="ceiling file (tests/bench/quality_floor.json)")
    args = parser.parse_args()
    if not (args.eval / "aeb").is_dir():
        print(f"no evaluation data at {args.eval}: nothing to evaluate")
        return
    settings = Settings()
    init_worker(settings.entities.model, settings.run.max_document_bytes)
    mentions: list[tuple[int, str, str, int, tuple[str, ...]]] = []
    coverage: dict[str, Counter[str]] = defaultdict(Counter)
    docs = corpus(args.eval)
    for start in range(0, len(docs), 50):
        for n, processed in enumerate(process_chunk(docs[start : start + 50]), start):
            mentions += [(n, m.name, m.label, m.count, m.surface_forms) for m in processed.mentions]
            if processed.article is not None:
                tally = coverage[processed.article.language or "unknown"]
                tally["articles"] += 1
                tally["places_only" if processed.article.entities_skipped else "model"] += 1
                tally["with_mentions"] += bool(processed.mentions)
    print_coverage(coverage)
    review = json.loads((HERE / "top_entities_review.json").read_text(encoding="utf-8"))
    counts = resolved_counts(mentions)
    figures: dict[str, float] = {"unjudged": 0}
    for label, title in LABELS.items():
        top = ranked(counts.get(label, {}), args.top)
        junk = [n for n in top if n in review[label]["junk"]]
        unjudged = [n for n in top if n not in review[label]["junk"] and n not in review[label]["ok"]]
        print(f"top {args.top} {title}: {top}")
        print(f"newslake     top_entities {label} junk={len(junk)}/{len(top)} unjudged={len(unjudged)} {junk}")
        if unjudged:
            print(f"  not judged yet (add them to tests/bench/top_entities_review.json): {unjudged}")
        figures[f"junk_{label}"] = len(junk)
        figures["unjudged"] += len(unjudged)
    split = split_people(ranked(counts.get("PERSON", {}), 30))
    print(f"newslake     top_entities split_people={len(split)} (pairs among the top 30 people) {split}")
    figures["split_people"] = len(split)
    if args.check:
        check_floor(figures, args.check, "top_entities")


if __name__ == "__main__":
    main()
