"""``chainrule.inspect``: per-layer statistics, kept under the name users import.

The code lives in :mod:`chainrule.tools.inspection`.
"""

from chainrule.tools.inspection import (
    Inspection,
    LayerStats,
    Recorder,
    dead_share,
    inspect_network,
    layer_stats,
    saturated_share,
    stats_table,
)

__all__ = [
    "Inspection",
    "LayerStats",
    "Recorder",
    "dead_share",
    "inspect_network",
    "layer_stats",
    "saturated_share",
    "stats_table",
]
