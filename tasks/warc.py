"""Read web archives (WARC, plain or gzip'd per record) as raw documents, one record at a time.

warcio parses the records and decodes their payloads (chunked transfer, gzip/deflate/brotli content
coding). Around it this module keeps a run going on damaged archives: a record whose framing is broken
is quarantined with its reason, and reading starts again at the next record that parses.
"""

from __future__ import annotations

import zlib
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataException, ChunkedDataReader
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecordLoader
from warcio.statusandheaders import StatusAndHeadersParserException

from newslake.tasks.discover import hash_bytes
from newslake.tasks.fetch import decode_layers
from newslake.tasks.records import FetchInfo, RawDocument, Rejection

ARCHIVE_SUFFIXES = (".warc", ".warc.gz")
# Payloads read as documents; any other media type is passed over. No Content-Type: read and sniffed.
DOCUMENT_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
# HTTP headers kept with a document as its fetch information (as tasks.fetch keeps them).
KEPT_HEADERS = ("content-type", "content-language", "content-encoding", "etag", "last-modified", "date")
_PIECE = 65_536
_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_MAGIC = b"WARC/"
# What breaks a record's framing: reading resumes at the next record.
_FRAMING_ERRORS = (ArchiveLoadFailed, StatusAndHeadersParserException, zlib.error, EOFError, ValueError, OSError)


@dataclass(frozen=True)
class PassedOver:
    """An archive record that is not a document: its WARC type (request, revisit, ...), `http_<status>`
    for a response other than 200, or `not_html` for another media type."""

    reason: str


ArchiveItem = RawDocument | Rejection | PassedOver


def is_archive(path: Path) -> bool:
    """Tell whether a file is read as a web archive (by its name: .warc or .warc.gz)."""
    return path.name.lower().endswith(ARCHIVE_SUFFIXES)


class _Loader(ArcWarcRecordLoader):  # type: ignore[misc]
    """warcio's loader, leaving a target URI as written: one with a space is refused, not rewritten."""

    def _ensure_target_uri_format(self, rec_headers: Any) -> str | None:
        uri = rec_headers.get_header("WARC-Target-URI")
        if uri is not None and uri.startswith("<") and uri.endswith(">"):
            uri = uri[1:-1]
            rec_headers.replace_header("WARC-Target-URI", uri)
        return uri  # type: ignore[no-any-return]


class _Records(ArchiveIterator):  # type: ignore[misc]
    """warcio's iterator with its length warning kept as a flag instead of printed."""

    def __init__(self, fileobj: IO[bytes]) -> None:
        super().__init__(fileobj, check_digests=True)
        self.loader = _Loader()
        self.length_mismatch = False  # set while reading to the end of a record

    def _consume_blanklines(self) -> tuple[bytes | None, int]:
        """Read the blank lines after a record, as warcio does, and flag a record not followed by one
        (its Content-Length is wrong) where warcio would print a warning."""
        empty_size = 0
        first_line = True
        while True:
            line: bytes = self.reader.readline()
            if not line:
                return None, empty_size
            if not line.rstrip() or first_line:
                empty_size += len(line)
                if line.rstrip():
                    self.length_mismatch = True
                first_line = False
                continue
            return line, empty_size


def read_archive(path: Path, max_bytes: int) -> Iterator[ArchiveItem]:
    """Yield each record of a WARC file as a document, a rejection or a record passed over, streaming:
    one record's payload (at most max_bytes of it) is in memory at a time.

    A record with broken framing (bad length, a truncated or corrupt gzip member, garbage between
    records) is refused as `malformed_record`, and reading goes on at the next record that parses; an
    archive that ends inside a record gives `truncated_archive`.
    """
    where = path.as_uri()
    try:
        size = path.stat().st_size
        handle = path.open("rb")
    except FileNotFoundError:
        yield Rejection("", where, "discover", "file_vanished", f"{path} was removed before it was read")
        return
    except OSError as exc:
        yield Rejection("", where, "discover", "unreadable_file", f"cannot read {path}: {exc.strerror or exc}")
        return
    with handle:
        start: int | None = 0
        while start is not None and start < size:
            start = yield from _read_from(handle, start, size, where, max_bytes)


def _read_from(
    handle: IO[bytes], start: int, size: int, where: str, max_bytes: int
) -> Generator[ArchiveItem, None, int | None]:
    """Yield the records from offset start on; give back where to start again after a framing error
    (None when no record follows it)."""
    handle.seek(start)
    records = _Records(handle)
    good_end = start  # where the last record read whole ended
    while True:
        try:
            record = next(records)
        except StopIteration:
            break
        except _FRAMING_ERRORS as exc:
            return (yield from _resume(handle, good_end, size, where, f"{type(exc).__name__}: {_first_line(exc)}"))
        try:
            item = _item(record, where, max_bytes)
            records.length_mismatch = False
            records.read_to_end()
        except _FRAMING_ERRORS as exc:
            return (yield from _resume(handle, good_end, size, where, f"{type(exc).__name__}: {_first_line(exc)}"))
        offset, length = records.get_record_offset(), records.get_record_length()
        problem = _framing_problem(record, records)
        if problem:
            # Its declared length cannot be trusted, so neither can where it says the next record starts.
            uri = record.rec_headers.get_header("WARC-Target-URI") or f"{where}#offset={offset}"
            following = _next_record_start(handle, offset + 1, size)
            cut = following is None and getattr(record.raw_stream, "limit", 0) > 0
            reason = "truncated_archive" if cut else "malformed_record"
            yield Rejection("", uri, "discover", reason, f"record at byte {offset}: {problem}")
            return following
        yield item
        good_end = offset + length
    if good_end < size and _has_content(handle, good_end, size):
        yield Rejection(
            "",
            f"{where}#offset={good_end}",
            "discover",
            "truncated_archive",
            f"the archive ends inside a record: {size - good_end} bytes after byte {good_end} hold no whole record",
        )
    return None


def _resume(
    handle: IO[bytes], broken_at: int, size: int, where: str, detail: str
) -> Generator[ArchiveItem, None, int | None]:
    """Refuse the bytes from broken_at to the next record that parses, and give back that record's offset."""
    following = _next_record_start(handle, broken_at + 1, size)
    if following is None:
        yield Rejection(
            "",
            f"{where}#offset={broken_at}",
            "discover",
            "truncated_archive",
            f"the archive ends inside a record: bytes {broken_at}-{size} hold no whole record ({detail})",
        )
        return None
    yield Rejection(
        "",
        f"{where}#offset={broken_at}",
        "discover",
        "malformed_record",
        f"bytes {broken_at}-{following} hold no readable record ({detail})",
    )
    return following


def _framing_problem(record: Any, records: _Records) -> str | None:
    """Say what is wrong with a record's length or digest once it has been read to its end."""
    left = getattr(record.raw_stream, "limit", 0)
    declared = record.rec_headers.get_header("Content-Length")
    if left:
        return f"Content-Length says {declared} bytes but the record ends {left} bytes short"
    if records.length_mismatch:
        return f"Content-Length says {declared} bytes but the record goes on past them"
    if record.digest_checker.passed is False:
        return "its digest does not match its content: " + "; ".join(record.digest_checker.problems)
    return None


def _item(record: Any, where: str, max_bytes: int) -> ArchiveItem:
    kind = record.rec_type
    if kind not in ("response", "resource"):
        return PassedOver(kind or "unknown")
    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
    if not uri or any(c.isspace() for c in uri):
        detail = f"WARC-Target-URI {uri!r} is not a URL" if uri else "the record has no WARC-Target-URI"
        return Rejection("", uri.strip() or where, "discover", "invalid_target_uri", detail)
    http = record.http_headers if kind == "response" else None
    status = int(http.get_statuscode() or 0) if http is not None else 200
    if status != 200:
        return PassedOver(f"http_{status}")
    media = (record.content_type if http is None else http.get_header("Content-Type")) or ""
    media = media.split(";")[0].strip().lower()
    if media and media not in DOCUMENT_TYPES:
        return PassedOver("not_html")
    fetched_at = _warc_date(record.rec_headers.get_header("WARC-Date"))
    try:
        content = _payload(record, http, max_bytes)
    except _PayloadError as exc:
        return Rejection("", uri, "discover", exc.reason, exc.detail)
    if content is None:
        detail = f"the payload is over the limit of {max_bytes} bytes (max_document_bytes)"
        return Rejection("", uri, "normalize", "too_large", detail)
    headers = tuple(
        sorted((k.lower(), v) for k, v in (http.headers if http is not None else []) if k.lower() in KEPT_HEADERS)
    )
    info = FetchInfo(status=status, final_url=uri, fetched_at=fetched_at, headers=headers)
    return RawDocument(hash_bytes(content), uri, content, fetched_at, len(content), fetch=info)


class _PayloadError(Exception):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason, self.detail = reason, detail


def _payload(record: Any, http: Any, max_bytes: int) -> bytes | None:
    """Give back the payload decoded per its transfer coding (warcio) and content codings (the
    fetcher's bounded decoder), or None past max_bytes."""
    stream: Any = record.raw_stream
    codings: list[str] = []
    if http is not None:
        codings = [c.strip().lower() for c in (http.get_header("Content-Encoding") or "").split(",")]
        codings = [c for c in codings if c and c != "identity"]
        unknown = sorted(set(codings) - {"gzip", "x-gzip", "deflate"})
        if unknown:
            raise _PayloadError("unsupported_encoding", f"the payload is encoded as {', '.join(unknown)}")
        if (http.get_header("Transfer-Encoding") or "").strip().lower() == "chunked":
            stream = ChunkedDataReader(stream, raise_exceptions=True)
    body = bytearray()
    try:
        for piece in decode_layers(iter(lambda: stream.read(_PIECE), b""), codings):
            body += piece
            if len(body) > max_bytes:
                return None
    except zlib.error as exc:
        raise _PayloadError("decoding_error", f"the payload's {' + '.join(codings)} coding is corrupt: {exc}") from exc
    except (ValueError, ChunkedDataException) as exc:  # a chunk size that is not a number, a cut chunk
        raise _PayloadError("bad_chunked_body", f"the chunked transfer encoding is broken: {exc}") from exc
    return bytes(body)


def _warc_date(value: str | None) -> datetime:
    """Give back a WARC-Date (ISO 8601, UTC), or now when it is missing or unreadable."""
    if value:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        except ValueError:
            pass
    return datetime.now(UTC)


def _next_record_start(handle: IO[bytes], offset: int, size: int) -> int | None:
    """Give back the offset of the first record at or after offset that parses, or None."""
    handle.seek(0)
    magic = _GZIP_MAGIC if handle.read(3) == _GZIP_MAGIC else _WARC_MAGIC
    position = offset
    while position < size:
        handle.seek(position)
        window = handle.read(1 << 20)
        if not window:
            return None
        found = window.find(magic)
        if found < 0:
            position += max(1, len(window) - len(magic) + 1)
            continue
        candidate = position + found
        if _parses_at(handle, candidate):
            return candidate
        position = candidate + 1
    return None


def _parses_at(handle: IO[bytes], offset: int) -> bool:
    handle.seek(offset)
    try:
        next(_Records(handle))
    except (StopIteration, *_FRAMING_ERRORS):
        return False
    return True


def _has_content(handle: IO[bytes], offset: int, size: int) -> bool:
    """Tell whether anything but blank lines lies between offset and the end (a gzip member of nothing
    but blank lines counts as blank)."""
    handle.seek(offset)
    tail = handle.read(min(size - offset, 1 << 16))
    if tail.startswith(_GZIP_MAGIC):
        try:
            tail = zlib.decompressobj(31).decompress(tail, 1 << 16)
        except zlib.error:
            return True
    return bool(tail.strip())


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]
