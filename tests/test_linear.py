"""The linear step's kernels against PyTorch autograd, with and without out buffers."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from chainrule.core import linear


def _layer(dtype=np.float64, n_prev: int = 5, n: int = 4, m: int = 7, seed: int = 0):
    rng = np.random.default_rng(seed)
    A_prev, W, b, dZ = (
        rng.standard_normal(shape).astype(dtype)
        for shape in ((n_prev, m), (n, n_prev), (n, 1), (n, m))
    )
    return A_prev, W, b, dZ


def _torch_step(A_prev, W, b, dZ):
    """Z = W·A_prev + b and the gradients of J = (1/m) Σ ⟨dZ, Z⟩ by autograd: dZ per example."""
    A_t, W_t, b_t = (
        torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in (A_prev, W, b)
    )
    Z = W_t @ A_t + b_t
    m = A_prev.shape[1]
    (Z * torch.tensor(dZ, dtype=torch.float64)).sum().div(m).backward()
    # autograd's dA_prev carries the 1/m of J; the course's dA_prev = Wᵀ·dZ is per example
    return Z.detach().numpy(), A_t.grad.numpy() * m, W_t.grad.numpy(), b_t.grad.numpy()


def test_forward_and_backward_match_autograd():
    A_prev, W, b, dZ = _layer()
    Z_ref, dA_ref, dW_ref, db_ref = _torch_step(A_prev, W, b, dZ)
    np.testing.assert_allclose(linear.forward(A_prev, W, b), Z_ref, rtol=1e-13, atol=1e-14)
    dA_prev, dW, db = linear.backward(dZ, A_prev, W)
    assert dA_prev.shape == A_prev.shape and dW.shape == W.shape and db.shape == b.shape
    for got, expected in ((dA_prev, dA_ref), (dW, dW_ref), (db, db_ref)):
        np.testing.assert_allclose(got, expected, rtol=1e-13, atol=1e-14)


def test_out_buffers_are_written_and_returned():
    A_prev, W, b, dZ = _layer()
    Z_ref, dA_ref, dW_ref, db_ref = _torch_step(A_prev, W, b, dZ)
    Z_out, dA_out = np.empty_like(dZ), np.empty_like(A_prev)
    assert linear.forward(A_prev, W, b, out=Z_out) is Z_out
    assert linear.input_gradient(dZ, W, out=dA_out) is dA_out
    dW_out, db_out = np.empty_like(W), np.empty_like(b)
    ones = np.ones(dZ.shape[1])
    dW, db = linear.parameter_gradients(dZ, A_prev, dW=dW_out, db=db_out, ones=ones)
    assert dW is dW_out and db is db_out
    for got, expected in ((Z_out, Z_ref), (dA_out, dA_ref), (dW_out, dW_ref), (db_out, db_ref)):
        np.testing.assert_allclose(got, expected, rtol=1e-13, atol=1e-14)


@pytest.mark.parametrize("scale", [1.0, 0.25])
def test_scale_replaces_the_one_over_m_folded_into_dZ(scale):
    A_prev, W, b, dZ = _layer()
    m = dZ.shape[1]
    _, _, dW_ref, db_ref = _torch_step(A_prev, W, b, dZ)
    # dZ that already carries 1/m: scale = 1 gives the gradients; another scale multiplies them
    dW, db = linear.parameter_gradients(dZ / m, A_prev, scale=scale)
    np.testing.assert_allclose(dW, scale * dW_ref, rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(db, scale * db_ref, rtol=1e-13, atol=1e-14)


def test_float32_stays_float32():
    A_prev, W, b, dZ = _layer(np.float32)
    assert linear.forward(A_prev, W, b).dtype == np.float32
    assert all(x.dtype == np.float32 for x in linear.backward(dZ, A_prev, W))


def test_ones_needs_a_db_to_write_into():
    A_prev, _, _, dZ = _layer()
    with pytest.raises(ValueError, match="db"):
        linear.parameter_gradients(dZ, A_prev, ones=np.ones(dZ.shape[1]))
