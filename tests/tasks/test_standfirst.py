"""The standfirst: a page's visible summary below the headline, outside the body container."""

from __future__ import annotations

from lxml import html as lxml_html

from newslake.tasks.metadata import read_claims
from newslake.tasks.standfirst import find_standfirst, with_standfirst
from tests.pages import extract_page

SUMMARY = "The council approved the new bridge after a decade of delays and three failed votes."
BODY = "".join(
    f"<p>Paragraph {i} tells how the council met again on Monday to weigh the cost of the bridge and the plans.</p>"
    for i in range(8)
)


def _page(head: str, top: str) -> str:
    return (
        f"<html><head><title>Bridge approved</title>{head}</head><body><main>"
        f"<div class='top'><h1>Bridge approved</h1>{top}</div>"
        f"<div class='article-body'>{BODY}</div></main></body></html>"
    )


def _standfirst(head: str, top: str) -> str | None:
    tree = lxml_html.fromstring(_page(head, top))
    return find_standfirst(tree, read_claims(tree).descriptions)


def test_the_visible_summary_below_the_headline_opens_the_article() -> None:
    html = _page(f'<meta property="og:description" content="{SUMMARY}">', f"<p class='lead'>{SUMMARY}</p>")
    article = extract_page(html)
    lines = article.text.split("\n")
    assert lines[0] == SUMMARY and lines[1].startswith("Paragraph 0") and len(lines) == 9


def test_a_description_cut_short_finds_the_whole_summary() -> None:
    cut = SUMMARY[:60] + "…"
    jsonld = f'<script type="application/ld+json">{{"@type": "NewsArticle", "description": "{cut}"}}</script>'
    assert _standfirst(jsonld, f"<div class='intro'><p>{SUMMARY}</p></div>") == SUMMARY


def test_captions_header_deks_and_unshown_descriptions_are_not_standfirsts() -> None:
    meta = f'<meta name="description" content="{SUMMARY}">'
    assert _standfirst(meta, f"<figure><img src='a.jpg'><figcaption>{SUMMARY}</figcaption></figure>") is None
    assert _standfirst(meta, f"<div class='caption'>{SUMMARY} © Photo Agency</div>") is None
    assert _standfirst(meta, f"<header><p class='dek'>{SUMMARY}</p></header>") is None
    assert _standfirst(meta, f"<div class='article-heading'><p class='dek'>{SUMMARY}</p></div>") is None
    # a class that only contains such a word does not name a header
    assert _standfirst(meta, f"<div class='headline__lead'><p>{SUMMARY}</p></div>") == SUMMARY
    assert _standfirst(meta, "<p>Something else entirely is shown below the headline here.</p>") is None
    assert _standfirst("", f"<p>{SUMMARY}</p>") is None  # the page gives no description


def test_with_standfirst_adds_it_once() -> None:
    text = "Paragraph one.\nParagraph two."
    assert with_standfirst(text, SUMMARY) == f"{SUMMARY}\n{text}"
    # already held, with a word of markup noise inside it (a reading annotation, a soft hyphen)
    held = SUMMARY.replace("new bridge", "new (b) bridge") + "\n" + text
    assert with_standfirst(held, SUMMARY) == held
    assert with_standfirst(text, None) == text
