"""Datasets in the course's layout: X (n_x, m), one column per example.

Every loader splits with a seed (20% test, stratified by class where there
are classes), standardizes with statistics from the training split only,
and returns labels as (1, m) 0/1 for binary tasks, one-hot (K, m) for
multiclass tasks and (1, m) floats for regression.

The synthetic sets (``planar``, ``moons``, ``circles``, ``spirals``) are drawn
with the seed too. ``fashion_mnist`` reads the IDX files of Debian's
``dataset-fashion-mnist`` package and keeps the official 60,000/10,000 split.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from chainrule.base.display import Table
from chainrule.tools.idx import read_idx

Array = NDArray[np.float64]


@dataclass(frozen=True, repr=False)
class Dataset:
    """A train/test split in the (n_x, m) layout, standardized by ``feature_mean`` and
    ``feature_scale`` (n_x, 1): the training split's mean and standard deviation.

    ``print(data)`` shows the name, task, shapes and examples per class, never the arrays.
    """

    name: str
    task: str  # "binary", "multiclass" or "regression"
    X_train: Array
    Y_train: Array
    X_test: Array
    Y_test: Array
    feature_mean: Array
    feature_scale: Array
    class_names: tuple[str, ...] = ()

    def standardize(self, X_raw: NDArray[Any]) -> Array:
        """New raw examples X_raw (n_x, m) as the network sees them: (X_raw − mean) / scale.

        >>> data = load("iris", seed=0)
        >>> raw = data.X_test * data.feature_scale + data.feature_mean
        >>> bool(np.allclose(data.standardize(raw), data.X_test))
        True
        """
        X = np.asarray(X_raw, dtype=np.float64)
        if X.ndim != 2 or X.shape[0] != self.n_x:
            raise ValueError(
                f"{self.name} examples are ({self.n_x}, m), one column each; got {X.shape}"
            )
        return (X - self.feature_mean) / self.feature_scale

    @property
    def n_x(self) -> int:
        """The number of input features."""
        return self.X_train.shape[0]

    @property
    def n_y(self) -> int:
        """The number of output units the task needs."""
        return self.Y_train.shape[0]

    def _classes(self, Y: Array) -> str:
        """Examples per class, ``malignant 170, benign 285`` (a classification task)."""
        index = Y.argmax(axis=0) if Y.shape[0] > 1 else (Y[0] > 0.5).astype(int)
        counts = np.bincount(index, minlength=max(len(self.class_names), 2))
        names = self.class_names or tuple(str(k) for k in range(counts.size))
        return ", ".join(f"{name} {count}" for name, count in zip(names, counts, strict=False))

    def table(self) -> Table:
        """The split: the arrays' shapes and the examples per class, a row per part."""
        classes = self.task != "regression"
        rows = [
            [part, str(X.shape), str(Y.shape)] + ([self._classes(Y)] if classes else [])
            for part, X, Y in (
                ("train", self.X_train, self.Y_train),
                ("test", self.X_test, self.Y_test),
            )
        ]
        units = f"{self.n_y} output unit{'s' if self.n_y > 1 else ''}"
        title = f"{self.name}: {self.task}, {self.n_x} features, {units}"
        footer = "X standardized with the training split's mean and standard deviation"
        headers = ["split", "X", "Y"] + (["examples per class"] if classes else [])
        return Table(headers, rows, title, footer)

    def __repr__(self) -> str:
        return (
            f"Dataset({self.name!r}, {self.task}, n_x={self.n_x}, "
            f"train={self.X_train.shape[1]}, test={self.X_test.shape[1]})"
        )

    def __str__(self) -> str:
        return str(self.table())

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


def _split_and_standardize(
    name: str,
    task: str,
    features: NDArray[Any],
    target: NDArray[Any],
    seed: int,
    class_names: tuple[str, ...] = (),
) -> Dataset:
    from sklearn.model_selection import train_test_split

    stratify = target if task != "regression" else None
    X_tr, X_te, y_tr, y_te = train_test_split(
        features.astype(np.float64), target, test_size=0.2, random_state=seed, stratify=stratify
    )
    return _standardize(name, task, X_tr, y_tr, X_te, y_te, class_names)


def _standardize(
    name: str,
    task: str,
    X_tr: NDArray[Any],
    y_tr: NDArray[Any],
    X_te: NDArray[Any],
    y_te: NDArray[Any],
    class_names: tuple[str, ...],
) -> Dataset:
    """Standardize with the training split's statistics; lay out as (n_x, m) and label."""
    X_tr, X_te = X_tr.astype(np.float64), X_te.astype(np.float64)
    mean = X_tr.mean(axis=0)
    scale = X_tr.std(axis=0)
    scale[scale == 0] = 1.0
    X_tr, X_te = (X_tr - mean) / scale, (X_te - mean) / scale

    def labels(y: NDArray[Any]) -> Array:
        if task == "multiclass":
            return np.eye(len(class_names))[y.astype(np.intp)].T.copy()
        return y.astype(np.float64)[None, :]

    return Dataset(
        name,
        task,
        np.ascontiguousarray(X_tr.T),
        labels(y_tr),
        np.ascontiguousarray(X_te.T),
        labels(y_te),
        mean[:, None],
        scale[:, None],
        class_names,
    )


def _bundled(loader_name: str, task: str) -> Callable[[int], Dataset]:
    def load_bundled(seed: int) -> Dataset:
        import sklearn.datasets

        bunch = getattr(sklearn.datasets, f"load_{loader_name}")()
        names: tuple[str, ...] = ()
        if task != "regression":
            names = tuple(str(n) for n in bunch.target_names)
        return _split_and_standardize(loader_name, task, bunch.data, bunch.target, seed, names)

    return load_bundled


# -- synthetic two-dimensional sets --------------------------------------------


def planar_flower(seed: int, m: int = 400) -> tuple[NDArray[np.float64], NDArray[np.intp]]:
    """The course's "planar" flower: (m, 2) points and 0/1 labels, m/2 per class.

    For class j: t = linspace(3.12 j, 3.12 (j + 1), m/2) + 0.2·randn,
    r = 4·sin(4t) + 0.2·randn, points (r·sin t, r·cos t). Drawn with
    ``RandomState(seed)`` in the course's order, so seed 1 gives the course's points.
    """
    rng = np.random.RandomState(seed)
    per_class = m // 2
    points = np.zeros((2 * per_class, 2))
    labels = np.zeros(2 * per_class, dtype=np.intp)
    for j in range(2):
        rows = slice(per_class * j, per_class * (j + 1))
        t = np.linspace(j * 3.12, (j + 1) * 3.12, per_class) + rng.randn(per_class) * 0.2
        r = 4 * np.sin(4 * t) + rng.randn(per_class) * 0.2
        points[rows] = np.c_[r * np.sin(t), r * np.cos(t)]
        labels[rows] = j
    return points, labels


def spirals(
    seed: int, per_class: int = 200, classes: int = 3
) -> tuple[NDArray[np.float64], NDArray[np.intp]]:
    """Interleaved spiral arms (CS231n's recipe): (classes·per_class, 2) points and labels.

    Arm k: radius r = linspace(0, 1), angle t = linspace(4k, 4(k + 1)) + 0.2·randn,
    points (r·sin t, r·cos t).
    """
    rng = np.random.default_rng(seed)
    r = np.linspace(0.0, 1.0, per_class)
    points = np.concatenate(
        [
            np.c_[r * np.sin(t), r * np.cos(t)]
            for t in (
                np.linspace(4 * k, 4 * (k + 1), per_class) + 0.2 * rng.standard_normal(per_class)
                for k in range(classes)
            )
        ]
    )
    return points, np.repeat(np.arange(classes), per_class)


def _synthetic(
    name: str, make: Callable[[int], tuple[NDArray[Any], NDArray[Any]]], classes: int
) -> Callable[[int], Dataset]:
    task = "binary" if classes == 2 else "multiclass"
    class_names = tuple(str(k) for k in range(classes))

    def load_synthetic(seed: int) -> Dataset:
        features, target = make(seed)
        return _split_and_standardize(name, task, features, target, seed, class_names)

    return load_synthetic


def _moons(seed: int) -> tuple[NDArray[Any], NDArray[Any]]:
    from sklearn.datasets import make_moons

    return make_moons(n_samples=400, noise=0.2, random_state=seed)


def _circles(seed: int) -> tuple[NDArray[Any], NDArray[Any]]:
    from sklearn.datasets import make_circles

    return make_circles(n_samples=400, noise=0.1, factor=0.5, random_state=seed)


# -- Fashion-MNIST, from Debian's dataset-fashion-mnist ----------------------------

#: Where Debian's ``dataset-fashion-mnist`` package puts the IDX files.
FASHION_MNIST_DIR = Path("/usr/share/datasets/fashion-mnist")
FASHION_MNIST_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)


def _fashion_mnist(seed: int, directory: Path | None = None) -> Dataset:
    """The 70,000 Fashion-MNIST images as 784 standardized pixels, with the official split.

    The 60,000 training and 10,000 test images keep the split they ship with
    (so results compare with published ones); ``seed`` has nothing to choose.
    """
    folder = FASHION_MNIST_DIR if directory is None else directory
    files = {
        part: folder / f"{part}-ubyte.gz"
        for part in (
            "train-images-idx3",
            "train-labels-idx1",
            "t10k-images-idx3",
            "t10k-labels-idx1",
        )
    }
    missing = [str(path) for path in files.values() if not path.is_file()]
    if missing:
        raise FileNotFoundError(
            f"fashion_mnist needs the files of Debian's dataset-fashion-mnist package "
            f"(sudo apt-get install dataset-fashion-mnist); missing: {', '.join(missing)}"
        )
    arrays = {part: read_idx(path) for part, path in files.items()}
    X_tr, y_tr = arrays["train-images-idx3"], arrays["train-labels-idx1"]
    X_te, y_te = arrays["t10k-images-idx3"], arrays["t10k-labels-idx1"]
    for images, labels in ((X_tr, y_tr), (X_te, y_te)):
        if (
            images.ndim != 3
            or labels.ndim != 1
            or len(images) != len(labels)
            or (labels.size and labels.max() >= len(FASHION_MNIST_CLASSES))
        ):
            raise ValueError(
                f"fashion_mnist: images {images.shape} and labels {labels.shape} do not pair up "
                f"as (m, 28, 28) and (m,) with labels 0 … 9"
            )
    return _standardize(
        "fashion_mnist",
        "multiclass",
        X_tr.reshape(len(X_tr), -1),
        y_tr,
        X_te.reshape(len(X_te), -1),
        y_te,
        FASHION_MNIST_CLASSES,
    )


_LOADERS: dict[str, Callable[[int], Dataset]] = {
    "breast_cancer": _bundled("breast_cancer", "binary"),
    "digits": _bundled("digits", "multiclass"),
    "iris": _bundled("iris", "multiclass"),
    "wine": _bundled("wine", "multiclass"),
    "diabetes": _bundled("diabetes", "regression"),
    "planar": _synthetic("planar", planar_flower, 2),
    "moons": _synthetic("moons", _moons, 2),
    "circles": _synthetic("circles", _circles, 2),
    "spirals": _synthetic("spirals", spirals, 3),
    "fashion_mnist": _fashion_mnist,
}


#: One line about each dataset, for ``chainrule datasets``.
SUMMARIES: dict[str, str] = {
    "breast_cancer": "569 tumours, 30 features, benign or malignant (scikit-learn)",
    "digits": "1,797 handwritten digits, 8×8 pixels, 10 classes (scikit-learn)",
    "iris": "150 flowers, 4 measurements, 3 species (scikit-learn)",
    "wine": "178 wines, 13 chemical measurements, 3 cultivars (scikit-learn)",
    "diabetes": "442 patients, 10 features, disease progression after a year (regression)",
    "planar": "400 points of the course's two-class flower in the plane",
    "moons": "400 points of two interleaved half circles, noise 0.2",
    "circles": "400 points of two concentric circles, noise 0.1",
    "spirals": "600 points of three interleaved spiral arms",
    "fashion_mnist": "70,000 clothing images, 28×28 pixels, 10 classes "
    "(Debian package dataset-fashion-mnist; official 60,000/10,000 split)",
}


def names() -> list[str]:
    """The names :func:`load` accepts."""
    return sorted(_LOADERS)


def load(name: str, seed: int = 0) -> Dataset:
    """Load a dataset by name, split and standardized with ``seed``.

    Examples
    --------
    >>> data = load("breast_cancer")
    >>> data.X_train.shape, data.Y_train.shape
    ((30, 455), (1, 455))
    """
    if name not in _LOADERS:
        raise ValueError(f"unknown dataset {name!r}; known: {', '.join(names())}")
    return _LOADERS[name](seed)
