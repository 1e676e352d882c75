"""Discovery finds every file, whatever its name, and identifies it by the hash of its bytes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tasks.discover import discover_files, read_document


def test_discovers_recursively_whatever_the_extension(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    for name in ("x.txt", "a/y.html", "a/b/z", "a/b/page.gz"):
        (tmp_path / name).write_bytes(b"content " + name.encode())
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref")
    (tmp_path / ".DS_Store").write_bytes(b"\x00")
    found = [p.relative_to(tmp_path).as_posix() for p in discover_files([tmp_path])]
    assert found == ["x.txt", "a/y.html", "a/b/page.gz", "a/b/z"]


def test_a_file_given_twice_is_found_once(tmp_path: Path) -> None:
    path = tmp_path / "one.txt"
    path.write_text("hello")
    assert list(discover_files([path, tmp_path])) == [path.resolve()]


def test_missing_path_says_which(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nope"):
        list(discover_files([tmp_path / "nope"]))


def test_document_id_is_sha256_of_bytes(tmp_path: Path) -> None:
    path = tmp_path / "doc.txt"
    path.write_bytes(b"some bytes")
    raw = read_document(path, 1000)
    assert raw.doc_id == hashlib.sha256(b"some bytes").hexdigest()
    assert raw.source_uri == path.resolve().as_uri() or raw.source_uri == path.as_uri()
    assert raw.content == b"some bytes" and raw.byte_size == 10


def test_oversized_document_is_hashed_but_not_kept(tmp_path: Path) -> None:
    path = tmp_path / "big.html"
    path.write_bytes(b"x" * 5000)
    raw = read_document(path, 1000)
    assert raw.content is None
    assert raw.byte_size == 5000
    assert raw.doc_id == hashlib.sha256(b"x" * 5000).hexdigest()


def test_a_discovered_path_is_shown_as_the_user_wrote_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tasks.discover import as_given

    (tmp_path / "pages" / "sub").mkdir(parents=True)
    (tmp_path / "pages" / "sub" / "a.html").write_text("<p>a</p>")
    (tmp_path / "b.txt").write_text("b")
    monkeypatch.chdir(tmp_path)
    given = ["pages", "b.txt"]
    found = list(discover_files(given))
    assert [as_given(p, given) for p in found] == ["pages/sub/a.html", "b.txt"]
    assert as_given(tmp_path / "elsewhere.txt", given) == str(tmp_path / "elsewhere.txt")
