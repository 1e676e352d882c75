"""Find documents under local paths and read them as raw bytes."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from tasks.records import RawDocument

_CHUNK = 1 << 20


def discover_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Yield every regular file under the given files and folders, recursively, in a stable order.

    Hidden files and folders (names starting with a dot) are skipped inside folders: they are
    version-control or editor state, not documents. A file named explicitly is always yielded.
    """
    seen: set[Path] = set()
    for given in paths:
        path = Path(given).expanduser()
        if path.is_file():
            candidates: Iterable[Path] = [path]
        elif path.is_dir():
            candidates = _walk(path)
        else:
            raise FileNotFoundError(f"no such file or folder: {given}")
        for candidate in candidates:
            resolved = candidate.resolve()
            if resolved not in seen:
                seen.add(resolved)
                yield resolved


def _walk(root: Path) -> Iterator[Path]:
    for folder, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
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


def read_document(path: Path, max_bytes: int, now: datetime | None = None) -> RawDocument:
    """Give back the file's bytes as a RawDocument; past max_bytes the content is left unread (None)."""
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
