"""A valid model file mutated 5,000 ways: loading it only ever raises ModelFileError.

The mutations touch the raw bytes, the zip headers (flags, compression method,
sizes, offsets), the JSON description (hostile values at every key: deep
nesting, 2**200, 5,000-digit integers, long strings) and the .npy headers
(shape, dtype, order, version), plus a zip bomb. Each load must succeed or
raise ModelFileError, in one line of at most 300 characters, within 1 s and
200 MB of Python allocations (tracemalloc, which NumPy reports to).
"""

from __future__ import annotations

import io
import json
import struct
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import chainrule as cr
from chainrule.io import ModelFileError

MUTATIONS = 5_000
SECONDS = 1.0
BYTES = 200 * 2**20

Members = dict[str, bytes]


def _npy(array: np.ndarray) -> bytes:
    stream = io.BytesIO()
    np.lib.format.write_array(stream, array, allow_pickle=False)
    return stream.getvalue()


def _zip(members: Members) -> bytes:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_STORED) as archive:
        for name, data in members.items():
            archive.writestr(name + ".npy", data)
    return stream.getvalue()


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, Members, dict[str, Any]]:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((3, 32))
    Y = (X[:1] > 0).astype(float)
    net = cr.Network([3, 4, 1], hidden="tanh", output="sigmoid", loss="bce", seed=2)
    net.fit(X, Y, epochs=2, learning_rate=0.01, optimizer="adam", batch_size=8, verbose=0)
    path = cr.save(net, tmp_path_factory.mktemp("fuzz") / "model.npz")
    data = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {info.filename[:-4]: archive.read(info) for info in archive.infolist()}
    meta = json.loads(np.load(io.BytesIO(members["model"])).tobytes())
    return data, members, meta


# -- the mutations ----------------------------------------------------------------

_HOSTILE: list[Any] = [
    None,
    True,
    -1,
    0,
    2**200,
    -(2**63),
    1e308,
    "x" * 100_000,
    "relu\n\x1b[31m",
    [],
    {},
    [1] * 1000,
    {"name": "relu", "params": {"negative_slope": 2**200}},
    {"name": "x" * 5000},
    [[[["deep"]]]],
]


def _raw_bytes(rng: np.random.Generator, data: bytes, members: Members, meta: Any) -> bytes:
    mutable = bytearray(data)
    kind = rng.integers(4)
    if kind == 0:  # flip bytes
        for position in rng.integers(len(mutable), size=rng.integers(1, 8)):
            mutable[position] ^= 1 << rng.integers(8)
    elif kind == 1:
        return bytes(mutable[: rng.integers(len(mutable))])
    elif kind == 2:
        position = rng.integers(len(mutable))
        mutable[position:position] = rng.bytes(rng.integers(1, 64))
    else:
        start = rng.integers(len(mutable))
        mutable[start : start + rng.integers(1, 64)] = b""
    return bytes(mutable)


#: (offset in the record, struct format) of each field of a local header (PK\3\4)
#: and a central directory record (PK\1\2) worth mutating.
_LOCAL = [(6, "<H"), (8, "<H"), (14, "<I"), (18, "<I"), (22, "<I"), (26, "<H"), (28, "<H")]
_CENTRAL = [(8, "<H"), (10, "<H"), (16, "<I"), (20, "<I"), (24, "<I"), (28, "<H"), (42, "<I")]
_END = [(8, "<H"), (10, "<H"), (12, "<I"), (16, "<I"), (20, "<H")]
_VALUES = [0, 1, 8, 9, 12, 14, 99, 0x41, 0xFFFF, 0xFFFFFFFF, 2**31, 2**31 - 1]


def _zip_header(rng: np.random.Generator, data: bytes, members: Members, meta: Any) -> bytes:
    mutable = bytearray(data)
    signature, fields = [
        (b"PK\x03\x04", _LOCAL),
        (b"PK\x01\x02", _CENTRAL),
        (b"PK\x05\x06", _END),
    ][rng.integers(3)]
    starts = [i for i in range(len(data) - 4) if data[i : i + 4] == signature]
    start = starts[rng.integers(len(starts))]
    offset, layout = fields[rng.integers(len(fields))]
    limit = 0xFFFF if layout == "<H" else 0xFFFFFFFF
    value = int(rng.choice(_VALUES)) if rng.random() < 0.7 else int(rng.integers(limit))
    if offset == 6 and rng.random() < 0.5:  # the flags: encrypted, data descriptor, utf-8
        value = 1 << int(rng.choice([0, 3, 6, 11, 13]))
    struct.pack_into(layout, mutable, start + offset, min(value, limit))
    return bytes(mutable)


def _replace_in(value: Any, rng: np.random.Generator) -> Any:
    """``value`` (a JSON tree) with one node replaced by a hostile value, or deleted."""
    if isinstance(value, dict) and value and rng.random() < 0.8:
        key = list(value)[rng.integers(len(value))]
        copy = dict(value)
        if rng.random() < 0.1:
            del copy[key]
        else:
            copy[key] = _replace_in(value[key], rng)
        return copy
    if isinstance(value, list) and value and rng.random() < 0.8:
        index = rng.integers(len(value))
        return [*value[:index], _replace_in(value[index], rng), *value[index + 1 :]]
    return _HOSTILE[rng.integers(len(_HOSTILE))]


def _json(rng: np.random.Generator, data: bytes, members: Members, meta: Any) -> bytes:
    kind = rng.integers(5)
    if kind == 0:
        text = json.dumps(_replace_in(meta, rng))
    elif kind == 1:  # nested deeper than any parser's stack
        text = "[" * 100_000 + "]" * 100_000
    elif kind == 2:
        text = json.dumps(meta).replace('"seed": 2', '"seed": ' + "9" * 5000, 1)
    elif kind == 3:
        state = dict(meta["rng"], state={"state": 2**200, "inc": -1})
        text = json.dumps(dict(meta, rng=state))
    else:  # a corrupted character
        text = json.dumps(meta)
        position = rng.integers(len(text))
        text = text[:position] + chr(int(rng.integers(1, 0x2FF))) + text[position + 1 :]
    raw = np.frombuffer(text.encode("utf-8", "surrogatepass"), dtype=np.uint8)
    return _zip({**members, "model": _npy(raw)})


_HEADERS = [
    "{'descr': '<f8', 'fortran_order': False, 'shape': (4, 3), }",
    "{'descr': '<f8', 'fortran_order': True, 'shape': (4, 3), }",
    "{'descr': '<f4', 'fortran_order': False, 'shape': (4, 6), }",
    "{'descr': '|O', 'fortran_order': False, 'shape': (4, 3), }",
    "{'descr': '>f8', 'fortran_order': False, 'shape': (4, 3), }",
    "{'descr': '<c16', 'fortran_order': False, 'shape': (2, 3), }",
    "{'descr': '<i8', 'fortran_order': False, 'shape': (4, 3), }",
    "{'descr': '<f8', 'fortran_order': False, 'shape': (100000, 100000), }",
    "{'descr': '<f8', 'fortran_order': False, 'shape': (-4, -3), }",
    "{'descr': '<f8', 'fortran_order': False, 'shape': (12,), }",
    "{'descr': '<f8', 'shape': (4, 3), }",
    "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (4,), }",
    "__import__('os').system('touch pwned')",
    "{'descr': '<f8', 'fortran_order': False, 'shape': (" + "9" * 5000 + ", 3), }",
]


def _npy_header(rng: np.random.Generator, data: bytes, members: Members, meta: Any) -> bytes:
    names = sorted(members)
    name = names[rng.integers(len(names))]
    member = members[name]
    header_length = struct.unpack_from("<H", member, 8)[0]
    body = member[10 + header_length :]
    kind = rng.integers(4)
    if kind == 0:  # another header dictionary, same bytes
        header = _HEADERS[rng.integers(len(_HEADERS))].encode("latin1")
        header += b" " * (-(len(header) + 11) % 64) + b"\n"
        mutated = member[:8] + struct.pack("<H", len(header)) + header + body
    elif kind == 1:  # the version, or the header length field
        mutable = bytearray(member)
        position = int(rng.integers(6, 10))
        mutable[position] = int(rng.integers(256))
        mutated = bytes(mutable)
    elif kind == 2:  # data cut or doubled
        mutated = member[: rng.integers(len(member))] if rng.random() < 0.5 else member + body
    else:  # values that break invariants: NaN, inf, negative second moments
        array = np.load(io.BytesIO(member)).copy()
        if array.dtype.kind == "f" and array.size:
            array.flat[rng.integers(array.size)] = rng.choice([np.nan, np.inf, -1.0, -1e-30])
        mutated = _npy(array)
    return _zip({**members, name: mutated})


MUTATE: list[Callable[[np.random.Generator, bytes, Members, Any], bytes]] = [
    _raw_bytes,
    _zip_header,
    _json,
    _npy_header,
]


def _load_within_budget(path: Path) -> str:
    """Load ``path``: 'ok' or the ModelFileError's message; any other error fails the test."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        cr.load(path)
        outcome = "ok"
    except ModelFileError as error:
        message = str(error)
        assert "\n" not in message and len(message) <= 300, message[:400]
        assert str(path) in message
        outcome = message
    finally:
        elapsed = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert elapsed < SECONDS, f"load took {elapsed:.2f} s"
    assert peak < BYTES, f"load allocated {peak / 2**20:.0f} MB"
    return outcome


def test_every_mutation_of_a_model_file_is_a_model_file_error(original, tmp_path):
    data, members, meta = original
    rng = np.random.default_rng(14)
    path = tmp_path / "mutated.npz"
    outcomes: dict[str, int] = {}
    for number in range(MUTATIONS):
        mutate = MUTATE[number % len(MUTATE)]
        path.write_bytes(mutate(rng, data, members, meta))
        try:
            outcome = _load_within_budget(path)
        except Exception as error:
            raise AssertionError(f"mutation {number} ({mutate.__name__}): {error!r}") from error
        outcome = "ok" if outcome == "ok" else "refused"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    assert outcomes.get("refused", 0) > MUTATIONS // 2, outcomes


def test_a_zip_bomb_is_refused_by_its_header_before_it_is_inflated(original, tmp_path):
    # 400 MB of zeros, deflated to a few hundred kB, declared as parameter W1.
    _, members, _ = original
    path = tmp_path / "bomb.npz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, member in members.items():
            if name != "param.W1":
                archive.writestr(name + ".npy", member)
        with archive.open("param.W1.npy", "w", force_zip64=True) as stream:
            header = io.BytesIO()
            np.lib.format.write_array_header_1_0(
                header, {"descr": "<f8", "fortran_order": False, "shape": (5000, 10000)}
            )
            stream.write(header.getvalue())
            zeros = bytes(4_000_000)
            for _ in range(100):
                stream.write(zeros)
    assert path.stat().st_size < 5 * 2**20
    assert "parameter W1 is (5000, 10000) float64" in _load_within_budget(path)


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (lambda m: json.dumps(m).replace('"seed": 2', '"seed": ' + "9" * 5000), "description"),
        (lambda m: "[" * 100_000 + "]" * 100_000, "description"),
        (lambda m: json.dumps(dict(m, rng=dict(m["rng"], state={"state": 2**200}))), "random"),
        (lambda m: json.dumps(dict(m, init="x\n" * 10_000_000)), "the limit is"),
        (lambda m: json.dumps(dict(m, init="x\n" * 100_000)), "init"),
        (lambda m: json.dumps(dict(m, optimizer=dict(m["optimizer"], t=-1))), "optimizer"),
    ],
    ids=["5000-digit seed", "deep nesting", "rng 2**200", "20 MB", "long string", "negative t"],
)
def test_hostile_descriptions_give_one_short_line(original, tmp_path, mutate, expected):
    _, members, meta = original
    raw = np.frombuffer(mutate(meta).encode(), dtype=np.uint8)
    path = tmp_path / "hostile.npz"
    path.write_bytes(_zip({**members, "model": _npy(raw)}))
    assert expected in _load_within_budget(path)


@pytest.mark.parametrize("flag, method", [(0x1, None), (None, 99), (None, 14)])
def test_encrypted_or_unknown_compression_members_are_model_file_errors(
    original, tmp_path, flag, method
):
    data, _, _ = original
    mutable = bytearray(data)
    for signature, flags_at, method_at in ((b"PK\x03\x04", 6, 8), (b"PK\x01\x02", 8, 10)):
        start = data.index(signature)
        if flag is not None:
            struct.pack_into("<H", mutable, start + flags_at, flag)
        if method is not None:
            struct.pack_into("<H", mutable, start + method_at, method)
    path = tmp_path / "odd.npz"
    path.write_bytes(bytes(mutable))
    assert _load_within_budget(path) != "ok"


def test_a_negative_second_moment_is_refused_on_load(original, tmp_path):
    _, members, _ = original
    s_key = next(name for name in members if name.startswith("optimizer.") and name.endswith(".s"))
    s = np.load(io.BytesIO(members[s_key])).copy()
    s.flat[0] = -1e-3
    path = tmp_path / "negative.npz"
    path.write_bytes(_zip({**members, s_key: _npy(s)}))
    with pytest.raises(ModelFileError, match="negative values"):
        cr.load(path)
