"""Tables (CSV files, Markdown and HTML tables) as text that reads row by row.

A table row alone (「| 渋谷店 | 48 |」) says nothing: its meaning is in the header. So each row becomes one line that
names every cell by its column, 「店舗名: 渋谷店、席数: 48。」, ending like a sentence: the sentence splitter, the
chunker and the evidence ranker then take a row whole, never cut mid-row, and the model reads which figure is
which.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence

from .japanese import FIGURE, column_unit, fold_width

# Sentence ends inside a cell would split its row; inside a cell they become a plain full stop.
_CELL_SENTENCE_END = re.compile(r"[。！？!?](?=.)")
_MARKDOWN_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?$")


def _cell(text: str) -> str:
    text = " ".join(str(text).split())
    return _CELL_SENTENCE_END.sub(".", text).rstrip("。.")


def _counted(value: str, unit: str) -> str:
    """A bare figure with the unit its column names (「52」 in 「席数」 reads 「52席」): a value read alone, as
    evidence or as an answer, keeps what it counts."""
    return f"{value}{unit}" if unit and FIGURE.fullmatch(fold_width(value)) else value


def render_rows(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """One line per row: 「列名: 値、列名: 値。」; empty cells are left out, a row wider than the header keeps its
    extra cells unnamed, a table without a header names no cells, and a bare figure gets the unit its column's
    name gives (`column_unit`)."""
    names = [_cell(h) for h in header]
    units = [column_unit(name) for name in names]
    lines = []
    for row in rows:
        cells = [_counted(_cell(c), units[i]) if i < len(units) else _cell(c) for i, c in enumerate(row)]
        if not any(cells):
            continue
        parts = [f"{names[i]}: {c}" if i < len(names) and names[i] else c for i, c in enumerate(cells) if c]
        lines.append("、".join(parts) + "。")
    return lines


def csv_to_text(text: str) -> str:
    """A CSV file (first row the header; comma, tab or semicolon separated) as one line per row."""
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    rows = [row for row in csv.reader(io.StringIO(text), dialect) if any(c.strip() for c in row)]
    if not rows:
        return ""
    return "\n".join(render_rows(rows[0], rows[1:]))


def _markdown_cells(line: str) -> list[str]:
    line = line.strip().removeprefix("|").removesuffix("|")
    return [c.strip() for c in re.split(r"(?<!\\)\|", line)]


def markdown_tables_to_text(text: str) -> str:
    """`text` with every Markdown table (a header row, a |---| separator row, body rows) as one line per row;
    the rest of the text unchanged."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        if (i + 1 < len(lines) and "|" in lines[i] and _MARKDOWN_SEPARATOR.match(lines[i + 1].strip())):
            header = _markdown_cells(lines[i])
            body = []
            i += 2
            while i < len(lines) and "|" in lines[i] and lines[i].strip():
                body.append(_markdown_cells(lines[i]))
                i += 1
            out.extend(render_rows(header, body))
            continue
        out.append(lines[i])
        i += 1
    return "\n".join(out)


def spread_spans(rows: Sequence[Sequence[tuple[str, bool, int, int]]]) -> list[list[tuple[str, bool]]]:
    """An HTML table's rows of (cell text, is a <th>, rowspan, colspan) as a grid, each cell at its column: a cell
    spanning rows stands in each of them (「カフェラテ」 over its R and L rows), so no later cell shifts into its column.
    A cell spanning columns stands in the first, the others left empty: 「セット割引」 over メニュー and サイズ is one
    value, not two, and a section heading over a whole row (「ドリンク」) names no column twice."""
    grid: list[list[tuple[str, bool]]] = []
    below: dict[int, tuple[str, bool, int]] = {}  # column -> (text, is_head, rows still to fill) from a rowspan above
    for row in rows:
        out: list[tuple[str, bool]] = []
        for text, is_head, rowspan, colspan in row:
            _fill_from_above(out, below)
            for offset in range(max(colspan, 1)):
                cell = (text, is_head) if offset == 0 else ("", is_head)
                if rowspan > 1:
                    below[len(out)] = (*cell, rowspan - 1)
                out.append(cell)
        _fill_from_above(out, below)
        grid.append(out)
    return grid


def _fill_from_above(out: list[tuple[str, bool]], below: dict[int, tuple[str, bool, int]]) -> None:
    """Cells of rowspans from the rows above, placed at the row's next columns while they stand there."""
    while (column := len(out)) in below:
        text, is_head, left = below.pop(column)
        out.append((text, is_head))
        if left > 1:
            below[column] = (text, is_head, left - 1)


def html_table_to_text(rows: Sequence[Sequence[tuple[str, bool]]]) -> str:
    """An HTML table given as rows of (cell text, is a <th>) as one line per row (`spread_spans` places spanning
    cells first). The first row is the header when it is all <th> cells, or when the table has no <th> at all (a
    plain grid names its columns first); a table whose first column is <th> (a specification sheet: 「重さ | 1.2kg」)
    reads as name: value per row."""
    rows = [row for row in rows if any(text.strip() for text, _ in row)]
    if not rows:
        return ""
    if all(is_head for _, is_head in rows[0]) and len(rows) > 1:
        return "\n".join(render_rows([t for t, _ in rows[0]], [[t for t, _ in r] for r in rows[1:]]))
    if all(len(r) == 2 and r[0][1] for r in rows):
        return "\n".join(f"{_cell(r[0][0])}: {_counted(_cell(r[1][0]), column_unit(_cell(r[0][0])))}。"
                         for r in rows if _cell(r[1][0]))
    if not any(is_head for row in rows for _, is_head in row) and len(rows) > 1:
        return "\n".join(render_rows([t for t, _ in rows[0]], [[t for t, _ in r] for r in rows[1:]]))
    return "\n".join(render_rows([], [[t for t, _ in r] for r in rows]))


# A cell of a row line as `render_rows` writes it: its column's name, 「: 」, its value up to the next named cell
# (a value holds no 。: `_cell` made those plain stops).
_ROW_CELL = re.compile(r"([^、:：。]+): ([^。]*?)(?=、[^、:：。]+: |。?$)")


def row_cells(line: str) -> list[tuple[str, str]]:
    """The (column name, value) cells of a row line (「店舗名: 空港店、席数: 52席。」), [] for a line that is not
    one: a row names every cell, so the line must be cells from its start to its end."""
    line = line.strip()
    cells, position = [], 0
    for match in _ROW_CELL.finditer(line):
        if match.start() != position:
            return []
        cells.append((match[1].strip(), match[2].strip()))
        position = match.end() + 1  # past the 、 between cells
    return cells if len(cells) > 1 and position >= len(line) else []
