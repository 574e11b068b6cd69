"""A safe reader for IDX files (the MNIST and Fashion-MNIST format), plain or gzipped.

Layout: two zero bytes, a type byte, the number of dimensions d; then d
big-endian uint32 sizes; then the values, big-endian, in C order. The reader
believes no declared size: the sizes must multiply out to exactly the bytes
that follow, and nothing is allocated beyond what the file really holds.
"""

from __future__ import annotations

import gzip
import math
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

#: The IDX type byte → the NumPy dtype of the values (big-endian).
IDX_TYPES: dict[int, np.dtype[Any]] = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


class _Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def _read_exactly(stream: _Readable, count: int, what: str, path: Path) -> bytes:
    # In chunks, so that memory follows the bytes really there, not the count declared.
    chunks, left = [], count
    while left:
        chunk = stream.read(min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    if left:
        raise ValueError(
            f"{path}: truncated IDX file: expected {count} bytes for {what}, found {count - left}"
        )
    return b"".join(chunks)


def read_idx(path: str | Path, max_bytes: int = 1 << 31) -> NDArray[Any]:
    """The array stored in an IDX file (``.gz`` files are decompressed on the fly).

    Raises ValueError for a wrong magic number, an unknown type byte, sizes
    that do not match the data (truncated or trailing bytes), or a declared
    size above ``max_bytes``; FileNotFoundError when the file is missing.
    """
    file = Path(path)
    opener = gzip.open if file.suffix == ".gz" else open
    with opener(file, "rb") as stream:
        try:
            magic = _read_exactly(stream, 4, "the magic number", file)
            if magic[:2] != b"\0\0" or magic[2] not in IDX_TYPES or magic[3] == 0:
                raise ValueError(
                    f"{file}: not an IDX file (magic bytes {magic.hex()}; expected 00 00, a type "
                    f"byte in {sorted(hex(t) for t in IDX_TYPES)} and a dimension count ≥ 1)"
                )
            dtype, ndim = IDX_TYPES[magic[2]], magic[3]
            shape = tuple(
                int(n)
                for n in np.frombuffer(
                    _read_exactly(stream, 4 * ndim, "the sizes", file), dtype=">u4"
                )
            )
            size = math.prod(shape) * dtype.itemsize
            if size > max_bytes:
                raise ValueError(
                    f"{file}: IDX file declares shape {shape}, {size} bytes, above the "
                    f"limit of {max_bytes} bytes"
                )
            data = _read_exactly(stream, size, f"shape {shape} of {dtype}", file)
            if stream.read(1):
                raise ValueError(
                    f"{file}: IDX file has bytes after the {size} its shape {shape} declares"
                )
        except (OSError, EOFError) as error:  # a corrupt gzip stream
            raise ValueError(f"{file}: cannot read the IDX file: {error}") from None
    return (
        np.frombuffer(data, dtype=dtype).astype(dtype.newbyteorder("="), copy=True).reshape(shape)
    )
