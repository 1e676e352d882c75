"""The messy-variant generator of the extraction evaluation: its shapes, and when a variant lost its article."""

from __future__ import annotations

import html

from tests.bench.messy import escaped_variant, holds_article, text_variant

BODY = "The council approved the new bridge on Monday after a long debate about its cost and design."


def test_escaped_variant_escapes_markup_behind_a_banner_and_repeated_title() -> None:
    page = f"<html><head><title>Bridge</title></head><body><p>{BODY}</p></body></html>".encode()
    variant = escaped_variant(page).decode()
    assert variant.startswith("Site icon Example Site\n\nBridge\n\nBridge\n\nBridge\n\n")
    assert "&period;" in variant and "." not in variant.split("Bridge\n\n")[-1]
    assert BODY in html.unescape(variant)


def test_a_variant_holds_the_article_when_its_text_has_the_labelled_body() -> None:
    page = f"<html><body><div><p>{BODY}</p></div></body></html>".encode()
    assert holds_article(escaped_variant(page), BODY)


def test_a_page_rendered_from_script_data_loses_its_article_in_the_scraped_shape() -> None:
    state = '{"article": "' + BODY + '"}'
    page = f'<html><body><div id="root"></div><script type="application/json">{state}</script></body></html>'
    assert BODY in page
    assert not holds_article(escaped_variant(page.encode()), BODY)


def test_text_variant_repeats_the_title_and_adds_a_sign_off_and_a_call_to_action() -> None:
    text = text_variant("Bridge", BODY).decode()
    assert text.startswith("Bridge\n\nBridge\n\n" + BODY)
    assert "T.D." in text and "give us a like" in text
