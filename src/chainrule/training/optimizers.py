"""Optimizers: how a step turns dW[l], db[l] into new W[l], b[l], in place.

For each parameter θ (W1, b1, …) with gradient dθ, learning rate α and the
step count t = 1, 2, … (one per mini-batch)::

    sgd       θ −= α·dθ
    momentum  v = β·v + (1 − β)·dθ                    θ −= α·v
    rmsprop   s = β·s + (1 − β)·dθ²                   θ −= α·dθ / (√s + ε)
    adam      v = β1·v + (1 − β1)·dθ    v̂ = v / (1 − β1ᵗ)
              s = β2·s + (1 − β2)·dθ²   ŝ = s / (1 − β2ᵗ)   θ −= α·v̂ / (√ŝ + ε)

The state (v, s and t) is kept per parameter name, starts at zero, has the
parameter's dtype and is saved with the model (:func:`chainrule.save`).

:meth:`Optimizer.step` updates each parameter of a dict in place;
:meth:`Optimizer.step_flat` does the same arithmetic on all the parameters
packed in one vector (:mod:`chainrule.training.flat`), which is how the fast
path of fit trains. Both run the optimizer's one ``_update``. Plain sgd says
``folds_into_gradient``: its update is θ − α·dθ, so the fast path computes
α·dθ in backprop and :meth:`Optimizer.step_folded` finishes the step.

Examples
--------
>>> opt = optimizer("adam", beta1=0.8)
>>> opt
Adam(beta1=0.8, beta2=0.999, epsilon=1e-08)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from chainrule.base.checks import check_integer, check_learning_rate, is_real
from chainrule.core.parameters import check_gradients
from chainrule.training.flat import FlatLayout, blocks

Array = NDArray[np.floating[Any]]


def _check_fraction(name: str, value: float) -> float:
    if not (is_real(value) and 0 <= value < 1):
        raise ValueError(f"{name} must be a number in [0, 1), got {value!r}")
    return float(value)


def _check_epsilon(value: float) -> float:
    if not (is_real(value) and 0 < value < math.inf):
        raise ValueError(f"epsilon must be a finite number > 0, got {value!r}")
    return float(value)


@dataclass
class _FlatState:
    """step_flat's state: one vector per slot, their per-name views, and a scratch vector."""

    layout: FlatLayout
    vectors: dict[str, Array]
    views: list[tuple[str, str, Array]]  # (name, slot, view of vectors[slot])
    work: Array

    def holds(self, state: dict[str, dict[str, Array]]) -> bool:
        """True while every per-name array in ``state`` is still its view of the vectors.

        :meth:`Optimizer.load_state`, or a user assigning an array into
        ``state``, replaces some; the vectors are then packed again from them.
        """
        return all(state.get(name, {}).get(slot) is view for name, slot, view in self.views)


class Optimizer:
    """The shared machinery: per-parameter state, the step count t, validation.

    Subclasses set ``name`` and ``slots`` (the state each parameter keeps) and
    implement :meth:`_update` for one parameter.
    """

    name: ClassVar[str] = ""
    slots: ClassVar[tuple[str, ...]] = ()
    #: True when the update is θ − α·dθ with no state (plain sgd): a caller that computes
    #: α·dθ itself (α folded into dZ[L]) finishes the step with :meth:`step_folded`.
    folds_into_gradient: ClassVar[bool] = False

    def __init__(self) -> None:
        self.state: dict[str, dict[str, Array]] = {}
        self.t = 0
        # One scratch array per parameter, so that an update allocates nothing
        # (not part of the state: never saved).
        self._work: dict[str, Array] = {}
        # step_flat's vectors (one per slot, and a scratch); the arrays in
        # self.state are then views of them.
        self._flat: _FlatState | None = None

    def settings(self) -> dict[str, float]:
        """The hyperparameters (without the learning rate), as given to the constructor."""
        return {}

    def reset(self) -> None:
        """Forget the state (v, s and the step count t): the next step is the first."""
        self.state, self.t, self._work, self._flat = {}, 0, {}, None

    def __getstate__(self) -> dict[str, Any]:
        """Copies and pickles keep the state per name and drop the scratch and the flat vectors.

        A copied view is no longer a view, so a copy's flat vectors would drift
        from its per-name state; the copy packs its own at its first step_flat.
        """
        kept = dict(self.__dict__)
        kept["_work"], kept["_flat"] = {}, None
        return kept

    def __repr__(self) -> str:
        settings = ", ".join(f"{key}={value!r}" for key, value in self.settings().items())
        return f"{type(self).__name__}({settings})"

    def step(self, params: dict[str, Array], grads: dict[str, Array], learning_rate: float) -> None:
        """One update of every parameter in place; ``grads`` holds ``d<name>`` for each."""
        check_gradients(params, grads)
        alpha = check_learning_rate(learning_rate)
        self.t += 1
        for name, theta in params.items():
            state = self.state.get(name)
            if state is None:
                state = self.state[name] = {slot: np.zeros_like(theta) for slot in self.slots}
            work = self._work.get(name)
            if work is None or work.shape != theta.shape or work.dtype != theta.dtype:
                work = self._work[name] = np.empty_like(theta)
            self._update(theta, grads[f"d{name}"], alpha, state, work, theta)

    def step_flat(
        self, theta: Array, grad: Array, learning_rate: float, out: Array, layout: FlatLayout
    ) -> None:
        """One update of all the parameters packed in the vector θ, written into ``out``.

        The arithmetic of :meth:`step`, for θ and dθ laid out by ``layout``,
        walked in cache-sized blocks so that each block's passes run from the
        cache. ``out`` may be θ itself (in place) or another vector, in which
        case θ is left as it was. The state becomes one vector per slot; the
        per-name arrays in ``state`` (what is saved) are views of it.
        """
        alpha = check_learning_rate(learning_rate)
        state, work = self._flat_state(layout)
        self.t += 1
        for block in blocks(layout.size):
            self._update(
                theta[block],
                grad[block],
                alpha,
                {slot: vector[block] for slot, vector in state.items()},
                work[block],
                out[block],
            )

    def step_folded(self, theta: Array, scaled_grad: Array, out: Array) -> None:
        """``out`` = θ − α·dθ from the caller's α·dθ (``scaled_grad``, which may be ``out``).

        Only where :attr:`folds_into_gradient`.
        """
        if not self.folds_into_gradient:
            raise TypeError(f"{self.name} cannot finish a step from α·dθ: its update has state")
        self.t += 1
        # α = 1: the gradient has α in it already; out serves as the scratch (no pass is made).
        self._update(theta, scaled_grad, 1.0, {}, out, out)

    def _flat_state(self, layout: FlatLayout) -> tuple[dict[str, Array], Array]:
        """The state as one vector per slot for ``layout``, packing the per-name state once."""
        flat = self._flat
        if flat is not None and flat.layout == layout and flat.holds(self.state):
            return flat.vectors, flat.work
        vectors = {slot: np.zeros(layout.size, layout.dtype) for slot in self.slots}
        listed = [
            (name, slot, view)
            for slot, vector in vectors.items()
            for name, view in layout.views(vector).items()
        ]
        saved = [self.state.get(name, {}).get(slot) for name, slot, _ in listed]
        for (name, slot, view), old in zip(listed, saved, strict=True):
            if old is not None and old.shape != view.shape:  # check all before changing any
                raise ValueError(
                    f"optimizer state {name}.{slot} is {old.shape}, but {name} is "
                    f"{view.shape}: this optimizer was used with another network"
                )
        for (name, slot, view), old in zip(listed, saved, strict=True):
            if old is not None:
                np.copyto(view, old)
            self.state.setdefault(name, {})[slot] = view
        self._flat = _FlatState(layout, vectors, listed, layout.empty())
        return vectors, self._flat.work

    def _update(
        self,
        theta: Array,
        grad: Array,
        alpha: float,
        state: dict[str, Array],
        work: Array,
        out: Array,
    ) -> None:
        """Write the updated θ into ``out`` (θ itself for in place) and update the state.

        ``work`` is scratch of θ's shape, so no temporary is allocated.
        """
        raise NotImplementedError

    # -- saving and restoring the state ------------------------------------------

    def state_arrays(self) -> dict[str, Array]:
        """The state as ``{"W1.v": v, …}`` (what :func:`chainrule.save` writes)."""
        return {
            f"{name}.{slot}": value
            for name, slots in self.state.items()
            for slot, value in slots.items()
        }

    def load_state(self, arrays: dict[str, Array], t: int, params: dict[str, Array]) -> None:
        """Restore the state saved by :meth:`state_arrays` for ``params``, checking every slot."""
        check_integer("optimizer step count t", t, 0)
        expected = {f"{name}.{slot}" for name in params for slot in self.slots} if t else set()
        if set(arrays) != expected:
            raise ValueError(
                f"{self.name} state after {t} steps needs {sorted(expected)}, got {sorted(arrays)}"
            )
        state: dict[str, dict[str, Array]] = {}
        for key, value in arrays.items():
            name, slot = key.split(".")
            if value.shape != params[name].shape or value.dtype != params[name].dtype:
                raise ValueError(
                    f"optimizer state {key} is {value.shape} {value.dtype}, but {name} is "
                    f"{params[name].shape} {params[name].dtype}"
                )
            state.setdefault(name, {})[slot] = value
        self.state, self.t = state, t


def _average(average: Array, value: Array, beta: float, work: Array) -> None:
    """average = β·average + (1 − β)·value, in place; ``work`` is scratch (it may be value)."""
    average *= beta
    average += np.multiply(value, 1 - beta, out=work)


def _descend(theta: Array, direction: Array, rate: float, work: Array, out: Array) -> None:
    """out = θ − rate·direction, ``work`` as scratch (it may be direction or out); rate = 1
    makes no multiplication (the direction is α·dθ already: :meth:`Optimizer.step_folded`)."""
    step = direction if rate == 1 else np.multiply(direction, rate, out=work)
    np.subtract(theta, step, out=out)


class SGD(Optimizer):
    """Plain gradient descent, θ −= α·dθ (no state)."""

    name = "sgd"
    folds_into_gradient = True

    def _update(
        self,
        theta: Array,
        grad: Array,
        alpha: float,
        state: dict[str, Array],
        work: Array,
        out: Array,
    ) -> None:
        _descend(theta, grad, alpha, work, out)


class Momentum(Optimizer):
    """Gradient descent with momentum: v = β·v + (1 − β)·dθ, θ −= α·v (the course's form)."""

    name = "momentum"
    slots = ("v",)

    def __init__(self, beta: float = 0.9) -> None:
        super().__init__()
        self.beta = _check_fraction("beta", beta)

    def settings(self) -> dict[str, float]:
        return {"beta": self.beta}

    def _update(
        self,
        theta: Array,
        grad: Array,
        alpha: float,
        state: dict[str, Array],
        work: Array,
        out: Array,
    ) -> None:
        _average(state["v"], grad, self.beta, work)
        _descend(theta, state["v"], alpha, work, out)


class RMSprop(Optimizer):
    """RMSprop: s = β·s + (1 − β)·dθ², θ −= α·dθ / (√s + ε) (torch's RMSprop, alpha = β)."""

    name = "rmsprop"
    slots = ("s",)

    def __init__(self, beta: float = 0.9, epsilon: float = 1e-8) -> None:
        super().__init__()
        self.beta = _check_fraction("beta", beta)
        self.epsilon = _check_epsilon(epsilon)

    def settings(self) -> dict[str, float]:
        return {"beta": self.beta, "epsilon": self.epsilon}

    def _update(
        self,
        theta: Array,
        grad: Array,
        alpha: float,
        state: dict[str, Array],
        work: Array,
        out: Array,
    ) -> None:
        s = state["s"]
        _average(s, np.multiply(grad, grad, out=work), self.beta, work)
        denominator = np.add(np.sqrt(s, out=work), self.epsilon, out=work)  # √s + ε
        _descend(theta, np.divide(grad, denominator, out=work), alpha, work, out)


class Adam(Optimizer):
    """Adam with bias correction: v̂ = v/(1 − β1ᵗ), ŝ = s/(1 − β2ᵗ), θ −= α·v̂/(√ŝ + ε)."""

    name = "adam"
    slots = ("v", "s")

    def __init__(self, beta1: float = 0.9, beta2: float = 0.999, epsilon: float = 1e-8) -> None:
        super().__init__()
        self.beta1 = _check_fraction("beta1", beta1)
        self.beta2 = _check_fraction("beta2", beta2)
        self.epsilon = _check_epsilon(epsilon)

    def settings(self) -> dict[str, float]:
        return {"beta1": self.beta1, "beta2": self.beta2, "epsilon": self.epsilon}

    def _update(
        self,
        theta: Array,
        grad: Array,
        alpha: float,
        state: dict[str, Array],
        work: Array,
        out: Array,
    ) -> None:
        # The bias corrections fold into two scalars (as torch.optim.Adam does), saving a
        # pass over θ: α·v̂/(√ŝ + ε) = α·√(1 − β2ᵗ)/(1 − β1ᵗ) · v/(√s + ε·√(1 − β2ᵗ)).
        v, s = state["v"], state["s"]
        _average(v, grad, self.beta1, work)
        _average(s, np.multiply(grad, grad, out=work), self.beta2, work)
        root = math.sqrt(1 - self.beta2**self.t)
        denominator = np.add(np.sqrt(s, out=work), self.epsilon * root, out=work)
        step = np.divide(v, denominator, out=work)
        _descend(theta, step, alpha * root / (1 - self.beta1**self.t), work, out)


OPTIMIZERS: dict[str, type[Optimizer]] = {
    kind.name: kind for kind in (SGD, Momentum, RMSprop, Adam)
}


def names() -> list[str]:
    """The optimizer names :func:`optimizer` accepts."""
    return sorted(OPTIMIZERS)


def optimizer(name: str | Optimizer, **settings: float) -> Optimizer:
    """A new optimizer by name with the course's defaults, or with ``settings``.

    An :class:`Optimizer` object is returned as is (it keeps its own state).
    """
    if isinstance(name, Optimizer):
        if settings:
            raise TypeError(f"settings {sorted(settings)} given with an optimizer object")
        return name
    if not isinstance(name, str):
        raise TypeError(f"optimizer must be a name or an Optimizer, got {type(name).__name__}")
    kind = OPTIMIZERS.get(name.lower())
    if kind is None:
        raise ValueError(f"unknown optimizer {name!r}; known: {', '.join(names())}")
    try:
        return kind(**settings)
    except TypeError:
        allowed = ", ".join(kind().settings()) or "none"
        raise TypeError(
            f"optimizer {kind.name!r} takes the settings {allowed}; got {sorted(settings)}"
        ) from None
