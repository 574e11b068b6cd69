"""The activation catalog: every activation g is defined once, here.

Each entry holds the three faces of one function:

* ``forward(Z) -> A``: the value A = g(Z), computed with stable primitives;
* ``derivative(Z, A) -> g'(Z)``: written through A where that is cheaper and
  exact (σ' = A(1 − A), tanh' = 1 − A², exp' = A), as PyTorch's
  ``derivatives.yaml`` writes derivatives through the saved ``result``;
* ``sympy(z)``: the SymPy expression of g, used by :mod:`chainrule.tools.derive`.

An entry may also carry kernels that write into the caller's buffers, which
the fast path of fit asks for by capability: relu has ``forward_into`` (max(Z, 0)
written over Z) and ``derivative_mask`` (relu'(Z) read from A > 0 as bytes).

Shapes follow the course: Z and A are (n_l, m), one column per example.
``backward(dA, Z, A) -> dZ`` is one step of the chain rule,
dZ = dA ⊙ g'(Z) for elementwise activations and the vector–Jacobian product
dZ = A ⊙ (dA − Σₖ Aₖ dAₖ) for softmax (which runs along axis 0).

Conventions at kinks (the value of g' where g is not differentiable):
relu'(0) = 0, leaky_relu'(0) = negative_slope, elu'(0) = alpha,
selu'(0) = scale·alpha, the same choices as PyTorch.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import special

from chainrule.base.registry import Catalog
from chainrule.functions.activation_entry import Activation

Array = NDArray[np.floating[Any]]

# --- stable primitives -----------------------------------------------------


def _identity(Z: Array) -> Array:
    return Z


def _ones(Z: Array, A: Array) -> Array:
    return np.ones_like(Z)


def _sigmoid_derivative(Z: Array, A: Array) -> Array:
    return A * (1 - A)


def _tanh_derivative(Z: Array, A: Array) -> Array:
    return 1 - A * A


@functools.lru_cache(maxsize=32)
def _zeros(shape: tuple[int, ...], dtype: np.dtype[Any]) -> Array:
    zeros = np.zeros(shape, dtype)
    zeros.flags.writeable = False  # shared by every call with this shape and dtype
    return zeros


def _relu_into(Z: Array, out: Array) -> Array:
    # Against a row of zeros (Z's last axis) NumPy runs max(Z, 0) about twice as fast
    # as against the scalar 0 on wide layers.
    return np.maximum(Z, _zeros(Z.shape[-1:], Z.dtype), out=out)


def _relu(Z: Array) -> Array:
    Z = np.asarray(Z)
    return _relu_into(Z, np.empty_like(Z))


def _relu_mask(A: Array, out: NDArray[np.bool_]) -> NDArray[np.bool_]:
    # relu'(Z) = 1 where Z > 0, which is where A = max(Z, 0) > 0; relu'(0) = 0.
    return np.greater(A, 0, out=out)


def _relu_derivative(Z: Array, A: Array) -> Array:
    return _relu_mask(A, np.empty(np.shape(A), bool)).astype(A.dtype)


def _exp_derivative(Z: Array, A: Array) -> Array:
    return A


def _softplus(Z: Array) -> Array:
    return np.logaddexp(0, Z)


def _softplus_derivative(Z: Array, A: Array) -> Array:
    return special.expit(Z)


def _log_one_minus_sigmoid(Z: Array) -> Array:
    """log(1 − σ(z)) = log σ(−z), never log(0)."""
    return special.log_expit(-Z)


_SQRT_HALF = math.sqrt(0.5)
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)
_SQRT_2_OVER_PI = math.sqrt(2 / math.pi)
_GELU_CUBIC = 0.044715


def _gelu(Z: Array) -> Array:
    return 0.5 * Z * (1 + special.erf(Z * _SQRT_HALF))


def _gelu_derivative(Z: Array, A: Array) -> Array:
    return 0.5 * (1 + special.erf(Z * _SQRT_HALF)) + Z * _INV_SQRT_2PI * np.exp(-0.5 * Z * Z)


def _gelu_tanh_inner(Z: Array) -> Array:
    return np.tanh(_SQRT_2_OVER_PI * (Z + _GELU_CUBIC * Z**3))


def _gelu_tanh(Z: Array) -> Array:
    return 0.5 * Z * (1 + _gelu_tanh_inner(Z))


def _gelu_tanh_derivative(Z: Array, A: Array) -> Array:
    t = _gelu_tanh_inner(Z)
    return 0.5 * (1 + t) + 0.5 * Z * (1 - t * t) * _SQRT_2_OVER_PI * (1 + 3 * _GELU_CUBIC * Z * Z)


def _silu(Z: Array) -> Array:
    return Z * special.expit(Z)


def _silu_derivative(Z: Array, A: Array) -> Array:
    s = special.expit(Z)
    return s * (1 + Z * (1 - s))


def _softsign(Z: Array) -> Array:
    return Z / (1 + np.abs(Z))


def _softsign_derivative(Z: Array, A: Array) -> Array:
    return 1 / (1 + np.abs(Z)) ** 2


def softmax(Z: Array) -> Array:
    """Softmax along axis 0 (one column per example), stable.

    A[i, j] = exp(Z[i, j] − maxₖ Z[k, j]) / Σₖ exp(Z[k, j] − maxₖ Z[k, j]).

    Examples
    --------
    >>> softmax(np.array([[0.0], [1000.0]])).ravel().tolist()
    [0.0, 1.0]
    """
    E = np.exp(_shifted(Z))
    E /= E.sum(axis=0, keepdims=True)
    return E


def _shifted(Z: Array) -> Array:
    """Z − maxₖ Z[k, j], column by column: ≤ 0, and −inf where a column spans more
    than the largest float, which exp turns into the exact 0 (so no warning for it)."""
    with np.errstate(over="ignore"):
        return Z - Z.max(axis=0, keepdims=True)


def log_softmax(Z: Array) -> Array:
    """log softmax(Z) along axis 0: Z − max − log Σ exp(Z − max), never log(0)."""
    shifted = _shifted(Z)
    return shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))


def _softmax_vjp(dA: Array, Z: Array, A: Array) -> Array:
    return A * (dA - (A * dA).sum(axis=0, keepdims=True))


def _softmax_sympy(sp: Any, z: Any) -> Any:
    """softmax of a sequence of symbols (z₁, …, z_K) as a list of K expressions.

    Given a single symbol, returns the i-th component e^{zᵢ} / Σₖ e^{zₖ} with
    an indexed sum, for display.
    """
    if isinstance(z, Sequence):
        total = sum(sp.exp(zk) for zk in z)
        return [sp.exp(zi) / total for zi in z]
    k, K = sp.symbols("k K", integer=True, positive=True)
    zk = sp.IndexedBase("z")
    return sp.exp(z) / sp.Sum(sp.exp(zk[k]), (k, 1, K))


# --- families with settings ------------------------------------------------

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def leaky_relu(negative_slope: float = 0.01) -> Activation:
    """g(z) = z for z > 0, negative_slope·z otherwise; g'(0) = negative_slope."""
    slope = float(negative_slope)
    if not math.isfinite(slope):
        raise ValueError(f"leaky_relu: negative_slope must be finite, got {negative_slope!r}")

    def value(Z: Array) -> Array:
        return np.where(Z > 0, Z, slope * Z)

    def derivative(Z: Array, A: Array) -> Array:
        return np.where(Z > 0, 1, slope).astype(Z.dtype, copy=False)

    return Activation(
        "leaky_relu",
        value,
        derivative,
        lambda sp, z: sp.Piecewise((z, z > 0), (sp.Float(slope) * z, True)),
        params={"negative_slope": slope},
    )


def elu(alpha: float = 1.0) -> Activation:
    """g(z) = z for z > 0, alpha·(eᶻ − 1) otherwise; g'(z) = A + alpha for z ≤ 0."""
    a = float(alpha)
    if not math.isfinite(a) or a < 0:
        raise ValueError(f"elu: alpha must be finite and ≥ 0, got {alpha!r}")

    def value(Z: Array) -> Array:
        return np.where(Z > 0, Z, a * np.expm1(np.minimum(Z, 0)))

    def derivative(Z: Array, A: Array) -> Array:
        return np.where(Z > 0, 1, A + a).astype(Z.dtype, copy=False)

    return Activation(
        "elu",
        value,
        derivative,
        lambda sp, z: sp.Piecewise((z, z > 0), (sp.Float(a) * (sp.exp(z) - 1), True)),
        output_range=(-a, math.inf),
        open_ends=(a != 0, True),
        params={"alpha": a},
    )


def _selu(Z: Array) -> Array:
    return SELU_SCALE * np.where(Z > 0, Z, SELU_ALPHA * np.expm1(np.minimum(Z, 0)))


def _selu_derivative(Z: Array, A: Array) -> Array:
    return np.where(Z > 0, SELU_SCALE, A + SELU_SCALE * SELU_ALPHA).astype(Z.dtype, copy=False)


# --- the catalog -----------------------------------------------------------

IDENTITY = Activation("identity", _identity, _ones, lambda sp, z: z)
SIGMOID = Activation(
    "sigmoid",
    special.expit,
    _sigmoid_derivative,
    lambda sp, z: 1 / (1 + sp.exp(-z)),
    output_range=(0.0, 1.0),
    log_value=special.log_expit,
    log_complement=_log_one_minus_sigmoid,
)
TANH = Activation(
    "tanh", np.tanh, _tanh_derivative, lambda sp, z: sp.tanh(z), output_range=(-1.0, 1.0)
)
RELU = Activation(
    "relu",
    _relu,
    _relu_derivative,
    lambda sp, z: sp.Max(z, 0),
    output_range=(0.0, math.inf),
    open_ends=(False, True),
    dies_below_zero=True,
    forward_into_fn=_relu_into,
    derivative_mask_fn=_relu_mask,
)
SELU = Activation(
    "selu",
    _selu,
    _selu_derivative,
    lambda sp, z: (
        sp.Float(SELU_SCALE)
        * sp.Piecewise((z, z > 0), (sp.Float(SELU_ALPHA) * (sp.exp(z) - 1), True))
    ),
    output_range=(-SELU_SCALE * SELU_ALPHA, math.inf),
)
SOFTPLUS = Activation(
    "softplus",
    _softplus,
    _softplus_derivative,
    lambda sp, z: sp.log(1 + sp.exp(z)),
    output_range=(0.0, math.inf),
)
GELU = Activation(
    "gelu",
    _gelu,
    _gelu_derivative,
    lambda sp, z: z / 2 * (1 + sp.erf(z / sp.sqrt(2))),
    output_range=(-0.1700, math.inf),
)
GELU_TANH = Activation(
    "gelu_tanh",
    _gelu_tanh,
    _gelu_tanh_derivative,
    lambda sp, z: (
        z / 2 * (1 + sp.tanh(sp.sqrt(2 / sp.pi) * (z + sp.Rational(44715, 1000000) * z**3)))
    ),
    output_range=(-0.1700, math.inf),
)
SILU = Activation(
    "silu",
    _silu,
    _silu_derivative,
    lambda sp, z: z / (1 + sp.exp(-z)),
    output_range=(-0.2785, math.inf),
)
SOFTSIGN = Activation(
    "softsign",
    _softsign,
    _softsign_derivative,
    lambda sp, z: z / (1 + sp.Abs(z)),
    output_range=(-1.0, 1.0),
)
EXP = Activation(
    "exp", np.exp, _exp_derivative, lambda sp, z: sp.exp(z), output_range=(0.0, math.inf)
)
SOFTMAX = Activation(
    "softmax",
    softmax,
    None,
    _softmax_sympy,
    output_range=(0.0, 1.0),
    vjp=_softmax_vjp,
    gives_distribution=True,
    log_value=log_softmax,
)


@lru_cache(maxsize=256)
def _formula(text: str) -> Activation:
    # Cached: the same formula is the same entry, as catalog names are.
    return Activation.from_expression(text, text)


CATALOG: Catalog[Activation] = Catalog(
    "activation",
    Activation,
    {
        a.name: a
        for a in (
            IDENTITY,
            SIGMOID,
            TANH,
            RELU,
            SELU,
            SOFTPLUS,
            GELU,
            GELU_TANH,
            SILU,
            SOFTSIGN,
            EXP,
            SOFTMAX,
        )
    },
    {"leaky_relu": leaky_relu, "elu": elu},
    {"linear": "identity", "swish": "silu"},
    from_text=_formula,
)


def names() -> list[str]:
    """The catalog's activation names (aliases not included)."""
    return CATALOG.names()


def activation(name: str | Activation, **params: float) -> Activation:
    """Look up an activation by name, e.g. ``activation("leaky_relu", negative_slope=0.2)``,
    or by formula.

    An :class:`Activation` is returned unchanged. A string that is no name is
    parsed as a formula in z (``activation("z/(1 + Abs(z))")``, the formula as
    its name); one that is neither raises a ValueError that says both and
    lists the known names.

    Examples
    --------
    >>> activation("swish").name
    'silu'
    """
    return CATALOG.lookup(name, **params)
