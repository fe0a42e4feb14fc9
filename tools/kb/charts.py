"""Charts drawn at build time as static SVG, each with its figures as a table (the text alternative)."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

from . import facets
from .model import Entry
from .vocab import get as vocab

FONT = "font-family=\"system-ui, sans-serif\" font-size=\"12\""


@dataclass(frozen=True)
class Chart:
    file: str
    title: str
    alt: str
    header: tuple[str, ...]
    rows: tuple[tuple, ...]
    svg: str


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" role="img" aria-labelledby="t"><title id="t">{escape(title)}</title>'
            + "".join(body) + "</svg>\n")


def bar_chart(file: str, title: str, label: str, counts: list[tuple[str, int]]) -> Chart:
    """Horizontal bars, one per label."""
    width, left, row = 640, 230, 22
    top = 10
    most = max((c for _, c in counts), default=1) or 1
    body = []
    for i, (name, count) in enumerate(counts):
        y = top + i * row
        w = round((width - left - 50) * count / most)
        body.append(f'<text x="{left - 8}" y="{y + 15}" text-anchor="end" {FONT}>{escape(name)}</text>'
                    f'<rect x="{left}" y="{y + 3}" width="{w}" height="{row - 6}" fill="#3f51b5"/>'
                    f'<text x="{left + w + 6}" y="{y + 15}" {FONT}>{count}</text>')
    height = top * 2 + row * max(len(counts), 1)
    alt = f"{title}: " + "; ".join(f"{n} {c}" for n, c in counts)
    return Chart(file, title, alt, (label, "Entries"), tuple(counts), _svg(width, height, title, body))


def column_chart(file: str, title: str, counts: list[tuple[str, int]]) -> Chart:
    """Vertical columns, one per year."""
    width, height, bottom, left = 640, 220, 30, 30
    most = max((c for _, c in counts), default=1) or 1
    step = (width - left - 10) / max(len(counts), 1)
    body = []
    for i, (name, count) in enumerate(counts):
        h = round((height - bottom - 20) * count / most)
        x = left + i * step
        body.append(f'<rect x="{x + 1:.1f}" y="{height - bottom - h}" width="{max(step - 2, 1):.1f}" height="{h}" '
                    f'fill="#3f51b5"><title>{escape(name)}: {count}</title></rect>')
        if len(counts) <= 20 or i % 5 == 0:
            body.append(f'<text x="{x + step / 2:.1f}" y="{height - bottom + 14}" text-anchor="middle" '
                        f'{FONT}>{escape(name)}</text>')
    body.append(f'<text x="4" y="14" {FONT}>{most}</text>')
    alt = f"{title}: " + "; ".join(f"{n} {c}" for n, c in counts)
    return Chart(file, title, alt, ("Year", "Entries"), tuple(counts), _svg(width, height, title, body))


def matrix_chart(file: str, title: str, rows: list[str], cols: list[str], cells: dict[tuple[str, str], int]) -> Chart:
    left, top, cw, ch = 210, 120, 56, 22
    width, height = left + cw * len(cols) + 110, top + ch * len(rows) + 10  # room for the slanted labels
    most = max(cells.values(), default=1) or 1
    body = []
    for j, col in enumerate(cols):
        x = left + j * cw + cw / 2
        body.append(f'<text transform="translate({x:.0f},{top - 6}) rotate(-45)" {FONT}>{escape(col)}</text>')
    for i, row in enumerate(rows):
        y = top + i * ch
        body.append(f'<text x="{left - 8}" y="{y + 15}" text-anchor="end" {FONT}>{escape(row)}</text>')
        for j, col in enumerate(cols):
            n = cells.get((row, col), 0)
            shade = 0.08 + 0.92 * n / most if n else 0
            body.append(f'<rect x="{left + j * cw}" y="{y}" width="{cw - 2}" height="{ch - 2}" '
                        f'fill="#3f51b5" fill-opacity="{shade:.2f}" stroke="#ccc"/>')
            if n:
                colour = "#fff" if shade > 0.5 else "#000"
                body.append(f'<text x="{left + j * cw + cw / 2 - 1:.0f}" y="{y + 15}" text-anchor="middle" '
                            f'fill="{colour}" {FONT}>{n}</text>')
    table = tuple((r,) + tuple(cells.get((r, c), 0) for c in cols) for r in rows)
    alt = f"{title}. The same figures are in the table below."
    return Chart(file, title, alt, ("Theme",) + tuple(cols), table, _svg(width, height, title, body))


def all_charts(entries: list[Entry]) -> list[Chart]:
    themes = facets.facet("theme")
    by_theme = [(themes.label_of(k), len(v)) for k, v in themes.index(entries).items()]
    years = facets.facet("year").index(entries)
    by_year = [(k, len(v)) for k, v in years.items()]
    theme_vocab, form_vocab = vocab("themes"), vocab("assistance_forms")
    cells: dict[tuple[str, str], int] = {}
    for e in entries:
        for t in e.themes:
            for f in e.assistance_forms:
                key = (theme_vocab.label_of(t), form_vocab.label_of(f))
                cells[key] = cells.get(key, 0) + 1
    row_labels = [t.label for k, t in theme_vocab.terms.items() if any(k in e.themes for e in entries)]
    col_labels = [t.label for k, t in form_vocab.terms.items() if any(k in e.assistance_forms for e in entries)]
    return [
        bar_chart("entries-by-theme.svg", "Entries by theme", "Theme", by_theme),
        column_chart("entries-by-year.svg", "Entries active in each year", by_year),
        matrix_chart("theme-by-form.svg", "Themes by form of assistance", row_labels, col_labels, cells),
    ]
