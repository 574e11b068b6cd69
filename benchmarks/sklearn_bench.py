"""Fit times of NetworkClassifier and scikit-learn's MLPClassifier, side by side.

Same data (standardized), architecture (one hidden layer of 100 relu units),
solver (adam, α = 0.001, batches of min(200, m)), L2 λ = 1e-4 and epochs
(200 = MLP's max_iter). MLP may stop earlier on its own tolerance, so the
epochs each one ran and the time per epoch are printed too. No assertions:

    PYTHONPATH=src python benchmarks/sklearn_bench.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

from chainrule.sklearn import NetworkClassifier

EPOCHS = 200
HIDDEN = (100,)


def _best_time(make, X, y, repeats):
    """The fastest of ``repeats`` fits, with the fitted estimator of the last one."""
    times = []
    for _ in range(repeats):
        estimator = make()
        start = time.perf_counter()
        estimator.fit(X, y)
        times.append(time.perf_counter() - start)
    return min(times), estimator


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    contenders = {
        "chainrule": lambda: NetworkClassifier(HIDDEN, epochs=EPOCHS, random_state=0),
        "sklearn MLP": lambda: MLPClassifier(HIDDEN, max_iter=EPOCHS, random_state=0),
    }
    header = (
        f"{'dataset':<14}{'estimator':<13}{'fit s':>8}{'epochs':>8}{'ms/epoch':>10}"
        f"{'train acc':>11}"
    )
    print(header)
    print("-" * len(header))
    warnings.simplefilter("ignore", ConvergenceWarning)
    for name, load in (("breast_cancer", load_breast_cancer), ("digits", load_digits)):
        X, y = load(return_X_y=True)
        X = StandardScaler().fit_transform(X)
        seconds = {}
        for label, make in contenders.items():
            seconds[label], fitted = _best_time(make, X, y, args.repeats)
            epochs = fitted.n_iter_
            print(
                f"{name:<14}{label:<13}{seconds[label]:>8.3f}{epochs:>8d}"
                f"{1000 * seconds[label] / epochs:>10.2f}{fitted.score(X, y):>11.4f}"
            )
        ratio = seconds["chainrule"] / seconds["sklearn MLP"]
        print(f"{'':<14}{'ratio':<13}{ratio:>8.2f}  (chainrule / MLP, whole fit)")
    print(f"numpy {np.__version__}")


if __name__ == "__main__":
    main()
