"""Saved models: round trip, resuming, and files that are broken or hostile."""

from __future__ import annotations

import io as bytes_io
import json
import os
import pickle
import stat
import zipfile
from pathlib import Path

import numpy as np
import pytest

import chainrule as cr
from chainrule.io import ModelFileError, TrainedOn, read_model


def _data(m: int = 64):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((4, m))
    Y = np.eye(3)[(X[0] > 0).astype(int) + (X[1] > 0.5).astype(int)].T
    return X, Y


FIT = dict(learning_rate=0.01, optimizer="adam", batch_size=16, keep_prob=0.9, l2=0.01, verbose=0)


def _trained(tmp_path: Path) -> tuple[cr.Network, Path]:
    X, Y = _data()
    net = cr.Network([4, 6, 3], hidden="leaky_relu", output="softmax", loss="cce", seed=1)
    net.fit(X, Y, epochs=3, **FIT)
    return net, cr.save(net, tmp_path / "model.npz")


def test_save_load_gives_identical_predictions_and_resumes_the_same_run(tmp_path):
    X, Y = _data()
    net, path = _trained(tmp_path)
    loaded = cr.load(path)
    assert repr(loaded) == repr(net) and loaded.epochs_trained == 3
    AL, _ = net.forward(X)
    AL_loaded, _ = loaded.forward(X)
    np.testing.assert_array_equal(AL_loaded, AL)
    # Uninterrupted: 3 + 4 epochs in one process; resumed: the saved model trained 4 more.
    uninterrupted = net.fit(X, Y, epochs=4, **FIT)
    resumed = loaded.fit(X, Y, epochs=4, **FIT)
    assert list(resumed) == list(uninterrupted)
    for key in net.params:
        np.testing.assert_array_equal(loaded.params[key], net.params[key])


def test_an_untrained_float32_network_round_trips(tmp_path):
    net = cr.Network(
        [3, 2, 1],
        hidden="tanh",
        output="sigmoid",
        loss="bce",
        seed=None,
        dtype=np.float32,
        fused=False,
    )
    loaded = cr.load(cr.save(net, tmp_path / "m.npz"))
    assert loaded.dtype == np.float32 and loaded.fused is False and loaded.optimizer is None
    for key, value in net.params.items():
        np.testing.assert_array_equal(loaded.params[key], value)
        assert loaded.params[key].dtype == np.float32


def test_a_custom_loss_cannot_be_saved(tmp_path):
    custom = cr.Loss(
        "mine", lambda A, Y: (A - Y) ** 2, lambda A, Y: 2 * (A - Y), lambda sp, a, y: (a - y) ** 2
    )
    net = cr.Network([2, 1], output="identity", loss=custom)
    with pytest.raises(ValueError, match="cannot save the custom loss 'mine'"):
        cr.save(net, tmp_path / "m.npz")
    assert not (tmp_path / "m.npz").exists()


def test_a_custom_function_named_like_a_catalog_one_cannot_be_saved(tmp_path):
    # Saved by name, it would come back as the catalog's tanh: a different function.
    impostor = cr.Activation("tanh", np.tanh, lambda Z, A: 2 - A * A, lambda sp, z: sp.tanh(z))
    net = cr.Network([2, 3, 1], hidden=impostor, output="sigmoid", loss="bce")
    with pytest.raises(ValueError, match="cannot save the custom activation 'tanh'"):
        cr.save(net, tmp_path / "m.npz")
    assert not (tmp_path / "m.npz").exists()


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _rewrite(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _npy(array: np.ndarray, allow_pickle: bool = False) -> bytes:
    buffer = bytes_io.BytesIO()
    np.lib.format.write_array(buffer, array, allow_pickle=allow_pickle)
    return buffer.getvalue()


class _Payload:
    """Unpickling this would create a directory: the marker that code ran."""

    marker: Path

    def __reduce__(self):
        return (os.mkdir, (str(self.marker),))


def _object_array(marker: Path) -> np.ndarray:
    payload = _Payload()
    payload.marker = marker
    array = np.empty((6, 4), dtype=object)
    array[0, 0] = payload
    return array


def _huge_header() -> bytes:
    # A .npy header declaring (50000, 25000) float64 = 10 GB, followed by 48 bytes.
    buffer = bytes_io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buffer, {"descr": "<f8", "fortran_order": False, "shape": (50000, 25000)}
    )
    return buffer.getvalue() + bytes(48)


def _corrupt(kind: str, path: Path, marker: Path) -> None:
    members = _members(path)
    good = path.read_bytes()
    if kind == "truncated":
        path.write_bytes(good[: len(good) // 2])
    elif kind == "wrong magic":
        path.write_bytes(b"GARBAGE!" + good[8:])
    elif kind == "object array":
        members["param.W1.npy"] = _npy(_object_array(marker), allow_pickle=True)
        _rewrite(path, members)
    elif kind == "NaN weights":
        members["param.W2.npy"] = _npy(np.full((3, 6), np.nan))
        _rewrite(path, members)
    elif kind == "shape mismatch":
        members["param.W1.npy"] = _npy(np.zeros((6, 5)))
        _rewrite(path, members)
    elif kind == "missing key":
        del members["param.b2.npy"]
        _rewrite(path, members)
    elif kind == "10 GB declared shape":
        members["param.W1.npy"] = _huge_header()
        _rewrite(path, members)
    elif kind == "pickle payload":
        path.write_bytes(pickle.dumps(_object_array(marker)))
    elif kind == "bare .npy":
        path.write_bytes(_npy(np.zeros(3)))
    elif kind == "not JSON":
        members["model.npy"] = _npy(np.frombuffer(b"{not json", dtype=np.uint8))
        _rewrite(path, members)
    elif kind == "wrong format":
        members["model.npy"] = _npy(np.frombuffer(json.dumps({"format": "x"}).encode(), np.uint8))
        _rewrite(path, members)
    elif kind == "optimizer state shape":
        members["optimizer.W1.v.npy"] = _npy(np.zeros((2, 2)))
        _rewrite(path, members)
    elif kind in META_EDITS:
        meta = json.loads(np.frombuffer(members["model.npy"][128:], np.uint8).tobytes())
        META_EDITS[kind](meta)
        members["model.npy"] = _npy(np.frombuffer(json.dumps(meta).encode(), np.uint8))
        _rewrite(path, members)


#: Edits of the JSON description: a value of the right kind in JSON but not for chainrule.
META_EDITS = {
    "huge layer_dims": lambda meta: meta.update(layer_dims=[4, 10**6, 3]),
    "bad trained_on": lambda meta: meta.update(trained_on={"dataset": "iris", "seed": "0"}),
    "fused as 0": lambda meta: meta.update(fused=0),
    "epsilon as true": lambda meta: meta["optimizer"]["settings"].update(epsilon=True),
}


BAD = {
    "truncated": "corrupt or truncated|not an .npz",
    "wrong magic": "corrupt or truncated model file: Bad magic number",
    "object array": "W1 has dtype .object",
    "NaN weights": "W2 holds NaN",
    "shape mismatch": r"W1 is \(6, 5\) float64; the architecture needs \(6, 4\)",
    "missing key": r"missing \['b2'\]",
    "10 GB declared shape": (
        r"W1 declares shape \(50000, 25000\) \(10000000000 bytes\) but holds 48"
    ),
    "pickle payload": "not a chainrule model",
    "bare .npy": "not a chainrule model",
    "not JSON": "not valid JSON",
    "wrong format": "format is not 'chainrule.model'",
    "huge layer_dims": r"W1 is \(6, 4\) float64; the architecture needs \(1000000, 4\)",
    "optimizer state shape": r"optimizer state W1.v is \(2, 2\)",
    "bad trained_on": "bad trained_on entry",
    "fused as 0": "fused is 0",
    "epsilon as true": "epsilon must be a finite number > 0, got True",
}


@pytest.mark.parametrize("kind", list(BAD))
def test_a_bad_file_gets_a_clear_error_and_runs_nothing(tmp_path, kind):
    _, path = _trained(tmp_path)
    marker = tmp_path / "payload-ran"
    _corrupt(kind, path, marker)
    with pytest.raises(ModelFileError, match=BAD[kind]) as caught:
        cr.load(path)
    assert isinstance(caught.value, ValueError) and str(path) in str(caught.value)
    assert not marker.exists()


def test_a_missing_file_is_a_file_not_found_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no model file"):
        cr.load(tmp_path / "absent.npz")


def test_a_crash_during_save_leaves_no_half_written_model(tmp_path, monkeypatch):
    net, path = _trained(tmp_path)
    before = path.read_bytes()
    real_savez = np.savez

    def crash(stream, **arrays):
        real_savez(stream, **dict(list(arrays.items())[:2]))  # part of the file is written
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", crash)
    net.params["W1"] += 1
    with pytest.raises(OSError, match="disk full"):
        cr.save(net, path)
    with pytest.raises(OSError, match="disk full"):
        cr.save(net, tmp_path / "new.npz")
    assert path.read_bytes() == before  # the old model is intact
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.npz"]  # no temporary left over


def test_the_data_a_model_was_trained_on_is_recorded_when_given(tmp_path):
    net, path = _trained(tmp_path)
    assert read_model(path).trained_on is None  # saved without a record
    recorded = cr.save(net, tmp_path / "recorded.npz", TrainedOn("iris", 7))
    saved = read_model(recorded)
    assert saved.trained_on == TrainedOn("iris", 7)
    assert repr(saved.network) == repr(net) == repr(cr.load(recorded))


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_model_file_gets_the_mode_the_umask_gives_any_new_file(tmp_path, umask, mode):
    net = cr.Network([2, 1])
    previous = os.umask(umask)
    try:
        path = cr.save(net, tmp_path / "model.npz")
        plain = tmp_path / "plain"
        plain.write_bytes(b"")  # the oracle: what open() makes under this umask
    finally:
        os.umask(previous)
    assert _mode(path) == _mode(plain) == mode


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_overwriting_a_model_file_keeps_its_mode(tmp_path):
    net, path = _trained(tmp_path)
    path.chmod(0o640)
    cr.save(net, path)
    assert _mode(path) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.npz"]  # no temporary left over


def test_saving_over_a_directory_is_refused_before_writing(tmp_path):
    (tmp_path / "adir").mkdir()
    with pytest.raises(IsADirectoryError, match=r"cannot save to .*adir: it is a directory"):
        cr.save(cr.Network([2, 1]), tmp_path / "adir")
    assert [p.name for p in tmp_path.iterdir()] == ["adir"]
    assert list((tmp_path / "adir").iterdir()) == []
