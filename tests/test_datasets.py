"""Datasets: layouts and splits, the synthetic sets, the IDX reader and Fashion-MNIST."""

from __future__ import annotations

import gzip
import struct

import numpy as np
import pytest

import chainrule as cr
from chainrule import datasets
from chainrule.tools.idx import read_idx


@pytest.mark.parametrize(
    ("name", "n_x", "n_y", "m", "task"),
    [
        ("planar", 2, 1, 400, "binary"),
        ("moons", 2, 1, 400, "binary"),
        ("circles", 2, 1, 400, "binary"),
        ("spirals", 2, 3, 600, "multiclass"),
        ("iris", 4, 3, 150, "multiclass"),
        ("diabetes", 10, 1, 442, "regression"),
    ],
)
def test_layout_split_and_standardization(name, n_x, n_y, m, task):
    data = cr.datasets.load(name, seed=3)
    assert data.task == task and data.n_x == n_x and data.n_y == n_y
    m_test = data.X_test.shape[1]
    assert data.X_train.shape[1] + m_test == m and m_test == pytest.approx(0.2 * m, abs=1)
    np.testing.assert_allclose(data.X_train.mean(axis=1), 0, atol=1e-12)
    np.testing.assert_allclose(data.X_train.std(axis=1), 1, atol=1e-12)
    if task == "multiclass":
        assert set(np.unique(data.Y_train)) == {0.0, 1.0}
        np.testing.assert_array_equal(data.Y_train.sum(axis=0), 1)
        # Stratified: each class keeps its share in the test split.
        np.testing.assert_allclose(data.Y_test.mean(axis=1), data.Y_train.mean(axis=1), atol=0.02)
    elif task == "binary":
        assert set(np.unique(data.Y_train)) == {0.0, 1.0}
    again = cr.datasets.load(name, seed=3)
    np.testing.assert_array_equal(again.X_test, data.X_test)
    assert not np.array_equal(cr.datasets.load(name, seed=4).X_test, data.X_test)


def test_planar_is_the_courses_flower():
    # The course's load_planar_dataset, transcribed (np.random.seed(1), global state).
    np.random.seed(1)  # noqa: NPY002
    N, a = 200, 4
    X = np.zeros((400, 2))
    Y = np.zeros((400, 1), dtype="uint8")
    for j in range(2):
        ix = range(N * j, N * (j + 1))
        t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + np.random.randn(N) * 0.2  # noqa: NPY002
        r = a * np.sin(4 * t) + np.random.randn(N) * 0.2  # noqa: NPY002
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        Y[ix] = j
    points, labels = datasets.planar_flower(seed=1)
    np.testing.assert_array_equal(points, X)
    np.testing.assert_array_equal(labels, Y[:, 0])


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(ValueError, match=r"unknown dataset 'mnist'; known: .*fashion_mnist"):
        cr.datasets.load("mnist")


def _idx(type_byte: int, shape: tuple[int, ...], payload: bytes) -> bytes:
    return bytes([0, 0, type_byte, len(shape)]) + struct.pack(f">{len(shape)}I", *shape) + payload


def test_idx_reader_reads_what_the_test_writes(tmp_path):
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    (tmp_path / "images-idx3-ubyte").write_bytes(_idx(0x08, (2, 3, 4), images.tobytes()))
    np.testing.assert_array_equal(read_idx(tmp_path / "images-idx3-ubyte"), images)
    values = np.array([1.5, -2.25, 1e300])
    with gzip.open(tmp_path / "values-idx1-ubyte.gz", "wb") as stream:
        stream.write(_idx(0x0E, (3,), values.astype(">f8").tobytes()))
    read = read_idx(tmp_path / "values-idx1-ubyte.gz")
    np.testing.assert_array_equal(read, values)
    assert read.dtype == np.float64 and read.dtype.isnative


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x1f\x8b\x08\x00", "not an IDX file"),
        (bytes([0, 0, 0x07, 1]) + bytes(8), "not an IDX file"),
        (
            bytes([0, 0, 0x08, 2, 0, 0]),
            "truncated IDX file: expected 8 bytes for the sizes, found 2",
        ),
        (_idx(0x08, (2, 3), bytes(5)), r"expected 6 bytes for shape \(2, 3\) of uint8, found 5"),
        (_idx(0x08, (2, 3), bytes(7)), "bytes after the 6"),
        (_idx(0x0E, (60000, 60000), bytes(8)), r"declares shape \(60000, 60000\), 28800000000"),
    ],
)
def test_idx_reader_trusts_no_declared_size(tmp_path, content, message):
    path = tmp_path / "bad-idx-ubyte"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=message):
        read_idx(path)


def test_a_corrupt_gzip_idx_file_is_a_value_error(tmp_path):
    path = tmp_path / "bad-idx1-ubyte.gz"
    path.write_bytes(gzip.compress(_idx(0x08, (4,), bytes(4)))[:-10])
    with pytest.raises(ValueError, match=r"cannot read the IDX file|truncated"):
        read_idx(path)


def test_fashion_mnist_says_where_the_files_come_from_when_absent(tmp_path):
    with pytest.raises(FileNotFoundError, match="apt-get install dataset-fashion-mnist"):
        datasets._fashion_mnist(0, directory=tmp_path)


def test_fashion_mnist_from_small_idx_files(tmp_path):
    rng = np.random.default_rng(0)
    for part, m in (("train", 30), ("t10k", 10)):
        images = rng.integers(0, 256, (m, 28, 28), dtype=np.uint8)
        labels = np.arange(m, dtype=np.uint8) % 10
        with gzip.open(tmp_path / f"{part}-images-idx3-ubyte.gz", "wb") as stream:
            stream.write(_idx(0x08, (m, 28, 28), images.tobytes()))
        with gzip.open(tmp_path / f"{part}-labels-idx1-ubyte.gz", "wb") as stream:
            stream.write(_idx(0x08, (m,), labels.tobytes()))
    data = datasets._fashion_mnist(0, directory=tmp_path)
    assert data.X_train.shape == (784, 30) and data.Y_test.shape == (10, 10)
    assert data.class_names[9] == "Ankle boot"
    np.testing.assert_array_equal(data.Y_train.argmax(axis=0), np.arange(30) % 10)


@pytest.mark.skipif(not datasets.FASHION_MNIST_DIR.is_dir(), reason="dataset-fashion-mnist absent")
def test_the_installed_fashion_mnist_has_70000_images():
    data = cr.datasets.load("fashion_mnist")
    assert data.X_train.shape == (784, 60000) and data.X_test.shape == (784, 10000)
    np.testing.assert_array_equal(data.Y_train.sum(axis=1), 6000)
    np.testing.assert_array_equal(data.Y_test.sum(axis=1), 1000)
