"""Fetch documents over HTTP, politely and safely. The only module that touches the network.

Every fetch ends in a FetchResult: the bytes and what the server said, or a stable reason code
(`http_404`, `timeout`, `too_large`, `blocked_address`, `robots_disallowed`, ...) and a detail.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
import zlib
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, BinaryIO
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx
from protego import Protego
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter

from newslake.tasks.logins import SiteHeaders, login_for, remember_login

# Headers kept with every fetch: enough to explain a document's provenance and to poll conditionally.
RECORDED_HEADERS = (
    "content-type",
    "content-length",
    "content-language",
    "content-encoding",
    "etag",
    "last-modified",
    "cache-control",
    "expires",
    "date",
    "x-robots-tag",
)
DEFAULT_CONTENT_TYPES = (
    "text/html",
    "application/xhtml+xml",
    "text/plain",
    "text/xml",
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/gzip",
    "application/x-gzip",
)
_ROBOTS_MAX_BYTES = 500_000  # RFC 9309: crawlers may ignore robots.txt content past 500 KiB
# Content codings decoded here, a layer at a time and at most _PIECE bytes per step, so the size cap
# holds through any number of layers (httpx's own decoders inflate a whole chunk through every layer).
_ACCEPT_ENCODING = "gzip, deflate"
_PIECE = 65_536
_deadline = threading.local()  # the running request's deadline (time.monotonic()), per thread


@dataclass(frozen=True)
class FetchPolicy:
    """Limits and manners for every request."""

    user_agent: str = "newslake/0.1 (+https://github.com/newslake/newslake)"
    timeout: float = 20.0  # seconds for one request in all: connecting, the headers and the whole body
    max_bytes: int = 20_000_000
    max_redirects: int = 5
    retries: int = 3  # attempts after the first, on timeouts, connection errors and 5xx
    backoff: float = 1.0  # first backoff in seconds; doubles each retry, with jitter
    backoff_max: float = 30.0
    per_host_concurrency: int = 2
    per_host_delay: float = 1.0  # seconds between request starts to one host (robots Crawl-delay wins if longer)
    respect_robots: bool = True
    allow_private: bool = False
    allowed_networks: tuple[str, ...] = ()  # CIDRs allowed even though private, e.g. 127.0.0.1/32
    content_types: tuple[str, ...] = DEFAULT_CONTENT_TYPES


@dataclass(frozen=True)
class FetchResult:
    """What one fetch gave: bytes and headers, a 304, or a reason it failed."""

    url: str  # the URL asked for
    fetched_at: datetime
    final_url: str | None = None  # after redirects
    status: int | None = None  # the final HTTP status, None when no response came
    content: bytes | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    error: str | None = None  # stable reason code when the fetch failed
    detail: str = ""
    attempts: int = 0

    @property
    def ok(self) -> bool:
        return self.error is None and self.content is not None

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def ok_download(self) -> bool:
        """A download that wrote a body (not a failure, not a 304)."""
        return self.error is None and self.status is not None and 200 <= self.status < 300


class _RetryableError(Exception):
    """A failure worth another attempt: a timeout, a dropped connection or a 5xx."""

    def __init__(self, reason: str, detail: str, status: int | None = None) -> None:
        super().__init__(detail)
        self.reason, self.detail, self.status = reason, detail, status
        self.attempts = 0  # requests made; set when retries give up


class _RefusedError(Exception):
    """A failure that another attempt would not fix."""

    def __init__(self, reason: str, detail: str, status: int | None = None) -> None:
        super().__init__(detail)
        self.reason, self.detail, self.status = reason, detail, status
        self.attempts = 0  # requests made; set when retries give up


@dataclass(frozen=True)
class _Body:
    """Where a response body goes: kept in memory under the policy's limits, or written into a file
    with limits of its own (a download)."""

    into: BinaryIO | None = None
    max_bytes: int = 0
    timeout: float = 0.0


@dataclass
class _Reply:
    status: int
    headers: dict[str, str]
    content: bytes | None = None
    location: str | None = None


def checked_address(host: str, port: int, policy: FetchPolicy) -> str:
    """Give back the address to connect to for host, once every address it resolves to is allowed;
    raise a refusal (blocked_address, dns_error) otherwise."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise _RefusedError("dns_error", f"cannot resolve {host}: {exc}") from exc
    allowed = [ipaddress.ip_network(n, strict=False) for n in policy.allowed_networks]
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if not _is_internal(address) or policy.allow_private:
            continue
        if any(address.version == n.version and address in n for n in allowed):
            continue
        raise _RefusedError(
            "blocked_address",
            f"{host} resolves to {address}, a private, loopback or link-local address; "
            "allow it with fetch.allowed_networks or --allow-private",
        )
    return str(infos[0][4][0])


def _time_left(timeout: float | None) -> float:
    """Give back how long the next network operation may wait: its own timeout, cut to what is left of
    the request's deadline; raise a timeout when the deadline has passed."""
    deadline: float | None = getattr(_deadline, "at", None)
    if deadline is None:
        return timeout if timeout is not None else 0.0
    left = deadline - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout("the request's deadline passed")
    return min(timeout, left) if timeout is not None else left


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write ends by the request's deadline: a server that sends
    its headers or body a byte at a time cannot hold a fetch past fetch.timeout."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _time_left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _time_left(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, _time_left(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _GuardedBackend(httpcore.SyncBackend):
    """Connects only to addresses the policy allows, checked at connection time: a host that resolves
    to a public address when checked and to a private one when connecting (DNS rebinding) is refused.
    TLS still verifies the URL's host name: httpcore starts TLS with the origin's host, not the address."""

    def __init__(self, policy: FetchPolicy) -> None:
        self._policy = policy

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        address = checked_address(host, port, self._policy)
        stream = super().connect_tcp(address, port, _time_left(timeout), local_address, socket_options)
        return _DeadlineStream(stream)


class _GuardedTransport(httpx.HTTPTransport):
    """httpx's transport with a connection pool whose every connection goes through the address guard."""

    def __init__(self, policy: FetchPolicy) -> None:
        super().__init__(trust_env=False)
        # httpx gives no option for the network backend; its transport sends every request through _pool
        # (httpx is pinned below 0.29 in pyproject.toml).
        self._pool = httpcore.ConnectionPool(network_backend=_GuardedBackend(policy), max_connections=100)


def _is_internal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_multicast
        or address.is_unspecified
    )


class Fetcher:
    """A thread-safe HTTP fetcher with limits, retries, politeness, robots.txt and an address guard."""

    def __init__(self, policy: FetchPolicy) -> None:
        self.policy = policy
        self._client = httpx.Client(
            follow_redirects=False,  # each hop is checked by the address guard and robots.txt
            timeout=httpx.Timeout(policy.timeout),
            headers={"User-Agent": policy.user_agent, "Accept-Encoding": _ACCEPT_ENCODING},
            trust_env=False,  # a proxy from the environment would bypass the address guard
            transport=_GuardedTransport(policy),
        )
        self._lock = threading.Lock()
        self._slots: dict[str, threading.Semaphore] = {}
        self._next_start: dict[str, float] = {}
        self._robots: dict[str, Protego | None] = {}
        self._robots_locks: dict[str, threading.Lock] = {}
        self._crawl_delays: dict[str, float] = {}

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fetch(
        self, url: str, etag: str | None = None, last_modified: str | None = None, site: SiteHeaders | None = None
    ) -> FetchResult:
        """Give back the page at url after redirects; with validators, a 304 when it has not changed.
        A source's own headers (site) go with each request to the source's origin."""
        return self._fetch(url, etag, last_modified, _Body(), site)

    def download(
        self,
        url: str,
        into: BinaryIO,
        max_bytes: int,
        timeout: float,
        etag: str | None = None,
        last_modified: str | None = None,
        site: SiteHeaders | None = None,
    ) -> FetchResult:
        """Stream the body at url (a web archive, of any media type) into a file, decoded, with the same
        guards as a page: addresses, robots.txt, redirects, retries. max_bytes and timeout replace the
        page limits; the result's content is None, and a 304 writes nothing."""
        return self._fetch(url, etag, last_modified, _Body(into, max_bytes, timeout), site)

    def _fetch(
        self, url: str, etag: str | None, last_modified: str | None, body: _Body, site: SiteHeaders | None
    ) -> FetchResult:
        started = datetime.now(UTC)
        url = remember_login(url)  # sent with the requests to its origin; the result holds no login
        conditional = {}
        if etag:
            conditional["If-None-Match"] = etag
        if last_modified:
            conditional["If-Modified-Since"] = last_modified
        visited: list[str] = []
        current = url
        attempts = 0
        try:
            for _hop in range(self.policy.max_redirects + 1):
                own = site.applied_to(current) if site else {}
                self._check_allowed(current, own)
                headers = {**own, **conditional}
                reply, tries = self._get_with_retries(current, headers, body=body)
                attempts += tries
                if reply.location is None:
                    return self._result(url, started, current, reply, attempts)
                visited.append(current)
                target = remember_login(urljoin(current, reply.location))
                if target in visited:
                    raise _RefusedError(
                        "redirect_loop", f"redirect loop: {' -> '.join([*visited, target])}", reply.status
                    )
                current = target
            raise _RefusedError(
                "too_many_redirects", f"more than {self.policy.max_redirects} redirects, last to {current}", None
            )
        except (_RefusedError, _RetryableError) as exc:
            return FetchResult(
                url, started, current, exc.status, error=exc.reason, detail=exc.detail, attempts=attempts + exc.attempts
            )

    def _result(self, url: str, started: datetime, final: str, reply: _Reply, attempts: int) -> FetchResult:
        if reply.status == 304 or 200 <= reply.status < 300:
            return FetchResult(url, started, final, reply.status, reply.content, reply.headers, attempts=attempts)
        return FetchResult(
            url,
            started,
            final,
            reply.status,
            headers=reply.headers,
            error=f"http_{reply.status}",
            detail=f"{final} answered HTTP {reply.status}",
            attempts=attempts,
        )

    def _check_allowed(self, url: str, own: Mapping[str, str]) -> None:
        """Refuse a URL newslake may not fetch: its scheme, or its site's robots.txt (asked for with the
        source's own headers, `own`, as the site's pages are)."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise _RefusedError("unsupported_scheme", f"only http and https URLs can be fetched: {url}")
        # The address itself is checked by the transport as each connection opens (_GuardedBackend).
        if self.policy.respect_robots and not parts.path.endswith("/robots.txt"):
            robots = self._robots_for(f"{parts.scheme}://{parts.netloc}", own)
            if robots is None:
                raise _RefusedError(
                    "robots_unavailable",
                    f"{parts.netloc}/robots.txt could not be read, so nothing there is fetched (RFC 9309)",
                )
            if not robots.can_fetch(url, self.policy.user_agent):
                raise _RefusedError("robots_disallowed", f"robots.txt of {parts.netloc} disallows {parts.path or '/'}")

    def _robots_for(self, origin: str, own: Mapping[str, str]) -> Protego | None:
        with self._lock:
            lock = self._robots_locks.setdefault(origin, threading.Lock())
        with lock:
            if origin not in self._robots:
                self._robots[origin] = self._read_robots(origin, own)
            return self._robots[origin]

    def _read_robots(self, origin: str, own: Mapping[str, str]) -> Protego | None:
        try:
            reply, _ = self._get_with_retries(f"{origin}/robots.txt", own, limit=_ROBOTS_MAX_BYTES, check_type=False)
        except _RefusedError as exc:
            if exc.reason in ("blocked_address", "dns_error"):
                raise  # the host itself is refused: say so, not that its robots.txt was unreadable
            if exc.reason == "too_large":
                return Protego.parse("")
            return None
        except _RetryableError:
            return None
        if reply.location is not None or 400 <= reply.status < 500:
            return Protego.parse("")  # no robots.txt: everything is allowed
        if reply.status >= 300 or reply.content is None:
            return None
        robots = Protego.parse(reply.content.decode("utf-8", errors="replace"))
        delay = robots.crawl_delay(self.policy.user_agent)
        if delay:
            host = urlsplit(origin).netloc
            with self._lock:
                self._crawl_delays[host] = float(delay)
        return robots

    def host_delay(self, host: str) -> float:
        """Give back the pause between request starts to host: the policy's, or robots' Crawl-delay if longer."""
        return max(self.policy.per_host_delay, self._crawl_delays.get(host, 0.0))

    def _get_with_retries(
        self,
        url: str,
        headers: Mapping[str, str],
        limit: int | None = None,
        check_type: bool = True,
        body: _Body | None = None,
    ) -> tuple[_Reply, int]:
        retrying = Retrying(
            stop=stop_after_attempt(self.policy.retries + 1),
            wait=wait_exponential_jitter(
                multiplier=self.policy.backoff, max=self.policy.backoff_max, jitter=self.policy.backoff
            ),
            retry=retry_if_exception_type(_RetryableError),
            reraise=True,
        )
        attempts = 0
        try:
            for attempt in retrying:
                with attempt:
                    attempts += 1
                    reply = self._get_once(url, headers, limit or self.policy.max_bytes, check_type, body or _Body())
        except (_RetryableError, _RefusedError) as exc:
            exc.attempts = attempts
            raise
        return reply, attempts

    def _get_once(self, url: str, headers: Mapping[str, str], limit: int, check_type: bool, body: _Body) -> _Reply:
        host = urlsplit(url).netloc
        timeout = body.timeout or self.policy.timeout
        with self._host_slot(host):
            _deadline.at = time.monotonic() + timeout
            try:
                # A source's own Authorization header wins over a login kept for the same origin.
                own = any(name.lower() == "authorization" for name in headers)
                auth = None if own else login_for(url)
                with self._client.stream("GET", url, headers=dict(headers), auth=auth) as response:
                    if body.into is not None:
                        return self._read(url, response, body.max_bytes, False, body.into)
                    return self._read(url, response, limit, check_type)
            except httpx.TimeoutException as exc:
                raise _RetryableError("timeout", f"{url} did not answer within {timeout:g} s") from exc
            except httpx.TransportError as exc:
                raise _RetryableError("connection_error", f"{url}: {type(exc).__name__}: {exc}") from exc
            finally:
                _deadline.at = None

    def _read(
        self, url: str, response: httpx.Response, limit: int, check_type: bool, into: BinaryIO | None = None
    ) -> _Reply:
        status = response.status_code
        recorded = {k: response.headers[k] for k in RECORDED_HEADERS if k in response.headers}
        if response.is_redirect and "location" in response.headers:
            return _Reply(status, recorded, location=response.headers["location"])
        if status >= 500:
            raise _RetryableError(f"http_{status}", f"{url} answered HTTP {status}", status)
        if status == 304 or status >= 300:
            return _Reply(status, recorded)
        media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if check_type and media_type and media_type not in self.policy.content_types:
            raise _RefusedError("unsupported_content_type", f"{url} is {media_type}, not a page or feed", status)
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise _RefusedError("too_large", f"{url} declares {declared} bytes, over the {limit}-byte limit", status)
        codings = [c.strip().lower() for c in response.headers.get("content-encoding", "").split(",")]
        codings = [c for c in codings if c and c != "identity"]
        unknown = sorted(set(codings) - {"gzip", "x-gzip", "deflate"})
        if unknown:
            raise _RefusedError("unsupported_encoding", f"{url} is encoded as {', '.join(unknown)}", status)
        body = bytearray()
        size = 0
        if into is not None:  # a retried download starts its file again
            into.seek(0)
            into.truncate()
        try:
            for piece in decode_layers(response.iter_raw(_PIECE), codings):
                size += len(piece)
                if size > limit:
                    raise _RefusedError("too_large", f"{url} sent more than {limit} bytes (decoded)", status)
                if into is not None:
                    into.write(piece)
                else:
                    body += piece
        except zlib.error as exc:
            raise _RefusedError("decoding_error", f"{url}: its {' + '.join(codings)} body is corrupt: {exc}") from exc
        return _Reply(status, recorded, None if into is not None else bytes(body))

    @contextmanager
    def _host_slot(self, host: str) -> Iterator[None]:
        with self._lock:
            slot = self._slots.setdefault(host, threading.Semaphore(self.policy.per_host_concurrency))
        with slot:
            with self._lock:
                now = time.monotonic()
                start = max(now, self._next_start.get(host, 0.0))
                self._next_start[host] = start + self.host_delay(host)
            if start > now:
                time.sleep(start - now)
            yield


def decode_layers(chunks: Iterable[bytes], codings: list[str]) -> Iterator[bytes]:
    """Give back the decoded body of a response with these content codings (in the order the server
    applied them), in pieces of at most 64 KiB: memory stays flat however much the layers expand."""
    stream: Iterator[bytes] = iter(chunks)
    for coding in reversed(codings):
        stream = _inflate(stream, coding)
    return stream


def _inflate(chunks: Iterator[bytes], coding: str) -> Iterator[bytes]:
    gzip_format = coding in ("gzip", "x-gzip")
    decoder = _Inflater(gzip_format)
    for chunk in chunks:
        data = chunk
        while data and not decoder.finished:
            out, data = decoder.step(data)
            if out:
                yield out
    tail = decoder.flush()
    if tail:
        yield tail


class _Inflater:
    """One content coding's decoder: gzip (members one after another) or deflate (zlib-wrapped, or raw
    as many servers send it; httpx accepts both too). Bytes after the last member are ignored."""

    def __init__(self, gzip_format: bool) -> None:
        self.gzip_format = gzip_format
        self.finished = False
        self._decoder: Any = None
        self._started = False

    def step(self, data: bytes) -> tuple[bytes, bytes]:
        """Give back at most 64 KiB of output and the input still to feed."""
        if self._decoder is None:
            wbits = 16 + zlib.MAX_WBITS if self.gzip_format else zlib.MAX_WBITS
            self._decoder = zlib.decompressobj(wbits)
        try:
            out = self._decoder.decompress(data, _PIECE)
        except zlib.error:
            if self.gzip_format or self._started:
                raise
            self._decoder = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._decoder.decompress(data, _PIECE)
        self._started = True
        rest: bytes = self._decoder.unconsumed_tail
        if self._decoder.eof:
            rest = self._decoder.unused_data
            if self.gzip_format and rest.startswith(b"\x1f\x8b"):
                self._decoder = None  # another gzip member follows
            else:
                self.finished, rest = True, b""
        return out, rest

    def flush(self) -> bytes:
        """Give back nothing when the stream ended properly; raise zlib.error when it was cut short."""
        if self._decoder is None or self.finished:
            return b""
        raise zlib.error("the body ends inside a compressed stream (truncated)")
