"""Find documents under local paths and read them as raw bytes."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from newslake.tasks.records import RawDocument, Rejection

_CHUNK = 1 << 20


# A folder that holds a newslake warehouse: this marker file (written when a lake is created), or the
# embedded layout of a DuckLake (its SQLite catalog beside its data folder). Never read as documents.
LAKE_MARKER = ".newslake-lake"
_LAKE_CATALOG = "catalog.sqlite"


@dataclass(frozen=True)
class SkippedPath:
    """A folder discovery did not read, and why (`unreadable_folder`, `warehouse_folder`)."""

    path: str
    reason: str
    detail: str


class NotAFileOrFolderError(ValueError):
    """Raised for a path given to read that is neither a regular file nor a folder (a FIFO, a socket)."""


def is_lake_folder(path: Path) -> bool:
    """Give back whether a folder holds a newslake warehouse (its own, or any other); False for a
    folder that cannot be looked into."""
    try:
        return (path / LAKE_MARKER).is_file() or ((path / _LAKE_CATALOG).is_file() and (path / "data").is_dir())
    except OSError:
        return False


def discover_files(paths: Iterable[str | Path], skipped: list[SkippedPath] | None = None) -> Iterator[Path]:
    """Yield every regular file under the given files and folders, recursively, in a stable order.

    Hidden files and folders (names starting with a dot) are skipped inside folders: they are
    version-control or editor state, not documents. A file named explicitly is always yielded,
    unless it lies inside a warehouse folder. Warehouse folders and folders that cannot be read are
    passed over and added to `skipped`.
    """
    seen: set[Path] = set()
    found = skipped if skipped is not None else []
    for given in paths:
        path = Path(given).expanduser()
        lake = next((p for p in (path, *path.resolve().parents) if p.is_dir() and is_lake_folder(p)), None)
        if lake is not None:
            found.append(SkippedPath(str(path), "warehouse_folder", f"{lake} holds a newslake warehouse"))
            continue
        if path.is_file():
            candidates: Iterable[Path] = [path]
        elif path.is_dir():
            candidates = _walk(path, found)
        elif path.exists():
            raise NotAFileOrFolderError(f"{given} is not a regular file or a folder: newslake reads files and folders")
        else:
            raise FileNotFoundError(f"no such file or folder: {given}")
        for candidate in candidates:
            resolved = candidate.resolve()
            if resolved not in seen:
                seen.add(resolved)
                yield resolved


def _walk(root: Path, skipped: list[SkippedPath]) -> Iterator[Path]:
    def unreadable(error: OSError) -> None:
        where = error.filename or str(root)
        skipped.append(SkippedPath(str(where), "unreadable_folder", error.strerror or str(error)))

    for folder, dirnames, filenames in os.walk(root, onerror=unreadable):
        kept = []
        for name in sorted(dirnames):
            if name.startswith("."):
                continue
            if is_lake_folder(Path(folder) / name):
                skipped.append(SkippedPath(str(Path(folder) / name), "warehouse_folder", "a newslake warehouse"))
                continue
            kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            if not name.startswith("."):
                candidate = Path(folder) / name
                if candidate.is_file():
                    yield candidate


def as_given(path: Path, given: Iterable[str | Path]) -> str:
    """Give back a discovered (resolved) path as the user wrote it: under the given file or folder that
    holds it, else as it is."""
    for argument in given:
        root = Path(argument).expanduser()
        resolved = root.resolve()
        if path == resolved:
            return str(root)
        if resolved in path.parents:
            return str(root / path.relative_to(resolved))
    return str(path)


def read_document(path: Path, max_bytes: int, now: datetime | None = None) -> RawDocument | Rejection:
    """Give back the file's bytes as a RawDocument (past max_bytes the content is left unread, None),
    or a rejection when the file vanished or cannot be read."""
    try:
        return _read(path, max_bytes, now)
    except FileNotFoundError:
        return Rejection("", path.as_uri(), "discover", "file_vanished", f"{path} was removed before it was read")
    except OSError as exc:
        return Rejection("", path.as_uri(), "discover", "unreadable_file", f"cannot read {path}: {exc.strerror or exc}")


def _read(path: Path, max_bytes: int, now: datetime | None) -> RawDocument:
    size = path.stat().st_size
    if size > max_bytes:
        return RawDocument(hash_file(path), path.as_uri(), None, now or datetime.now(UTC), size)
    content = path.read_bytes()
    return RawDocument(hash_bytes(content), path.as_uri(), content, now or datetime.now(UTC), len(content))


def hash_bytes(content: bytes) -> str:
    """Give back the hex sha256 of the bytes: the document's identity."""
    return hashlib.sha256(content).hexdigest()


def hash_file(path: Path) -> str:
    """Give back the hex sha256 of a file, read in chunks so a huge file never sits in memory."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
