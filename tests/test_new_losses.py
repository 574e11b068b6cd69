"""bce with pos_weight, focal, cce with label smoothing; formulas wherever a name goes.

Oracles: torch.nn.BCEWithLogitsLoss and CrossEntropyLoss with autograd, an
mpmath transcription of Lin et al.'s focal loss, finite differences (gradcheck),
typer's CliRunner for the command line.
"""

from __future__ import annotations

from pathlib import Path

import mpmath
import numpy as np
import pytest
import torch
from typer.testing import CliRunner

import chainrule as cr
from chainrule.adapters.cli import app
from chainrule.functions.pairs import output_rule

LOGITS = np.array([0.0, 1.0, -1.0, 3.5, -2.0, 30.0, -30.0, 40.0, -40.0, 800.0, -800.0, 1e4, -1e4])


def _close(actual: np.ndarray, expected: np.ndarray, rtol: float = 1e-10) -> None:
    # torch keeps ~1e-14 absolute, not relative (log1p(e^−30) at z = −30 has two
    # digits there); chainrule's is exact, which tests/test_stable_route.py checks with mpmath
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=1e-14)


@pytest.mark.parametrize("pos_weight", [3.0, 0.4, [0.5, 2.0, 7.0]])
def test_pos_weight_matches_torch(pos_weight) -> None:
    L = cr.loss("bce", pos_weight=pos_weight)
    assert cr.output_route("sigmoid", L) == "stable"
    Z = np.stack([LOGITS, -LOGITS, LOGITS / 3])
    Y = np.stack([np.ones_like(LOGITS), np.zeros_like(LOGITS), np.full_like(LOGITS, 0.25)])
    weight = torch.tensor(np.reshape(pos_weight, (-1, 1)) * np.ones((3, 1)), dtype=torch.float64)
    logits = torch.tensor(Z, requires_grad=True)
    expected = torch.nn.BCEWithLogitsLoss(pos_weight=weight, reduction="none")(
        logits, torch.tensor(Y)
    )
    expected.sum().backward()
    rule = output_rule(cr.activation("sigmoid"), L, None)
    _close(rule.cost_from_logits(Z, Y), expected.detach().numpy())
    # torch forms σ(z) − 1 for its gradient, exact only to 1e-16 absolute: compare to that
    np.testing.assert_allclose(cr.output_delta(Z, Y, "sigmoid", L), logits.grad.numpy(), atol=1e-15)
    assert cr.output_cost(Z, Y, "sigmoid", L) == pytest.approx(
        float(expected.detach().sum(dim=0).mean()), rel=1e-12
    )


def test_label_smoothing_matches_torch() -> None:
    eps = 0.1
    L = cr.loss("cce", label_smoothing=eps)
    assert cr.output_route("softmax", L) == "natural"
    Z = np.stack([LOGITS, np.zeros_like(LOGITS), -LOGITS / 2])
    labels = np.arange(LOGITS.size) % 3
    logits = torch.tensor(Z.T.copy(), requires_grad=True)
    expected = torch.nn.CrossEntropyLoss(label_smoothing=eps)(logits, torch.tensor(labels))
    expected.backward()
    assert cr.output_cost(Z, labels[None, :], "softmax", L) == pytest.approx(
        float(expected.detach()), rel=1e-12
    )
    dZ = cr.output_delta(Z, labels[None, :], "softmax", L) / LOGITS.size
    np.testing.assert_allclose(dZ, logits.grad.numpy().T, rtol=1e-9, atol=1e-17)


def _lin_focal(z: float, y: int, gamma: float, alpha: float | None) -> mpmath.mpf:
    """FL(p_t) = −α_t (1 − p_t)^γ log(p_t) (Lin et al. 2017, eq. 5), p = σ(z)."""
    p = 1 / (1 + mpmath.exp(-z))
    p_t = p if y == 1 else 1 - p
    alpha_t = 1 if alpha is None else (alpha if y == 1 else 1 - alpha)
    return -alpha_t * (1 - p_t) ** gamma * mpmath.log(p_t)


@pytest.mark.parametrize(("gamma", "alpha"), [(2.0, 0.25), (0.5, None), (3.0, 0.9)])
def test_focal_matches_lin_et_al(gamma: float, alpha: float | None) -> None:
    L = cr.loss("focal", gamma=gamma, alpha=alpha)
    assert cr.output_route("sigmoid", L) == "stable"
    rule = output_rule(cr.activation("sigmoid"), L, None)
    for y in (0, 1):
        Z, Y = LOGITS[None, :], np.full((1, LOGITS.size), float(y))
        cost, dZ = rule.cost_from_logits(Z, Y)[0], cr.output_delta(Z, Y, "sigmoid", L)[0]
        for j, z in enumerate(LOGITS):
            with mpmath.workdps(60 + int(abs(z) / 2.3)):
                true_cost = _lin_focal(mpmath.mpf(z), y, gamma, alpha)
                true_dZ = mpmath.diff(
                    lambda t, label=y: _lin_focal(t, label, gamma, alpha), mpmath.mpf(z)
                )
            for actual, true in ((cost[j], true_cost), (dZ[j], true_dZ)):
                if abs(true) < 1e-300:
                    assert abs(actual) < 1e-290
                else:
                    assert float(actual) == pytest.approx(float(true), rel=1e-11), (z, y)


def test_family_settings_show_in_the_repr_and_are_saved(tmp_path: Path) -> None:
    assert repr(cr.loss("bce", pos_weight=[1.0, 2.0])) == "Loss('bce', pos_weight=(1.0, 2.0))"
    assert repr(cr.loss("focal", alpha=None)) == "Loss('focal', gamma=2.0, alpha=None)"
    assert cr.loss("bce", pos_weight=1.0) is cr.loss("bce")
    assert cr.loss("cce", label_smoothing=0) is cr.loss("cce")
    with pytest.raises(ValueError, match="pos_weight"):
        cr.loss("bce", pos_weight=-1)
    with pytest.raises(ValueError, match="pos_weight has 3 weights but the output layer has 2"):
        cr.output_delta(
            np.zeros((2, 1)), [[0], [1]], "sigmoid", cr.loss("bce", pos_weight=[1, 2, 3])
        )
    for loss, output, units in (
        (cr.loss("bce", pos_weight=[1.0, 2.0]), "sigmoid", 2),
        (cr.loss("focal", gamma=1.5, alpha=None), "sigmoid", 2),
        (cr.loss("cce", label_smoothing=0.2), "softmax", 3),
    ):
        net = cr.Network([2, 3, units], output=output, loss=loss, seed=0)
        cr.save(net, tmp_path / "m.npz")
        loaded = cr.load(tmp_path / "m.npz")
        assert loaded.loss.params == loss.params
        assert repr(loaded.loss) == repr(loss)


def test_a_network_with_formula_functions_trains_checks_saves_and_loads(
    tmp_path: Path, rng: np.random.Generator
) -> None:
    X = rng.normal(size=(2, 64))
    Y = 0.5 * X[:1] - 0.3 * X[1:]
    net = cr.Network([2, 5, 1], hidden="z/(1+Abs(z))", output="identity", loss="(a-y)**4", seed=1)
    assert "z/(1+Abs(z))" in repr(net) and "(a-y)**4" in repr(net)
    before = net.cost(X, Y)
    net.fit(X, Y, epochs=50, learning_rate=0.05)
    assert net.cost(X, Y) < before
    assert cr.gradcheck(net, X[:, :8], Y[:, :8]).passed
    cr.save(net, tmp_path / "formula.npz")
    loaded = cr.load(tmp_path / "formula.npz")
    np.testing.assert_array_equal(loaded.predict(X), net.predict(X))
    assert loaded.loss.formula == "(a-y)**4"


def test_formulas_work_wherever_a_name_goes() -> None:
    Z, Y = np.array([[-800.0, 0.5, 40.0]]), np.array([[1.0, 0.0, 1.0]])
    weighted = "-(3*y*log(a) + (1-y)*log(1-a))"
    dZ = cr.output_delta(Z, Y, "1/(1 + exp(-z))", weighted)
    assert np.isfinite(dZ).all() and dZ[0, 0] == -3.0
    assert np.isfinite(cr.output_cost(Z, Y, "sigmoid", weighted))
    assert cr.domain_problem("z/(1+Abs(z))", "mse") is None
    with pytest.raises(ValueError, match=r"unknown activation 'sigmoyd' and not a valid formula"):
        cr.activation("sigmoyd")
    with pytest.raises(ValueError, match=r"unknown loss 'msse' and not a valid formula"):
        cr.Network([2, 1], loss="msse")


def test_cli_trains_and_plots_with_formulas(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["train", "--hidden", "z/(1+Abs(z))", "--loss", "(a-y)**4", "--epochs", "2"]
    )
    assert result.exit_code == 0, result.output
    assert "z/(1+Abs(z))" in result.output and "(a-y)**4" in result.output
    picture = tmp_path / "pair.png"
    result = CliRunner().invoke(
        app,
        ["plot-pair", "--activation", "1/(1+exp(-z))", "--loss", "(a-y)**4", "--out", str(picture)],
    )
    assert result.exit_code == 0, result.output
    assert picture.stat().st_size > 0


def test_estimators_take_formulas_and_pickle(rng: np.random.Generator) -> None:
    import pickle

    from chainrule.sklearn import NetworkRegressor

    X = rng.normal(size=(40, 2))
    y = X[:, 0] - X[:, 1]
    estimator = NetworkRegressor(
        hidden_layer_sizes=(4,), activation="z/(1+Abs(z))", loss="(a-y)**4", epochs=3
    ).fit(X, y)
    again = pickle.loads(pickle.dumps(estimator))
    np.testing.assert_array_equal(again.predict(X), estimator.predict(X))


def test_derive_keywords_and_swapped_arguments() -> None:
    d = cr.derive(loss="mse", activation="tanh")
    assert d is cr.derive("mse", "tanh") and d.route == "stable"
    assert "stable route" in d.text()
    with pytest.raises(ValueError, match="did you swap the loss and the activation"):
        cr.derive("sigmoid", "bce")
    with pytest.raises(ValueError, match="did you swap"):
        cr.output_delta([[0.0]], [[1.0]], "bce", "sigmoid")
