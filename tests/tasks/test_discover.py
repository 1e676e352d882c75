"""Discovery finds every file, whatever its name, and identifies it by the hash of its bytes."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import pytest

from newslake.tasks.discover import NotAFileOrFolderError, SkippedPath, discover_files, read_document
from newslake.tasks.records import Rejection
from tests.users import as_nobody


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
    from newslake.tasks.discover import as_given

    (tmp_path / "pages" / "sub").mkdir(parents=True)
    (tmp_path / "pages" / "sub" / "a.html").write_text("<p>a</p>")
    (tmp_path / "b.txt").write_text("b")
    monkeypatch.chdir(tmp_path)
    given = ["pages", "b.txt"]
    found = list(discover_files(given))
    assert [as_given(p, given) for p in found] == ["pages/sub/a.html", "b.txt"]
    assert as_given(tmp_path / "elsewhere.txt", given) == str(tmp_path / "elsewhere.txt")


def test_a_file_that_cannot_be_read_is_refused_with_its_reason(tmp_path: Path) -> None:
    # /proc/self/mem is a regular file whose read fails (EIO) for every user, root included.
    link = tmp_path / "broken.html"
    link.symlink_to("/proc/self/mem")
    [found] = discover_files([tmp_path])
    refused = read_document(found, 1000)
    assert isinstance(refused, Rejection)
    assert (refused.stage, refused.reason) == ("discover", "unreadable_file")
    assert "Input/output error" in refused.detail


def test_a_file_without_read_permission_is_refused_and_a_folder_is_reported() -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        root.chmod(0o755)
        (root / "ok.txt").write_text("fine")
        (root / "secret.txt").write_text("no")
        (root / "secret.txt").chmod(0o000)
        (root / "closed").mkdir()
        (root / "closed" / "inside.txt").write_text("hidden")
        (root / "closed").chmod(0o000)
        skipped: list[SkippedPath] = []
        with as_nobody():
            files = list(discover_files([root], skipped))
            read = [read_document(f, 1000) for f in files]
    assert [f.name for f in files] == ["ok.txt", "secret.txt"]
    assert [r.reason for r in read if isinstance(r, Rejection)] == ["unreadable_file"]
    assert [(s.path, s.reason) for s in skipped] == [(str(root / "closed"), "unreadable_folder")]


def test_a_file_that_vanished_before_it_was_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "gone.html"
    path.write_text("<p>x</p>")
    [found] = discover_files([tmp_path])
    path.unlink()
    refused = read_document(found, 1000)
    assert isinstance(refused, Rejection) and refused.reason == "file_vanished"


def test_warehouse_folders_are_never_discovered(tmp_path: Path) -> None:
    from newslake.warehouse.lake import LakeLocation, connect

    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "a.html").write_text("<p>a</p>")
    connect(LakeLocation.under(tmp_path / "lake")).close()  # the default layout, marked when created
    (tmp_path / "lake" / "data_docs").mkdir()
    (tmp_path / "lake" / "data_docs" / "index.html").write_text("<html>docs</html>")
    old = tmp_path / "archive" / "old-lake"  # a lake of the embedded layout without the marker
    (old / "data").mkdir(parents=True)
    (old / "catalog.sqlite").write_bytes(b"SQLite format 3\x00")
    skipped: list[SkippedPath] = []
    found = [p.relative_to(tmp_path).as_posix() for p in discover_files([tmp_path], skipped)]
    assert found == ["pages/a.html"]
    assert {(Path(s.path).name, s.reason) for s in skipped} == {
        ("lake", "warehouse_folder"),
        ("old-lake", "warehouse_folder"),
    }
    inside: list[SkippedPath] = []
    assert list(discover_files([tmp_path / "lake" / "data_docs" / "index.html"], inside)) == []
    assert inside[0].reason == "warehouse_folder"


def test_a_fifo_is_named_as_such(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(NotAFileOrFolderError, match="not a regular file"):
        list(discover_files([fifo]))
    assert list(discover_files([tmp_path])) == []  # inside a folder it is passed over, never read
