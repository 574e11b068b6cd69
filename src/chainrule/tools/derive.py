"""The output layer's chain rule done symbolically, with SymPy, step by step.

For a loss ℓ(a, y) and an output activation a = g(z)::

    dA[L] = ∂ℓ/∂a          g'(z)          dZ[L] = dA[L] · g'(Z[L])

and the pair is *natural* when dZ simplifies to c·(a − y) for a constant c
(sigmoid + bce, softmax + cce, exp + poisson: c = 1; identity + mse: c = 2).
Where g' can be written through a = g(z), as the course writes it
(sigmoid: a(1 − a), tanh: 1 − a², exp: a), dZ is given in a and y alone;
otherwise it keeps g'(z) next to dA(a, y).

Softmax is not elementwise: with cce it is derived for K classes in index
notation, where Σₖ yₖ = 1 turns ∂L/∂zᵢ into aᵢ − yᵢ; with any other loss
dZ is the Jacobian–vector product aᵢ(dAᵢ − Σₖ aₖ dAₖ).

Where the pair is not natural but its output is logistic, tanh, exp or
softmax, a last step shows the *stable route*'s dZ[L] in primitives of the
logit (σ(±z), softplus, logsumexp), which is what a network computes
(:mod:`chainrule.functions.stable_rules`); the verdict names the route.

Everything is read off the catalog's SymPy expressions (or a custom
function's formula), so the formulas shown are those the network runs.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from chainrule.base.display import Table
from chainrule.functions.activations import SOFTMAX, Activation
from chainrule.functions.activations import names as activation_names
from chainrule.functions.losses import Loss
from chainrule.functions.losses import names as loss_names
from chainrule.functions.pairs import domain_problem, output_rule, resolve_pair
from chainrule.functions.stable_rules import StableRule
from chainrule.symbolic.algebra import in_terms_of_a, tidy, too_big
from chainrule.symbolic.budget import measure

#: Beyond these sizes a step is printed on one line instead of drawn (see Derivation.text).
_MAX_PRETTY_NODES = 1000
_MAX_PRETTY_DEPTH = 20


@dataclass(frozen=True)
class Step:
    """One step of a derivation: a title in words and an equation (a SymPy ``Eq``).

    ``as_written`` keeps the factors in the order they were multiplied when the
    step is printed, so dA · g' reads 2(a − y)·a(1 − a) rather than SymPy's sorted order.
    """

    title: str
    expression: Any
    as_written: bool = False

    def order(self) -> str | None:
        """The ``order`` argument for SymPy's printers."""
        return "none" if self.as_written else None


@dataclass(frozen=True, repr=False)
class Derivation:
    """dA, g' and dZ for one (loss, activation) pair, as SymPy expressions in a, y and z.

    ``g_prime_in_a`` is g' written through a = g(z) where that is how it is
    known (None otherwise); ``dZ`` uses it, so it is in a and y when it can
    be. ``constant`` is c when the pair is natural (dZ = c·(a − y)).
    ``steps`` are the chain-rule steps in order (loss → dA → g' → product →
    simplified → the stable route's dZ in σ(±z) and softplus, when the pair
    takes it); ``route`` is the route a network takes ("natural", "stable"
    or "generic"); ``domain_problem`` is :func:`chainrule.domain_problem`'s
    sentence when g's range leaves the loss's domain (None otherwise).
    For softmax the expressions are in index notation (aᵢ, yₖ, Σₖ).
    """

    loss_function: Loss
    activation_function: Activation
    loss: Any
    dA: Any
    g: Any
    g_prime: Any
    g_prime_in_a: Any | None
    dZ: Any
    natural: bool
    constant: Any | None
    steps: tuple[Step, ...] = ()
    domain_problem: str | None = None
    #: The route a network takes: "natural", "stable" or "generic".
    route: str = "generic"

    @property
    def pair(self) -> str:
        """``"loss + activation"``, e.g. ``"bce + sigmoid"``."""
        return f"{self.loss_function.name} + {self.activation_function.name}"

    def verdict(self) -> str:
        """One sentence: natural (with c) or not, and the route a network takes."""
        if self.natural:
            residual = "A[L] − Y" if self.constant == 1 else f"{self.constant}·(A[L] − Y)"
            return f"natural pair: dZ[L] = {residual}, the rule to fuse from the logits"
        if self.route == "stable":
            return (
                "not a natural pair: a network takes the stable route, dZ[L] from the "
                "logits in stable primitives (the last step), never dA[L] · g'(Z[L])"
            )
        return (
            "not a natural pair: dZ[L] must be computed as dA[L] · g'(Z[L]) "
            "(a network takes the generic route)"
        )

    def text(self) -> str:
        """The derivation as Unicode text, in the course's notation."""
        import sympy as sp

        lines = [f"{self.pair}: the chain rule at the output layer"]
        for number, step in enumerate(self.steps, start=1):
            size = measure(step.expression)
            if size.nodes > _MAX_PRETTY_NODES or size.depth > _MAX_PRETTY_DEPTH:
                # Drawn in two dimensions, deep towers (e^(e^(…))) take time cubic in depth.
                shown = sp.sstr(step.expression, order=step.order())
            else:
                shown = str(sp.pretty(step.expression, use_unicode=True, order=step.order()))
            lines.append(f"{number}. {step.title}")
            lines.extend("     " + line for line in shown.split("\n"))
        lines.append(self.verdict())
        if self.domain_problem is not None:
            lines.append(f"domain problem: {self.domain_problem}")
        return "\n".join(lines)

    def latex(self) -> str:
        """The steps as a LaTeX ``aligned`` block, each with its title."""
        import sympy as sp

        rows = [
            rf"&\text{{{number}. {latex_text(step.title)}}} \\ "
            rf"&\quad {sp.latex(step.expression, order=step.order())}"
            for number, step in enumerate(self.steps, start=1)
        ]
        return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"

    def markdown(self) -> str:
        """A Markdown section: the numbered steps with inline math, the verdict, the problem."""
        import sympy as sp

        lines = [f"**`{self.pair}`**", ""]
        for number, step in enumerate(self.steps, start=1):
            math = sp.latex(step.expression, order=step.order())
            lines.append(f"{number}. {step.title}: ${math}$")
        lines += ["", f"*{self.verdict()}*"]
        if self.domain_problem is not None:
            lines += ["", f"**Domain problem:** {self.domain_problem}"]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()

    def __repr__(self) -> str:
        natural = f"natural, c = {self.constant}" if self.natural else "not natural"
        return f"Derivation({self.pair!r}, {natural}, dZ = {self.dZ})"

    def _repr_latex_(self) -> str:
        return f"$$\n{self.latex()}\n$$"

    def _repr_markdown_(self) -> str:
        return self.markdown()


def latex_text(title: str) -> str:
    """A title for ``\\text{…}``: LaTeX's special characters escaped."""
    for character in "\\&%$#_{}":
        title = title.replace(character, "\\" + character)
    return title


def _eq(sp: Any, lhs: Any, rhs: Any) -> Any:
    return sp.Eq(lhs, rhs, evaluate=False)


def _elementwise(L: Loss, G: Activation) -> Derivation:
    import sympy as sp

    a, y, z = (sp.Symbol(name, real=True) for name in "ayz")
    L_of, g_of = sp.Function("L")(a, y), sp.Function("g")(z)
    ell = L.sympy(a, y)
    # factor_terms, not factor: bce's dA stays −y/a + (1 − y)/(1 − a), as the course writes it.
    dA = _factor_terms(sp, sp.diff(ell, a))
    g = G.sympy(z)
    g_prime = tidy(sp, sp.diff(g, z))
    g_prime_in_a = in_terms_of_a(sp, g, g_prime, z, a)
    factor = g_prime if g_prime_in_a is None else g_prime_in_a
    product = sp.Mul(dA, factor, evaluate=False)
    dZ = tidy(sp, dA * factor)
    dL_dz = sp.Derivative(L_of, z)
    steps = [
        Step("the loss", _eq(sp, L_of, ell)),
        Step("dA[L] = ∂L/∂a", _eq(sp, sp.Derivative(L_of, a), dA)),
        Step(f"the activation a = {G.name if G.name.isidentifier() else 'g'}(z)", _eq(sp, a, g)),
        Step("its derivative g'(z)", _eq(sp, sp.Derivative(g_of, z), g_prime)),
    ]
    if g_prime_in_a is not None and g_prime_in_a != g_prime:
        steps.append(Step("g'(z) written through a", _eq(sp, sp.Derivative(g_of, z), g_prime_in_a)))
    steps.append(
        Step("the chain rule: dZ[L] = dA[L] · g'(Z[L])", _eq(sp, dL_dz, product), as_written=True)
    )
    if str(dZ) != str(product):
        steps.append(Step("simplified", _eq(sp, dL_dz, dZ)))
    constant = _natural_constant(sp, dZ, a, y, z)
    return Derivation(
        L, G, ell, dA, g, g_prime, g_prime_in_a, dZ, constant is not None, constant, tuple(steps)
    )


def _factor_terms(sp: Any, expr: Any) -> Any:
    """``sp.factor_terms(expr)``, or expr itself where that could take long."""
    return expr if too_big(sp, expr) else sp.factor_terms(expr)


def _natural_constant(sp: Any, dZ: Any, a: Any, y: Any, z: Any) -> Any | None:
    """c when dZ = c·(a − y) for a nonzero constant c; None otherwise."""
    if too_big(sp, dZ):
        return None
    try:
        ratio = sp.cancel(dZ / (a - y))
    except (sp.PolynomialError, NotImplementedError, TypeError):
        return None
    if ratio.free_symbols & {a, y, z} or ratio == 0 or not ratio.is_number:
        return None
    return ratio


def _softmax(L: Loss) -> Derivation:
    """Softmax with any loss, in index notation over K classes."""
    import sympy as sp

    i, k = sp.symbols("i k", integer=True, positive=True)
    K = sp.Symbol("K", integer=True, positive=True)
    a, y, z = sp.IndexedBase("a"), sp.IndexedBase("y"), sp.IndexedBase("z")
    L_symbol = sp.Symbol("L")
    delta = sp.KroneckerDelta(i, k)
    ell = sp.Sum(L.sympy(a[k], y[k]), (k, 1, K))
    # Differentiated in real symbols (Indexed ones are complex: |a| would bring re and im).
    a_k, y_k = sp.Symbol("a_k", real=True), sp.Symbol("y_k", real=True)
    dA_real = sp.diff(L.sympy(a_k, y_k), a_k)
    dA_k = _factor_terms(sp, dA_real.xreplace({a_k: a[k], y_k: y[k]}))
    g = SOFTMAX.sympy(z[i])
    jacobian = a[k] * (delta - a[i])
    chain = sp.Sum(sp.Mul(dA_k, jacobian, evaluate=False), (k, 1, K))
    dL_dz = sp.Derivative(L_symbol, z[i])
    steps = [
        Step(f"the loss over K classes, ℓ = {L.name}", _eq(sp, L_symbol, ell)),
        Step("dA[L] = ∂L/∂aₖ", _eq(sp, sp.Derivative(L_symbol, a[k]), dA_k)),
        Step("the activation aᵢ = softmax(z)ᵢ", _eq(sp, a[i], g)),
        Step("its Jacobian (δᵢₖ = 1 when i = k)", _eq(sp, sp.Derivative(a[k], z[i]), jacobian)),
        Step(
            "the chain rule: ∂L/∂zᵢ = Σₖ ∂L/∂aₖ · ∂aₖ/∂zᵢ", _eq(sp, dL_dz, chain), as_written=True
        ),
    ]
    like_cce = not too_big(sp, dA_real) and sp.cancel(dA_real + y_k / a_k) == 0
    if like_cce:  # dA = −y/a: cce, or a loss written like it
        # −Σₖ (yₖ/aₖ)·aₖ(δᵢₖ − aᵢ) = −yᵢ + aᵢ Σₖ yₖ, and Σₖ yₖ = 1 for a label distribution.
        expanded = -y[i] + a[i] * sp.Sum(y[k], (k, 1, K))
        dZ = a[i] - y[i]
        steps += [
            Step("sum out δᵢₖ", _eq(sp, dL_dz, expanded)),
            Step("with Σₖ yₖ = 1 (one-hot or a distribution)", _eq(sp, dL_dz, dZ)),
        ]
        return Derivation(
            L, SOFTMAX, ell, dA_k, g, jacobian, jacobian, dZ, True, sp.Integer(1), tuple(steps)
        )
    dA_i = dA_k.subs(k, i)
    dZ = a[i] * (dA_i - sp.Sum(a[k] * dA_k, (k, 1, K)))
    steps.append(Step("the Jacobian–vector form: aᵢ(dAᵢ − Σₖ aₖ dAₖ)", _eq(sp, dL_dz, dZ)))
    return Derivation(L, SOFTMAX, ell, dA_k, g, jacobian, jacobian, dZ, False, None, tuple(steps))


def _stable_step(sp: Any, rule: StableRule) -> Step:
    """The stable rule's dZ with its atoms shown as σ(±z), softplus and softmax."""
    form = rule.form
    z, y = sp.Symbol("z", real=True), sp.Symbol("y", real=True)
    sigma, softplus = sp.Function("σ"), sp.Function("softplus")
    title = "the stable route, from the logits"
    if form.family == "exp":
        return Step(title, _eq(sp, sp.Derivative(sp.Function("L")(z), z), form.dZ))
    t = 2 * z if form.family == "tanh" else z
    p, q, lp, lq = form.variables[:4]
    shown = {p: sigma(t), q: sigma(-t), lp: -softplus(-t), lq: -softplus(t)}
    if form.family == "softmax":
        i = sp.Symbol("i", integer=True, positive=True)
        pi = sp.IndexedBase("p")[i]
        shown = {p: pi, q: 1 - pi, lp: sp.log(pi), lq: sp.log(1 - pi)}
        title += ", pᵢ = softmax(z)ᵢ (diagonal part; dZᵢ also subtracts Σ_{k≠i} pᵢ·∂ℓ/∂aₖ·pₖ)"
    expression = form.dZ.xreplace(shown).xreplace({y: sp.Symbol("y", real=True)})
    return Step(title, _eq(sp, sp.Derivative(sp.Function("L")(z), z), expression))


@lru_cache(maxsize=512)
def _derive(L: Loss, G: Activation) -> Derivation:
    import sympy as sp

    derivation = _softmax(L) if G is SOFTMAX else _elementwise(L, G)
    rule = output_rule(G, L, None)
    route = "generic" if rule is None else rule.route
    steps = derivation.steps
    if isinstance(rule, StableRule):
        steps = (*steps, _stable_step(sp, rule))
    return replace(derivation, domain_problem=domain_problem(G, L), route=route, steps=steps)


def derive(loss: str | Loss, activation: str | Activation) -> Derivation:
    """Derive dA[L], g'(Z[L]) and dZ[L] for a loss and an output activation.

    Parameters
    ----------
    loss, activation : name, object, or formula
        Catalog names (``"bce"``, ``"sigmoid"``), Loss and Activation objects,
        or formulas in a, y (losses) and z (activations), such as
        ``"z/(1 + Abs(z))"``, parsed without eval. Keywords work in either
        order (``derive(activation="tanh", loss="mse")``); a swapped pair
        gets an error that says so.

    Returns
    -------
    Derivation
        With ``.steps``, ``.dZ``, ``.natural``, ``.constant``, ``.route`` and
        ``.domain_problem``; cached, so asking again costs microseconds.

    Examples
    --------
    >>> d = derive("bce", "sigmoid")
    >>> d.natural, str(d.dZ), d.route
    (True, 'a - y', 'natural')
    """
    g, L = resolve_pair(activation, loss)
    return _derive(L, g)


@dataclass(frozen=True)
class PairRow:
    """One row of :func:`derive_all`'s table."""

    loss: str
    activation: str
    natural: bool
    constant: str | None
    dZ: str
    domain_problem: str | None
    route: str = "generic"


@dataclass(frozen=True, repr=False)
class PairTable:
    """Every catalog activation × loss: natural or not, dZ[L] and domain problems."""

    rows: tuple[PairRow, ...]

    def natural_pairs(self) -> list[PairRow]:
        """The rows whose dZ[L] is c·(a − y)."""
        return [row for row in self.rows if row.natural]

    def markdown(self) -> str:
        """The table in Markdown, one row per pair (what the docs page shows)."""
        lines = [
            "| loss | activation | natural | route | dZ[L] | domain problem |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for row in self.rows:
            natural = f"yes, c = {row.constant}" if row.natural else "no"
            problem = row.domain_problem or "none"
            dZ = row.dZ.replace("|", "\\|")
            lines.append(
                f"| {row.loss} | {row.activation} | {natural} | {row.route} | `{dZ}` | {problem} |"
            )
        return "\n".join(lines)

    def table(self) -> Table:
        """The table as an object: text for ``print``, HTML in a notebook.

        The domain problem is a yes or no here; :meth:`markdown` gives its sentence.
        """
        rows = [
            [
                row.loss,
                row.activation,
                f"yes, c = {row.constant}" if row.natural else "no",
                row.dZ,
                "no" if row.domain_problem is None else "yes",
            ]
            for row in self.rows
        ]
        headers = ["loss", "activation", "natural", "dZ[L]", "domain problem"]
        return Table(headers, rows, title=self._title())

    def _title(self) -> str:
        return f"{len(self.rows)} pairs, {len(self.natural_pairs())} natural"

    def __repr__(self) -> str:
        return f"PairTable({self._title()})"

    def __str__(self) -> str:
        return str(self.table())

    def _repr_markdown_(self) -> str:
        return f"**{self._title()}**\n\n{self.markdown()}"


@lru_cache(maxsize=1)
def derive_all() -> PairTable:
    """Derive every loss × activation of the catalog (family members at their defaults).

    Examples
    --------
    >>> table = derive_all()
    >>> sorted((r.loss, r.activation) for r in table.natural_pairs())[:2]
    [('bce', 'sigmoid'), ('cce', 'softmax')]
    """
    rows = []
    for loss_name in loss_names():
        for activation_name in activation_names():
            d = derive(loss_name, activation_name)
            rows.append(
                PairRow(
                    loss_name,
                    activation_name,
                    d.natural,
                    None if d.constant is None else str(d.constant),
                    str(d.dZ),
                    d.domain_problem,
                    d.route,
                )
            )
    return PairTable(tuple(rows))
