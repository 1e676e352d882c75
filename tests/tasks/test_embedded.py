"""Article text held outside the visible markup: JSON-LD articleBody and inline script state."""

from __future__ import annotations

import json

from lxml import html as lxml_html

from newslake.tasks.embedded import body_text, filter_by_reference, find_embedded_markup
from newslake.tasks.extract import reconcile_with_article_body
from tests.pages import extract_page

PARAGRAPHS = [
    "The city council approved the new budget on Tuesday after a debate that lasted into the night.",
    "Opposition members said the plan cut too deeply into school funding and would hurt families.",
    "The mayor defended the budget, saying it balanced the books for the first time in a decade.",
    "A final vote on the spending details is expected next month, officials said on Wednesday.",
]


def _state_page(state: dict[str, object]) -> str:
    # Like a script-rendered site: an empty app shell, the article only in the hydration state,
    # serialised for a script element ("</" written "<\/", as HTML-safe JSON encoders do).
    payload = json.dumps(state).replace("</", "<\\/")
    return (
        "<html><head><title>Council passes budget | Example Times</title>"
        '<meta property="og:title" content="Council passes budget">'
        '<meta property="article:published_time" content="2026-01-29T18:40:00+09:00">'
        '<meta property="og:site_name" content="Example Times"></head>'
        '<body><div id="root"></div>'
        f"<script>window.__STATE__ = window.__STATE__ || []; window.__STATE__.push({payload});</script>"
        "</body></html>"
    )


def test_find_embedded_markup_takes_the_article_from_inline_state() -> None:
    markup = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    page = _state_page({"detail": {"title": "Council passes budget", "contentHtml": markup, "teaser": "<p>x</p>"}})
    assert find_embedded_markup(lxml_html.fromstring(page)) == markup


def test_find_embedded_markup_needs_paragraphs() -> None:
    page = _state_page({"detail": {"description": "A long string without any markup at all. " * 20}})
    assert find_embedded_markup(lxml_html.fromstring(page)) is None


def test_a_script_rendered_page_gives_its_article_with_the_head_metadata() -> None:
    markup = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    page = _state_page({"detail": {"contentHtml": markup}}).encode()
    article = extract_page(page)
    assert article.text.splitlines() == PARAGRAPHS
    assert article.title == "Council passes budget"
    assert article.published_at is not None and article.published_at.date().isoformat() == "2026-01-29"


def test_body_text_reads_markup_and_escaped_markup() -> None:
    assert body_text("<p>One.</p><p>Two &amp; three.</p>") == "One.\nTwo & three."
    assert body_text("&lt;p&gt;One.&lt;/p&gt;&lt;h2&gt;Head&lt;/h2&gt;") == "One.\nHead"
    assert body_text(["First part.", "Second part."]) == "First part.\nSecond part."
    assert body_text(None) == "" and body_text("  ") == ""


def test_filter_by_reference_drops_what_the_structured_body_lacks() -> None:
    teaser = "Read more: the ten best restaurants in town, ranked by our critics this spring season."
    standfirst = "Councillors argued for hours before passing the spending plan for next year."
    text = "\n".join([standfirst, PARAGRAPHS[0], "Late debate", PARAGRAPHS[1], teaser, *PARAGRAPHS[2:]])
    reference = "\n".join(PARAGRAPHS)
    kept = filter_by_reference(text, reference, also=standfirst).splitlines()
    assert kept == [standfirst, PARAGRAPHS[0], "Late debate", PARAGRAPHS[1], *PARAGRAPHS[2:]]


def test_filter_by_reference_ignores_a_teaser_reference() -> None:
    text = "\n".join(PARAGRAPHS)
    assert filter_by_reference(text, PARAGRAPHS[0]) == text


def test_a_much_longer_structured_body_replaces_a_partial_extraction() -> None:
    full = "\n".join(PARAGRAPHS * 2)
    assert reconcile_with_article_body(PARAGRAPHS[0], full) == full
    assert reconcile_with_article_body(PARAGRAPHS[0], "") == PARAGRAPHS[0]
