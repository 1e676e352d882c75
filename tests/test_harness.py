"""The test harness itself: settings that keep the suite deterministic on a busy machine."""

from __future__ import annotations

import random
import threading

from hypothesis import given, settings
from hypothesis import strategies as st


@st.composite
def _slow_pairs(draw: st.DrawFn) -> tuple[int, str]:
    number = draw(st.integers(0, 1000))
    # A draw that takes a moment gives the other thread time to move the global random state.
    text = "".join(draw(st.sampled_from("abc")) for _ in range(50))
    return number, text


def test_a_background_thread_using_random_does_not_fail_a_property_test() -> None:
    # Regression: a server thread left by an earlier test drew from `random` while Hypothesis was
    # drawing, Hypothesis took it for a strategy using `random`, and the run failed as flaky.
    stop = threading.Event()

    def churn() -> None:
        while not stop.is_set():
            random.random()

    thread = threading.Thread(target=churn, daemon=True)
    thread.start()
    try:

        @settings(max_examples=30, deadline=None, database=None)
        @given(_slow_pairs())
        def check(pair: tuple[int, str]) -> None:
            assert 0 <= pair[0] <= 1000

        check()
    finally:
        stop.set()
        thread.join()
