"""Saving and loading a network: one ``.npz`` file, no pickle anywhere.

The file is a NumPy ``.npz`` archive (written by ``np.savez``) holding:

==========================  ====================================================
``model``                   the description below as UTF-8 JSON, a uint8 array
``param.W1`` … ``param.bL``  the parameters, in the network's dtype
``optimizer.W1.v`` …        the optimizer's per-parameter state (v, s)
==========================  ====================================================

The JSON gives ``format``, ``version``, ``layer_dims``, the activations and
the loss (catalog names and settings; for a formula entry its name, its
``formula`` text and its ``bounds`` (an activation's range, a loss's domain)
and ``open_ends``, parsed again by the safe parser on load), ``init``, ``seed``, ``dtype``,
``fused``, and what resuming needs: ``epochs_trained``, ``optimizer``
(name, settings, step count t) and ``rng`` (the state of the generator that
shuffles and drops out). A loaded network continues training exactly as the
saved one would have (see :mod:`chainrule.training.trainer`). The optional
``trained_on`` (:class:`TrainedOn`: a dataset name and the seed of its split,
which ``chainrule train --save`` records) is null or absent in files saved
without one; readers that predate it ignore it, so the version stays 1.

Loading trusts nothing: every archive member's header is read first and its
declared shape checked against the bytes really stored and against the
layer sizes before any data is inflated, object arrays are refused, and
every key, shape, dtype and value (optimizer state included: finite, and
s ≥ 0 for Adam and RMSprop) is validated before a network is built; every
failure is one short :class:`ModelFileError` line. Saving is atomic and
refuses targets it should not replace. Both are done by
:mod:`chainrule.tools.model_archive`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from chainrule.functions.activations import CATALOG as ACTIVATIONS
from chainrule.functions.activations import Activation
from chainrule.functions.losses import CATALOG as LOSSES
from chainrule.functions.losses import Loss
from chainrule.tools.model_archive import (
    MAX_BYTES,
    Archive,
    ModelFileError,
    open_archive,
    reading,
    shown,
    shown_key,
    shown_path,
    write_archive,
)
from chainrule.tools.network import Network
from chainrule.training.optimizers import OPTIMIZERS

FORMAT = "chainrule.model"
VERSION = 1
#: The most bytes the JSON description may have.
MAX_DESCRIPTION_BYTES = 1 << 20
#: Optimizer slots that hold a running mean of squared gradients, so are never negative.
_NONNEGATIVE_SLOTS = ("s",)

Array = NDArray[Any]

__all__ = ["MAX_BYTES", "ModelFileError", "SavedModel", "TrainedOn", "describe", "load"]
__all__ += ["read_model", "save"]


@dataclass(frozen=True)
class TrainedOn:
    """The data a model was trained on: a dataset name (:mod:`chainrule.tools.datasets`)
    and its split's seed."""

    dataset: str
    seed: int


@dataclass(frozen=True)
class SavedModel:
    """What :func:`read_model` finds in a file: the network and, when recorded, its data."""

    network: Network
    trained_on: TrainedOn | None


# -- saving ---------------------------------------------------------------------


def _describe_function(entry: Activation | Loss, kind: str) -> dict[str, Any]:
    catalog: Any = ACTIVATIONS if kind == "activation" else LOSSES
    if entry.formula is not None:
        bounds = entry.output_range if isinstance(entry, Activation) else entry.domain
        return {
            "name": entry.name,
            "params": {},
            "formula": entry.formula,
            "bounds": list(bounds),
            "open_ends": list(entry.open_ends),
        }
    try:
        name, params = catalog.reference(entry)
    except ValueError:
        raise ValueError(
            f"cannot save the custom {kind} {entry.name!r}: only catalog {kind}s can be "
            "described in a model file"
        ) from None
    return {"name": name, "params": params}


def describe(net: Network, trained_on: TrainedOn | None = None) -> dict[str, Any]:
    """The JSON description of ``net`` (trained on ``trained_on``) that :func:`save` writes."""
    opt = net.optimizer
    return {
        "format": FORMAT,
        "version": VERSION,
        "layer_dims": net.layer_dims,
        "activations": [_describe_function(g, "activation") for g in net.activations],
        "loss": _describe_function(net.loss, "loss"),
        "init": net.init,
        "seed": net.seed,
        "dtype": net.dtype.name,
        "fused": net.fused,
        "epochs_trained": net.epochs_trained,
        "optimizer": None
        if opt is None
        else {"name": opt.name, "settings": opt.settings(), "t": opt.t},
        "rng": None if net.rng is None else net.rng.bit_generator.state,
        "trained_on": None
        if trained_on is None
        else {"dataset": trained_on.dataset, "seed": trained_on.seed},
    }


def save(net: Network, path: str | Path, trained_on: TrainedOn | None = None) -> Path:
    """Write ``net`` to ``path`` atomically (a temporary file, then a rename); returns the path.

    The file is written exactly at ``path`` (no suffix is added; ``.npz`` is
    customary). ``trained_on`` records the dataset split the network was
    trained on, for :func:`read_model`. Refuses (an OSError, before writing)
    a target that is a directory, a FIFO or a device, or is read-only; see
    :mod:`chainrule.tools.model_archive` for the temporary files.
    """
    target = Path(path)
    arrays: dict[str, Array] = {
        "model": np.frombuffer(json.dumps(describe(net, trained_on)).encode(), dtype=np.uint8),
        **{f"param.{name}": value for name, value in net.params.items()},
    }
    if net.optimizer is not None:
        arrays |= {f"optimizer.{key}": v for key, v in net.optimizer.state_arrays().items()}
    write_archive(target, arrays)
    return target


# -- loading ----------------------------------------------------------------------


def _description(archive: Archive, path: Path) -> dict[str, Any]:
    member = archive.members.get("model")
    if member is None or member.dtype != np.uint8 or len(member.shape) != 1:
        raise ModelFileError(f"{shown_path(path)}: no model description (a 1-D uint8 'model')")
    if member.nbytes > MAX_DESCRIPTION_BYTES:
        raise ModelFileError(
            f"{shown_path(path)}: the model description has {member.nbytes} bytes, "
            f"the limit is {MAX_DESCRIPTION_BYTES}"
        )
    raw = archive.read("model")
    # reading(): RecursionError (deep nesting), ValueError (an integer of 5,000 digits).
    with reading(path, "the model description is not valid JSON"):
        meta = json.loads(raw.tobytes().decode("utf-8"))
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ModelFileError(
            f"{shown_path(path)}: not a chainrule model (format is not {FORMAT!r})"
        )
    if meta.get("version") != VERSION:
        raise ModelFileError(
            f"{shown_path(path)}: model file version {shown(meta.get('version'))}; "
            f"this chainrule reads {VERSION}"
        )
    return meta


def _field(meta: dict[str, Any], key: str, kind: type, path: Path) -> Any:
    value = meta.get(key)
    if isinstance(value, bool) or not isinstance(value, kind):
        raise ModelFileError(
            f"{shown_path(path)}: {key!r} in the model description is {shown(value)}"
        )
    return value


def _arrays(
    archive: Archive, meta: dict[str, Any], path: Path
) -> tuple[dict[str, Array], dict[str, Array]]:
    """The parameters and the optimizer state, each member's declared shape and dtype
    checked against layer_dims before any of its data is inflated."""
    dtype = _field(meta, "dtype", str, path)
    if dtype not in ("float32", "float64"):
        raise ModelFileError(f"{shown_path(path)}: dtype {shown(dtype)} is not float32 or float64")
    expected = _expected_shapes(_field(meta, "layer_dims", list, path), np.dtype(dtype), path)
    params = {key[len("param.") :] for key in archive.members if key.startswith("param.")}
    state = {key[len("optimizer.") :] for key in archive.members if key.startswith("optimizer.")}
    extra = set(archive.members) - {"model"} - {f"param.{k}" for k in params}
    extra -= {f"optimizer.{k}" for k in state}
    if extra:
        raise ModelFileError(f"{shown_path(path)}: unexpected arrays {shown(sorted(extra))}")
    if params != set(expected):
        missing, unexpected = sorted(set(expected) - params), sorted(params - set(expected))
        raise ModelFileError(
            f"{shown_path(path)}: parameters missing {shown(missing)}, unexpected "
            f"{shown(unexpected)}"
        )
    for key in sorted(params):
        archive.check(f"param.{key}", *expected[key], f"parameter {key}")
    for key in sorted(state):
        name = key.split(".")[0]
        if name not in expected:
            raise ModelFileError(
                f"{shown_path(path)}: optimizer state {shown_key(key)} fits nothing"
            )
        archive.check(f"optimizer.{key}", *expected[name], f"optimizer state {shown_key(key)}")
    return (
        {key: archive.read(f"param.{key}") for key in params},
        {key: archive.read(f"optimizer.{key}") for key in state},
    )


def _function(entry: Any, catalog: Any, path: Path) -> Any:
    if not (
        isinstance(entry, dict)
        and isinstance(entry.get("name"), str)
        and isinstance(entry.get("params", {}), dict)
    ):
        raise ModelFileError(f"{shown_path(path)}: bad {catalog.kind} entry {shown(entry)}")
    if "formula" in entry:
        return _formula_function(entry, catalog, path)
    with reading(path, f"the {catalog.kind} {shown(entry['name'])}"):
        return catalog.lookup(entry["name"], **entry.get("params", {}))


def _formula_function(entry: dict[str, Any], catalog: Any, path: Path) -> Any:
    """A formula entry parsed again by the safe parser (the catalog's cached one when it was
    made from its text alone, as ``activation("z/(1 + Abs(z))")`` makes it)."""
    formula, bounds, ends = entry["formula"], entry.get("bounds"), entry.get("open_ends")
    if not (
        isinstance(formula, str)
        and isinstance(bounds, list)
        and len(bounds) == 2
        and all(isinstance(b, int | float) and not isinstance(b, bool) for b in bounds)
        and isinstance(ends, list)
        and len(ends) == 2
        and all(isinstance(e, bool) for e in ends)
    ):
        raise ModelFileError(f"{shown_path(path)}: bad {catalog.kind} formula entry {shown(entry)}")
    with reading(path, f"the {catalog.kind} formula {shown(formula)}"):
        if (
            entry["name"] == formula
            and bounds == [float("-inf"), float("inf")]
            and ends == [True, True]
        ):
            return catalog.lookup(formula)
        return catalog.entry_type.from_expression(
            entry["name"], formula, tuple(bounds), tuple(ends)
        )


def _build(
    meta: dict[str, Any], params: dict[str, Array], state: dict[str, Array], path: Path
) -> Network:
    layer_dims = _field(meta, "layer_dims", list, path)
    activations = _field(meta, "activations", list, path)
    if len(activations) != len(layer_dims) - 1:
        raise ModelFileError(
            f"{shown_path(path)}: {len(activations)} activations for layer_dims {shown(layer_dims)}"
        )
    fused = meta.get("fused")
    if fused is not None and not isinstance(fused, bool):  # not 0 or 1, which equal False, True
        raise ModelFileError(f"{shown_path(path)}: fused is {shown(fused)}")
    seed = meta.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise ModelFileError(f"{shown_path(path)}: seed is {shown(seed)}")
    epochs_trained = _field(meta, "epochs_trained", int, path)
    if epochs_trained < 0:
        raise ModelFileError(f"{shown_path(path)}: epochs_trained is {shown(epochs_trained)}")
    _check_finite(params, "parameter", path)
    with reading(path, "the network description"):
        net = Network(
            layer_dims,
            hidden=[_function(g, ACTIVATIONS, path) for g in activations[:-1]],
            output=_function(activations[-1], ACTIVATIONS, path),
            loss=_function(meta.get("loss"), LOSSES, path),
            init=_field(meta, "init", str, path),
            seed=seed,
            dtype=meta["dtype"],
            fused=fused,
        )
    net.params = {key: params[key] for key in net.params}
    with reading(path, "the optimizer state"):
        net.optimizer = _optimizer(meta.get("optimizer"), state, net.params, path)
    with reading(path, "the random generator state"):
        net.rng = _rng(meta.get("rng"), path)
    net.epochs_trained = epochs_trained
    return net


def _expected_shapes(
    layer_dims: list[Any], dtype: np.dtype[Any], path: Path
) -> dict[str, tuple[tuple[int, ...], np.dtype[Any]]]:
    if len(layer_dims) < 2 or not all(
        isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in layer_dims
    ):
        raise ModelFileError(
            f"{shown_path(path)}: layer_dims {shown(layer_dims)} are not positive integers"
        )
    shapes: dict[str, tuple[tuple[int, ...], np.dtype[Any]]] = {}
    for l in range(1, len(layer_dims)):
        shapes[f"W{l}"] = ((layer_dims[l], layer_dims[l - 1]), dtype)
        shapes[f"b{l}"] = ((layer_dims[l], 1), dtype)
    return shapes


def _check_finite(found: dict[str, Array], what: str, path: Path) -> None:
    for key, value in found.items():
        if not np.isfinite(value).all():
            raise ModelFileError(f"{shown_path(path)}: {what} {key} holds NaN or infinite values")


def _optimizer(entry: Any, state: dict[str, Array], params: dict[str, Array], path: Path) -> Any:
    """The optimizer, its state checked: finite, and s ≥ 0 (a mean of squares)."""
    if entry is None:
        if state:
            raise ModelFileError(f"{shown_path(path)}: optimizer state without an optimizer")
        return None
    if not (
        isinstance(entry, dict)
        and entry.get("name") in OPTIMIZERS
        and isinstance(entry.get("settings"), dict)
    ):
        raise ModelFileError(f"{shown_path(path)}: bad optimizer entry {shown(entry)}")
    opt = OPTIMIZERS[entry["name"]](**entry["settings"])
    _check_finite(state, "optimizer state", path)
    for key, value in state.items():
        if key.split(".")[-1] in _NONNEGATIVE_SLOTS and (value < 0).any():
            raise ModelFileError(
                f"{shown_path(path)}: optimizer state {key} holds negative values; it is a "
                "running mean of squared gradients, never negative"
            )
    steps: Any = entry.get("t")  # load_state checks that it is an integer ≥ 0
    opt.load_state(state, steps, params)
    return opt


def _rng(state: Any, path: Path) -> np.random.Generator | None:
    if state is None:
        return None
    if not (isinstance(state, dict) and state.get("bit_generator") == "PCG64"):
        raise ModelFileError(f"{shown_path(path)}: bad random generator state")
    bit_generator = np.random.PCG64()
    bit_generator.state = state  # type: ignore[assignment]  # a dict, checked by numpy
    return np.random.Generator(bit_generator)


def _trained_on(entry: Any, path: Path) -> TrainedOn | None:
    if entry is None:
        return None
    if not (
        isinstance(entry, dict)
        and isinstance(entry.get("dataset"), str)
        and isinstance(entry.get("seed"), int)
        and not isinstance(entry.get("seed"), bool)
    ):
        raise ModelFileError(f"{shown_path(path)}: bad trained_on entry {shown(entry)}")
    return TrainedOn(entry["dataset"], entry["seed"])


def read_model(path: str | Path) -> SavedModel:
    """The network saved at ``path`` by :func:`save`, and the data it was trained on if recorded.

    Raises FileNotFoundError when there is no file, another OSError when it
    cannot be opened, and :class:`ModelFileError` (a ValueError) for anything
    corrupt, hostile or inconsistent in its bytes, in one line that names the
    file and the part; nothing in the file is ever executed, and no member is
    inflated before its declared shape is checked against layer_dims.
    """
    file = Path(path)
    with open_archive(file) as archive:
        meta = _description(archive, file)
        params, state = _arrays(archive, meta, file)
    with reading(file, "the trained_on entry"):
        trained_on = _trained_on(meta.get("trained_on"), file)
    with reading(file, "the model description is invalid"):
        return SavedModel(_build(meta, params, state, file), trained_on)


def load(path: str | Path) -> Network:
    """The network saved at ``path`` by :func:`save`, with its training state.

    Raises as :func:`read_model` does.
    """
    return read_model(path).network
