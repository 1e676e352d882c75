"""The shared Prefect server noted in PREFECT_HOME: a later command reuses a live server that is slow to
answer (a busy machine) rather than start a second one, and replaces a gone one; `ui --stop` stops the
noted server even when it hangs, and never a process that merely took its pid."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from newslake.flows.prefect_server import LocalServer, answers, running_server, stop_shared_server


def slow_health_server(delay: float, status: int = 200) -> tuple[ThreadingHTTPServer, str]:
    class Health(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            time.sleep(delay)
            body = b"true"
            with contextlib.suppress(OSError):  # the client may have given up waiting
                self.send_response(status if self.path == "/api/health" else 404)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = False  # server_close waits for the answers still being written: none outlives the test

    httpd = Server(("127.0.0.1", 0), Health)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/api"


@pytest.fixture
def slow_server() -> Iterator[str]:
    httpd, api_url = slow_health_server(delay=1.5)
    yield api_url
    httpd.shutdown()
    httpd.server_close()


def note(home: Path, api_url: str, pid: int) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "newslake-server.json").write_text(json.dumps({"api_url": api_url, "pid": pid}), encoding="utf-8")


def test_a_live_server_slow_to_answer_is_waited_for_not_replaced(tmp_path: Path, slow_server: str) -> None:
    note(tmp_path, slow_server, os.getpid())  # this process stands for the server's: alive
    assert not answers(slow_server), "the quick check alone gives up on it"
    assert running_server(tmp_path) == LocalServer(slow_server, os.getpid())


def test_a_slow_server_is_given_up_after_the_patience(tmp_path: Path, slow_server: str) -> None:
    note(tmp_path, slow_server, os.getpid())
    started = time.monotonic()
    assert running_server(tmp_path, patience=0.5) is None
    assert time.monotonic() - started < 1.5 + 0.9, "one health check of at most a second or so, then no more"


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again at once: nothing listens there
    return f"http://127.0.0.1:{port}/api"


def test_a_server_whose_port_refuses_is_gone_at_once(tmp_path: Path) -> None:
    note(tmp_path, closed_port_url(), os.getpid())
    started = time.monotonic()
    assert running_server(tmp_path) is None
    assert time.monotonic() - started < 5, "a refused connection is not waited on for the whole patience"


def test_a_server_whose_process_is_gone_is_gone(tmp_path: Path, slow_server: str) -> None:
    gone = 2**22 + 12345  # above the usual pid range: no such process
    note(tmp_path, slow_server, gone)
    assert running_server(tmp_path) is None


def test_no_note_no_server(tmp_path: Path) -> None:
    assert running_server(tmp_path) is None
    (tmp_path / "newslake-server.json").write_text("{not json", encoding="utf-8")
    assert running_server(tmp_path) is None


def test_another_program_on_the_port_is_not_waited_for(tmp_path: Path) -> None:
    httpd, api_url = slow_health_server(delay=0, status=404)  # something else listens there now
    try:
        note(tmp_path, api_url, os.getpid())
        started = time.monotonic()
        assert running_server(tmp_path) is None
        assert time.monotonic() - started < 5
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_server_failing_its_health_check_is_given_time(tmp_path: Path) -> None:
    httpd, api_url = slow_health_server(delay=0, status=503)
    try:
        note(tmp_path, api_url, os.getpid())
        started = time.monotonic()
        assert running_server(tmp_path, patience=1.5) is None
        assert time.monotonic() - started >= 1.4, "asked again until the patience ran out"
    finally:
        httpd.shutdown()
        httpd.server_close()


def sleeper(*arguments: str) -> subprocess.Popen[bytes]:
    """A process of its own session that sleeps, with these words in its command line. It is reaped as
    soon as it ends, as a server an earlier command started is (else it would stay a zombie, alive to
    a signal 0)."""
    process = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(120)", *arguments], start_new_session=True
    )
    threading.Thread(target=process.wait, daemon=True).start()
    return process


def test_stop_stops_a_noted_server_that_hangs(tmp_path: Path) -> None:
    hung = sleeper(str(tmp_path / "bin" / "prefect"), "server", "start")  # alive, answering nothing
    try:
        url = closed_port_url()
        note(tmp_path, url, hung.pid)
        assert stop_shared_server(tmp_path) == LocalServer(url, hung.pid)
        assert hung.wait(timeout=20) == -signal.SIGTERM
        assert not (tmp_path / "newslake-server.json").exists()
    finally:
        hung.kill()
        hung.wait()


def test_stop_leaves_alone_a_process_that_took_the_noted_pid(tmp_path: Path) -> None:
    other = sleeper("something", "else")
    try:
        note(tmp_path, closed_port_url(), other.pid)
        assert stop_shared_server(tmp_path) is None
        time.sleep(0.2)
        assert other.poll() is None, "not a Prefect server: not stopped"
        assert not (tmp_path / "newslake-server.json").exists(), "the stale note is forgotten"
    finally:
        other.kill()
        other.wait()
