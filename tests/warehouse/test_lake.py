"""What every connection to the warehouse brings: the functions its own statements share."""

from __future__ import annotations

from pathlib import Path

import pytest

from newslake.warehouse.lake import connect
from tests.lakes import new_lake


@pytest.mark.parametrize(
    ("uri", "host"),
    [
        ("https://News.Example.com/world/1", "news.example.com"),
        ("http://user:secret@example.com:8080/a?b#c", "example.com"),
        ("https://example.com", "example.com"),
        ("file:///data/pages/example.com.html", ""),
        ("ftp://example.com/a", ""),
    ],
)
def test_a_urls_host_is_read_without_user_port_or_case(tmp_path: Path, uri: str, host: str) -> None:
    con = connect(new_lake(tmp_path / "lake"), read_only=True)
    try:
        assert con.execute("SELECT url_host(?)", [uri]).fetchone() == (host,)
    finally:
        con.close()


def test_a_site_covers_itself_and_its_subdomains_only(tmp_path: Path) -> None:
    con = connect(new_lake(tmp_path / "lake"))
    try:
        rows = con.execute(
            "SELECT host, on_site(host, 'example.com') FROM (VALUES ('example.com'), ('news.example.com'), "
            "('badexample.com'), ('example.com.evil.net'), ('')) AS t(host) ORDER BY host"
        ).fetchall()
    finally:
        con.close()
    assert rows == [
        ("", False),
        ("badexample.com", False),
        ("example.com", True),
        ("example.com.evil.net", False),
        ("news.example.com", True),
    ]
