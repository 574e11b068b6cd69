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
declared shape checked against the bytes really stored, object arrays are
refused, arrays are read with ``allow_pickle=False``, and every key, shape,
dtype and value is validated before a network is built. Saving writes a
temporary file in the target's directory and renames it over the target,
so a crash never leaves a half-written model at the path. The temporary file
is created with mode 0o666 less the umask, as any new file is (0o644 under
umask 022), and takes an overwritten file's mode, so replacing a model never
changes who may read it.
"""

from __future__ import annotations

import json
import math
import os
import secrets
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from chainrule.base.checks import DtypeError, check_float_dtype
from chainrule.functions.activations import CATALOG as ACTIVATIONS
from chainrule.functions.activations import Activation
from chainrule.functions.losses import CATALOG as LOSSES
from chainrule.functions.losses import Loss
from chainrule.tools.network import Network
from chainrule.training.optimizers import OPTIMIZERS

FORMAT = "chainrule.model"
VERSION = 1
#: The most bytes a model file may hold once decompressed.
MAX_BYTES = 1 << 31

Array = NDArray[Any]


class ModelFileError(ValueError):
    """A model file is unreadable, corrupt, hostile or does not describe a valid network."""


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
    trained on, for :func:`read_model`.
    """
    target = Path(path)
    arrays: dict[str, Array] = {
        "model": np.frombuffer(json.dumps(describe(net, trained_on)).encode(), dtype=np.uint8),
        **{f"param.{name}": value for name, value in net.params.items()},
    }
    if net.optimizer is not None:
        arrays |= {f"optimizer.{key}": v for key, v in net.optimizer.state_arrays().items()}
    if not target.parent.is_dir():
        raise FileNotFoundError(
            f"cannot save to {target}: directory {target.parent} does not exist"
        )
    if target.is_dir():
        raise IsADirectoryError(f"cannot save to {target}: it is a directory")
    handle, temporary = _temporary_beside(target)
    try:
        with os.fdopen(handle, "wb") as stream:
            np.savez(stream, **arrays)  # type: ignore[arg-type]  # numpy's stub: **kwds
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target


def _temporary_beside(target: Path) -> tuple[int, Path]:
    """A new file next to ``target`` (so the rename is atomic), open for writing.

    Not ``tempfile.mkstemp``: its mode 0o600 would make every saved model
    private. Mode 0o666 lets the umask decide, as for any new file; an existing
    target passes its own mode on. O_EXCL refuses a name that already exists.
    """
    temporary = target.parent / f".{target.name}.{secrets.token_hex(8)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    handle = os.open(temporary, flags, 0o666)
    try:
        if target.exists():
            os.chmod(temporary, stat.S_IMODE(target.stat().st_mode))
    except BaseException:
        os.close(handle)
        temporary.unlink(missing_ok=True)
        raise
    return handle, temporary


# -- loading ----------------------------------------------------------------------


def _check_members(archive: zipfile.ZipFile, path: Path) -> None:
    """Every member is a .npy of a plain dtype whose declared shape matches its bytes."""
    total = 0
    for info in archive.infolist():
        if not info.filename.endswith(".npy"):
            raise ModelFileError(f"{path}: unexpected member {info.filename!r} in the archive")
        total += info.file_size
        if total > MAX_BYTES:
            raise ModelFileError(f"{path}: the archive declares more than {MAX_BYTES} bytes")
        with archive.open(info) as member:
            try:
                version = np.lib.format.read_magic(member)
                if version != (1, 0):
                    raise ValueError(f".npy format version {version}; np.savez writes 1.0")
                shape, _, dtype = np.lib.format.read_array_header_1_0(member)
            except ValueError as error:
                raise ModelFileError(
                    f"{path}: {info.filename} is not a valid .npy: {error}"
                ) from None
            header_size = member.tell()
        key = info.filename[: -len(".npy")]
        if dtype.hasobject or dtype.kind not in "fu":
            raise ModelFileError(
                f"{path}: {key} has dtype {dtype}; a model file holds only float and uint8 "
                "arrays (object arrays would need pickle)"
            )
        declared = math.prod(shape) * dtype.itemsize
        stored = info.file_size - header_size
        if declared != stored:
            raise ModelFileError(
                f"{path}: {key} declares shape {shape} ({declared} bytes) but holds {stored} bytes"
            )


def _read_arrays(path: Path) -> dict[str, Array]:
    if not path.is_file():
        raise FileNotFoundError(f"no model file at {path}")
    # Opened here, not by is_zipfile, which would call an unreadable file "not an archive".
    with path.open("rb") as stream:
        if not zipfile.is_zipfile(stream):
            raise ModelFileError(f"{path}: not a chainrule model (not an .npz archive)")
    try:
        with zipfile.ZipFile(path) as archive:
            _check_members(archive, path)
        with np.load(path, allow_pickle=False) as npz:
            return {key: npz[key] for key in npz.files}
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise ModelFileError(f"{path}: corrupt or truncated model file: {error}") from None
    except ValueError as error:
        if isinstance(error, ModelFileError):
            raise
        raise ModelFileError(f"{path}: unreadable model file: {error}") from None


def _field(meta: dict[str, Any], key: str, kind: type, path: Path) -> Any:
    value = meta.get(key)
    if isinstance(value, bool) or not isinstance(value, kind):
        raise ModelFileError(f"{path}: {key!r} in the model description is {value!r}")
    return value


def _description(arrays: dict[str, Array], path: Path) -> dict[str, Any]:
    raw = arrays.get("model")
    if raw is None or raw.dtype != np.uint8 or raw.ndim != 1:
        raise ModelFileError(f"{path}: no model description (a 1-D uint8 'model' array)")
    try:
        meta = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelFileError(f"{path}: the model description is not valid JSON: {error}") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ModelFileError(f"{path}: not a chainrule model (format is not {FORMAT!r})")
    if meta.get("version") != VERSION:
        raise ModelFileError(
            f"{path}: model file version {meta.get('version')!r}; this chainrule reads {VERSION}"
        )
    return meta


def _function(entry: Any, catalog: Any, path: Path) -> Any:
    if not (
        isinstance(entry, dict)
        and isinstance(entry.get("name"), str)
        and isinstance(entry.get("params", {}), dict)
    ):
        raise ModelFileError(f"{path}: bad {catalog.kind} entry {entry!r}")
    if "formula" in entry:
        return _formula_function(entry, catalog, path)
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
        raise ModelFileError(f"{path}: bad {catalog.kind} formula entry {entry!r}")
    try:
        if entry["name"] == formula and bounds == [-math.inf, math.inf] and ends == [True, True]:
            return catalog.lookup(formula)
        return catalog.entry_type.from_expression(
            entry["name"], formula, tuple(bounds), tuple(ends)
        )
    except ValueError as error:
        raise ModelFileError(f"{path}: {catalog.kind} formula {formula!r}: {error}") from None


def _build(meta: dict[str, Any], arrays: dict[str, Array], path: Path) -> Network:
    layer_dims = _field(meta, "layer_dims", list, path)
    activations = _field(meta, "activations", list, path)
    if len(activations) != len(layer_dims) - 1:
        raise ModelFileError(f"{path}: {len(activations)} activations for layer_dims {layer_dims}")
    try:
        dtype = check_float_dtype(_field(meta, "dtype", str, path))
    except DtypeError as error:
        raise ModelFileError(f"{path}: {error}") from None
    fused = meta.get("fused")
    if fused is not None and not isinstance(fused, bool):  # not 0 or 1, which equal False, True
        raise ModelFileError(f"{path}: fused is {fused!r}")
    seed = meta.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise ModelFileError(f"{path}: seed is {seed!r}")
    epochs_trained = _field(meta, "epochs_trained", int, path)
    if epochs_trained < 0:
        raise ModelFileError(f"{path}: epochs_trained is {epochs_trained}")
    params = {
        key[len("param.") :]: value for key, value in arrays.items() if key.startswith("param.")
    }
    # Checked against layer_dims before building anything: a network is never
    # allocated at a size the file does not really hold.
    _check_arrays(params, _expected_shapes(layer_dims, np.dtype(dtype), path), "parameter", path)
    net = Network(
        layer_dims,
        hidden=[_function(g, ACTIVATIONS, path) for g in activations[:-1]],
        output=_function(activations[-1], ACTIVATIONS, path),
        loss=_function(meta.get("loss"), LOSSES, path),
        init=_field(meta, "init", str, path),
        seed=seed,
        dtype=dtype,
        fused=fused,
    )
    state = {
        key[len("optimizer.") :]: value
        for key, value in arrays.items()
        if key.startswith("optimizer.")
    }
    extra = (
        set(arrays) - {"model"} - {f"param.{k}" for k in params} - {f"optimizer.{k}" for k in state}
    )
    if extra:
        raise ModelFileError(f"{path}: unexpected arrays {sorted(extra)}")
    net.params = {key: params[key] for key in net.params}
    net.optimizer = _optimizer(meta.get("optimizer"), state, net.params, path)
    net.rng = _rng(meta.get("rng"), path)
    net.epochs_trained = epochs_trained
    return net


def _expected_shapes(
    layer_dims: list[Any], dtype: np.dtype[Any], path: Path
) -> dict[str, tuple[tuple[int, ...], np.dtype[Any]]]:
    if len(layer_dims) < 2 or not all(
        isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in layer_dims
    ):
        raise ModelFileError(f"{path}: layer_dims {layer_dims!r} are not positive integers")
    shapes: dict[str, tuple[tuple[int, ...], np.dtype[Any]]] = {}
    for l in range(1, len(layer_dims)):
        shapes[f"W{l}"] = ((layer_dims[l], layer_dims[l - 1]), dtype)
        shapes[f"b{l}"] = ((layer_dims[l], 1), dtype)
    return shapes


def _check_arrays(
    found: dict[str, Array],
    expected: dict[str, tuple[tuple[int, ...], np.dtype[Any]]],
    what: str,
    path: Path,
) -> None:
    if set(found) != set(expected):
        missing, extra = sorted(set(expected) - set(found)), sorted(set(found) - set(expected))
        raise ModelFileError(f"{path}: {what}s missing {missing}, unexpected {extra}")
    for key, value in found.items():
        shape, dtype = expected[key]
        if value.shape != shape or value.dtype != dtype:
            raise ModelFileError(
                f"{path}: {what} {key} is {value.shape} {value.dtype}; the architecture needs "
                f"{shape} {dtype}"
            )
        if not np.isfinite(value).all():
            raise ModelFileError(f"{path}: {what} {key} holds NaN or infinite values")


def _optimizer(entry: Any, state: dict[str, Array], params: dict[str, Array], path: Path) -> Any:
    if entry is None:
        if state:
            raise ModelFileError(f"{path}: optimizer state without an optimizer")
        return None
    if not (
        isinstance(entry, dict)
        and entry.get("name") in OPTIMIZERS
        and isinstance(entry.get("settings"), dict)
    ):
        raise ModelFileError(f"{path}: bad optimizer entry {entry!r}")
    try:
        opt = OPTIMIZERS[entry["name"]](**entry["settings"])
        for key, value in state.items():
            if not np.isfinite(value).all():
                raise ValueError(f"optimizer state {key} holds NaN or infinite values")
        steps: Any = entry.get("t")  # load_state checks that it is an integer ≥ 0
        opt.load_state(state, steps, params)
    except (TypeError, ValueError, KeyError) as error:
        raise ModelFileError(f"{path}: bad optimizer state: {error}") from None
    return opt


def _rng(state: Any, path: Path) -> np.random.Generator | None:
    if state is None:
        return None
    if not (isinstance(state, dict) and state.get("bit_generator") == "PCG64"):
        raise ModelFileError(f"{path}: bad random generator state")
    bit_generator = np.random.PCG64()
    try:
        bit_generator.state = state  # type: ignore[assignment]  # a dict, checked by numpy
    except (TypeError, ValueError, KeyError) as error:
        raise ModelFileError(f"{path}: bad random generator state: {error}") from None
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
        raise ModelFileError(f"{path}: bad trained_on entry {entry!r}")
    return TrainedOn(entry["dataset"], entry["seed"])


def read_model(path: str | Path) -> SavedModel:
    """The network saved at ``path`` by :func:`save`, and the data it was trained on if recorded.

    Raises FileNotFoundError when there is no file, another OSError when it
    cannot be read, and :class:`ModelFileError` (a ValueError) for anything
    corrupt, hostile or inconsistent; nothing in the file is ever executed.
    """
    file = Path(path)
    arrays = _read_arrays(file)
    meta = _description(arrays, file)
    trained_on = _trained_on(meta.get("trained_on"), file)
    try:
        return SavedModel(_build(meta, arrays, file), trained_on)
    except ModelFileError:
        raise
    except (TypeError, ValueError) as error:
        raise ModelFileError(f"{file}: the model description is invalid: {error}") from None


def load(path: str | Path) -> Network:
    """The network saved at ``path`` by :func:`save`, with its training state.

    Raises as :func:`read_model` does.
    """
    return read_model(path).network
