"""Datasets in the course's layout: X (n_x, m), one column per example.

Every loader splits with a seed (20% test, stratified by class where there
are classes), standardizes with statistics from the training split only,
and returns labels as (1, m) 0/1 for binary tasks, one-hot (K, m) for
multiclass tasks and (1, m) floats for regression.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Dataset:
    """A train/test split in the (n_x, m) layout."""

    name: str
    task: str  # "binary", "multiclass" or "regression"
    X_train: Array
    Y_train: Array
    X_test: Array
    Y_test: Array
    class_names: tuple[str, ...] = ()

    @property
    def n_x(self) -> int:
        """The number of input features."""
        return self.X_train.shape[0]

    @property
    def n_y(self) -> int:
        """The number of output units the task needs."""
        return self.Y_train.shape[0]


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


_LOADERS: dict[str, Callable[[int], Dataset]] = {
    "breast_cancer": _bundled("breast_cancer", "binary"),
    "digits": _bundled("digits", "multiclass"),
    "iris": _bundled("iris", "multiclass"),
    "wine": _bundled("wine", "multiclass"),
    "diabetes": _bundled("diabetes", "regression"),
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
