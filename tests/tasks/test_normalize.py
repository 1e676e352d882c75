"""Normalization: every input becomes a classified document or a rejection with a reason code."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newslake.tasks.discover import hash_bytes
from newslake.tasks.normalize import (
    classify_text,
    decode_bytes,
    normalize_document,
    repair_mojibake,
    without_surrogates,
)
from newslake.tasks.records import NormalizedDocument, RawDocument, Rejection
from tests.conftest import SEED_000, SEED_003

LIMIT = 1_000_000
ARTICLE_HTML = "<html><head><title>T</title></head><body><p>Hello world, this is news.</p><div>x</div></body></html>"


def _raw(content: bytes | None, size: int | None = None) -> RawDocument:
    return RawDocument(
        hash_bytes(content or b""),
        "file:///doc",
        content,
        datetime.now(UTC),
        len(content or b"") if size is None else size,
    )


def _reason(content: bytes) -> str:
    result = normalize_document(_raw(content), LIMIT)
    assert isinstance(result, Rejection), result
    return result.reason


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"   \n\t ", "empty"),
        (gzip.compress(b"", mtime=0), "empty"),
        (gzip.compress(ARTICLE_HTML.encode(), mtime=0)[:20], "corrupt_gzip"),
        (b"\x1f\x8bnot really gzip", "corrupt_gzip"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "binary_content"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "binary_content"),
        (b"abc\x00\x01\x02\x03" * 50 + b"\xff\xfe\xfd" * 40, "binary_content"),
    ],
)
def test_unreadable_inputs_are_rejected_with_reason(content: bytes, reason: str) -> None:
    assert _reason(content) == reason


def test_gzip_bomb_is_refused_as_too_large() -> None:
    bomb = gzip.compress(b"a" * (LIMIT + 10))
    assert _reason(bomb) == "too_large"


def test_unread_oversized_document_is_too_large() -> None:
    result = normalize_document(_raw(None, size=LIMIT + 1), LIMIT)
    assert isinstance(result, Rejection) and result.reason == "too_large"


def test_gzip_is_read_transparently() -> None:
    result = normalize_document(_raw(gzip.compress(ARTICLE_HTML.encode())), LIMIT)
    assert isinstance(result, NormalizedDocument) and result.kind == "html"


@pytest.mark.parametrize(
    ("content", "encoding", "expected"),
    [
        ("Grüße aus Köln".encode("utf-16"), "utf-16-le", "Grüße aus Köln"),
        (b"\xef\xbb\xbfcaf\xc3\xa9", "utf-8", "café"),
        ('<meta charset="windows-1252"><p>caf\xe9 \x93quoted\x94</p>'.encode("latin-1"), "cp1252", "café “quoted”"),
        (
            '<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS"><p>日本語</p>'.encode("shift_jis"),
            "shift_jis",
            "日本語",
        ),
    ],
)
def test_decode_prefers_bom_then_declared_charset(content: bytes, encoding: str, expected: str) -> None:
    text, used = decode_bytes(content)
    assert used == encoding
    assert expected in text


def test_invalid_utf8_decodes_without_crashing() -> None:
    text, _ = decode_bytes(b"valid start \xff\xfe\xc3 then more plain words here and there")
    assert "valid start" in text


def test_seed_kinds_are_detected_by_content_not_name() -> None:
    for path, kind in ((SEED_000, "text"), (SEED_003, "escaped_html")):
        result = normalize_document(_raw(path.read_bytes()), LIMIT)
        assert isinstance(result, NormalizedDocument)
        assert result.kind == kind


def test_escaped_page_is_unescaped_and_split_from_its_preamble() -> None:
    result = normalize_document(_raw(SEED_003.read_bytes()), LIMIT)
    assert isinstance(result, NormalizedDocument)
    assert result.preamble[0] == "Site icon The Word 360"
    assert "&period;" not in result.body and "<p" in result.body
    assert "Exit mobile version" not in result.body


def test_normalizing_twice_equals_once() -> None:
    first = classify_text("d", "s", SEED_003.read_text(encoding="utf-8"), "utf-8")
    again = classify_text("d", "s", first.body, "utf-8")
    assert again.body == first.body


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=4096))
def test_any_bytes_give_a_document_or_a_rejection(content: bytes) -> None:
    result = normalize_document(_raw(content), LIMIT)
    assert isinstance(result, NormalizedDocument | Rejection)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000))
def test_any_text_gives_a_document_or_a_rejection(text: str) -> None:
    result = normalize_document(_raw(text.encode("utf-8", "surrogatepass")), LIMIT)
    assert isinstance(result, NormalizedDocument | Rejection)


def test_valid_utf8_wins_over_a_wrong_declared_charset() -> None:
    content = '<meta charset="iso-8859-1"><p>Tarif für nur 5,99 Euro</p>'.encode()
    assert decode_bytes(content) == ('<meta charset="iso-8859-1"><p>Tarif für nur 5,99 Euro</p>', "utf-8")


def test_quot_entities_in_attributes_do_not_make_a_page_escaped() -> None:
    attribute = "&quot;key&quot;: &quot;value&quot;, " * 40
    page = (
        f'<html><head><title>Georgien: "Agentengesetz"</title></head><body data-x="{attribute}"><p>x</p></body></html>'
    )
    doc = classify_text("d", "s", page, "utf-8")
    assert doc.kind == "html" and "&quot;" in doc.body


def test_markup_shown_as_text_is_unescaped() -> None:
    page = "".join(f"&lt;p&gt;Paragraph {i} of the story.&lt;/p&gt;" for i in range(6))
    doc = classify_text("d", "s", page, "utf-8")
    assert doc.kind == "escaped_html" and "<p>Paragraph 3" in doc.body


def test_escaped_punctuation_is_decoded_but_markup_references_stay_escaped() -> None:
    # A scraped page writes its punctuation as references; &lt; &gt; &amp; &quot; were the page's own
    # escapes (an attribute holding markup, a text that shows a tag) and must not become tags.
    sentence = "Shares of AT&amp;T rose&comma; the &lt;b&gt; tag says&period; " * 30
    page = (
        f'<div data-card&equals;"&lt;a href&equals;&quot;&sol;x&quot;&gt;Teaser&lt;&sol;a&gt;"><p>{sentence}</p></div>'
    )
    doc = classify_text("d", "s", page, "utf-8")
    assert doc.kind == "escaped_html"
    assert "&period;" not in doc.body and "rose, the" in doc.body
    assert '<a href="/x">' not in doc.body and "&lt;a href=&quot;/x&quot;&gt;" in doc.body
    assert "AT&amp;T" in doc.body and "&lt;b&gt;" in doc.body


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("Sohlen sorgen fÃ¼r ein neues HochgefÃ¼hl", "Sohlen sorgen für ein neues Hochgefühl"),
        ("Die Ã„rzte in SÃ£o Paulo", "Die Ärzte in São Paulo"),
        ("ÃƒÂ© twice over", "é twice over"),  # encoded twice, then once more
        ("President FranA\u0303\u0083A\u0302\u00a7ois Hollande", "President François Hollande"),  # decomposed
        ("citing \x93expanded UEFA competitions\x94", "citing \u201cexpanded UEFA competitions\u201d"),  # cp1252
    ],
)
def test_text_encoded_twice_is_repaired(given: str, expected: str) -> None:
    assert repair_mojibake(given) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Ça va très bien, Ångström, naïve résumé, Zürich, 東京, Ελλάδα, Україна",
        "“Curly quotes” and ‘single’ ones stay — so do dashes… and ligatures (ﬁ) and full-width ＡＢＣ",
        "I ❤ NY: 50 °C ± 2, 5 € & 3 £, © 2024 ™",
        "Caf\u0065\u0301 written decomposed, and nothing else wrong",
        "&amp; an entity left as it is",
    ],
)
def test_text_without_mojibake_is_left_exactly_as_it_is(text: str) -> None:
    assert repair_mojibake(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Budget \ud83d passes", "Budget \ufffd passes"),  # half of an emoji's escaped pair
        ("\udc00Roe and \ud800", "\ufffdRoe and \ufffd"),
        ("Budget \U0001f600 passes", "Budget \U0001f600 passes"),  # a whole emoji stays
        ("plain", "plain"),
    ],
)
def test_a_lone_surrogate_becomes_the_replacement_character(text: str, expected: str) -> None:
    fixed = without_surrogates(text)
    assert fixed == expected
    fixed.encode("utf-8")  # what Parquet and JSON lines need
