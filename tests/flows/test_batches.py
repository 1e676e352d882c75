"""The batches of a run: a refused article leaves none of its parts behind, the run freezes its
imports out of the garbage collector once per process, and the warehouse leaves the workers their cores."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from newslake.flows.batches import BatchWork, build_batch, decide_work
from newslake.flows.quality import BatchVerdict
from newslake.tasks.records import Article, EntitySpan, Link, Mention, ProcessedDocument, Quote, RawDocument, Rejection

NOW = datetime(2026, 1, 2, tzinfo=UTC)


def _document(name: str) -> tuple[RawDocument, ProcessedDocument]:
    uri = f"file:///{name}.html"
    article = Article(
        doc_id=name,
        source_uri=uri,
        title=f"{name} title",
        text="Jane Doe said words. " * 20,
        links=(Link(f"https://example.org/{name}", name),),
    )
    processed = ProcessedDocument(
        name,
        uri,
        "html",
        "utf-8",
        article=article,
        mentions=(Mention("Jane Doe", "PERSON", ("Jane Doe",), 1, 0),),
        spans=(EntitySpan(0, 8, "Jane Doe", "PERSON", "Jane Doe"),),
        quotes=(Quote(10, 20, "words", "Jane Doe", "PERSON", "said"),),
        ner_model="m-1",
    )
    return RawDocument(name, uri, b"<p>x</p>", NOW, 8), processed


def test_a_refused_article_loads_no_mention_span_quote_or_link() -> None:
    (raw_kept, kept), (raw_refused, refused) = _document("kept"), _document("refused")
    work = BatchWork(process=[raw_kept, raw_refused], status={"kept": "new", "refused": "new"})
    assert kept.article is not None and refused.article is not None
    articles = {"a-kept": kept.article, "a-refused": refused.article}
    rejection = Rejection("refused", refused.source_uri, "validate", "expectation_failed:enough_words", "")
    verdict = BatchVerdict(refused={"a-refused": rejection})

    batch = build_batch("r1", NOW, work, [kept, refused], verdict, articles, [])

    assert [aid for aid, _ in batch.articles] == ["a-kept"]
    for parts in (batch.mentions, batch.spans, batch.quotes):
        assert [aid for aid, _ in parts] == ["a-kept"]
    assert [link.url for _, a in batch.articles for link in a.links] == ["https://example.org/kept"]
    assert batch.rejections == [rejection]
    # The raw document of a refused article is still stored, so it can be reprocessed.
    assert {d.doc_id for d in batch.documents} == {"kept", "refused"}


def test_imports_are_frozen_once_per_process() -> None:
    import gc

    from newslake.flows.ingest import freeze_imports

    gc.unfreeze()
    try:
        freeze_imports()
        frozen = gc.get_freeze_count()
        assert frozen > 0
        leftovers = [[i] for i in range(1000)]  # objects of a later run
        freeze_imports()
        # None of them is frozen (the count may move by a few with other threads' bookkeeping).
        assert gc.get_freeze_count() < frozen + len(leftovers)
    finally:
        gc.unfreeze()


def test_while_the_pool_runs_the_warehouse_connection_uses_only_the_cores_the_workers_leave(tmp_path: Path) -> None:
    from newslake.flows.ingest import processing
    from newslake.flows.settings import RunSettings, Settings
    from newslake.flows.workers import available_cores, loader_threads
    from newslake.warehouse.lake import LakeLocation, connect

    con = connect(LakeLocation.under(tmp_path / "lake"))
    before = available_cores() + 1  # never the limit, which is at most the cores the workers leave
    con.execute(f"SET threads = {before}")
    with processing(con, Settings(run=RunSettings(workers=2))):
        assert con.execute("SELECT current_setting('threads')").fetchone() == (loader_threads(2, available_cores()),)
    assert con.execute("SELECT current_setting('threads')").fetchone() == (before,)


def test_a_forgotten_document_is_passed_over_even_when_reprocessing() -> None:
    from newslake.warehouse.load import SourcePlan

    at = datetime(2026, 1, 2, tzinfo=UTC)
    docs = [RawDocument(f"d{n}", f"https://a.example/{n}", b"x", at, 1) for n in (1, 2)]
    plans = {
        ("https://a.example/1", "d1"): SourcePlan("https://a.example/1", "d1", "forgotten", None),
        ("https://a.example/2", "d2"): SourcePlan("https://a.example/2", "d2", "new", None),
    }
    for force in (False, True):
        work = decide_work(docs, plans, force=force)
        assert [d.doc_id for d in work.process] == ["d2"] and (work.unchanged, work.forgotten) == (1, 1)
