"""A tiny PNG reader (stdlib zlib) for chromium's screenshots, and colour bands found in one."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Png:
    width: int
    height: int
    channels: int  #: 3 (RGB) or 4 (RGBA)
    rows: tuple[bytes, ...]

    def count_in_row(self, y: int, rgb: tuple[int, int, int]) -> int:
        """How many pixels of row ``y`` have colour ``rgb`` (opaque, for RGBA)."""
        pattern = bytes(rgb) + (b"\xff" if self.channels == 4 else b"")
        return self.rows[y].count(pattern)


def _add_lanes(a: bytes, b: bytes) -> bytes:
    """Byte-wise (a + b) mod 256 over whole rows at once (the lanes of two big integers)."""
    n = len(a)
    x, y = int.from_bytes(a, "big"), int.from_bytes(b, "big")
    low = int.from_bytes(b"\x7f" * n, "big")
    high = int.from_bytes(b"\x80" * n, "big")
    return (((x & low) + (y & low)) ^ ((x ^ y) & high)).to_bytes(n, "big")


def _unfilter(kind: int, line: bytes, prior: bytes, bpp: int) -> bytes:
    if kind == 0:
        return line
    if kind == 2:
        return _add_lanes(line, prior)
    out = bytearray(line)
    n = len(out)
    if kind == 1:
        for i in range(bpp, n):
            out[i] = (out[i] + out[i - bpp]) & 0xFF
    elif kind == 3:
        for i in range(n):
            left = out[i - bpp] if i >= bpp else 0
            out[i] = (out[i] + ((left + prior[i]) >> 1)) & 0xFF
    elif kind == 4:
        for i in range(n):
            a = out[i - bpp] if i >= bpp else 0
            b = prior[i]
            c = prior[i - bpp] if i >= bpp else 0
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            out[i] = (out[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
    else:
        raise AssertionError(f"PNG row filter {kind} does not exist")
    return bytes(out)


def read_png(path: Path) -> Png:
    """An 8-bit, non-interlaced RGB or RGBA PNG (what chromium writes)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    pos, idat = 8, bytearray()
    width = height = depth = colour = interlace = 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    assert depth == 8 and colour in (2, 6) and interlace == 0, f"unsupported PNG: depth {depth}, colour {colour}"
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(bytes(idat))
    stride = width * channels
    rows: list[bytes] = []
    prior = bytes(stride)
    for y in range(height):
        start = y * (stride + 1)
        prior = _unfilter(raw[start], raw[start + 1 : start + 1 + stride], prior, channels)
        rows.append(prior)
    return Png(width, height, channels, tuple(rows))


def colour_bands(
    image: Png, rgb: tuple[int, int, int], *, min_share: float, min_rows: int, max_gap: int = 12
) -> list[tuple[int, int]]:
    """Runs of rows (first, last) in which at least ``min_share`` of the pixels have colour ``rgb``.

    Rows of text inside a band (a heading that wraps) can dip below the share: runs at most
    ``max_gap`` rows apart count as one band; a band must span at least ``min_rows`` rows.
    """
    threshold = image.width * min_share
    runs: list[list[int]] = []
    for y in range(image.height):
        if image.count_in_row(y, rgb) < threshold:
            continue
        if runs and y - runs[-1][1] <= max_gap + 1:
            runs[-1][1] = y
        else:
            runs.append([y, y])
    return [(first, last) for first, last in runs if last - first + 1 >= min_rows]
