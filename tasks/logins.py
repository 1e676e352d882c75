"""How a source proves who is asking: a login written into its URL, or request headers of its own.

A feed or URL list behind HTTP Basic auth is given with its login in the URL, as curl and browsers take
it (`https://user:password@host/feed.xml`). The login is taken out of the URL where the URL enters
newslake (the configured source, a listed page) and kept here, in this process, for the fetcher, which
sends it with every request to the same origin (scheme, host and port) and to no other. Everything that
is stored, printed or sent to the orchestrator holds the URL without it: the warehouse's rows, the run
summary, Prefect's flow runs.

A source behind a token or a cookie gives request headers instead (`SiteHeaders`), whose values may
name environment variables (`Bearer ${FEED_TOKEN}`), read when the source is polled, so that the secret
need not be written in the config file. They too go to the source's own origin only.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass

from newslake.tasks.urls import split_url, split_userinfo

_DEFAULT_PORTS = {"http": 80, "https": 443}
_LOGINS: dict[tuple[str, str, int], tuple[str, str]] = {}  # origin -> (user name, password)
_LOCK = threading.Lock()
_WRITTEN_LOGIN = re.compile(r"(?i)\b(https?://)[^/?#\s@]+@")


def without_logins(text: str) -> str:
    """Give back text with the login of every http(s) URL in it left out (a command line, a message)."""
    return _WRITTEN_LOGIN.sub(r"\1", text)


def remember_login(url: str) -> str:
    """Give back the URL without its login, which is kept for every later request of this process to the
    URL's origin when that is http(s). A URL without one is given back as it is, and changes nothing."""
    bare, login = split_userinfo(url)
    origin = _origin(bare)
    if login is not None and origin is not None:
        with _LOCK:
            _LOGINS[origin] = login
    return bare


def login_for(url: str) -> tuple[str, str] | None:
    """Give back the login kept for the URL's origin, if any."""
    origin = _origin(url)
    if origin is None:
        return None
    with _LOCK:
        return _LOGINS.get(origin)


def forget_logins() -> None:
    """Forget every kept login."""
    with _LOCK:
        _LOGINS.clear()


def _origin(url: str) -> tuple[str, str, int] | None:
    parts = split_url(url)
    if parts is None or not parts.hostname:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        return None
    return scheme, parts.hostname.lower(), parts.port or _DEFAULT_PORTS[scheme]


# An environment variable named in a header's value: `${NAME}`.
_REFERENCE = re.compile(r"\$\{([^}]*)\}")
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # an HTTP token (RFC 9110)
# Headers the fetcher writes itself: the connection's, the conditional requests', the content codings
# it can decode, and the User-Agent that robots.txt rules are matched against (fetch.user_agent).
FETCHER_HEADERS = frozenset(
    (
        "host",
        "connection",
        "content-length",
        "transfer-encoding",
        "te",
        "upgrade",
        "accept-encoding",
        "if-none-match",
        "if-modified-since",
        "user-agent",
    )
)


class UnsetVariableError(LookupError):
    """A header's value names an environment variable that is not set."""

    def __init__(self, header: str, variable: str) -> None:
        super().__init__(f"header {header} names ${{{variable}}}, which is not set in this environment")
        self.header, self.variable = header, variable


def header_problem(name: str, value: str) -> str | None:
    """Give back what is wrong with a request header as written in a config file, or None."""
    if not _HEADER_NAME.fullmatch(name):
        return f"header name {name!r} is not an HTTP header name"
    if name.lower() in FETCHER_HEADERS:
        return f"header {name} is set by the fetcher itself (the User-Agent is fetch.user_agent)"
    if any(c in value for c in "\r\n\0"):
        return f"header {name}: a value cannot hold line breaks"
    for reference in _REFERENCE.findall(value):
        if not _VARIABLE.fullmatch(reference):
            return f"header {name}: ${{{reference}}} is not an environment variable's name"
    return None


def expand_variables(name: str, value: str, environ: Mapping[str, str]) -> str:
    """Give back a header's value with each `${NAME}` replaced by that environment variable; raise
    UnsetVariableError when one is not set (an empty value counts as set)."""

    def value_of(match: re.Match[str]) -> str:
        variable = match.group(1)
        if variable not in environ:
            raise UnsetVariableError(name, variable)
        return environ[variable]

    return _REFERENCE.sub(value_of, value)


@dataclass(frozen=True, repr=False)
class SiteHeaders:
    """Request headers of one source, sent only to its own origin (scheme, host and port): the
    listing and the pages it lists there, not another host's pages nor a redirect to another host."""

    origin: tuple[str, str, int]
    headers: tuple[tuple[str, str], ...]

    @classmethod
    def of_source(cls, location: str, headers: Mapping[str, str], environ: Mapping[str, str]) -> SiteHeaders | None:
        """Give back a source's headers with their variables read from environ, or None when it has
        none or is not fetched over HTTP; raise UnsetVariableError when a variable is not set."""
        origin = _origin(location)
        if not headers or origin is None:
            return None
        return cls(origin, tuple((name, expand_variables(name, value, environ)) for name, value in headers.items()))

    def applied_to(self, url: str) -> dict[str, str]:
        """Give back the headers to send with a request of url: all of them on the source's origin, else none."""
        return dict(self.headers) if _origin(url) == self.origin else {}

    def __repr__(self) -> str:  # the values are secrets: a log or a traceback shows the names only
        scheme, host, port = self.origin
        return f"SiteHeaders({scheme}://{host}:{port}, {', '.join(name for name, _ in self.headers)})"
