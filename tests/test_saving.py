"""Saving never destroys what it should not, and leaves nothing behind.

A FIFO, a device or a directory at the target is refused, and so is a
read-only file; a legal name of 255 bytes saves (the temporary name is short
whatever the target's); and the temporary files of killed saves are removed by
the next save to the same place, while one a live save holds is left alone.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import chainrule as cr
from chainrule.tools.model_archive import TEMPORARY_PREFIX

posix = pytest.mark.skipif(os.name != "posix", reason="POSIX files")


def _net() -> cr.Network:
    return cr.Network([3, 2, 1], seed=0)


@posix
def test_a_fifo_at_the_target_is_refused_and_left_as_it_is(tmp_path):
    fifo = tmp_path / "model.npz"
    os.mkfifo(fifo)
    with pytest.raises(FileExistsError, match="not a regular file"):
        cr.save(_net(), fifo)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["model.npz"]


@posix
def test_a_device_at_the_target_is_refused():
    with pytest.raises(FileExistsError, match="/dev/null: it is not a regular file"):
        cr.save(_net(), "/dev/null")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_directory_at_the_target_is_refused(tmp_path):
    with pytest.raises(IsADirectoryError, match="it is a directory"):
        cr.save(_net(), tmp_path)


@posix
def test_a_read_only_model_is_not_replaced(tmp_path):
    path = cr.save(_net(), tmp_path / "model.npz")
    before = path.read_bytes()
    path.chmod(0o444)
    other = cr.Network([3, 2, 1], seed=1)
    with pytest.raises(PermissionError, match="read-only"):
        cr.save(other, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["model.npz"]


def test_a_name_as_long_as_the_file_system_allows_saves(tmp_path):
    longest = os.pathconf(tmp_path, "PC_NAME_MAX") if hasattr(os, "pathconf") else 255
    path = tmp_path / ("m" * (longest - len(".npz")) + ".npz")
    net = _net()
    cr.save(net, path)
    loaded = cr.load(path)
    np.testing.assert_array_equal(loaded.params["W1"], net.params["W1"])
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


_KILLED_SAVE = textwrap.dedent(
    """
    import os, signal, sys
    import numpy as np
    import chainrule as cr

    def killed(stream, **arrays):
        stream.write(b"half a model" * 10_000)
        stream.flush()
        os.kill(os.getpid(), signal.SIGKILL)

    np.savez = killed
    cr.save(cr.Network([3, 2, 1], seed=0), sys.argv[1])
    """
)


def _killed_save(path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", _KILLED_SAVE, str(path)], env=os.environ.copy(), check=False
    )
    assert result.returncode == -signal.SIGKILL


def _temporaries(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.startswith(TEMPORARY_PREFIX))


@posix
def test_the_temporaries_of_killed_saves_are_swept_by_the_next_save(tmp_path):
    path, other = tmp_path / "model.npz", tmp_path / "other.npz"
    for _ in range(3):
        _killed_save(path)  # each killed save sweeps the one before: one is left, not three
    _killed_save(other)
    stale = _temporaries(tmp_path)
    assert len(stale) == 2 and not path.exists()
    assert all(len(name) < 40 for name in stale)  # short, whatever the target's name
    cr.save(_net(), path)
    # Only the other target's temporary is left: each save sweeps its own target's.
    assert len(_temporaries(tmp_path)) == 1
    cr.save(_net(), other)
    assert _temporaries(tmp_path) == []
    assert cr.load(path).layer_dims == [3, 2, 1]


@posix
def test_a_temporary_that_a_live_save_holds_is_not_swept(tmp_path):
    import fcntl

    path = tmp_path / "model.npz"
    _killed_save(path)
    (stale,) = _temporaries(tmp_path)
    live = tmp_path / (stale[:-8] + "0123abcd")  # the same target's, held by a live writer
    with live.open("wb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        cr.save(_net(), path)
        assert _temporaries(tmp_path) == [live.name]
    cr.save(_net(), path)
    assert _temporaries(tmp_path) == []
