"""Logins written into source URLs (`https://user:password@host/feed.xml`), kept in memory only.

A feed or URL list behind HTTP Basic auth is given with its login in the URL, as curl and browsers take
it. The login is taken out of the URL where the URL enters newslake (the configured source, a listed
page) and kept here, in this process, for the fetcher, which sends it with every request to the same
origin (scheme, host and port) and to no other. Everything that is stored, printed or sent to the
orchestrator holds the URL without it: the warehouse's rows, the run summary, Prefect's flow runs.
"""

from __future__ import annotations

import re
import threading

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
