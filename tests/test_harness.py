"""The test harness itself: settings that keep the suite deterministic on a busy machine."""

from __future__ import annotations

import random
import subprocess
import sys
import threading
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import REPO


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


@pytest.mark.slow
def test_two_processes_collect_the_same_tests_a_second_apart() -> None:
    # Regression: a parameter that held gzip bytes stamped with the time of import named a test
    # differently in the two pytest-xdist workers when their imports fell in different seconds, and the
    # whole run stopped with "Different tests were collected between gw0 and gw1".
    command = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:randomly", "-p", "no:cacheprovider"]
    first = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    time.sleep(1.2)
    second = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    one, two = first.communicate(timeout=300)[0], second.communicate(timeout=300)[0]
    assert first.returncode == second.returncode == 0, one[-2000:] + two[-2000:]
    ids = [[line for line in out.splitlines() if "::" in line] for out in (one, two)]
    assert ids[0] and ids[0] == ids[1], sorted(set(ids[0]) ^ set(ids[1]))[:10]
