"""A real webhook receiver on 127.0.0.1 for notification tests: it keeps each request it gets, and
answers with the statuses it is told to, in turn (then 200)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Webhook:
    url: str
    answers: list[int] = field(default_factory=list)  # statuses to give, in turn, before 200s
    received: list[dict[str, Any]] = field(default_factory=list)  # {"path", "headers", "body"}

    def bodies(self) -> list[Any]:
        return [json.loads(r["body"]) for r in self.received]


@contextmanager
def webhook_server(path: str = "/services/T000/B000/s3cret-token") -> Iterator[Webhook]:
    """Run a webhook receiver on a free port of 127.0.0.1; give back its state, with its URL at path."""
    hook = Webhook(url="")
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8")
            with lock:
                hook.received.append({"path": self.path, "headers": dict(self.headers), "body": body})
                status = hook.answers.pop(0) if hook.answers else 200
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    hook.url = f"http://127.0.0.1:{server.server_address[1]}{path}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield hook
    finally:
        server.shutdown()
        server.server_close()
