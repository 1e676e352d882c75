"""Read a PNG screenshot's pixels without an imaging library (8-bit RGB or RGBA, not interlaced, as
Chromium writes them)."""

from __future__ import annotations

import struct
import zlib


def pixels(png: bytes) -> list[tuple[int, int, int]]:
    """Give back the image's pixels as (red, green, blue), row by row."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position, chunks, header = 8, [], b""
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind = png[position + 4 : position + 8]
        data = png[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            header = data
        elif kind == b"IDAT":
            chunks.append(data)
        position += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in (2, 6) and interlace == 0, "only 8-bit RGB/RGBA, not interlaced"
    size = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(chunks))
    stride = width * size
    previous = bytearray(stride)
    found: list[tuple[int, int, int]] = []
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - size] if i >= size else 0
            up = previous[i]
            corner = previous[i - size] if i >= size else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                guess = left + up - corner
                a, b, c = abs(guess - left), abs(guess - up), abs(guess - corner)
                line[i] = (line[i] + (left if a <= b and a <= c else up if b <= c else corner)) & 0xFF
        found += [(line[i], line[i + 1], line[i + 2]) for i in range(0, stride, size)]
        previous = line
    return found


def share_of_colour(png: bytes, colour: str, tolerance: int = 8) -> float:
    """Give back the share of the image's pixels within tolerance of a #rrggbb colour."""
    target = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    found = pixels(png)
    near = sum(1 for p in found if all(abs(p[k] - target[k]) <= tolerance for k in range(3)))
    return near / max(1, len(found))
