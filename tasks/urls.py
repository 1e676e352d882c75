"""URL normalization, URL-list parsing and bare web addresses: one spelling per page, so a page is fetched
and stored once."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from urllib.parse import SplitResult, unquote, urldefrag, urljoin, urlsplit, urlunsplit


class InvalidUrlError(ValueError):
    """Raised when a string is not an absolute http(s) URL."""


def split_url(url: str) -> SplitResult | None:
    """Give back the parts of a URL, or None when it cannot be split (a bracketed host that is not an
    IPv6 address, "http://[ccpa-preferences]", makes urlsplit raise)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - reading the port validates it ("http://host:99999" raises here)
    except ValueError:
        return None
    return parts


def split_userinfo(url: str) -> tuple[str, tuple[str, str] | None]:
    """Give back a URL without the user name and password written into it ("https://user:secret@host/"
    is "https://host/"), and those two (percent-decoded; the password is empty when only a name is
    given), or None when it holds none."""
    parts = split_url(url)
    if parts is None or "@" not in parts.netloc:
        return url, None
    userinfo, host = parts.netloc.rsplit("@", 1)
    user, _, password = userinfo.partition(":")
    return urlunsplit(parts._replace(netloc=host)), (unquote(user), unquote(password))


def without_userinfo(url: str) -> str:
    """Give back a URL without the login written into it: what an article shows its readers, or a
    source's name, must not carry one."""
    return split_userinfo(url)[0]


def source_uris(target: str) -> list[str]:
    """Give back the source URIs a target a user names can be stored under: a page URL as given and in
    its normalized spelling (without a login), a URI as it is, and a path as the file:// URI of the
    absolute path (the file may be gone)."""
    if target.lower().startswith(("http://", "https://")):
        bare = without_userinfo(target)
        try:
            return list(dict.fromkeys((bare, normalize_url(bare))))
        except InvalidUrlError:
            return [bare]
    if re.match(r"^[a-z][a-z0-9+.-]*://", target, re.IGNORECASE):
        return [target]
    return [Path(target).expanduser().resolve().as_uri()]


def join_url(base: str, target: str) -> str | None:
    """Give back target resolved against base, or None when either cannot be read as a URL."""
    try:
        joined = urljoin(base, target)
    except ValueError:
        return None
    return joined if split_url(joined) is not None else None


# No host name (a DNS name or an IP address) holds spaces, control characters, quotes, percent escapes
# or the characters RFC 3986 leaves out of URLs.
_NOT_IN_A_HOST = re.compile(r"[\x00-\x20\x7f<>\"'{}|\\^`%]")


def normalize_url(url: str) -> str:
    """Give back the URL in its canonical spelling: lower-case host, no default port, no fragment,
    no tracking parameters, sorted query, resolved dot segments.

    Raises InvalidUrlError for anything that is not an absolute http(s) URL.
    """
    candidate = url.strip()
    parts = split_url(candidate)
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InvalidUrlError(f"not an absolute http(s) URL: {url!r}")
    if _NOT_IN_A_HOST.search(parts.hostname):
        # HTTP clients percent-encode such a host and fail on it later, as if the name did not
        # resolve (a failure worth retrying); no such name exists.
        raise InvalidUrlError(f"not a valid URL: {url!r} (its host holds a character no host name has)")
    import courlan  # 70-100 ms to import: not on the path of every command that reads its settings

    try:
        cleaned = courlan.normalize_url(candidate)
    except ValueError as exc:
        raise InvalidUrlError(f"not a valid URL: {url!r} ({exc})") from exc
    cleaned = urldefrag(cleaned).url
    parts = split_url(cleaned)
    if parts is None:
        raise InvalidUrlError(f"not a valid URL: {url!r}")
    path = _resolve_dots(parts.path) or "/"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def _resolve_dots(path: str) -> str:
    if "/." not in path:
        return path
    resolved = posixpath.normpath(path)
    # normpath drops a trailing slash, which is part of a page's address.
    return resolved + "/" if path.endswith("/") and not resolved.endswith("/") else resolved


def host_of(url: str) -> str:
    """Give back the lower-case host name of a URL."""
    parts = split_url(url)
    return ((parts.hostname if parts else None) or "").lower()


# Second-level labels under a country's domain that name a kind of site, not the site ("co.uk", "com.br").
_SECOND_LEVEL = frozenset(("co", "com", "org", "net", "gov", "gob", "ac", "edu", "or", "ne"))


def host_label(hostname: str | None) -> str:
    """Give back the distinctive part of a host name: "www.time4talks.com" -> "time4talks",
    "lanacion.com.ar" -> "lanacion"."""
    labels = [label for label in (hostname or "").lower().split(".") if label not in ("www", "m", "amp")]
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL:
        return labels[-3]
    return labels[-2] if len(labels) >= 2 else "".join(labels)


def host_allowed(url: str, allowed_hosts: Iterable[str]) -> bool:
    """Tell whether the URL's host is one of the allowed hosts or a subdomain of one; no list allows all."""
    allowed = [h.lower().lstrip(".") for h in allowed_hosts]
    if not allowed:
        return True
    host = host_of(url)
    return any(host == h or host.endswith("." + h) for h in allowed)


def parse_url_list(text: str) -> Iterator[str]:
    """Yield the URLs of a URL-list file: one per line; blank lines and lines starting with # are skipped."""
    for line in text.splitlines():
        entry = line.strip()
        if entry and not entry.startswith("#"):
            yield entry.split()[0]


_WEB_ADDRESS = re.compile(r"(?:www\.)?(?:[a-z0-9-]+\.)+([a-z]{2,6})", re.IGNORECASE)
# Endings of web addresses besides the countries' two-letter ones.
_GENERIC_ENDINGS = frozenset({"com", "org", "net", "info", "biz", "news", "online", "blog", "eu"})


def is_web_address(text: str) -> bool:
    """Tell whether the text is a bare web address ("heizung.de", "www.example.com"): a site's name as
    titles write it ("Headline | heizung.de"). Endings must be real ones (a country's two letters or
    a common generic one), so "Node.js" is no address."""
    match = _WEB_ADDRESS.fullmatch(text.strip())
    return match is not None and match.group(1).lower() in _address_endings()


@lru_cache(maxsize=1)
def _address_endings() -> frozenset[str]:
    import pycountry

    return _GENERIC_ENDINGS | {country.alpha_2.lower() for country in pycountry.countries} | {"uk"}
