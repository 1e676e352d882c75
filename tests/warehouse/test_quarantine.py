"""Which stored documents `newslake reprocess` takes: the quarantined ones, or every current one, filtered."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newslake.warehouse.lake import connect
from newslake.warehouse.load import LoadBatch, StoredDocument, load_batch
from newslake.warehouse.maintain import drop_raw
from newslake.warehouse.quarantine import reprocess_candidates
from tests.lakes import new_lake, sample_batch


def _two_languages() -> LoadBatch:
    """A batch of two stored articles from two sources: one in English, one in German."""
    batch = sample_batch()
    english = replace(batch.articles[0][1], doc_id="en-doc", source_uri="file:///news/en.html", language="en")
    german = replace(english, doc_id="de-doc", source_uri="file:///blog/de.html", language="de")
    now = datetime(2026, 1, 2, tzinfo=UTC)
    batch.documents[:] = [
        StoredDocument(a.doc_id, a.source_uri, now, "html", "utf-8", 3, b"abc") for a in (english, german)
    ]
    batch.sources[:] = [(a.source_uri, a.doc_id) for a in (english, german)]
    batch.articles[:] = [("art-en", english), ("art-de", german)]
    batch.mentions.clear()
    batch.spans.clear()
    batch.quotes.clear()
    return batch


def test_every_current_document_can_be_narrowed_to_a_source_or_a_language(tmp_path: Path) -> None:
    con = connect(new_lake(tmp_path / "lake"))
    try:
        load_batch(con, _two_languages())

        def chosen(**filters: object) -> list[str]:
            args = {"run_id": None, "reason": None, "source": None, "everything": True, "language": None}
            return [d.doc_id for d in reprocess_candidates(con, **{**args, **filters}).documents]  # type: ignore[arg-type]

        assert chosen() == ["de-doc", "en-doc"]  # by source
        # --all --source used to take every document whatever the source.
        assert chosen(source="news/") == ["en-doc"]
        assert chosen(language="de") == ["de-doc"]
        assert chosen(language="fr") == []
        # Quarantined documents have no article, so no language: none match one.
        assert chosen(everything=False, language="de") == []
    finally:
        con.close()


def test_documents_whose_raw_bytes_were_dropped_are_counted_not_chosen(tmp_path: Path) -> None:
    con = connect(new_lake(tmp_path / "lake"))
    try:
        load_batch(con, _two_languages())
        assert drop_raw(con, timedelta(0)) == 2  # every stored document's bytes dropped, as keep_raw_days = 0
        load_batch(con, _two_languages())  # the same bytes again: known, and not stored a second time
        chosen = reprocess_candidates(con, None, None, None, everything=True)
        assert chosen.documents == [] and chosen.raw_dropped == 2
        only_german = reprocess_candidates(con, None, None, None, everything=True, language="de")
        assert only_german.raw_dropped == 1
    finally:
        con.close()
