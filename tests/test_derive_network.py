"""derive_network: backprop through every layer, derived symbolically, checked three ways.

* ``.gradients`` (the derived matrix formulas run with NumPy) against PyTorch autograd
  of an independently written network, in float64;
* ``.verify()`` (the formulas against sympy.diff of J at explicit small matrices), and
  a deliberately wrong formula failing it;
* the text and the command line for the course's [2, 3, 1] tanh/sigmoid/bce network.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
import torch
from typer.testing import CliRunner

import chainrule as cr
from chainrule.adapters.cli import app
from chainrule.functions import activations
from checks import relative_error
from test_tutorial import python_blocks
from torch_reference import as_tensor, torch_activation, torch_loss

DOCS = Path(__file__).resolve().parents[1] / "docs" / "where-the-transpose-comes-from.md"

SOFTSIGN_FORMULA = "z/(1+Abs(z))"
QUARTIC_LOSS = "(a-y)**4"
#: Formulas written again for torch, independently of chainrule's parser.
TORCH_FORMULAS = {
    SOFTSIGN_FORMULA: lambda z: z / (1 + torch.abs(z)),
    "z*tanh(z)": lambda z: z * torch.tanh(z),
}
TORCH_LOSS_FORMULAS = {QUARTIC_LOSS: lambda a, y: (a - y) ** 4}

HIDDEN = [*activations.names(), SOFTSIGN_FORMULA, "z*tanh(z)"]
#: (output, loss, route): natural pairs are fused, the others take dA[L] ⊙ g'.
OUTPUTS = [
    ("sigmoid", "bce", "natural"),
    ("softmax", "cce", "natural"),
    ("identity", "mse", "natural"),
    ("exp", "poisson", "natural"),
    ("tanh", "mse", "generic"),
    ("sigmoid", "mse", "generic"),
    ("identity", QUARTIC_LOSS, "generic"),
    ("softmax", "mse", "generic"),
    ("identity", "huber", "generic"),
]


def _case(index: int) -> dict[str, object]:
    """The index-th of 20 networks: 1–4 layers, every hidden activation, every route."""
    L = 1 + index % 4
    rng = np.random.default_rng(100 + index)
    output, loss, route = OUTPUTS[index % len(OUTPUTS)]
    n_out = 3 if output == "softmax" else int(rng.integers(1, 3))
    dims = [int(rng.integers(2, 4)) for _ in range(L)] + [n_out]
    start = sum(j % 4 for j in range(index))  # hidden layers of the cases before: each g in turn
    hidden = [HIDDEN[(start + l) % len(HIDDEN)] for l in range(L - 1)]
    return {
        "dims": dims,
        "hidden": hidden,
        "output": output,
        "loss": loss,
        "route": route,
        "l2": [0.0, 0.7][index % 2],
        "keep_prob": 0.8 if index % 3 == 0 and L > 1 else None,
        "seed": index,
    }


CASES = [_case(i) for i in range(20)]


def _torch_g(spec: str):
    return TORCH_FORMULAS[spec] if spec in TORCH_FORMULAS else torch_activation(spec)


def _torch_loss(spec: str):
    return TORCH_LOSS_FORMULAS[spec] if spec in TORCH_LOSS_FORMULAS else torch_loss(spec)


def torch_gradients(case, params, X, Y, masks) -> dict[str, np.ndarray]:
    """dW, db (∂J/∂·) and dZ, dA (m·∂J/∂·) of J = (1/m) Σ L + (λ/2m) Σ ‖W‖², by autograd."""
    dims, m = case["dims"], X.shape[1]
    L = len(dims) - 1
    leaves = {key: as_tensor(value, grad=True) for key, value in params.items()}
    A = as_tensor(X, grad=True)
    inputs, Zs, As = [A], [], []
    gs = [*case["hidden"], case["output"]]
    for l in range(1, L + 1):
        Z = leaves[f"W{l}"] @ A + leaves[f"b{l}"]
        Z.retain_grad()
        A = _torch_g(gs[l - 1])(Z)
        A.retain_grad()
        Zs.append(Z)
        As.append(A)
        if masks is not None and l < L:
            A = A * as_tensor(masks[l - 1])
    J = _torch_loss(case["loss"])(As[-1], as_tensor(Y)).sum() / m
    J = J + case["l2"] / (2 * m) * sum((leaves[f"W{l}"] ** 2).sum() for l in range(1, L + 1))
    J.backward()
    grads = {f"d{key}": leaf.grad.numpy() for key, leaf in leaves.items()}
    grads["dA0"] = m * inputs[0].grad.numpy()
    for l in range(1, L + 1):
        grads[f"dZ{l}"] = m * Zs[l - 1].grad.numpy()
        grads[f"dA{l}"] = m * As[l - 1].grad.numpy()
    return grads


def _data(case):
    rng = np.random.default_rng(case["seed"])
    dims, m = case["dims"], 5
    params = {}
    for l in range(1, len(dims)):
        params[f"W{l}"] = rng.normal(0, 0.7, (dims[l], dims[l - 1]))
        params[f"b{l}"] = rng.normal(0, 0.5, (dims[l], 1))  # nonzero: no relu kink at Z = 0
    X = rng.normal(0, 1, (dims[0], m))
    n_out = dims[-1]
    if case["loss"] == "cce":
        Y = np.eye(n_out)[rng.integers(0, n_out, m)].T
    elif case["loss"] in ("bce", "poisson"):
        Y = rng.uniform(0, 1, (n_out, m))
    else:
        Y = rng.normal(0, 1, (n_out, m))
    masks = None
    if case["keep_prob"] is not None:
        kp = case["keep_prob"]
        masks = [(rng.random((n, m)) < kp) / kp for n in dims[1:-1]]
    return params, X, Y, masks


def test_the_cases_cover_every_activation_and_route():
    hidden = {g for case in CASES for g in case["hidden"]}
    assert hidden == set(HIDDEN)
    assert {(c["output"], c["loss"]) for c in CASES} == {(o, lo) for o, lo, _ in OUTPUTS}
    assert {len(c["dims"]) - 1 for c in CASES} == {1, 2, 3, 4}
    assert any(c["keep_prob"] and c["l2"] for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['dims']}-{c['output']}-{c['loss']}")
def test_gradients_agree_with_torch_autograd(case):
    d = cr.derive_network(
        case["dims"],
        hidden=case["hidden"],
        output=case["output"],
        loss=case["loss"],
        l2=case["l2"],
        keep_prob=case["keep_prob"],
    )
    assert d.route == case["route"]
    params, X, Y, masks = _data(case)
    mine = d.gradients(params, X, Y, masks)
    reference = torch_gradients(case, params, X, Y, masks)
    L = len(case["dims"]) - 1
    expected_keys = {f"d{k}{l}" for k in "WbZ" for l in range(1, L + 1)}
    expected_keys |= {f"dA{l}" for l in range(L + (case["route"] == "generic"))}
    assert set(mine) == expected_keys
    for key, value in mine.items():
        assert relative_error(value, reference[key]) < 1e-10, key


def test_gradients_match_the_network_it_describes():
    """The same numbers as Network.backward, which was derived by hand."""
    net = cr.Network([3, 4, 2, 2], hidden="tanh", output="softmax", loss="cce", seed=3)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(3, 6))
    Y = np.eye(2)[rng.integers(0, 2, 6)].T
    masks = [(rng.random((n, 6)) < 0.5) / 0.5 for n in (4, 2)]
    d = cr.derive_network([3, 4, 2, 2], "tanh", "softmax", "cce", l2=0.3, keep_prob=0.5)
    mine = d.gradients(net.params, X, Y, masks)
    theirs = net.gradients(X, Y, l2=0.3, masks=masks)
    for key, value in mine.items():
        assert relative_error(value, theirs[key]) < 1e-12, key


@pytest.mark.parametrize("hidden", ["relu", "tanh", "sigmoid", SOFTSIGN_FORMULA])
def test_verify_proves_every_step(hidden):
    d = cr.derive_network([3, 3, 2, 2], hidden, "sigmoid", "bce", l2=0.7, keep_prob=0.8)
    proof = d.verify(m=2, points=2)
    assert proof.passed, proof.text()
    assert [check.key for check in proof.checks] == [step.key for step in d.steps]
    assert "ok" in proof.text()


def test_verify_the_generic_and_softmax_routes():
    for output, loss in [("tanh", "mse"), ("softmax", "cce"), ("softmax", "mse")]:
        d = cr.derive_network([2, 2, 3], "tanh", output, loss, l2=0.5)
        proof = d.verify(m=2, points=2)
        assert proof.passed, proof.text()


def _replace_step(d, key, expression):
    steps = tuple(
        dataclasses.replace(step, expression=expression(step)) if step.key == key else step
        for step in d.steps
    )
    return dataclasses.replace(d, steps=steps)


def test_verify_catches_a_transposed_dW():
    """dW[2] = (1/m) (dZ[2] A[1]ᵀ)ᵀ has the right shape for a square W[2], and is wrong."""
    d = cr.derive_network([2, 2, 2], "tanh", "sigmoid", "bce")
    assert d.verify(points=1).passed
    wrong = _replace_step(d, "dW2", lambda step: sp.Transpose(step.expression))
    proof = wrong.verify(points=1)
    assert not proof.passed
    failed = [check.key for check in proof.checks if not check.passed]
    assert failed == ["dW2"]
    assert "FAILED" in proof.text()


def test_verify_catches_a_missing_transpose_and_a_missing_1_over_m():
    d = cr.derive_network([2, 2, 2], "tanh", "sigmoid", "bce")

    def no_transpose(step):  # W[2] dZ[2] instead of W[2]ᵀ dZ[2]
        return sp.MatMul(step.expression.args[0].arg, step.expression.args[1])

    def times_m(step):
        return sp.MatMul(d.symbols[0], step.expression)

    for key, wrong in [("dA1", no_transpose), ("db2", times_m)]:
        failed = [
            c.key for c in _replace_step(d, key, wrong).verify(points=1).checks if not c.passed
        ]
        assert key in failed


def test_text_of_the_course_network():
    d = cr.derive_network([2, 3, 1], hidden="tanh", output="sigmoid", loss="bce")
    text = d.text()
    assert "dW[2] = (1/m) dZ[2] A[1]ᵀ" in text
    assert "dZ[1] = W[2]ᵀ dZ[2] ⊙ (1 − A[1]²)" in text
    assert "(n_2 × m)(m × n_1) = n_2 × n_1; here (1 × m)(m × 3) = 1 × 3" in text
    assert "(n_1 × m)(m × n_0) = n_1 × n_0; here (3 × m)(m × 2) = 3 × 2" in text
    assert "db[2] = (1/m) dZ[2] 1ₘ" in text
    assert "dZ[2] = A[2] − Y" in text and "natural pair bce + sigmoid" in text
    assert str(d) == text
    assert repr(d) == "NetworkDerivation([2, 3, 1], route='natural', steps=8)"
    assert r"\odot" in d.latex() and d._repr_latex_().startswith("$$")
    assert "**dW[2]" in d.markdown() and d._repr_markdown_() == d.markdown()


def test_l2_and_dropout_appear_in_the_formulas():
    text = cr.derive_network([2, 3, 1], "tanh", "sigmoid", "bce", l2=0.7, keep_prob=0.8).text()
    assert "dW[2] = (1/m) dZ[2] (A[1] ⊙ D[1]/keep_prob)ᵀ + (λ/m) W[2]" in text
    assert "dA[1] = W[2]ᵀ dZ[2] ⊙ D[1]/keep_prob" in text
    assert "(λ/m) W[1]" in text and "L2 has no b" in text


def test_generic_route_is_shown_through_dA():
    text = cr.derive_network([2, 2, 1], "sigmoid", "tanh", "mse").text()
    assert "dA[2] = 2·(A[2] − Y)" in text
    assert "dZ[2] = dA[2] ⊙ (1 − A[2]²)" in text
    assert "dZ[1] = W[2]ᵀ dZ[2] ⊙ A[1]·(1 − A[1])" in text
    assert "generic route" in text


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"layer_dims": [2]}, "layer_dims"),
        ({"layer_dims": [2, 3, 1], "hidden": ["tanh", "relu"]}, "hidden has 2"),
        ({"layer_dims": [2, 3, 1], "output": "softmax", "loss": "cce"}, "softmax"),
        ({"layer_dims": [2, 3, 1], "output": "identity", "loss": "bce"}, "identity"),
        ({"layer_dims": [2, 3, 1], "keep_prob": 0.0}, "keep_prob"),
        ({"layer_dims": [2, 3, 1], "l2": -1.0}, "l2"),
        ({"layer_dims": [2, 3, 1], "hidden": "__import__('os')"}, "rejected"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        cr.derive_network(**kwargs)


def test_gradients_refuses_missing_masks_and_bad_shapes():
    d = cr.derive_network([2, 3, 1], "tanh", keep_prob=0.5)
    params = {
        "W1": np.ones((3, 2)),
        "b1": np.ones((3, 1)),
        "W2": np.ones((1, 3)),
        "b2": np.ones((1, 1)),
    }
    X, Y = np.ones((2, 4)), np.ones((1, 4))
    with pytest.raises(ValueError, match="masks"):
        d.gradients(params, X, Y)
    with pytest.raises(ValueError, match="W1"):
        d.gradients({**params, "W1": np.ones((2, 3))}, X, Y, [np.ones((3, 4))])


def test_command_line_prints_the_network_derivation():
    runner = CliRunner()
    args = ["derive", "--network", "2,3,1", "--hidden", "tanh", "--output", "sigmoid"]
    result = runner.invoke(app, [*args, "--loss", "bce"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == cr.derive_network([2, 3, 1], "tanh", "sigmoid", "bce").text()
    assert "dW[2] = (1/m) dZ[2] A[1]ᵀ" in result.output
    assert "dZ[1] = W[2]ᵀ dZ[2] ⊙ (1 − A[1]²)" in result.output
    assert "(n_2 × m)(m × n_1) = n_2 × n_1; here (1 × m)(m × 3) = 1 × 3" in result.output
    dropout = runner.invoke(app, [*args, "--l2", "0.7", "--dropout", "0.2", "--format", "latex"])
    assert dropout.exit_code == 0, dropout.output
    assert r"\frac{\lambda}{m}" in dropout.output and "keep" in dropout.output
    bad = runner.invoke(app, ["derive", "--network", "2,x,1"])
    assert bad.exit_code != 0 and "4,3,1" in bad.output


def test_docs_page_runs(capsys):
    blocks = python_blocks(DOCS.read_text(encoding="utf-8"))
    assert len(blocks) >= 3
    namespace: dict[str, object] = {"__name__": "where_the_transpose_comes_from"}
    for number, block in enumerate(blocks, start=1):
        exec(compile(block, f"{DOCS.name}, block {number}", "exec"), namespace)
    assert "dW[2] = (1/m) dZ[2] A[1]ᵀ" in capsys.readouterr().out
