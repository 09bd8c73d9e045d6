"""Writing reports: JSON for machines, a table on the terminal, Markdown with a chart for people."""

from __future__ import annotations

import json
import logging
import os
import platform
from pathlib import Path

log = logging.getLogger(__name__)

# The instruction sets that decide how fast the generator reads a prompt: speed figures mean little without them.
CPU_FLAGS = ("avx2", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16", "avx_vnni", "amx_tile",
             "amx_bf16", "amx_int8")


def cpu(cpuinfo: str = "/proc/cpuinfo") -> dict:
    """The CPU a timed run ran on: its model, the cores this process may use, the flags of `CPU_FLAGS` it has (None
    where /proc/cpuinfo cannot be read: unknown, not absent), and the load average when asked (the machine may be
    shared with other work, which slows the figures)."""
    try:
        lines = Path(cpuinfo).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        lines = None
    fields = {}
    for line in lines or []:
        key, _, value = line.partition(":")
        fields.setdefault(key.strip(), value.strip())
    flags = set(fields.get("flags", "").split())
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = os.getloadavg() if hasattr(os, "getloadavg") else ()
    return {"model": fields.get("model name") or platform.processor() or platform.machine(), "cores": cores,
            "flags": None if lines is None else [f for f in CPU_FLAGS if f in flags],
            "load_average": [round(x, 2) for x in load]}


def describe_cpu(info: dict) -> str:
    """One line for a report: 「AMD EPYC, 2 cores; flags avx2」."""
    if info["flags"] is None:
        flags = "flags unknown"
    else:
        flags = f"flags {' '.join(info['flags'])}" if info["flags"] else "no AVX2 or AVX-512 flags"
    return f"{info['model']}, {info['cores']} cores; {flags}"


def table(rows: dict[str, dict[str, float]], columns: list[str]) -> str:
    """A fixed-width text table: one row per name, one column per metric."""
    width = max([len(name) for name in rows] + [6])
    lines = [f"{'':<{width}}  " + "  ".join(f"{c:>9}" for c in columns)]
    for name, values in rows.items():
        cells = []
        for c in columns:
            v = values.get(c)
            cells.append(f"{v:>9.3f}" if isinstance(v, float) and "ms" not in c else f"{v!s:>9}")
        lines.append(f"{name:<{width}}  " + "  ".join(cells))
    return "\n".join(lines)


def markdown_table(rows: dict[str, dict[str, float]], columns: list[str]) -> str:
    lines = ["| | " + " | ".join(columns) + " |", "|---|" + "---|" * len(columns)]
    for name, values in rows.items():
        cells = [f"{values[c]:.3f}" if isinstance(values.get(c), float) and "ms" not in c else str(values.get(c, ""))
                 for c in columns]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


class RowLog:
    """Rows appended to a JSON-lines file as they are scored, so a long run that is cut off keeps what it did.

    The file is removed once the full report is written (`done`)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = self.path.open("w", encoding="utf-8")

    def __call__(self, row: dict) -> None:
        self._file.write(json.dumps(row, ensure_ascii=False) + "\n")
        self._file.flush()

    def done(self) -> None:
        self._file.close()
        self.path.unlink(missing_ok=True)


def write_json(report: dict, out: str | Path) -> Path:
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def bar_chart(values: dict[str, float], title: str, out: Path, targets: dict[str, float] | None = None,
              seconds: dict[str, float] | None = None, second_targets: dict[str, float] | None = None) -> Path | None:
    """Horizontal bars of 0..1 figures, and beside them of latencies in seconds (`seconds`), with optional target
    marks; None when matplotlib is missing."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        log.warning("matplotlib is not installed: no chart written")
        return None
    panels = [(values, targets, 1.1, "{:.2f}")] + ([(seconds, second_targets, None, "{:.1f} s")] if seconds else [])
    rows = max(len(v) for v, *_ in panels)
    fig, axes = plt.subplots(1, len(panels), figsize=(7 * len(panels), 0.5 * rows + 1.4), squeeze=False)
    for ax, (figures, marks, limit, label) in zip(axes[0], panels):
        names = list(figures)
        bars = ax.barh(names, [figures[n] for n in names], color="#4c78a8")
        top = limit or max(list(figures.values()) + list((marks or {}).values()) + [1.0]) * 1.25
        for bar, name in zip(bars, names):
            ax.text(bar.get_width() + top * 0.01, bar.get_y() + bar.get_height() / 2, label.format(figures[name]),
                    va="center")
            if marks and name in marks:
                y = bar.get_y()
                ax.plot([marks[name]] * 2, [y, y + bar.get_height()], color="#e45756", linewidth=2)
        ax.set_xlim(0, top)
        ax.invert_yaxis()
    fig.suptitle(title + ("  (red: target)" if targets or second_targets else ""))
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out
