"""Is this an article? Page kinds from the page's own evidence."""

from __future__ import annotations

from pathlib import Path

import pytest
from trafilatura.utils import load_html

from newslake.tasks.metadata import read_claims
from newslake.tasks.pagetype import judge_page, read_page_signals
from tests.pages import extract_page

PAGES = Path(__file__).resolve().parents[1] / "bench" / "page_types"
STORY = "".join(
    f"<p>Paragraph {n} tells what the council decided about the bridge and why it matters.</p>" for n in range(6)
)


@pytest.mark.parametrize("path", sorted(PAGES.glob("*.html")), ids=lambda p: p.name)
def test_each_kind_of_page_is_told_apart(path: Path) -> None:
    article = extract_page(path.read_bytes())
    assert article.page_kind == path.name.split("-")[0], article.page_evidence


def test_an_article_type_outranks_a_password_field_and_a_grid_of_links() -> None:
    links = "".join(f"<div><h3><a href='/s/{n}'>Story {n} headline</a></h3></div>" for n in range(12))
    page = (
        '<html><head><title>Sign in</title><script type="application/ld+json">{"@type": "NewsArticle", '
        f'"headline": "Bridge"}}</script></head><body><article><h1>Bridge</h1>{STORY}</article>'
        f"<form><input type='password'></form>{links}</body></html>"
    )
    article = extract_page(page)
    assert (article.page_kind, article.page_evidence) == (
        "article",
        "the page declares itself an article (NewsArticle)",
    )


def test_a_story_that_mentions_a_404_or_sits_beside_a_log_in_box_is_an_article() -> None:
    long_story = STORY * 5
    page = (
        "<html><head><title>Why the 404 page matters</title></head><body><h1>Why the 404 page matters</h1>"
        f"{long_story}<aside><h2>Log in</h2><form><input type='password'></form></aside></body></html>"
    )
    assert extract_page(page).page_kind == "article"


def test_og_type_article_does_not_hide_a_product() -> None:
    page = (
        '<html><head><meta property="og:type" content="article"><script type="application/ld+json">'
        '{"@type": "Product", "name": "Tote"}</script></head><body><h1>Tote</h1>' + STORY + "</body></html>"
    )
    assert extract_page(page).page_kind == "product"


def test_a_fetched_home_page_is_a_listing_but_a_file_is_judged_on_its_content() -> None:
    page = f"<html><head><title>Example Times</title></head><body><h1>Welcome</h1>{STORY}</body></html>"
    assert extract_page(page, uri="https://example.com/").page_kind == "article"  # extract_page passes no URL

    tree = load_html(page)
    signals = read_page_signals(tree, read_claims(tree))
    assert judge_page(signals, "Welcome text", "https://example.com/").kind == "listing"
    assert judge_page(signals, "Welcome text", "https://example.com/de/index.html").kind == "listing"
    assert judge_page(signals, "Welcome text", "https://example.com/news/bridge").kind == "article"
    assert judge_page(signals, "Welcome text", "https://example.com/?p=3289").kind == "article"


@pytest.mark.parametrize(
    "content",
    [
        "body {\n  margin: 0;\n}\n.title {\n  color: #222;\n}\n",
        '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">\n<path d="M0 0h10"/>\n</svg>\n',
        "function show() {\n  var x = 1;\n  return x;\n}\n",
    ],
    ids=["css", "svg", "script"],
)
def test_a_style_sheet_script_or_svg_read_as_text_is_not_an_article(content: str) -> None:
    from datetime import UTC, datetime

    from newslake.tasks.extract import extract_article
    from newslake.tasks.normalize import normalize_document
    from newslake.tasks.records import Article, RawDocument

    body = content.encode()
    doc = normalize_document(RawDocument("d1", "file:///a.txt", body, datetime.now(UTC), len(body)), 10_000_000)
    article = extract_article(doc)  # type: ignore[arg-type]
    assert isinstance(article, Article) and article.page_kind == "code", article


def test_each_linked_headline_gives_the_teaser_card_around_it_and_no_more() -> None:
    cards = "".join(
        f'<div class="card"><h3><a href="/s/{n}">Story {n} headline</a></h3>\n<p>Teaser {n} in a few words.</p></div>'
        for n in range(3)
    )
    page = f"<html><body><main><section><h2>Latest</h2>{cards}</section></main></body></html>"
    tree = load_html(page)
    signals = read_page_signals(tree, read_claims(tree))
    assert signals.linked_headlines == ("Story 0 headline", "Story 1 headline", "Story 2 headline")
    # Each card holds its own headline and teaser; the section holding all three is no card.
    assert signals.cards == tuple(f"Story {n} headline Teaser {n} in a few words." for n in range(3))
