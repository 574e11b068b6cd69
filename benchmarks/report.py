"""The benchmark's report: the machine, the table with the goals marked, the chart."""

from __future__ import annotations

import os
import platform
from pathlib import Path
from typing import Any

import numpy as np

import chainrule as cr

#: Goals every grid point shares: a fit on course-layout X at most 5% slower than on
#: rows.T, and a fit's peak memory at most 1.2 × lean torch's.
LAYOUT_GOAL = 1.05
MEMORY_GOAL = 1.2


def blas_threads() -> tuple[int, list[dict[str, Any]]]:
    """NumPy's BLAS thread count and threadpoolctl's description of the loaded pools."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return os.cpu_count() or 1, []
    info = threadpool_info()
    numpy_blas = [p for p in info if p["user_api"] == "blas" and "numpy" in p["filepath"]]
    threads = numpy_blas[0]["num_threads"] if numpy_blas else os.cpu_count() or 1
    return threads, info


def environment() -> dict[str, Any]:
    import sklearn
    import torch

    threads, pools = blas_threads()
    cpu = platform.processor()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [
            ln.split(":", 1)[1].strip()
            for ln in cpuinfo.read_text().splitlines()
            if ln.startswith("model name")
        ]
        cpu = names[0] if names else cpu
    return {
        "machine": f"{cpu}, {os.cpu_count()} logical CPUs, {platform.system()} "
        f"{platform.release()}",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": torch.__version__,
        "sklearn": sklearn.__version__,
        "chainrule": cr.__version__,
        "blas_threads": threads,
        "torch_threads": torch.get_num_threads(),
        "blas": [
            {
                k: p.get(k)
                for k in ("internal_api", "version", "architecture", "num_threads", "filepath")
            }
            # NumPy's first: the one chainrule's products run on
            for p in sorted(pools, key=lambda p: "numpy" not in p["filepath"])
            if p["user_api"] == "blas"
        ],
        "openblas_env": {k: v for k, v in os.environ.items() if k.startswith("OPENBLAS")},
        "load_average": os.getloadavg(),
    }


def headline(env: dict[str, Any]) -> str:
    blas = env["blas"][0] if env["blas"] else {}
    return (
        f"{env['machine']}; numpy {env['numpy']} ({blas.get('internal_api', '?')} "
        f"{blas.get('version', '')} {blas.get('architecture', '')}), torch {env['torch']}, "
        f"sklearn {env['sklearn']}; BLAS threads {env['blas_threads']}, torch threads "
        f"{env['torch_threads']}; load average {env['load_average'][0]:.2f}"
        + (f"; {env['openblas_env']}" if env["openblas_env"] else "")
    )


def mark(ratio: float | None, goal: float | None) -> str:
    """The ratio with ✓ or ✗ beside it when it has a goal."""
    if ratio is None:
        return "-"
    if goal is None:
        return f"{ratio:.2f}  "
    return f"{ratio:.2f} {'✓' if ratio <= goal else '✗'}"


COLUMNS = (
    ("grid point", 34),
    ("cr 5ep", 9),
    ("lean 5ep", 9),
    ("cr/lean", 8),
    ("(1 ep)", 6),
    ("course/rows", 11),
    ("cr/nn.Seq", 9),
    ("cr/MLP", 7),
    ("cr epoch", 9),
    ("floor", 8),
    ("cr/floor", 8),
    ("lean/floor", 10),
    ("mem cr/lean", 22),
    ("rows/lean", 9),
    ("ΔJ", 7),
)


def row(r: dict[str, Any]) -> str:
    goals, ratio, t = r["goals"], r["ratio"], r["median"]
    memory = r.get("memory")
    mem = rows_mem = "-"
    if memory:
        rows_mem = mark(memory["chainrule_rows"] / max(memory["lean"], 1), MEMORY_GOAL)
        used = f"{memory['chainrule'] / 1024:.1f}/{memory['lean'] / 1024:.1f}M"
        mem = f"{used} {mark(memory['ratio_lean'], MEMORY_GOAL)}"
    J = r["cost_after"]
    cells = [
        r["label"],
        f"{t['chainrule/5'] * 1e3:.1f}ms",
        f"{t['lean/5'] * 1e3:.1f}ms",
        mark(ratio["lean"], goals["lean"]),
        f"{ratio['lean_1']:.2f}",
        mark(ratio["layout"], LAYOUT_GOAL),
        f"{ratio['torch']:.2f}",
        f"{ratio['sklearn']:.2f}",
        f"{r['epoch']['chainrule'] * 1e3:.1f}ms",
        f"{r['floor'] * 1e3:.1f}ms",
        mark(ratio["floor"], goals["floor"]),
        f"{ratio['lean_floor']:.2f}",
        mem,
        rows_mem,
        f"{max(J.values()) - min(J.values()):.0e}",
    ]
    return " ".join(
        f"{c:<{w}}" if i == 0 else f"{c:>{w}}"
        for i, (c, (_, w)) in enumerate(zip(cells, COLUMNS, strict=True))
    )


def table(results: list[dict[str, Any]]) -> str:
    header = " ".join(
        f"{name:<{w}}" if i == 0 else f"{name:>{w}}" for i, (name, w) in enumerate(COLUMNS)
    )
    return "\n".join([header, "-" * len(header), *(row(r) for r in results)])


LEGEND = """\
cr = chainrule.fit on course-layout X (C-contiguous (n_x, m)); lean = the lean torch loop.
cr 5ep, lean 5ep: whole 5-epoch fits; cr/lean: their ratio (goal marked), (1 ep): of 1-epoch fits.
course/rows: chainrule's 5-epoch fit on course-layout X / on rows.T (goal ≤ 1.05).
cr/nn.Seq, cr/MLP: 1-epoch fits against nn.Sequential torch and scikit-learn's MLPClassifier.
cr epoch: (5-epoch fit − 1-epoch fit) / 4; floor: the epoch's GEMMs + optimizer updates alone.
mem: the peak a 1-epoch fit adds to the resident set, cr (course X) / lean torch (goal ≤ 1.2);
rows/lean: the same ratio for chainrule on rows.T.
ΔJ: the spread of the costs J after one epoch over the peers (float32 rounding).
All times: medians of the interleaved runs."""


def chart(results: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series = {
        "chainrule / lean torch (5 epochs)": ("lean", "tab:orange"),
        "chainrule / nn.Sequential torch (1 epoch)": ("torch", "tab:red"),
        "chainrule / MLPClassifier (1 epoch)": ("sklearn", "tab:blue"),
        "chainrule epoch / floor": ("floor", "tab:gray"),
    }
    x = np.arange(len(results))
    fig, ax = plt.subplots(figsize=(max(8, 0.9 * len(results) + 3), 5.5))
    width = 0.2
    for i, (label, (key, color)) in enumerate(series.items()):
        ax.bar(
            x + (i - 1.5) * width,
            [r["ratio"][key] for r in results],
            width,
            label=label,
            color=color,
        )
    ax.axhline(1.0, color="black", linewidth=0.8, linestyle="--")
    ax.set_yscale("log")
    ax.set_xticks(x)
    ax.set_xticklabels([r["label"] for r in results], rotation=35, ha="right", fontsize=8)
    ax.set_ylabel("chainrule's time / the peer's (log scale)")
    ax.set_title("Below 1: chainrule faster. float32, same weights and batch sizes, medians")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
