"""Turn raw bytes into a decoded, unescaped and classified document, or a rejection."""

from __future__ import annotations

import codecs
import html
import re
import unicodedata
import zlib
from functools import cache
from typing import TYPE_CHECKING

from charset_normalizer import from_bytes

from newslake.tasks.records import NormalizedDocument, RawDocument, Rejection

if TYPE_CHECKING:
    from ftfy import TextFixerConfig

# Magic numbers of formats that are never news text.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"%PDF-", "PDF document"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"RIFF", "RIFF media (WebP, WAV or AVI)"),
    (b"PK\x03\x04", "ZIP archive (or DOCX/XLSX/EPUB)"),
    (b"\x7fELF", "ELF executable"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"\x28\xb5\x2f\xfd", "zstd archive"),
    (b"OggS", "Ogg media"),
    (b"ID3", "MP3 audio"),
    (b"\x00\x00\x00\x18ftyp", "MP4 media"),
    (b"\x00\x00\x00\x20ftyp", "MP4 media"),
    (b"SQLite format 3\x00", "SQLite database"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_GZIP_MAGIC = b"\x1f\x8b"
_DECLARED_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.\-]+)""",
    re.IGNORECASE,
)
# Structural punctuation written as named references: the mark of entity-escaped markup.
# (&quot; &lt; &gt; are ordinary in real pages and do not count.)
_ESCAPED_PUNCT = re.compile(r"&(?:equals|sol|period|comma|NewLine|Tab|colon|lowbar|semi|excl|quest|lpar|rpar|num);")
# Markup shown as text: "&lt;p&gt;Hello&lt;/p&gt;".
_ESCAPED_TAG = re.compile(r"&lt;/?(?:p|div|span|a|h[1-6]|article|section|br|li|ul|ol|img|body|html)\b", re.IGNORECASE)
_TAG = re.compile(
    r"<(?:!doctype|html|head|body|div|p|article|section|span|a|h[1-6]|meta|title|br|li|ul|ol|table|main|header|footer|img)\b",
    re.IGNORECASE,
)
_REFERENCE = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_MARKUP_CHARACTERS = frozenset("<>&\"'")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def normalize_document(raw: RawDocument, max_bytes: int) -> NormalizedDocument | Rejection:
    """Give back the decoded, classified document, or a rejection saying why it cannot be read."""
    content = raw.content
    if content is None or raw.byte_size > max_bytes:
        return _reject(raw, "too_large", f"{raw.byte_size} bytes is over the limit of {max_bytes} (max_document_bytes)")
    if not content.strip():
        return _reject(raw, "empty", "the document has no bytes, or only white space")
    if content.startswith(_GZIP_MAGIC):
        unpacked = gunzip_limited(content, max_bytes)
        if isinstance(unpacked, str):
            return _reject(raw, unpacked.split(":")[0], unpacked.split(":", 1)[1].strip())
        content = unpacked
        if not content.strip():
            return _reject(raw, "empty", "the gzip stream holds no bytes, or only white space")
    binary = sniff_binary(content)
    if binary:
        return _reject(raw, "binary_content", f"{binary}: not a text or HTML document")
    text, encoding = decode_bytes(content)
    if _looks_garbled(text):
        return _reject(
            raw,
            "undecodable",
            f"decoded as {encoding} but most characters are invalid or control codes",
        )
    return classify_text(raw.doc_id, raw.source_uri, text, encoding)


def gunzip_limited(content: bytes, max_bytes: int) -> bytes | str:
    """Give back the unpacked bytes, or 'reason: detail' when the stream is corrupt or too large."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(content, max_bytes + 1)
    except zlib.error as exc:
        return f"corrupt_gzip: the gzip stream cannot be read ({exc})"
    if len(out) > max_bytes:
        return f"too_large: unpacks to more than {max_bytes} bytes (setting max_document_bytes)"
    if not inflater.eof:
        return "corrupt_gzip: the gzip stream is truncated"
    return out


def sniff_binary(content: bytes) -> str | None:
    """Give back the name of a binary format the bytes are in, or None for text."""
    for magic, name in _SIGNATURES:
        if content.startswith(magic):
            return name
    head = content[:8192]
    if any(head.startswith(bom) for bom, _ in _BOMS):
        return None
    if b"\x00" in head and not _looks_utf16(head):
        return "binary data (NUL bytes)"
    return None


def _looks_utf16(head: bytes) -> bool:
    # ASCII-heavy UTF-16 without a BOM has a NUL in every other byte.
    even, odd = head[0::2], head[1::2]
    return max(even.count(0), odd.count(0)) > 0.4 * max(len(even), 1)


def decode_bytes(content: bytes) -> tuple[str, str]:
    """Give back the text and the encoding used: BOM, then declared charset, then UTF-8, then detection."""
    for bom, name in _BOMS:
        if content.startswith(bom):
            return content[len(bom) :].decode(name, errors="replace"), name
    declared = declared_charset(content)
    if declared and declared != "utf-8" and _is_multibyte_utf8(content):
        # Bytes that are valid UTF-8 with multi-byte characters are UTF-8 whatever the page claims.
        return content.decode("utf-8"), "utf-8"
    if declared:
        try:
            return content.decode(declared), declared
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        return content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(content[:200_000]).best()
    if best is not None and best.encoding:
        return content.decode(best.encoding, errors="replace"), best.encoding
    return content.decode("utf-8", errors="replace"), "utf-8"


def _is_multibyte_utf8(content: bytes) -> bool:
    if content.isascii():
        return False
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def declared_charset(content: bytes) -> str | None:
    """Give back the charset a page declares in a meta tag or XML declaration, if Python knows it."""
    match = _DECLARED_CHARSET.search(content[:8192])
    if not match:
        return None
    name = (match.group(1) or match.group(2)).decode("ascii", "ignore").lower()
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _looks_garbled(text: str) -> bool:
    sample = text[:20_000]
    if not sample:
        return True
    bad = sample.count("\ufffd") + len(_CONTROL.findall(sample))
    return bad > 0.3 * len(sample)


def classify_text(doc_id: str, source_uri: str, text: str, encoding: str) -> NormalizedDocument:
    """Give back the document classified by content as html, escaped_html or text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    kind = "text"
    sample = text[:200_000]
    if _punctuation_escaped(sample):
        text = decode_punctuation(text)
        kind = "escaped_html"
    elif _markup_escaped(sample):
        text = html.unescape(text)
        kind = "escaped_html"
    elif len(_TAG.findall(sample)) >= 3:
        kind = "html"
    if kind == "text":
        return NormalizedDocument(doc_id, source_uri, kind, encoding, text.strip())
    preamble, markup = split_preamble(text)
    return NormalizedDocument(doc_id, source_uri, kind, encoding, markup, preamble)


def without_surrogates(text: str) -> str:
    """Give back text with each lone surrogate code point (U+D800-U+DFFF) replaced by U+FFFD. JSON
    escapes make them: a page's structured data cut inside an emoji's escaped pair ("\\ud83d") is read
    as half a character, which no UTF-8 can encode, and every writer of the text (Parquet, the JSON
    lines of `extract`) fails on it."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text)
    return text


_SURROGATE = re.compile("[\ud800-\udfff]")


def repair_mojibake(text: str) -> str:
    """Give back text a publisher's system encoded twice, or decoded through the wrong code page,
    repaired ("fÃ¼r" is "für", "Ã©" is "é", U+0093 is a quotation mark); any other text as it is.
    Decomposed letters are composed first: "Ã" written as "A" and a combining tilde hides mojibake."""
    if text.isascii():
        return text
    # Imported here: ftfy takes a tenth of a second to import, which a run that finds nothing new and
    # extracts nothing does not pay.
    import ftfy
    from ftfy.badness import is_bad

    composed = unicodedata.normalize("NFC", text)
    if not (is_bad(composed) or _C1_CONTROL.search(composed)):
        return text
    return ftfy.fix_text(composed, _mojibake_only())


_C1_CONTROL = re.compile("[\x80-\x9f]")


@cache
def _mojibake_only() -> TextFixerConfig:
    """Give back ftfy's settings for its repairs of text encoded twice or read through the wrong code
    page only; its other fixes (curly quotes made straight, ligatures and full-width letters folded,
    entities decoded, line breaks) would change real text."""
    import ftfy

    return ftfy.TextFixerConfig(
        unescape_html=False,
        remove_terminal_escapes=False,
        fix_latin_ligatures=False,
        fix_character_width=False,
        uncurl_quotes=False,
        fix_line_breaks=False,
        remove_control_chars=False,
        explain=False,
    )


def decode_punctuation(text: str) -> str:
    """Give back markup whose punctuation was written as references with those references decoded.
    References to markup characters (&lt; &gt; &amp; &quot; &apos;) stay as they are: they escape text
    or attribute values of the page itself, and decoding them would turn those into tags."""

    def decode(match: re.Match[str]) -> str:
        decoded = html.unescape(match.group(0))
        return match.group(0) if decoded in _MARKUP_CHARACTERS else decoded

    return _REFERENCE.sub(decode, text)


def _punctuation_escaped(sample: str) -> bool:
    """Tell whether the markup's punctuation is written as named references (tags are real)."""
    hits = len(_ESCAPED_PUNCT.findall(sample))
    return hits >= 20 and hits * 200 >= len(sample)


def _markup_escaped(sample: str) -> bool:
    """Tell whether the markup itself is shown as text ("&lt;p&gt;Hello&lt;/p&gt;")."""
    return len(_ESCAPED_TAG.findall(sample)) >= 5 and len(_TAG.findall(sample)) < 3


def split_preamble(text: str) -> tuple[tuple[str, ...], str]:
    """Split plain-text lines that precede the markup (banners, title lines) from the markup itself.

    Text after the last tag (a footer such as "Exit mobile version") is page chrome and is dropped.
    """
    first = _TAG.search(text)
    start = first.start() if first else 0
    head = text[:start]
    if "<" in head or ">" in head:
        return (), text
    preamble = tuple(line.strip() for line in head.splitlines() if line.strip())
    end = text.rfind(">")
    markup = text[start : end + 1] if end >= start else text[start:]
    return preamble, markup


def _reject(raw: RawDocument, reason: str, detail: str) -> Rejection:
    return Rejection(raw.doc_id, raw.source_uri, "normalize", reason, detail)
