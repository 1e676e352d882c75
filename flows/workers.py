"""Per-process document work: normalize, extract and find entities, one long-lived model per process."""

from __future__ import annotations

import ctypes
import logging
import math
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import replace
from typing import Any, TypeVar

from newslake.flows.interrupt import stopping_signal
from newslake.tasks.entities import NerModel, find_entities, group_mentions, load_ner_model
from newslake.tasks.normalize import normalize_document
from newslake.tasks.places import PLACES_ONLY, find_places, local_place_names
from newslake.tasks.quotes import find_quotes
from newslake.tasks.records import Article, EntitySpan, ProcessedDocument, RawDocument, Rejection

_MODEL: NerModel | None = None
_MORE_MODELS: dict[str, NerModel] = {}  # the models for other languages, loaded when an article needs one
_MODEL_NAME = ""
_MAX_BYTES = 0
_WARMING: threading.Thread | None = None
# Set once the warm-up has loaded what every chunk needs; the models for other languages load after it.
_READY = threading.Event()
_MODEL_LOCK = threading.Lock()  # one load of each other language's model, warm-up or chunk
NO_LIMIT = 0.0  # a document's decoding and extraction may take as long as it takes (runs pass run.document_timeout)
_DOCUMENT_SECONDS = NO_LIMIT


class DocumentTimeoutError(Exception):
    """Raised inside a document's extraction when it passes its time limit."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise DocumentTimeoutError in the block once it has run for `seconds` (0: no limit). Only in a
    process's main thread, where signals arrive; a long step in C ends before the error is raised.
    Libraries that catch every exception (trafilatura's fallbacks do) cannot swallow it: the timer
    fires again every quarter second, and a block that ends after its time raises all the same."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return
    expired = False
    deadline = time.monotonic() + seconds

    def expire(_number: int, _frame: object) -> None:
        nonlocal expired
        if time.monotonic() < deadline:
            return  # a signal an earlier block's timer left pending
        expired = True
        raise DocumentTimeoutError(f"took over {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.25)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    if expired:
        raise DocumentTimeoutError(f"took over {seconds:g} s")


def init_worker(model_name: str, max_bytes: int, document_seconds: float = NO_LIMIT) -> None:
    """Remember the settings of this process; the model loads on first use."""
    global _MODEL_NAME, _MAX_BYTES, _MODEL, _DOCUMENT_SECONDS
    # trafilatura logs every odd link it skips; that is noise on a user's console, not a problem.
    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    if model_name != _MODEL_NAME:
        _MODEL = None
        _MORE_MODELS.clear()
    _MODEL_NAME, _MAX_BYTES, _DOCUMENT_SECONDS = model_name, max_bytes, document_seconds


# glibc's allocator hands freed blocks above a threshold straight back to the system (mmap'd blocks
# at free, the heap's free top past the trim threshold), and the NER model's per-batch arrays come
# and go in such sizes: each chunk then faulted the same pages in again, which cost a worker about 4%
# of its CPU in the kernel. With these limits the freed memory is reused.
_M_TRIM_THRESHOLD = -1  # mallopt parameter numbers, from glibc's malloc.h
_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 64 * 2**20
TRIM_THRESHOLD = 256 * 2**20


def keep_freed_memory() -> bool:
    """Let this process's C allocator keep freed memory for reuse (up to TRIM_THRESHOLD free at the top
    of its heap, blocks up to MMAP_THRESHOLD from the heap) instead of returning it to the system at
    once; give back whether the allocator took the settings (glibc does, others are left as they are).
    A user's own MALLOC_MMAP_THRESHOLD_ or MALLOC_TRIM_THRESHOLD_ in the environment wins."""
    if any(name in os.environ for name in ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_")):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))


def start_pool_worker(model_name: str, max_bytes: int, document_seconds: float = NO_LIMIT) -> None:
    """Set up a pool process: lower its priority, so the process that plans and loads batches never
    waits for a core, let its allocator reuse freed memory, and load its model and extractor in the
    background. The process takes work at once (the first chunk waits for the model), and a pool that
    gets no work shuts down without waiting for the load."""
    global _WARMING
    os.nice(5)
    # Ctrl-C is for the main process, which stops the run and these processes with it; and a worker
    # whose main process is gone (killed, even with SIGKILL) exits instead of lingering.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), name="newslake-parent-watch", daemon=True).start()
    keep_freed_memory()
    init_worker(model_name, max_bytes, document_seconds)
    _READY.clear()  # a process forked from the warm process inherits it set
    _WARMING = threading.Thread(target=warm_up, name="newslake-warm-up", daemon=True)
    _WARMING.start()


def _exit_with_parent(parent: int, every: float = 0.5) -> None:
    while os.getppid() == parent:
        time.sleep(every)
    os._exit(1)


def warm_up() -> None:
    """Load everything a worker loads on first use: the extractor's modules, the first NER model, the
    language model, the place gazetteer and its names in the models' languages (about 1.5 s in all);
    then say the worker is ready for its first chunk, and load the models for other languages, the
    mojibake repair's library and the fallback extractor's stop lists after it. French alone took 2.5 s
    of a new process: a chunk of English pages no longer waits for it, and one in French waits only for
    that model's load. A model that does not load fails again, with its own message, where it is first
    used."""
    try:
        with suppress(Exception):
            import newslake.tasks.extract  # noqa: F401  (trafilatura and lxml: their import is most of the extractor's start)
            from newslake.tasks.language import identifier

            model()
            identifier()
            for name in model_names(_MODEL_NAME):
                local_place_names(model_language(name))  # builds the gazetteer on the way
    finally:
        _READY.set()
    with suppress(Exception):
        for name in model_names(_MODEL_NAME)[1:]:
            model_for(model_language(name))
    with suppress(Exception):
        import ftfy  # noqa: F401  (the mojibake repair's library, imported on first use otherwise)
    with suppress(Exception):  # trafilatura's own helper: last, so a rename upstream costs only this step
        from trafilatura.external import jt_stoplist_init

        jt_stoplist_init()  # the fallback extractor's stop lists, read when it first rescues a page


def _wait_for_warm_up() -> None:
    # Work waits for the warm-up's first part instead of loading the same things beside it a second time.
    if _WARMING is not None and _WARMING is not threading.current_thread():
        _READY.wait()


def model() -> NerModel:
    """Give back this process's first NER model (the one for texts of unknown language), loading it once."""
    global _MODEL
    _wait_for_warm_up()
    if _MODEL is None:
        _MODEL = load_ner_model(model_names(_MODEL_NAME)[0])
    return _MODEL


def model_names(setting: str) -> list[str]:
    """Give back the spaCy pipelines of `entities.model`: a comma-separated list, one per language."""
    return [name.strip() for name in setting.split(",") if name.strip()]


def model_language(name: str) -> str:
    """Give back the language a spaCy pipeline reads, from its package name ("fr_core_news_sm" -> "fr")."""
    return name.split("_", 1)[0].lower()


def model_for(language: str | None) -> NerModel | None:
    """Give back this process's model for a language (the first model when the language is unknown),
    loading it on first use, or None when no configured model reads the language."""
    first = model()
    if language is None or language == first.language:
        return first
    name = next((n for n in model_names(_MODEL_NAME)[1:] if model_language(n) == language), None)
    if name is None:
        return None
    with _MODEL_LOCK:  # the warm-up may be loading it: wait for that load rather than load it twice
        if name not in _MORE_MODELS:
            _MORE_MODELS[name] = load_ner_model(name)
    return _MORE_MODELS[name]


def process_chunk(docs: Sequence[RawDocument]) -> list[ProcessedDocument]:
    """Give back each document processed: an article with its mentions, or a rejection."""
    _wait_for_warm_up()  # extraction uses the language model and gazetteer the warm-up loads
    results = [process_document(raw) for raw in docs]
    articles = [(i, r.article) for i, r in enumerate(results) if r.article is not None]
    # Entities come only from a model for the article's language: an English model reads German
    # nouns as names. An article in a language no configured model reads keeps only the places the
    # gazetteer finds in it (tasks/places.py), and says why; an article whose language could not be
    # told is read by the first model.
    by_model: dict[str, tuple[NerModel, list[int]]] = {}
    for i, article in articles:
        ner = model_for(article.language)
        if ner is None:
            why = f"no entity model for language {article.language!r} (configured: {_MODEL_NAME}): places only"
            try:
                spans = find_places(article.text, article.language or "")
                mentions = group_mentions(spans)
            except Exception as exc:  # as below: this document only
                results[i] = _refused(results[i], exc)
                continue
            results[i] = replace(
                results[i],
                article=replace(article, entities_model=PLACES_ONLY, entities_skipped=why),
                mentions=mentions,
                spans=tuple(spans),
            )
        else:
            by_model.setdefault(ner.name, (ner, []))[1].append(i)
    for ner, indexes in by_model.values():
        texts = [results[i].article.text for i in indexes]  # type: ignore[union-attr]
        for i, parsed in zip(indexes, parse_texts(ner, texts), strict=True):
            if isinstance(parsed, Exception):  # this document only: the others of the chunk go on
                results[i] = _refused(results[i], parsed)
                continue
            text, language = results[i].article.text, results[i].article.language  # type: ignore[union-attr]
            try:
                spans = find_entities(parsed, text)
                mentions, quotes = group_mentions(spans), tuple(find_quotes(text, spans, language))
            except Exception as exc:  # a text newslake's own rules fail on: this document only
                results[i] = _refused(results[i], exc)
                continue
            results[i] = replace(
                results[i],
                article=replace(results[i].article, entities_model=ner.name),  # type: ignore[type-var]
                mentions=mentions,
                spans=tuple(spans),
                quotes=quotes,
                ner_model=ner.name,
            )
    return results


def _refused(result: ProcessedDocument, error: Exception) -> ProcessedDocument:
    """Give back a document refused at the entity step with its error (`entities_error`): a text the
    model cannot take, or one newslake's own rules for entities and quotations fail on. The other
    documents of its chunk, and the run, go on."""
    rejection = Rejection(result.doc_id, result.source_uri, "entities", "entities_error", _error_detail(error))
    return replace(result, article=None, rejection=rejection)


def _error_detail(error: Exception) -> str:
    """Give back an error as a rejection's detail: its type and message, at most 500 characters."""
    return f"{type(error).__name__}: {error}"[:500]


def parse_texts(ner: NerModel, texts: Sequence[str]) -> list[Any]:
    """Give back the parsed texts, batched; when the batch fails (a text over the model's length limit),
    each text on its own, with the exception in place of a text that fails."""
    try:
        return list(ner.pipe(texts))
    except Exception:
        parsed: list[Any] = []
        for text in texts:
            try:
                parsed.extend(ner.pipe([text]))
            except Exception as exc:
                parsed.append(exc)
        return parsed


def process_document(raw: RawDocument) -> ProcessedDocument:
    """Give back one document normalized and extracted; unexpected errors become rejections."""
    from newslake.tasks.extract import extract_article  # imports trafilatura: only worker processes need it

    try:
        with time_limit(_DOCUMENT_SECONDS):  # one pathological page must not stall its chunk
            normalized = normalize_document(raw, _MAX_BYTES)
            if isinstance(normalized, Rejection):
                return ProcessedDocument(raw.doc_id, raw.source_uri, "unsupported", None, rejection=normalized)
            url = raw.fetch.final_url if raw.fetch else None
            extracted: Article | Rejection = extract_article(normalized, url)
    except DocumentTimeoutError as exc:
        rejection = Rejection(raw.doc_id, raw.source_uri, "extract", "timeout", f"decoding and extraction {exc}")
        return ProcessedDocument(raw.doc_id, raw.source_uri, "unsupported", None, rejection=rejection)
    except Exception as exc:  # one bad document must never stop a run
        rejection = Rejection(raw.doc_id, raw.source_uri, "extract", "extraction_error", f"{type(exc).__name__}: {exc}")
        return ProcessedDocument(raw.doc_id, raw.source_uri, "unsupported", None, rejection=rejection)
    if isinstance(extracted, Article) and extracted.page_kind != "article":
        # Not an article (a listing, a log-in or error page, a product, Data Docs): quarantined with why.
        evidence = f"{extracted.page_kind}: {extracted.page_evidence}"
        extracted = Rejection(raw.doc_id, raw.source_uri, "extract", "not_an_article", evidence)
    if isinstance(extracted, Rejection):
        return ProcessedDocument(raw.doc_id, raw.source_uri, normalized.kind, normalized.encoding, rejection=extracted)
    return ProcessedDocument(raw.doc_id, raw.source_uri, normalized.kind, normalized.encoding, article=extracted)


def entities_for_texts(texts: Sequence[str]) -> list[list[EntitySpan] | str]:
    """Give back the resolved entity mentions of each text, parsed in one batched pass; a text the model
    cannot take, or the entity rules fail on, gives its error instead, and the other texts go on."""
    ner = model()
    found: list[list[EntitySpan] | str] = []
    for parsed, text in zip(parse_texts(ner, texts), texts, strict=True):
        if isinstance(parsed, Exception):
            found.append(_error_detail(parsed))
            continue
        try:
            found.append(find_entities(parsed, text))
        except Exception as exc:  # this text only
            found.append(_error_detail(exc))
    return found


T = TypeVar("T")
R = TypeVar("R")


class InlineExecutor:
    """Runs chunks in this process: used with one worker, where a pool would only add start-up cost."""

    def map_chunks(self, func: Callable[[Sequence[T]], R], chunks: Sequence[Sequence[T]]) -> Iterator[R]:
        return (func(chunk) for chunk in chunks)


class PoolExecutor:
    """Runs chunks in long-lived worker processes, each holding its own model."""

    def __init__(self, pool: Executor) -> None:
        self._pool = pool

    def map_chunks(self, func: Callable[[Sequence[T]], R], chunks: Sequence[Sequence[T]]) -> Iterator[R]:
        return self._pool.map(func, chunks)


DocumentExecutor = InlineExecutor | PoolExecutor


PoolKey = tuple[int, str, int, float]  # workers, model name, max document bytes, seconds per document
_EARLY: tuple[PoolKey, ProcessPoolExecutor] | None = None


def _start_method() -> str:
    """Spawn, not fork: a command's process holds threads (Prefect, DuckDB) that must not be copied
    mid-state. Except in a warm process's copy that has no thread yet (see flows.warm): its workers
    are forked with the models it holds already loaded."""
    from newslake.flows.warm import in_warm_process

    return "fork" if in_warm_process() and threading.active_count() == 1 else "spawn"


def _start_pool(workers: int, model_name: str, max_bytes: int, document_seconds: float) -> ProcessPoolExecutor:
    context = multiprocessing.get_context(_start_method())
    pool = ProcessPoolExecutor(
        workers, mp_context=context, initializer=start_pool_worker, initargs=(model_name, max_bytes, document_seconds)
    )
    for _ in range(workers):
        pool.submit(int)  # the pool starts a process for each task no process is idle for
    return pool


def start_workers_early(workers: int, model_name: str, max_bytes: int, document_seconds: float = NO_LIMIT) -> bool:
    """Start the pool the next `document_workers` with these settings will use, now: a command calls
    this before it imports the orchestrator and starts its flow (about 1.8 s on one core), so the
    workers load their models meanwhile. Give back whether a pool was started (not for one worker).
    A pool no run takes exits with the process."""
    global _EARLY
    drop_early_workers()
    if workers <= 1:
        return False
    key = (workers, model_name, max_bytes, document_seconds)
    _EARLY = (key, _start_pool(*key))
    return True


def drop_early_workers() -> None:
    """Shut down a pool started early that no run took."""
    global _EARLY
    early, _EARLY = _EARLY, None
    if early is not None:
        early[1].shutdown(wait=False, cancel_futures=True)


def _take_early_pool(key: PoolKey) -> ProcessPoolExecutor | None:
    """Give back the early pool when it was started with these settings, once; a pool started with
    other settings is shut down."""
    global _EARLY
    if _EARLY is None or _EARLY[0] != key:
        drop_early_workers()
        return None
    pool = _EARLY[1]
    _EARLY = None
    return pool


@contextmanager
def document_workers(
    workers: int, model_name: str, max_bytes: int, document_seconds: float = NO_LIMIT
) -> Iterator[DocumentExecutor]:
    """Give back an executor for document chunks: inline for one worker, else a process pool whose
    processes start at once (or started early, see start_workers_early) and load their models while the
    caller prepares the first batch."""
    if workers <= 1:
        init_worker(model_name, max_bytes, document_seconds)
        yield InlineExecutor()
        return
    key = (workers, model_name, max_bytes, document_seconds)
    pool = _take_early_pool(key) or _start_pool(*key)
    try:
        yield PoolExecutor(pool)
    except BaseException as exc:
        if stopping_signal(exc) is not None:
            # Ctrl-C or SIGTERM: the chunks in hand are dropped, not finished; the processes go at once.
            for process in list(getattr(pool, "_processes", {}).values()):  # the executor offers no kill
                process.kill()
            pool.shutdown(wait=True, cancel_futures=True)
        raise
    finally:
        # Chunks not started are dropped (after an error nothing waits for them), and the processes
        # exit on their own while the caller goes on with the end of its run.
        pool.shutdown(wait=False, cancel_futures=True)


def available_cores() -> int:
    """Give back the cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def loader_threads(workers: int, cores: int) -> int | None:
    """Give back how many threads the warehouse may use while a pool of `workers` processes runs: the
    cores they leave (at least one), or None (no limit) when the documents are processed inline, between
    loads."""
    return max(1, cores - workers) if workers > 1 else None


def batched(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Give back consecutive slices of at most `size` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


CHUNKS_PER_WORKER = 4
# A chunk is the work a worker takes at a time. Small, so the workers' last chunks of a run end close
# together instead of one core idling while the other finishes a big one (about 1.5 s of work at most).
CHUNK_DOCUMENTS = 16


def worker_chunks(items: Sequence[T], workers: int) -> list[list[T]]:
    """Deal the items into chunks for the pool: at least CHUNKS_PER_WORKER per worker and at most
    CHUNK_DOCUMENTS items each; none for no items."""
    return split_evenly(items, max(workers * CHUNKS_PER_WORKER, math.ceil(len(items) / CHUNK_DOCUMENTS)))


def split_evenly(items: Sequence[T], parts: int) -> list[list[T]]:
    """Give back the items dealt into at most `parts` chunks of near-equal size; none for no items."""
    if not items:
        return []
    parts = max(1, min(parts, len(items)))
    return [list(items[i::parts]) for i in range(parts)]
