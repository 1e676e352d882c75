"""Web archives: response records become documents, other records are counted, and damage to one record
is quarantined with its reason while the records after it are still read."""

from __future__ import annotations

import gzip
import hashlib
import re
import tracemalloc
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from newslake.tasks.records import RawDocument, Rejection
from newslake.tasks.warc import PassedOver, is_archive, read_archive
from tests.archives import Record, record_bytes, write_warc
from tests.site import article_html

LIMIT = 5_000_000


def page(n: int) -> bytes:
    return article_html(n).encode()


def rec(n: int) -> Record:
    """A response record of article n at https://news.example/a/n."""
    return Record(f"https://news.example/a/{n}", page(n))


def split(items: list[object]) -> tuple[list[RawDocument], list[Rejection], Counter[str]]:
    docs = [i for i in items if isinstance(i, RawDocument)]
    refused = [i for i in items if isinstance(i, Rejection)]
    passed = Counter(i.reason for i in items if isinstance(i, PassedOver))
    return docs, refused, passed


def read(path: Path, limit: int = LIMIT) -> tuple[list[RawDocument], list[Rejection], Counter[str]]:
    return split(list(read_archive(path, limit)))


def test_archives_are_told_by_their_names() -> None:
    assert is_archive(Path("crawl.warc.gz")) and is_archive(Path("CRAWL.WARC")) and is_archive(Path("a/b.warc"))
    assert not is_archive(Path("page.html")) and not is_archive(Path("notes.warc.txt"))


def test_responses_become_documents_and_other_records_are_counted(tmp_path: Path) -> None:
    path = write_warc(
        tmp_path / "crawl.warc.gz",
        [
            Record("", kind="warcinfo"),
            Record("https://news.example/a/1", b"GET /a/1 HTTP/1.1\r\nHost: news.example\r\n\r\n", kind="request"),
            Record("https://news.example/a/1", page(1), date="2026-11-02T08:30:00Z"),
            Record("https://news.example/a/2", page(2), chunked=True),
            Record("https://news.example/a/1", kind="revisit"),
            Record("https://news.example/report.pdf", b"%PDF-1.4 ...", content_type="application/pdf"),
            Record("https://news.example/gone", b"<html>not here</html>", status="404 Not Found"),
            Record("https://news.example/moved", b"", status="301 Moved Permanently"),
            Record("https://news.example/a/1", b"crawl notes", kind="metadata"),
        ],
    )
    docs, refused, passed = read(path)
    assert refused == []
    assert [d.source_uri for d in docs] == ["https://news.example/a/1", "https://news.example/a/2"]
    assert passed == Counter(
        {"warcinfo": 1, "request": 1, "revisit": 1, "not_html": 1, "http_404": 1, "http_301": 1, "metadata": 1}
    )
    first, chunked = docs
    # The same bytes are the same document whether they come from a folder, a feed or an archive.
    assert first.content == page(1) and first.doc_id == hashlib.sha256(page(1)).hexdigest()
    assert chunked.content == page(2), "the chunked transfer encoding is decoded"
    assert first.fetch is not None and first.fetch.status == 200
    assert first.fetch.fetched_at == datetime(2026, 11, 2, 8, 30, tzinfo=UTC) == first.discovered_at
    assert ("content-type", "text/html; charset=utf-8") in first.fetch.headers


def test_an_uncompressed_archive_reads_the_same(tmp_path: Path) -> None:
    records = [
        Record("", kind="warcinfo"),
        rec(1),
        rec(2),
    ]
    plain = read(write_warc(tmp_path / "crawl.warc", records, compress=False))
    packed = read(write_warc(tmp_path / "crawl.warc.gz", records))
    assert [d.doc_id for d in plain[0]] == [d.doc_id for d in packed[0]] and len(plain[0]) == 2
    assert plain[1] == [] and plain[2] == packed[2]


def test_a_content_coded_payload_is_decoded(tmp_path: Path) -> None:
    coded = Record("https://news.example/a/1", gzip.compress(page(1)), headers=[("Content-Encoding", "gzip")])
    docs, refused, _ = read(write_warc(tmp_path / "c.warc.gz", [coded]))
    assert refused == [] and docs[0].content == page(1)
    unknown = Record("https://news.example/a/2", b"????", headers=[("Content-Encoding", "zstd-x")])
    corrupt = Record("https://news.example/a/3", b"\x1f\x8b\x08\x00junk", headers=[("Content-Encoding", "gzip")])
    docs, refused, _ = read(write_warc(tmp_path / "d.warc.gz", [unknown, corrupt, rec(4)]))
    assert [(r.source_uri, r.reason) for r in refused] == [
        ("https://news.example/a/2", "unsupported_encoding"),
        ("https://news.example/a/3", "decoding_error"),
    ]
    assert [d.source_uri for d in docs] == ["https://news.example/a/4"]


def test_a_payload_over_the_limit_is_refused_and_the_next_is_read(tmp_path: Path) -> None:
    path = write_warc(
        tmp_path / "big.warc.gz",
        [Record("https://news.example/big", b"<p>x</p>" * 10_000), rec(1)],
    )
    docs, refused, _ = read(path, limit=20_000)
    assert [(r.source_uri, r.reason) for r in refused] == [("https://news.example/big", "too_large")]
    assert [d.source_uri for d in docs] == ["https://news.example/a/1"]


def test_a_space_in_the_target_uri_is_refused_and_the_next_record_is_read(tmp_path: Path) -> None:
    path = write_warc(
        tmp_path / "s.warc.gz",
        [Record("https://news.example/a b", page(1)), rec(2)],
    )
    docs, refused, _ = read(path)
    assert [(r.reason, r.source_uri) for r in refused] == [("invalid_target_uri", "https://news.example/a b")]
    assert [d.source_uri for d in docs] == ["https://news.example/a/2"]


def test_a_bad_chunked_body_is_refused_and_the_next_record_is_read(tmp_path: Path) -> None:
    broken = Record(
        "https://news.example/a/1", b"zz\r\nnot a chunk size\r\n", headers=[("Transfer-Encoding", "chunked")]
    )
    path = write_warc(tmp_path / "c.warc.gz", [broken, rec(2)])
    docs, refused, _ = read(path)
    assert [(r.reason, r.source_uri) for r in refused] == [("bad_chunked_body", "https://news.example/a/1")]
    assert [d.source_uri for d in docs] == ["https://news.example/a/2"]


def test_a_truncated_gzip_member_is_quarantined_and_the_records_after_it_are_read(tmp_path: Path) -> None:
    damaged = record_bytes(rec(2))
    path = write_warc(
        tmp_path / "t.warc.gz",
        [
            rec(1),
            damaged[: len(damaged) // 2],
            rec(3),
            rec(4),
        ],
    )
    docs, refused, _ = read(path)
    assert [d.source_uri for d in docs] == [
        "https://news.example/a/1",
        "https://news.example/a/3",
        "https://news.example/a/4",
    ]
    assert [r.reason for r in refused] == ["malformed_record"]
    assert "hold no readable record" in refused[0].detail


def test_garbage_between_records_is_quarantined_and_reading_goes_on(tmp_path: Path) -> None:
    for compress, name in ((True, "g.warc.gz"), (False, "g.warc")):
        path = write_warc(
            tmp_path / name,
            [
                rec(1),
                b"garbage!" * 40,
                rec(2),
            ],
            compress=compress,
        )
        docs, refused, _ = read(path)
        assert [d.source_uri for d in docs] == ["https://news.example/a/1", "https://news.example/a/2"], name
        assert [r.reason for r in refused] == ["malformed_record"], name


def test_an_archive_cut_short_keeps_what_came_before(tmp_path: Path) -> None:
    last = record_bytes(rec(2))
    path = write_warc(tmp_path / "cut.warc.gz", [rec(1), last[: len(last) - 40]])
    docs, refused, _ = read(path)
    assert [d.source_uri for d in docs] == ["https://news.example/a/1"]
    assert [r.reason for r in refused] == ["truncated_archive"]


def with_length(record: bytes, change: int, compress: bool) -> bytes:
    raw = gzip.decompress(record) if compress else record
    found = re.search(rb"Content-Length: (\d+)", raw)
    assert found is not None
    raw = raw.replace(found.group(0), b"Content-Length: %d" % (int(found.group(1)) + change), 1)
    return gzip.compress(raw) if compress else raw


def test_a_record_whose_length_is_wrong_is_quarantined_and_the_next_is_read(tmp_path: Path) -> None:
    cases = [(True, -100), (True, +500), (False, -100), (False, +37)]
    for compress, change in cases:
        middle = with_length(record_bytes(rec(2), compress), change, compress)
        path = write_warc(
            tmp_path / f"len{change}.warc{'.gz' if compress else ''}",
            [rec(1), middle, rec(3)],
            compress=compress,
        )
        docs, refused, _ = read(path)
        case = f"compressed={compress} change={change}"
        assert [d.source_uri for d in docs] == ["https://news.example/a/1", "https://news.example/a/3"], case
        assert refused and {r.reason for r in refused} == {"malformed_record"}, case


def test_reading_streams_one_record_at_a_time(tmp_path: Path) -> None:
    body = (article_html(7) * 40).encode()  # about 60 KB a record
    records = [Record(f"https://news.example/a/{n}", body + str(n).encode()) for n in range(600)]
    path = write_warc(tmp_path / "many.warc.gz", records)
    tracemalloc.start()
    try:
        count = sum(1 for item in read_archive(path, LIMIT) if isinstance(item, RawDocument))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 600
    uncompressed = len(body) * 600
    assert peak < 5_000_000 < uncompressed / 5, f"peak {peak} bytes while reading {uncompressed} bytes"
