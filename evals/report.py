"""Writing reports: JSON for machines, a table on the terminal, Markdown with a chart for people."""

from __future__ import annotations

import json
import logging
from pathlib import Path

log = logging.getLogger(__name__)


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


def bar_chart(values: dict[str, float], title: str, out: Path, targets: dict[str, float] | None = None) -> Path | None:
    """A horizontal bar chart of 0..1 figures with optional target marks; None when matplotlib is missing."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        log.warning("matplotlib is not installed: no chart written")
        return None
    names = list(values)
    fig, ax = plt.subplots(figsize=(7, 0.5 * len(names) + 1.2))
    bars = ax.barh(names, [values[n] for n in names], color="#4c78a8")
    for bar, name in zip(bars, names):
        ax.text(bar.get_width() + 0.01, bar.get_y() + bar.get_height() / 2, f"{values[name]:.2f}", va="center")
        if targets and name in targets:
            y = bar.get_y()
            ax.plot([targets[name]] * 2, [y, y + bar.get_height()], color="#e45756", linewidth=2)
    ax.set_xlim(0, 1.1)
    ax.invert_yaxis()
    ax.set_title(title + ("  (red: target)" if targets else ""))
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out
