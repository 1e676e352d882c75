"""Two runs of one source never write at once: the second waits for the first's lock."""

import threading
import time

from flows.ingest import source_lock
from flows.settings import resolve_settings


def test_a_second_run_of_a_source_waits_for_the_first(tmp_path):
    settings = resolve_settings(environ={"NEWSLAKE_LAKE": str(tmp_path / "lake")})
    events: list[str] = []
    first_holds = threading.Event()

    def first() -> None:
        with source_lock(settings, "feed"):
            events.append("first in")
            first_holds.set()
            time.sleep(0.5)
            events.append("first out")

    def second() -> None:
        first_holds.wait(5)
        with source_lock(settings, "feed"):
            events.append("second in")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert events == ["first in", "first out", "second in"]


def test_other_sources_do_not_wait(tmp_path):
    settings = resolve_settings(environ={"NEWSLAKE_LAKE": str(tmp_path / "lake")})
    with source_lock(settings, "a"), source_lock(settings, "b"):
        assert (tmp_path / "lake" / "locks" / "a.lock").exists()
