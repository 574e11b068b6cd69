"""Independent PyTorch transcriptions of the catalog, used as the oracle in tests.

Nothing here imports chainrule: every activation and loss is written again from
its textbook formula (or taken from ``torch.nn.functional``), and gradients
come from torch autograd, in float64.

Layout follows the course: tensors are (units, examples), softmax runs along
dim 0, ℓ is elementwise and the per-example loss L sums it over dim 0.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

TorchFn = Callable[[torch.Tensor], torch.Tensor]
TorchLoss = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def torch_activation(name: str, **params: float) -> TorchFn:
    """g as a torch function, for the catalog name ``name`` and its settings."""
    table: dict[str, TorchFn] = {
        "identity": lambda z: z,
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "relu": torch.relu,
        "leaky_relu": lambda z: F.leaky_relu(z, params.get("negative_slope", 0.01)),
        "elu": lambda z: F.elu(z, params.get("alpha", 1.0)),
        "selu": F.selu,
        "softplus": F.softplus,  # linear above 20: tests keep z < 20
        "gelu": lambda z: F.gelu(z, approximate="none"),
        "gelu_tanh": lambda z: F.gelu(z, approximate="tanh"),
        "silu": F.silu,
        "softsign": F.softsign,
        "exp": torch.exp,
        "softmax": lambda z: torch.softmax(z, dim=0),
    }
    return table[name]


def _hinge_signs(y: torch.Tensor) -> torch.Tensor:
    return torch.where(y == 0, -torch.ones_like(y), y)


def torch_loss(name: str, **params: float) -> TorchLoss:
    """ℓ(a, y) elementwise, shape of a, as a torch function."""
    table: dict[str, TorchLoss] = {
        "bce": lambda a, y: -(y * torch.log(a) + (1 - y) * torch.log(1 - a)),
        # torchvision's sigmoid_focal_loss on probabilities, gamma = 2 and alpha = 1/4
        "focal": lambda a, y: (
            (0.25 * y + 0.75 * (1 - y))
            * (a * (1 - y) + (1 - a) * y) ** 2
            * -(y * torch.log(a) + (1 - y) * torch.log(1 - a))
        ),
        "cce": lambda a, y: -y * torch.log(a),
        "mse": lambda a, y: (a - y) ** 2,
        "mae": lambda a, y: torch.abs(a - y),
        "huber": lambda a, y: F.huber_loss(a, y, reduction="none", delta=params.get("delta", 1.0)),
        "hinge": lambda a, y: torch.clamp(1 - _hinge_signs(y) * a, min=0),
        "poisson": lambda a, y: a - y * torch.log(a),
    }
    return table[name]


def as_tensor(array: Any, grad: bool = False) -> torch.Tensor:
    """A float64 tensor holding ``array`` (which may be float32), optionally a leaf."""
    return torch.tensor(np.asarray(array, dtype=np.float64), requires_grad=grad)


def activation_vjp(name: str, Z: np.ndarray, dA: np.ndarray, **params: float) -> np.ndarray:
    """(A, dZ) with A = g(Z) and dZ = autograd of Σ A ⊙ dA with respect to Z."""
    Zt = as_tensor(Z, grad=True)
    At = torch_activation(name, **params)(Zt)
    (At * as_tensor(dA)).sum().backward()
    assert Zt.grad is not None
    return At.detach().numpy(), Zt.grad.numpy()


def loss_reference(
    name: str, A: np.ndarray, Y: np.ndarray, **params: float
) -> tuple[float, np.ndarray]:
    """(J, dA): J = mean over examples of Σ_units ℓ, dA = ∂(Σ_examples L)/∂A (no 1/m)."""
    At = as_tensor(A, grad=True)
    per_unit = torch_loss(name, **params)(At, as_tensor(Y))
    per_unit.sum().backward()
    assert At.grad is not None
    return float(per_unit.detach().sum(dim=0).mean()), At.grad.numpy()


def output_reference(
    activation: str,
    loss: str,
    Z: np.ndarray,
    Y: np.ndarray,
    activation_params: dict[str, float] | None = None,
    loss_params: dict[str, float] | None = None,
) -> tuple[float, np.ndarray]:
    """(J, dZ[L]) for L(g(Z), Y): J its mean over examples, dZ = ∂(Σ_examples L)/∂Z (no 1/m)."""
    Zt = as_tensor(Z, grad=True)
    g = torch_activation(activation, **(activation_params or {}))
    per_unit = torch_loss(loss, **(loss_params or {}))(g(Zt), as_tensor(Y))
    per_unit.sum().backward()
    assert Zt.grad is not None
    return float(per_unit.detach().sum(dim=0).mean()), Zt.grad.numpy()


def network_reference(
    params: dict[str, np.ndarray],
    activations: list[str],
    loss: str,
    X: np.ndarray,
    Y: np.ndarray,
) -> dict[str, np.ndarray]:
    """dW1, db1, … of J = (1/m) Σ L for the network with these parameters, by autograd.

    ``activations`` lists g[1] … g[L]; the parameters are read in float64
    whatever their dtype, so a float32 network is compared with the exact
    gradient at its own (float32) weights.
    """
    leaves = {key: as_tensor(value, grad=True) for key, value in params.items()}
    A = as_tensor(X)
    for l, name in enumerate(activations, start=1):
        A = torch_activation(name)(leaves[f"W{l}"] @ A + leaves[f"b{l}"])
    m = X.shape[1]
    J = torch_loss(loss)(A, as_tensor(Y)).sum() / m
    J.backward()
    grads = {}
    for key, leaf in leaves.items():
        assert leaf.grad is not None
        grads[f"d{key}"] = leaf.grad.numpy()
    return grads
