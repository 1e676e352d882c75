"""Logins written into source URLs and a source's own headers: kept in memory, for the same origin only."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from newslake.tasks.logins import (
    SiteHeaders,
    UnsetVariableError,
    expand_variables,
    forget_logins,
    header_problem,
    login_for,
    remember_login,
    without_logins,
)
from newslake.tasks.urls import split_userinfo


@pytest.fixture(autouse=True)
def no_logins() -> Iterator[None]:
    forget_logins()
    yield
    forget_logins()


@pytest.mark.parametrize(
    ("url", "bare", "login"),
    [
        ("https://alice:s3cret@news.example/feed.xml", "https://news.example/feed.xml", ("alice", "s3cret")),
        ("https://alice:p%40ss%3Aword@news.example:8443/a", "https://news.example:8443/a", ("alice", "p@ss:word")),
        ("https://token@news.example/feed", "https://news.example/feed", ("token", "")),  # a name alone
        ("https://a:b@c@news.example/x", "https://news.example/x", ("a", "b@c")),  # the last @ ends it
        ("https://news.example/feed.xml?user=a@b", "https://news.example/feed.xml?user=a@b", None),
        ("https://news.example/@handle", "https://news.example/@handle", None),
        ("/home/me/urls@work.txt", "/home/me/urls@work.txt", None),  # a path, not a URL
        ("ftp://a:b@files.example/x", "ftp://files.example/x", ("a", "b")),
        ("http://[ccpa-preferences]", "http://[ccpa-preferences]", None),  # cannot be split: left as it is
    ],
)
def test_a_login_is_taken_out_of_a_url(url: str, bare: str, login: tuple[str, str] | None) -> None:
    assert split_userinfo(url) == (bare, login)


def test_a_login_is_kept_for_its_origin_and_no_other() -> None:
    assert remember_login("https://alice:s3cret@News.Example/feed.xml") == "https://News.Example/feed.xml"
    for same in ("https://news.example/articles/1", "https://NEWS.example:443/robots.txt"):
        assert login_for(same) == ("alice", "s3cret")
    for other in ("http://news.example/a", "https://news.example:8443/a", "https://cdn.news.example/a"):
        assert login_for(other) is None
    assert remember_login("https://news.example/other") == "https://news.example/other"  # keeps the login
    assert login_for("https://news.example/") == ("alice", "s3cret")
    remember_login("https://bob:other@news.example/")  # the latest login for an origin is the one sent
    assert login_for("https://news.example/") == ("bob", "other")
    assert remember_login("ftp://a:b@files.example/x") == "ftp://files.example/x"  # never fetched: not kept
    assert login_for("ftp://files.example/x") is None


def test_text_is_given_back_without_the_logins_of_its_urls() -> None:
    command = "run --feed https://alice:s3cret@news.example/feed.xml --urls=http://a:b@x.example/u.txt seeds"
    assert without_logins(command) == "run --feed https://news.example/feed.xml --urls=http://x.example/u.txt seeds"
    assert without_logins("mail me@example.com, see https://example.com/@me") == (
        "mail me@example.com, see https://example.com/@me"
    )


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("Authorization", "Bearer ${FEED_TOKEN}", None),
        ("X-Api-Key", "plain $dollar and ${A_1}", None),
        ("Cookie", "session=abc", None),
        ("X Key", "v", "is not an HTTP header name"),
        ("", "v", "is not an HTTP header name"),
        ("User-Agent", "me", "set by the fetcher itself"),
        ("if-none-match", "x", "set by the fetcher itself"),
        ("Accept-Encoding", "br", "set by the fetcher itself"),
        ("X-Key", "a\r\nInjected: 1", "cannot hold line breaks"),
        ("X-Key", "${1ST}", "is not an environment variable's name"),
        ("X-Key", "${}", "is not an environment variable's name"),
    ],
)
def test_a_header_as_written_is_checked(name, value, problem):
    found = header_problem(name, value)
    assert found is None if problem is None else problem in (found or "")


def test_variables_are_read_from_the_environment_given():
    environ = {"TOKEN": "t0k", "EMPTY": ""}
    assert expand_variables("A", "Bearer ${TOKEN}${EMPTY}; $TOKEN", environ) == "Bearer t0k; $TOKEN"
    with pytest.raises(UnsetVariableError, match=r"header A names \$\{MISSING\}, which is not set"):
        expand_variables("A", "${TOKEN} ${MISSING}", environ)


def test_a_sources_headers_apply_to_its_origin_only():
    own = SiteHeaders.of_source("https://feeds.example.com/a.xml", {"X-Key": "${K}"}, {"K": "s3cret"})
    assert own is not None
    assert own.applied_to("https://FEEDS.example.com:443/story?id=1") == {"X-Key": "s3cret"}
    for other in ("http://feeds.example.com/a", "https://feeds.example.com:8443/a", "https://example.com/a", "nope"):
        assert own.applied_to(other) == {}, other
    assert "s3cret" not in repr(own) and "s3cret" not in str(own) and "X-Key" in repr(own)
    assert SiteHeaders.of_source("https://feeds.example.com/a.xml", {}, {}) is None
    assert SiteHeaders.of_source("/home/me/list.txt", {"X-Key": "v"}, {}) is None
