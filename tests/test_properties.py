"""Property tests over shapes, dtypes and pairs: cases a person would not write by hand."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import chainrule as cr
from checks import relative_error
from torch_reference import network_reference

NATURAL = [("sigmoid", "bce"), ("softmax", "cce"), ("identity", "mse"), ("exp", "poisson")]
DTYPES = st.sampled_from([np.float32, np.float64])
FEW = settings(max_examples=25, deadline=None)


def labels(loss: str, shape: tuple[int, int], seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if loss == "bce":
        return rng.integers(0, 2, shape).astype(float)
    if loss == "cce":
        return np.eye(shape[0])[:, rng.integers(0, shape[0], shape[1])]
    if loss == "poisson":
        return rng.poisson(2.0, shape).astype(float)
    return rng.standard_normal(shape)


@st.composite
def natural_cases(draw: st.DrawFn) -> tuple[str, str, np.ndarray, np.ndarray]:
    g, L = draw(st.sampled_from(NATURAL))
    n_L = draw(st.integers(2 if g == "softmax" else 1, 4))
    m = draw(st.integers(1, 8))
    dtype = draw(DTYPES)
    # |z| ≤ 8: sigmoid and softmax are not saturated, so the generic route is accurate too.
    Z = draw(arrays(dtype, (n_L, m), elements=st.floats(-8, 8, width=32)))
    return g, L, Z, labels(L, (n_L, m), draw(st.integers(0, 2**16))).astype(dtype)


@FEW
@given(natural_cases())
def test_fused_and_generic_routes_agree_away_from_saturation(case) -> None:
    g, L, Z, Y = case
    fused = cr.output_delta(Z, Y, g, L, fused=True)
    generic = cr.output_delta(Z, Y, g, L, fused=False)
    assert fused.dtype == generic.dtype == Z.dtype
    tolerance = 1e-9 if Z.dtype == np.float64 else 1e-3
    assert relative_error(generic, fused) <= tolerance
    cost_fused = cr.output_cost(Z, Y, g, L, fused=True)
    cost_generic = cr.output_cost(Z, Y, g, L, fused=False)
    assert abs(cost_fused - cost_generic) <= tolerance * max(1.0, abs(cost_fused))


@FEW
@given(
    dims=st.lists(st.integers(1, 5), min_size=2, max_size=5),
    m=st.integers(1, 6),
    hidden=st.sampled_from(["tanh", "sigmoid", "softplus", "gelu", "silu"]),
    dtype=DTYPES,
    seed=st.integers(0, 2**16),
)
def test_network_gradients_have_the_parameters_shapes_dtype_and_torchs_values(
    dims: list[int], m: int, hidden: str, dtype: type, seed: int
) -> None:
    net = cr.Network(dims, hidden=hidden, output="identity", loss="mse", seed=seed, dtype=dtype)
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((dims[0], m)).astype(dtype)
    Y = rng.standard_normal((dims[-1], m)).astype(dtype)
    grads = net.gradients(X, Y)
    expected = network_reference(net.params, [hidden] * (net.L - 1) + ["identity"], "mse", X, Y)
    tolerance = 1e-10 if dtype == np.float64 else 1e-4
    for key, value in net.params.items():
        assert grads[f"d{key}"].shape == value.shape
        assert grads[f"d{key}"].dtype == dtype
        assert relative_error(grads[f"d{key}"], expected[f"d{key}"]) <= tolerance
