"""How long derive takes per pair: cold (SymPy at work) and cached (lru_cache).

Run with ``python benchmarks/derive_bench.py``. Aims: under 2 s cold, under
1 ms cached, for every activation × loss of the catalog. Prints only.
"""

from __future__ import annotations

import time

import chainrule as cr
from chainrule.functions import activations, losses

CACHED_REPEATS = 1000


def main() -> None:
    import sympy  # noqa: F401  (imported once up front, so the first pair is not charged for it)

    # A fresh process: derive's cache starts empty, so the first call of each pair is cold.
    rows = []
    for loss_name in losses.names():
        for activation_name in activations.names():
            start = time.perf_counter()
            cr.derive(loss_name, activation_name)
            cold = time.perf_counter() - start
            start = time.perf_counter()
            for _ in range(CACHED_REPEATS):
                cr.derive(loss_name, activation_name)
            cached = (time.perf_counter() - start) / CACHED_REPEATS
            rows.append((loss_name, activation_name, cold, cached))

    print(f"{'loss':<9}{'activation':<12}{'cold (s)':>10}{'cached (µs)':>13}")
    for loss_name, activation_name, cold, cached in rows:
        print(f"{loss_name:<9}{activation_name:<12}{cold:>10.3f}{cached * 1e6:>13.1f}")
    colds, cacheds = [r[2] for r in rows], [r[3] for r in rows]
    print(
        f"\n{len(rows)} pairs: cold total {sum(colds):.1f} s, worst {max(colds):.3f} s "
        f"(aim < 2 s); cached worst {max(cacheds) * 1e6:.1f} µs (aim < 1000 µs)"
    )
    slowest = max(rows, key=lambda r: r[2])
    print(f"slowest cold pair: {slowest[0]} + {slowest[1]}")


if __name__ == "__main__":
    main()
