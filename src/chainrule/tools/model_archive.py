"""Reading a model file's ``.npz`` archive without trusting a byte of it.

:func:`open_archive` opens the zip, checks every member's name and the
``.npy`` header at its start (format version, a plain float or uint8 dtype,
a shape whose bytes match the member's declared size) and the total size
against :data:`MAX_BYTES`, inflating nothing but the headers. The caller then
compares each member's declared shape with what the description allows
(:meth:`Archive.check`) before asking for its data (:meth:`Archive.read`),
which inflates at most the declared bytes. A zip bomb is thus refused by its
header, before it is inflated.

:func:`write_archive` writes one atomically: into a temporary file of the
target's directory, then renamed over the target, so a crash never leaves a
half-written model at the path. It refuses a target that is not a regular
file (a directory, a FIFO, a device) or is read-only. The temporary name is
short whatever the target's (``.chainrule-tmp-`` + 12 hex digits naming the
target + 8 random ones), so it fits wherever the target's name does; it is
locked while written, and the next save to the same target removes the
unlocked ones that killed saves left behind. The temporary file is created
with mode 0o666 less the umask, as any new file is, and takes an overwritten
file's mode, so replacing a model never changes who may read it.

Every failure while reading, whatever the bytes, is a :class:`ModelFileError` of one line
of at most :data:`MAX_MESSAGE` characters that names the file and the part
being read; text from the file is shown through :func:`shown` (escaped by
``repr`` and cut), so a hostile string never floods a terminal.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import reprlib
import secrets
import stat
import time
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

#: The most bytes a model file may hold once decompressed.
MAX_BYTES = 1 << 31
#: The longest error message, in characters.
MAX_MESSAGE = 300
#: The longest part of a message showing text from the file, in characters.
MAX_SHOWN = 60

Array = NDArray[Any]

_PLAIN_KEY = re.compile(r"[A-Za-z0-9_.]{1,40}")
_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = _SHORT.maxlong = MAX_SHOWN
_SHORT.maxlevel = 3


def _one_line(message: str) -> str:
    """``message`` with control characters escaped, cut to :data:`MAX_MESSAGE` characters."""
    flat = "".join(c if c.isprintable() else repr(c)[1:-1] for c in message[: 2 * MAX_MESSAGE])
    return flat if len(flat) <= MAX_MESSAGE else flat[: MAX_MESSAGE - 3] + "..."


class ModelFileError(ValueError):
    """A model file is unreadable, corrupt, hostile or does not describe a valid network.

    The message is one line of at most :data:`MAX_MESSAGE` characters.
    """

    def __init__(self, message: str) -> None:
        super().__init__(_one_line(message))


def shown(value: Any) -> str:
    """``repr(value)`` cut to about :data:`MAX_SHOWN` characters (never raises)."""
    try:
        text = _SHORT.repr(value)
    except Exception:  # a 5,000-digit int (str() refuses it), a pathological object
        text = f"<a {type(value).__name__} that cannot be shown>"
    return text if len(text) <= MAX_SHOWN + 5 else text[:MAX_SHOWN] + "..."


def shown_key(key: str) -> str:
    """An archive key as it is when plain (``param.W1``), else through :func:`shown`."""
    return key if _PLAIN_KEY.fullmatch(key) else shown(key)


def shown_path(path: Path) -> str:
    """The path as the user gave it, cut in the middle when very long."""
    text = str(path)
    return text if len(text) <= 120 else text[:40] + "..." + text[-77:]


@contextmanager
def reading(path: Path, part: str) -> Iterator[None]:
    """Turn any error raised while reading ``part`` of the file into a ModelFileError."""
    try:
        yield
    except ModelFileError:
        raise
    except Exception as error:  # whatever the bytes provoke: zlib, struct, overflow, recursion
        try:
            detail = str(error)[: 2 * MAX_MESSAGE]
        except Exception:
            detail = ""
        kind = type(error).__name__
        if isinstance(error, zipfile.BadZipFile | zlib.error | EOFError | OSError):
            kind = "corrupt or truncated model file"
        raise ModelFileError(f"{shown_path(path)}: {part}: {kind}: {detail}") from None


@dataclass(frozen=True)
class Member:
    """One ``.npy`` member: its key (the name less ``.npy``) and its checked header."""

    key: str
    info: zipfile.ZipInfo
    shape: tuple[int, ...]
    fortran_order: bool
    dtype: np.dtype[Any]
    header_size: int

    @property
    def nbytes(self) -> int:
        return math.prod(self.shape) * self.dtype.itemsize


class Archive:
    """An open model archive whose member headers have been checked (see the module)."""

    def __init__(self, archive: zipfile.ZipFile, path: Path) -> None:
        self.archive, self.path = archive, path
        self.members: dict[str, Member] = {}
        total = 0
        for info in archive.infolist():
            with reading(path, f"archive member {shown(info.filename)}"):
                if not info.filename.endswith(".npy"):
                    raise ModelFileError(
                        f"{shown_path(path)}: unexpected member {shown(info.filename)}"
                    )
                total += info.file_size
                if total > MAX_BYTES:
                    raise ModelFileError(
                        f"{shown_path(path)}: the archive declares more than {MAX_BYTES} bytes"
                    )
                member = self._header(info)
                if member.key in self.members:
                    raise ModelFileError(f"{shown_path(path)}: two members named {member.key}")
                self.members[member.key] = member

    def _header(self, info: zipfile.ZipInfo) -> Member:
        key = info.filename[: -len(".npy")]
        where = f"{shown_path(self.path)}: {shown_key(key)}"
        with self.archive.open(info) as stream:
            try:
                version = np.lib.format.read_magic(stream)
                if version != (1, 0):
                    raise ValueError(f".npy format version {version}; np.savez writes 1.0")
                shape, fortran_order, dtype = np.lib.format.read_array_header_1_0(stream)
            except ValueError as error:
                raise ModelFileError(f"{where} is not a valid .npy: {error}") from None
            header_size = stream.tell()
        if dtype.hasobject or dtype.kind not in "fu":
            raise ModelFileError(
                f"{where} has dtype {shown(str(dtype))}; a model file holds only float and "
                "uint8 arrays (object arrays would need pickle)"
            )
        member = Member(key, info, shape, fortran_order, dtype, header_size)
        stored = info.file_size - header_size
        if member.nbytes != stored:
            raise ModelFileError(
                f"{where} declares shape {shown(shape)} ({member.nbytes} bytes) but holds "
                f"{stored} bytes"
            )
        return member

    def check(self, key: str, shape: tuple[int, ...], dtype: np.dtype[Any], what: str) -> None:
        """A ModelFileError unless member ``key`` declares ``shape`` and ``dtype``."""
        member = self.members[key]
        if member.shape != shape or member.dtype != dtype:
            raise ModelFileError(
                f"{shown_path(self.path)}: {what} is {shown(member.shape)} {member.dtype}; "
                f"the architecture needs {shape} {dtype}"
            )

    def read(self, key: str) -> Array:
        """Member ``key``'s array, inflating no more than its declared bytes."""
        member = self.members[key]
        with reading(self.path, shown_key(key)), self.archive.open(member.info) as stream:
            stream.seek(member.header_size)
            data = stream.read(member.nbytes)
            if len(data) != member.nbytes:
                raise ModelFileError(f"{shown_path(self.path)}: {shown_key(key)} is truncated")
            flat = np.frombuffer(data, dtype=member.dtype)
            if member.fortran_order:
                return flat.reshape(member.shape, order="F").copy(order="C")
            return flat.reshape(member.shape).copy()


@contextmanager
def open_archive(path: Path) -> Iterator[Archive]:
    """The archive at ``path``, its headers checked; FileNotFoundError when there is no file,
    OSError when it cannot be opened, a ModelFileError for anything in its bytes."""
    if not path.is_file():
        raise FileNotFoundError(f"no model file at {shown_path(path)}")
    with path.open("rb") as stream:
        with reading(path, "the archive"):
            if not zipfile.is_zipfile(stream):
                raise ModelFileError(
                    f"{shown_path(path)}: not a chainrule model (not an .npz archive)"
                )
            archive = zipfile.ZipFile(stream)
        with archive:
            yield Archive(archive, path)


# -- writing ------------------------------------------------------------------------

#: How every temporary file of a save starts.
TEMPORARY_PREFIX = ".chainrule-tmp-"
#: Where files cannot be locked (Windows), a temporary file this old (s) is a killed save's.
_STALE_AFTER = 3600.0


def write_archive(target: Path, arrays: dict[str, Array]) -> None:
    """Write ``arrays`` with ``np.savez`` to ``target`` atomically (see the module)."""
    _check_target(target)
    _sweep(target)
    handle, temporary = _temporary_beside(target)
    try:
        with os.fdopen(handle, "wb") as stream:
            np.savez(stream, **arrays)  # type: ignore[arg-type]  # numpy's stub: **kwds
            stream.flush()
            os.fsync(stream.fileno())
            os.replace(temporary, target)  # still locked: a sweep never takes it
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _check_target(target: Path) -> None:
    if not target.parent.is_dir():
        raise FileNotFoundError(
            f"cannot save to {target}: directory {target.parent} does not exist"
        )
    try:
        status = target.stat()
    except FileNotFoundError:
        return
    if stat.S_ISDIR(status.st_mode):
        raise IsADirectoryError(f"cannot save to {target}: it is a directory")
    if not stat.S_ISREG(status.st_mode):
        raise FileExistsError(
            f"cannot save to {target}: it is not a regular file (a FIFO, a device or a "
            "socket); choose another name"
        )
    if not status.st_mode & 0o222 or not os.access(target, os.W_OK):
        raise PermissionError(
            f"cannot save to {target}: it is read-only; make it writable or choose another name"
        )


def _temporary_prefix(target: Path) -> str:
    digest = hashlib.sha256(os.fsencode(target.name)).hexdigest()[:12]
    return f"{TEMPORARY_PREFIX}{digest}-"


def _lock(handle: int) -> bool:
    """Take an exclusive lock on ``handle`` without waiting: True when taken
    (always, where files cannot be locked)."""
    try:
        import fcntl
    except ImportError:  # Windows
        return True
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _sweep(target: Path) -> None:
    """Remove the temporary files of earlier saves to ``target`` that nobody holds."""
    prefix = _temporary_prefix(target)
    for candidate in target.parent.glob(prefix + "*"):
        try:
            if not stat.S_ISREG(candidate.lstat().st_mode):
                continue
            handle = os.open(candidate, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        except OSError:
            continue
        try:
            unlocked = _lock(handle)
            if os.name == "nt":
                unlocked = time.time() - os.fstat(handle).st_mtime > _STALE_AFTER
        finally:
            os.close(handle)
        if unlocked:
            candidate.unlink(missing_ok=True)


def _temporary_beside(target: Path) -> tuple[int, Path]:
    """A new, locked file next to ``target`` (so the rename is atomic), open for writing.

    Not ``tempfile.mkstemp``: its mode 0o600 would make every saved model
    private. Mode 0o666 lets the umask decide, as for any new file; an existing
    target passes its own mode on. O_EXCL refuses a name that already exists.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        temporary = target.parent / f"{_temporary_prefix(target)}{secrets.token_hex(4)}"
        handle = os.open(temporary, flags, 0o666)
        try:
            _lock(handle)
            # A concurrent sweep may have removed it between creating and locking.
            if os.path.exists(temporary) and os.fstat(handle).st_ino == temporary.stat().st_ino:
                if target.exists():
                    os.chmod(temporary, stat.S_IMODE(target.stat().st_mode))
                return handle, temporary
        except BaseException:
            os.close(handle)
            temporary.unlink(missing_ok=True)
            raise
        os.close(handle)
