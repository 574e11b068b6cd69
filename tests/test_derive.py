"""derive: the chain rule at the output layer, checked against sympy.diff of L(g(z))."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
import sympy as sp

import chainrule as cr
from chainrule.functions import activations, losses
from chainrule.functions.pairs import NATURAL_PAIRS, domain_problem
from chainrule.tools.derive import derive_all

a, y, z = sp.symbols("a y z", real=True)
DOCS = Path(__file__).resolve().parents[1] / "docs" / "why-dA-is-not-A-minus-Y.md"

ELEMENTWISE = [name for name in activations.names() if name != "softmax"]
LOSSES = losses.names()


def same(left: sp.Expr, right: sp.Expr) -> bool:
    return sp.simplify(left - right) == 0


# -- the pairs the issue names ------------------------------------------------


def test_bce_sigmoid_is_a_minus_y() -> None:
    d = cr.derive("bce", "sigmoid")
    assert d.natural and d.constant == 1
    assert d.dZ == a - y
    assert same(d.dA, -y / a + (1 - y) / (1 - a))
    assert same(d.g_prime_in_a, a * (1 - a))


def test_cce_softmax_is_natural_in_index_notation() -> None:
    d = cr.derive("cce", "softmax")
    ai, yi = (
        sp.IndexedBase("a")[sp.Symbol("i", integer=True, positive=True)],
        sp.IndexedBase("y")[sp.Symbol("i", integer=True, positive=True)],
    )
    assert d.natural and d.constant == 1
    assert d.dZ == ai - yi
    assert "Σₖ yₖ = 1" in d.steps[-1].title


def test_mse_identity_is_natural_with_constant_two() -> None:
    d = cr.derive("mse", "identity")
    assert d.natural and d.constant == 2
    assert str(d.dZ) == "2*(a - y)"


def test_poisson_exp_is_natural() -> None:
    d = cr.derive("poisson", "exp")
    assert d.natural and d.constant == 1
    assert same(d.dZ, a - y)
    assert d.g_prime_in_a == a


def test_mse_sigmoid_is_not_natural() -> None:
    d = cr.derive("mse", "sigmoid")
    assert not d.natural and d.constant is None
    assert same(d.dZ, 2 * (a - y) * a * (1 - a))
    assert d.domain_problem is None


def test_bce_tanh_reports_a_domain_problem_and_still_derives() -> None:
    d = cr.derive("bce", "tanh")
    assert not d.natural
    assert d.domain_problem is not None and "tanh(z/2)" in d.domain_problem
    assert same(d.g_prime_in_a, 1 - a**2)
    assert same(d.dZ, (-y / a + (1 - y) / (1 - a)) * (1 - a**2))
    assert "domain problem" in d.text()


@pytest.mark.parametrize(
    ("name", "expected"),
    [("sigmoid", a * (1 - a)), ("tanh", 1 - a**2), ("exp", a), ("identity", sp.Integer(1))],
)
def test_g_prime_through_a(name: str, expected: sp.Expr) -> None:
    assert same(cr.derive("mse", name).g_prime_in_a, expected)


@pytest.mark.parametrize("name", ["relu", "gelu", "softsign", "elu"])
def test_g_prime_stays_in_z_when_not_a_polynomial_in_a(name: str) -> None:
    d = cr.derive("mse", name)
    assert d.g_prime_in_a is None
    assert z in d.dZ.free_symbols


# -- every pair against sympy.diff(L(g(z)), z) ----------------------------------


def random_point(loss_name: str, activation_name: str, rng: random.Random) -> dict:
    """z and y where g(z) lies inside the loss's domain and y is a valid label."""
    g = activations.activation(activation_name).sympy(z)
    L = losses.loss(loss_name)
    low, high = L.domain
    for _ in range(200):
        z_value = sp.Rational(rng.randint(-2000, 2000), 1000)
        a_value = float(g.evalf(20, subs={z: z_value}))
        if low < a_value < high and abs(z_value) > sp.Rational(1, 100):
            break
    else:
        raise AssertionError(f"no point of {activation_name} inside {loss_name}'s domain")
    y_value = (
        sp.Integer(rng.choice([-1, 1]))
        if loss_name == "hinge"
        else sp.Rational(rng.randint(0, 1000), 1000)
    )
    return {z: z_value, y: y_value}


@pytest.mark.parametrize("loss_name", LOSSES)
@pytest.mark.parametrize("activation_name", ELEMENTWISE)
def test_dZ_is_the_derivative_of_the_composition(loss_name: str, activation_name: str) -> None:
    d = cr.derive(loss_name, activation_name)
    g = activations.activation(activation_name).sympy(z)
    oracle = sp.diff(losses.loss(loss_name).sympy(g, y), z)
    dZ_in_z = d.dZ.subs(a, g)
    # Catalog constants held as 15-digit Floats (selu, elu, leaky_relu) round when derive
    # multiplies them out; exact expressions must agree to 25 digits.
    tolerance = 1e-13 if oracle.has(sp.Float) else 1e-25
    rng = random.Random(f"{loss_name}-{activation_name}")
    for _ in range(3):
        point = random_point(loss_name, activation_name, rng)
        expected = oracle.evalf(40, subs=point)
        got = dZ_in_z.evalf(40, subs=point)
        assert abs(got - expected) <= tolerance * (1 + abs(expected)), (point, got, expected)


SYMBOLIC = [
    (L, g)
    for L in ("bce", "cce", "mse", "poisson")
    for g in ("identity", "sigmoid", "tanh", "exp", "softplus")
]


@pytest.mark.parametrize(("loss_name", "activation_name"), SYMBOLIC)
def test_dZ_equals_the_derivative_symbolically(loss_name: str, activation_name: str) -> None:
    d = cr.derive(loss_name, activation_name)
    g = activations.activation(activation_name).sympy(z)
    oracle = sp.diff(losses.loss(loss_name).sympy(g, y), z)
    difference = (d.dZ.subs(a, g) - oracle).rewrite(sp.exp)
    assert sp.simplify(sp.cancel(sp.together(difference))) == 0


def softmax_components(K: int) -> tuple[list, list, list]:
    zs = sp.symbols(f"z1:{K + 1}", real=True)
    ys = sp.symbols(f"y1:{K + 1}", real=True)
    total = sum(sp.exp(zk) for zk in zs)
    return list(zs), list(ys), [sp.exp(zk) / total for zk in zs]


def explicit(d: cr.Derivation, K: int, i: int, zs: list, ys: list, As: list) -> sp.Expr:
    """derive's index-notation dZᵢ written out for K classes."""
    expr = d.dZ.subs(sp.Symbol("K", integer=True, positive=True), K)
    expr = expr.subs(sp.Symbol("i", integer=True, positive=True), i).doit()
    a_base, y_base = sp.IndexedBase("a"), sp.IndexedBase("y")
    return expr.xreplace(
        {a_base[k + 1]: As[k] for k in range(K)} | {y_base[k + 1]: ys[k] for k in range(K)}
    )


@pytest.mark.parametrize("loss_name", LOSSES)
def test_softmax_pairs_match_the_derivative_for_three_classes(loss_name: str) -> None:
    K = 3
    zs, ys, As = softmax_components(K)
    L = losses.loss(loss_name)
    total_loss = sum(L.sympy(As[k], ys[k]) for k in range(K))
    d = cr.derive(loss_name, "softmax")
    rng = random.Random(loss_name)
    for i in range(1, K + 1):
        oracle = sp.diff(total_loss, zs[i - 1])
        ours = explicit(d, K, i, zs, ys, As)
        weights = [sp.Rational(rng.randint(1, 1000), 1000) for _ in range(K)]
        labels = (
            [w / sum(weights) for w in weights]  # cce: a distribution, Σₖ yₖ = 1
            if loss_name in ("cce", "bce")
            else [sp.Rational(rng.randint(-1000, 1000), 1000) for _ in range(K)]
        )
        if loss_name == "hinge":
            labels = [sp.Integer(rng.choice([-1, 1])) for _ in range(K)]
        point = {zk: sp.Rational(rng.randint(-2000, 2000), 1000) for zk in zs}
        point |= dict(zip(ys, labels, strict=True))
        expected, got = oracle.evalf(40, subs=point), ours.evalf(40, subs=point)
        assert abs(got - expected) <= 1e-25 * (1 + abs(expected)), (loss_name, i, got, expected)


def test_softmax_cce_uses_the_label_sum_symbolically() -> None:
    zs, ys, As = softmax_components(3)
    total_loss = -sum(ys[k] * sp.log(As[k]) for k in range(3))
    oracle = sp.diff(total_loss, zs[0]).subs(ys[2], 1 - ys[0] - ys[1])
    assert sp.simplify(oracle - (As[0] - ys[0])) == 0
    assert cr.derive("cce", "softmax").dZ.free_symbols  # aᵢ − yᵢ, in index notation


# -- steps and renderings ----------------------------------------------------


def test_steps_are_the_mentors_order() -> None:
    d = cr.derive("bce", "sigmoid")
    titles = [step.title for step in d.steps]
    assert titles == [
        "the loss",
        "dA[L] = ∂L/∂a",
        "the activation a = sigmoid(z)",
        "its derivative g'(z)",
        "g'(z) written through a",
        "the chain rule: dZ[L] = dA[L] · g'(Z[L])",
        "simplified",
    ]
    assert all(isinstance(step.expression, sp.Eq) for step in d.steps)
    assert d.steps[-1].expression.rhs == d.dZ
    assert d.steps[1].expression.rhs == d.dA


def test_renderings() -> None:
    d = cr.derive("mse", "sigmoid")
    text = d.text()
    assert "mse + sigmoid" in text and "not a natural pair" in text
    latex = d.latex()
    assert latex.startswith("\\begin{aligned}") and sp.latex(d.dZ) in latex
    assert d._repr_latex_().startswith("$$")
    markdown = d.markdown()
    assert markdown == d._repr_markdown_()
    assert f"${sp.latex(d.steps[0].expression)}$" in markdown
    natural = cr.derive("mse", "identity")
    assert "dZ[L] = 2·(A[L] − Y)" in natural.text()
    assert "Domain problem" in cr.derive("bce", "relu").markdown()


def test_derive_accepts_objects_names_aliases_and_formulas() -> None:
    assert cr.derive(losses.BCE, activations.SIGMOID) is cr.derive("log_loss", "sigmoid")
    custom = cr.derive("mse", "z/(1 + Abs(z))")
    assert custom.activation_function.name == "z/(1 + Abs(z))"
    assert cr.derive("mse", "z/(1 + Abs(z))") is custom  # formulas are cached too
    assert cr.derive("(a - y)**2", "identity").natural
    with pytest.raises(ValueError, match="unknown activation 'sigmod'"):
        cr.derive("bce", "sigmod")
    with pytest.raises(ValueError, match="rejected"):
        cr.derive("bce", "__import__(os)")


def test_domain_problem_is_the_catalogs() -> None:
    for loss_name in LOSSES:
        for activation_name in activations.names():
            d = cr.derive(loss_name, activation_name)
            assert d.domain_problem == domain_problem(activation_name, loss_name)


# -- the table -----------------------------------------------------------------


def test_derive_all_finds_exactly_the_registered_natural_pairs() -> None:
    table = derive_all()
    assert len(table.rows) == len(LOSSES) * len(activations.names())
    found = {(row.activation, row.loss, float(row.constant)) for row in table.natural_pairs()}
    registered = {(p.activation.name, p.loss.name, p.constant) for p in NATURAL_PAIRS}
    assert found == registered
    assert derive_all() is table


def test_the_docs_table_is_derive_alls() -> None:
    text = DOCS.read_text(encoding="utf-8")
    begin, end = "<!-- derive_all table: begin -->", "<!-- derive_all table: end -->"
    assert begin in text and end in text
    shown = text.split(begin)[1].split(end)[0].strip()
    assert shown == derive_all().markdown(), (
        "docs table is stale: regenerate it with chainrule.tools.derive.derive_all().markdown()"
    )


# -- the command line ------------------------------------------------------------


def test_cli_derive() -> None:
    from typer.testing import CliRunner

    from chainrule.adapters.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["derive", "--loss", "bce", "--activation", "tanh"])
    assert result.exit_code == 0
    assert result.output.strip() == cr.derive("bce", "tanh").text()
    latex = runner.invoke(app, ["derive", "-l", "mse", "-g", "z/(1+Abs(z))", "-f", "latex"])
    assert latex.exit_code == 0 and latex.output.startswith("\\begin{aligned}")
    table = runner.invoke(app, ["derive", "--all"])
    assert table.exit_code == 0 and table.output.strip() == derive_all().markdown()
    hostile = runner.invoke(app, ["derive", "-g", "__import__('os').system('ls')"])
    assert hostile.exit_code != 0 and "rejected" in hostile.output
    assert runner.invoke(app, ["derive", "-f", "pdf"]).exit_code != 0


@pytest.mark.parametrize("g", ["exp(exp(exp(exp(exp(z)))))", "exp(10**100*z)"])
def test_derive_does_not_grind_on_towers_or_huge_multiples(g: str) -> None:
    # Exact values at the fit points of the first have 10⁵ digits; cancel took the
    # second as a polynomial of degree 10¹⁰⁰ in exp(z). Neither is a natural pair.
    start = time.perf_counter()
    derivation = cr.derive("mse", g)
    assert not derivation.natural
    assert time.perf_counter() - start < 10  # a generous bound, not a benchmark


@pytest.mark.parametrize(
    ("L", "g", "c"),
    [
        ("bce", "1/(1+exp(-pi*z))", sp.pi),
        ("bce", "1/(1+exp(-E*z))", sp.E),
        ("poisson", "exp(pi*z)", sp.pi),
        ("poisson", "exp(sqrt(2)*z)", sp.sqrt(2)),
        ("bce", "1/(1+exp(-3*z/10))", sp.Rational(3, 10)),
    ],
)
def test_natural_pairs_with_an_irrational_slope_are_found(L: str, g: str, c: sp.Expr) -> None:
    # dZ = c·(a − y) by sympy.diff of L(g(z)) itself, not by derive's own steps.
    y, z = sp.symbols("y z", real=True)
    derivation = cr.derive(L, g)
    assert derivation.natural and sp.simplify(derivation.constant - c) == 0
    g_z = cr.Activation.from_expression("g", g).sympy(z)
    chain = sp.diff(cr.loss(L).sympy(g_z, y), z)
    assert sp.simplify(chain - c * (g_z - y)) == 0


@pytest.mark.parametrize("formula", ["-y*log(a)", "-y*log(a) + 1", "y*log(1/a)"])
def test_cce_written_as_a_formula_is_natural_with_softmax(formula: str) -> None:
    derivation = cr.derive(formula, "softmax")
    assert derivation.natural and derivation.constant == 1
    assert derivation.dZ == cr.derive("cce", "softmax").dZ
