import pytest

from newslake.tasks.urls import (
    InvalidUrlError,
    host_allowed,
    is_web_address,
    normalize_url,
    parse_url_list,
    source_uris,
    without_userinfo,
)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("HTTP://Example.COM:80/a/../b/?utm_source=x&b=2&a=1#frag", "http://example.com/b/?a=1&b=2"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/news/story.html#comments", "https://example.com/news/story.html"),
        ("  http://127.0.0.1:8080/x?id=3 ", "http://127.0.0.1:8080/x?id=3"),
    ],
)
def test_normalize_url_gives_one_spelling(given, expected):
    assert normalize_url(given) == expected
    assert normalize_url(normalize_url(given)) == normalize_url(given)


@pytest.mark.parametrize(
    "bad",
    [
        "ftp://example.com/a",
        "/relative/path",
        "mailto:a@example.com",
        "http://",
        # A host no name can have: refused here rather than fetched and retried as a failed lookup.
        "https://exa mple.com/",
        "http://a<b>.example/x",
        "http://ex%41mple.com/",
    ],
)
def test_normalize_url_refuses_what_cannot_be_fetched(bad):
    with pytest.raises(InvalidUrlError):
        normalize_url(bad)


def test_host_allowed_takes_subdomains_and_an_empty_list_allows_all():
    assert host_allowed("https://www.example.com/a", ["example.com"])
    assert not host_allowed("https://badexample.com/a", ["example.com"])
    assert host_allowed("https://anything.org/", [])


def test_parse_url_list_skips_comments_and_blank_lines():
    text = "# morning list\nhttps://a.example/1\n\n  https://a.example/2   note\n#https://a.example/3\n"
    assert list(parse_url_list(text)) == ["https://a.example/1", "https://a.example/2"]


@pytest.mark.parametrize(
    ("host", "label"),
    [("www.time4talks.com", "time4talks"), ("lanacion.com.ar", "lanacion"), ("news.bbc.co.uk", "bbc"), ("", "")],
)
def test_host_label_is_the_sites_own_part_of_the_host(host: str, label: str) -> None:
    from newslake.tasks.urls import host_label

    assert host_label(host) == label


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("heizung.de", True),
        ("www.example.com", True),
        ("NDR.de", True),
        ("news.example.co.uk", True),
        ("Node.js", False),  # .js ends no address
        ("e.g.", False),
        ("Heizung", False),
        ("heizung.de/wissen", False),  # a path: not a bare address
    ],
)
def test_a_bare_web_address_is_told_by_a_real_ending(text: str, expected: bool) -> None:
    assert is_web_address(text) is expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://user:secret@news.example.com:8443/a?b=1", "https://news.example.com:8443/a?b=1"),
        ("https://user@news.example.com/a", "https://news.example.com/a"),
        ("https://news.example.com/a@b", "https://news.example.com/a@b"),  # an "@" in the path is no login
        ("http://[ccpa-preferences]", "http://[ccpa-preferences]"),  # not a URL: as it is
    ],
)
def test_a_login_written_into_a_url_is_left_out(url: str, expected: str) -> None:
    assert without_userinfo(url) == expected


def test_what_a_user_names_is_found_under_each_uri_it_can_be_stored_as(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert source_uris("HTTPS://News.example/a?utm_source=x#top") == [
        "HTTPS://News.example/a?utm_source=x#top",
        "https://news.example/a",
    ]
    assert source_uris("https://alice:pw@news.example/a") == ["https://news.example/a"]  # no login kept
    assert source_uris("https://news.example/a") == ["https://news.example/a"]  # one spelling, once
    assert source_uris("file:///data/inbox/a.html") == ["file:///data/inbox/a.html"]
    assert source_uris("inbox/a b.html") == [(tmp_path / "inbox" / "a b.html").as_uri()]  # may be gone already
