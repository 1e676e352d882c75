"""Web archives written with a real WARC writer (warcio's WARCWriter), and ways to damage them."""

from __future__ import annotations

import io
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter


@dataclass
class Record:
    """One record to write: a response by default."""

    uri: str
    body: bytes = b""
    kind: str = "response"
    status: str = "200 OK"
    content_type: str = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)
    chunked: bool = False
    date: str = "2026-11-02T08:00:00Z"


def chunk(body: bytes, size: int = 50) -> bytes:
    """Give back the body in HTTP chunked transfer encoding."""
    pieces = [body[i : i + size] for i in range(0, len(body), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"


def record_bytes(record: Record, compress: bool = True) -> bytes:
    """Give back one record as it sits in a WARC file (one gzip member when compressed)."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=compress)
    # The same bytes on every run: a random record id would move where a test's cut through a gzip
    # member falls, and with it what the damaged record reads as.
    record_id = uuid.uuid5(uuid.NAMESPACE_URL, f"{record.kind} {record.uri} {record.date}")
    params = {"WARC-Date": record.date, "WARC-Record-ID": f"<urn:uuid:{record_id}>"}
    if record.kind == "warcinfo":
        writer.write_record(writer.create_warcinfo_record("test.warc.gz", {"software": "newslake tests"}))
        return out.getvalue()
    if record.kind in ("response", "revisit"):
        headers = [("Content-Type", record.content_type), *record.headers]
        payload = record.body
        if record.chunked:
            headers.append(("Transfer-Encoding", "chunked"))
            payload = chunk(record.body)
        http = StatusAndHeaders(record.status, headers, protocol="HTTP/1.1")
        if record.kind == "revisit":
            made = writer.create_revisit_record(
                record.uri,
                digest="sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                refers_to_uri=record.uri,
                refers_to_date=record.date,
                http_headers=http,
            )
        else:
            made = writer.create_warc_record(
                record.uri, "response", payload=io.BytesIO(payload), http_headers=http, warc_headers_dict=params
            )
    else:
        made = writer.create_warc_record(
            record.uri,
            record.kind,
            payload=io.BytesIO(record.body),
            warc_content_type="application/http; msgtype=request",
            warc_headers_dict=params,
        )
    writer.write_record(made)
    made.raw_stream.close()  # the writer buffers the payload in a temporary file to digest it
    return out.getvalue()


def write_warc(path: Path, records: Sequence[Record | bytes], compress: bool = True) -> Path:
    """Write the records (or raw bytes, for damaged parts) to path, and give back the path."""
    path.write_bytes(b"".join(r if isinstance(r, bytes) else record_bytes(r, compress) for r in records))
    return path
