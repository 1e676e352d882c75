"""A real news site on 127.0.0.1 for fetching tests: feed, sitemaps, articles and every failure a
crawler meets (404, a 500 that recovers, a slow answer, a redirect loop, an oversized body, robots.txt)."""

from __future__ import annotations

import base64
import contextlib
import gzip
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PEOPLE = ["Maria Lopez", "James Carter", "Anna Kowalski", "David Chen", "Sophie Martin", "Omar Haddad"]
PLACES = ["Lisbon", "Warsaw", "Nairobi", "Toronto", "Madrid", "Oslo"]
ORGS = ["the European Commission", "the World Bank", "Reuters", "the United Nations", "Siemens", "UNICEF"]


# A config for runs against loopback sites: private addresses allowed for 127.0.0.1 only, no politeness
# pause, short timeouts and backoffs, one worker.
FETCH = """
[lake]
path = "lake"

[run]
workers = 1

[fetch]
allowed_networks = ["127.0.0.1/32"]
timeout = 1
retries = 1
backoff = 0.01
per_host_delay = 0
max_bytes = 200000
user_agent = "newslake-test/1.0"
"""


def article_html(n: int, revision: int = 0, title: str | None = None) -> str:
    """Give back a realistic article page; each n (and revision) has its own text."""
    person, place, org = PEOPLE[n % len(PEOPLE)], PLACES[n % len(PLACES)], ORGS[n % len(ORGS)]
    title = title or f"Council in {place} approves transport plan number {n}"
    paragraphs = [
        f"The city council of {place} approved a new transport plan on Tuesday after a long debate, "
        f"officials said. The plan, the {n}th of its kind, sets out bus lanes, cycle paths and cheaper fares.",
        f'"This is a turning point for everyone who travels to work," said {person}, who leads the '
        f"transport committee. {person} added that the first works would begin in the spring.",
        f"Experts from {org} welcomed the decision but warned that funding remained uncertain. "
        f"Residents will be able to comment on the details at public meetings over the next two months.",
        f"Revision {revision}: the council will publish the full budget of plan {n} before the summer, "
        "together with a timetable for each district and a report on expected journey times.",
    ]
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | Loopback News</title>
<meta property="og:title" content="{title}"><meta property="og:site_name" content="Loopback News">
<meta name="author" content="{person}">
<meta property="article:published_time" content="2026-11-0{1 + n % 9}T08:00:00Z">
</head><body><header><nav><a href="/">Home</a> <a href="/world">World</a></nav></header>
<article><h1>{title}</h1><p class="byline">By {person}</p>{body}</article>
<footer>Loopback News. All rights reserved.</footer></body></html>"""


@dataclass
class Page:
    """What the site answers at one path."""

    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    etag: str | None = None
    delay: float = 0.0
    location: str | None = None
    fail_first: int = 0  # answer 500 this many times, then normally
    hold: threading.Event | None = None  # wait for this event before answering
    headers: dict[str, str] = field(default_factory=dict)  # sent besides the usual ones
    drip: float = 0.0  # send the status line and headers one byte at a time, this many seconds apart


def basic_authorization(user: str, password: str) -> str:
    """Give back the Authorization header of an HTTP Basic login."""
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@dataclass
class NewsSite:
    """The site's pages, editable while it runs, and a log of the requests it answered."""

    pages: dict[str, Page] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)
    conditional_hits: Counter[str] = field(default_factory=Counter)  # requests that sent If-None-Match
    user_agents: set[str] = field(default_factory=set)
    # With a login (user name, password), every path answers 401 to a request without it (HTTP Basic).
    login: tuple[str, str] | None = None
    authorizations: set[str | None] = field(default_factory=set)  # the Authorization headers received
    # Headers every path wants (a token): a request without them answers 401.
    required: dict[str, str] = field(default_factory=dict)
    received: list[dict[str, str]] = field(default_factory=list)  # each request's headers, names in lower case
    base: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return self.base + path

    def set(self, path: str, body: str | bytes, **options: object) -> None:
        data = body.encode() if isinstance(body, str) else body
        self.pages[path] = Page(body=data, **options)  # type: ignore[arg-type]

    def feed(self, items: list[tuple[str, datetime]], etag: str) -> None:
        """Publish an RSS feed at /feed.xml listing (path, updated) items, answering 304 to its ETag."""
        entries = "".join(
            f"<item><title>Item {path}</title><link>{self.url(path)}</link>"
            f"<guid>{self.url(path)}</guid><pubDate>{format_datetime(when, usegmt=True)}</pubDate></item>"
            for path, when in items
        )
        rss = (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Loopback News</title>'
            f"<link>{self.url('/')}</link><description>News</description>{entries}</channel></rss>"
        )
        self.set("/feed.xml", rss, content_type="application/rss+xml", etag=etag)

    def sitemap_index(self, groups: list[list[str]], gzip_second: bool = True) -> None:
        """Publish /sitemap_index.xml pointing to one sitemap per group of paths (the second gzipped)."""
        children = []
        for i, paths in enumerate(groups, start=1):
            urls = "".join(f"<url><loc>{self.url(p)}</loc><lastmod>2026-11-01</lastmod></url>" for p in paths)
            xml = f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
            name = f"/sitemap-{i}.xml" + (".gz" if gzip_second and i == 2 else "")
            body = gzip.compress(xml.encode()) if name.endswith(".gz") else xml.encode()
            kind = "application/gzip" if name.endswith(".gz") else "application/xml"
            self.set(name, body, content_type=kind, etag=f'"sm{i}"')
            children.append(f"<sitemap><loc>{self.url(name)}</loc></sitemap>")
        index = (
            '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            + "".join(children)
            + "</sitemapindex>"
        )
        self.set("/sitemap_index.xml", index, content_type="application/xml", etag='"index"')


def standard_site(site: NewsSite, now: datetime | None = None) -> None:
    """Fill the site: articles 1-6, a feed of 1-3 plus failures, a sitemap index of 4-6 plus failures."""
    now = now or datetime(2026, 11, 20, tzinfo=UTC)
    site.set("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    for n in range(1, 7):
        site.set(f"/articles/{n}", article_html(n))
    site.set("/private/secret", article_html(99))
    site.set("/flaky", article_html(7), fail_first=1)
    site.set("/slow", article_html(8), delay=3.0)
    site.set("/loop-a", "", status=302, location="/loop-b")
    site.set("/loop-b", "", status=302, location="/loop-a")
    site.set("/huge", "<html><body>" + "<p>word </p>" * 40_000 + "</body></html>")
    site.feed(
        [
            ("/articles/1", now - timedelta(hours=3)),
            ("/articles/2", now - timedelta(hours=2)),
            ("/articles/3", now - timedelta(hours=1)),
            ("/missing", now),
            ("/flaky", now),
            ("/private/secret", now),
        ],
        etag='"feed-1"',
    )
    site.sitemap_index([["/articles/4", "/articles/5", "/slow", "/loop-a"], ["/articles/6", "/huge"]])


def _handler(site: NewsSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            with site.lock:
                site.hits[path] += 1
                hit = site.hits[path]
                if self.headers.get("If-None-Match"):
                    site.conditional_hits[path] += 1
                site.user_agents.add(self.headers.get("User-Agent", ""))
                given = self.headers.get("Authorization")
                site.authorizations.add(given)
                site.received.append({name.lower(): value for name, value in self.headers.items()})
                page = site.pages.get(path)
            if site.login is not None and given != basic_authorization(*site.login):
                return self._send(401, b"log in", "text/plain", extra={"WWW-Authenticate": 'Basic realm="news"'})
            if any(self.headers.get(name) != value for name, value in site.required.items()):
                return self._send(401, b"a token is needed", "text/plain")
            if page is None:
                return self._send(404, b"not found", "text/plain")
            if page.hold is not None:
                page.hold.wait(30)
            if page.delay:
                time.sleep(page.delay)
            if hit <= page.fail_first:
                return self._send(500, b"server error", "text/plain")
            if page.location:
                self.send_response(page.status)
                self.send_header("Location", page.location)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            if page.etag and self.headers.get("If-None-Match") == page.etag:
                self.send_response(304)
                self.send_header("ETag", page.etag)
                self.end_headers()
                return None
            if page.drip:
                return self._drip(page)
            return self._send(page.status, page.body, page.content_type, page.etag, page.headers)

        def _send(
            self,
            status: int,
            body: bytes,
            content_type: str,
            etag: str | None = None,
            extra: dict[str, str] | None = None,
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            if etag:
                self.send_header("ETag", etag)
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            # The client may give up (a timeout or a size limit): that is what the tests check.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

        def _drip(self, page: Page) -> None:
            head = f"HTTP/1.1 {page.status} OK\r\nContent-Type: {page.content_type}\r\n" + "X-Padding: x\r\n" * 200
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                for byte in head.encode():
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(page.drip)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def serve_site(fill: Callable[[NewsSite], None] | None = standard_site) -> Iterator[NewsSite]:
    """Run a NewsSite on 127.0.0.1 for the duration of the block."""
    site = NewsSite()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    if fill is not None:
        fill(site)
    # A short poll: shutting the server down waits for the poll in progress (0.5 s by default).
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
