"""No page can crash extraction: odd links and random markup give an article or a rejection."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newslake.tasks.extract import extract_article
from newslake.tasks.normalize import normalize_document
from newslake.tasks.records import Article, RawDocument, Rejection
from newslake.tasks.urls import host_of, join_url, split_url
from tests.pages import extract_page

_STORY = "".join(
    f"<p>Paragraph {n} of the story tells what the council decided on the new bridge and why it matters.</p>"
    for n in range(8)
)


def _extract_any(page: str, uri: str = "file:///page.html") -> Article | Rejection:
    body = page.encode()
    doc = normalize_document(RawDocument("d1", uri, body, datetime.now(UTC), len(body)), 10_000_000)
    if isinstance(doc, Rejection):
        return doc
    return extract_article(doc)


def test_a_link_with_a_bracketed_host_that_is_no_address_does_not_stop_extraction() -> None:
    # Thousands of local news sites carry this link in their consent box; urlsplit raises on it.
    page = (
        "<html><head><title>Bridge plan approved</title></head><body><article><h1>Bridge plan approved</h1>"
        f"{_STORY}<div><p>Do not sell my data. <a href='http://[ccpa-preferences]'>Subscribe</a></p></div>"
        "<p>Read <a href='http://[ccpa-preferences]/x'>more</a> in the full account of the council's vote.</p>"
        "</article></body></html>"
    )
    article = extract_page(page, uri="https://news.example.com/bridge")
    assert article.title == "Bridge plan approved"
    assert "Paragraph 7" in article.text


def test_url_helpers_give_none_instead_of_raising() -> None:
    assert split_url("http://[ccpa-preferences]") is None
    assert split_url("http://example.com:99999/") is None
    assert join_url("https://example.com/a", "http://[nope]/") is None
    assert join_url("https://example.com/a/b", "../c") == "https://example.com/c"
    assert host_of("http://[ccpa-preferences]") == ""


_HREFS = st.one_of(
    st.sampled_from(
        [
            "http://[ccpa-preferences]",
            "https://[::1",
            "http://:80",
            "http://example.com:99999/",
            "javascript:void(0)",
            "//",
            "/subscribe",
            "https://example.com/register?x=[y]",
            "mailto:",
            "\x00",
        ]
    ),
    st.text(max_size=30),
)
_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
# Stamps that reach every date path (UTC claims, local offsets, spaces for "T"), beside random text.
_STAMPS = st.one_of(
    st.sampled_from(
        ["2021-11-04T23:00:00Z", "2022-02-08T18:05:43+00:00", "2022-12-12 12:22", "2020-05-02T02:54:29.000Z"]
    ),
    _TEXT,
)
_TAGS = st.sampled_from(
    ["p", "div", "a", "h1", "h2", "article", "main", "time", "script", "ul", "li", "figure", "blockquote", "meta"]
)


@st.composite
def _markup(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 12))):
        tag = draw(_TAGS)
        href = draw(_HREFS).replace("'", "")
        attributes = f" href='{href}'" if tag == "a" else f" datetime='{draw(_STAMPS)}'" if tag == "time" else ""
        parts.append(f"<{tag}{attributes}>{draw(_TEXT)}" + (f"</{tag}>" if draw(st.booleans()) else ""))
    title = draw(_TEXT).replace("<", "")
    meta = f"<meta property='article:published_time' content='{draw(_STAMPS).replace(chr(39), '')}'>"
    # Structured data whose strings may hold escapes JSON allows and UTF-8 does not (half an emoji).
    escaped = draw(st.sampled_from(["", "\\ud83d", "\\udc00", "\\ud83d\\ude00", "\\u00e9"]))
    claim = draw(_TEXT).replace("\\", "").replace('"', "").replace("<", "")
    script = (
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        f'"headline": "{claim}{escaped}", "author": {{"@type": "Person", "name": "Jane {escaped}Roe"}}, '
        f'"description": "{escaped}{claim}"}}</script>'
    )
    head = f"<title>{title}</title>{meta}{script if draw(st.booleans()) else ''}"
    return f"<html><head>{head}</head><body>{''.join(parts)}{_STORY}</body></html>"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_markup(), st.sampled_from(["file:///page.html", "https://news.example.com/a", "http://[x]/y"]))
def test_random_markup_and_links_give_an_article_or_a_rejection(page: str, uri: str) -> None:
    result = _extract_any(page, uri)
    assert isinstance(result, (Article, Rejection))
    # Every string it gives can be written (Parquet, JSON lines): no half characters.
    json.dumps(asdict(result), default=str, ensure_ascii=False).encode("utf-8")


def test_a_login_in_the_pages_address_reaches_no_field_of_the_article() -> None:
    # A feed behind basic authentication gives page URLs with a login in them; the site name was
    # "user:secret@news.example.com", shown in every chart of sites.
    page = (
        "<html><head><title>Bridge plan approved</title></head><body><article><h1>Bridge plan approved</h1>"
        f"{_STORY}</article></body></html>"
    ).encode()
    uri = "https://user:secret@news.example.com/2024/bridge.html"
    doc = normalize_document(RawDocument("d1", uri, page, datetime.now(UTC), len(page)), 10_000_000)
    article = extract_article(doc, uri)  # type: ignore[arg-type]
    assert isinstance(article, Article)
    assert article.url == "https://news.example.com/2024/bridge.html" and article.site_name == "news.example.com"
    # The source URI stays as given: it is how the page is fetched again.
    assert "secret" not in json.dumps({**asdict(article), "source_uri": None}, default=str)


def test_structured_data_nested_past_the_parsers_depth_is_passed_over() -> None:
    # json.loads raises RecursionError, not ValueError, on it: the whole article became an
    # extraction_error although its text is fine.
    deep = "[" * 100_000 + "]" * 100_000
    page = (
        f"<html><head><title>Bridge plan approved</title><script type='application/ld+json'>{deep}</script>"
        f"</head><body><article><h1>Bridge plan approved</h1>{_STORY}</article></body></html>"
    )
    article = _extract_any(page)
    assert isinstance(article, Article) and article.title == "Bridge plan approved"
