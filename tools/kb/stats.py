"""Where the knowledge base is thin: counts by facet, combinations with no entry, entries due for review."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass

from . import facets
from .model import Entry
from .vocab import get as vocab

REVIEW_AFTER_DAYS = 730  # an entry not checked against its sources for two years needs review


@dataclass(frozen=True)
class Stats:
    total: int
    counts: dict[str, list[tuple[str, str, int]]]  # facet -> [(key, label, count)], every term listed
    gaps: list[tuple[str, str]]  # (theme label, form label) with no entry
    stale: list[tuple[Entry, int]]  # entries and their age in days, oldest first


def compute(entries: list[Entry], today: dt.date | None = None, review_after: int = REVIEW_AFTER_DAYS) -> Stats:
    today = today or dt.date.today()
    counts = {}
    for name in ("theme", "form", "modality", "type"):
        f = facets.facet(name)
        index = f.index(entries)
        rows = [(k, t.label, len(index.get(k, []))) for k, t in vocab(f.vocab).terms.items()]
        counts[name] = sorted(rows, key=lambda r: (r[2], r[1]))
    country_index = facets.facet("country").index(entries)
    counts["country"] = sorted(((k, facets.country_name(k), len(v)) for k, v in country_index.items()),
                               key=lambda r: (r[2], r[1]))
    counts["region"] = [(k, k, len(v)) for k, v in facets.facet("region").index(entries).items()]
    pairs = {(t, f) for e in entries for t in e.themes for f in e.assistance_forms}
    themes, forms = vocab("themes"), vocab("assistance_forms")
    gaps = [(themes.label_of(t), forms.label_of(f)) for t in themes.terms for f in forms.terms if (t, f) not in pairs]
    stale = []
    for e in entries:
        age = (today - dt.date.fromisoformat(e.last_reviewed)).days
        if age > review_after:
            stale.append((e, age))
    stale.sort(key=lambda pair: (-pair[1], pair[0].id))
    return Stats(len(entries), counts, gaps, stale)


def _table(header: tuple[str, ...], rows) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return out


def _md(text: str) -> str:
    """Text for a Markdown table cell: one line, HTML escaped, Markdown's own characters escaped."""
    flat = html.escape(" ".join(text.split()), quote=False)
    return "".join("\\" + c if c in "\\`*_{}[]()#+!|" else c for c in flat)


def render_needed_page(s: Stats) -> str:
    lines = ["# Where entries are needed", "",
             f"The knowledge base has {s.total} entries. The lists below show where it is thin, fewest first, "
             "so contributors can see what is missing. `kb stats` prints the same figures.", ""]
    for name, title in (("theme", "Themes"), ("form", "Forms of assistance"), ("modality", "Modalities"),
                        ("type", "Entry types"), ("region", "Regions"), ("country", "Countries")):
        lines += [f"## {title}", ""] + _table((title[:-1] if title != "Countries" else "Country", "Entries"),
                                             [(_md(label), n) for _, label, n in s.counts[name]]) + [""]
    lines += ["## Theme and form of assistance with no entry", "",
              f"{len(s.gaps)} combinations of a theme and a form of assistance have no entry yet.", ""]
    lines += _table(("Theme", "Form of assistance"), [(_md(a), _md(b)) for a, b in s.gaps]) + [""]
    return "\n".join(lines) + "\n"


def render_review_page(s: Stats, review_after: int = REVIEW_AFTER_DAYS) -> str:
    lines = ["# Entries that need review", "",
             f"Entries whose `last_reviewed` date is more than {review_after} days old should be checked against "
             "their sources again (facts change: deadlines, completions, funding).", ""]
    if not s.stale:
        lines.append("Every entry has been reviewed recently.")
    else:
        lines += _table(("Entry", "Last reviewed", "Days ago"),
                        [(f"[{_md(e.title)}](entries/{e.id}.md)", e.last_reviewed, age) for e, age in s.stale])
    return "\n".join(lines) + "\n"


def render_stats_pages(entries: list[Entry], today: dt.date | None = None) -> dict[str, str]:
    s = compute(entries, today)
    return {"where-entries-are-needed.md": render_needed_page(s), "needs-review.md": render_review_page(s)}


def as_text(s: Stats) -> str:
    lines = [f"{s.total} entries.", ""]
    for name, title in (("theme", "Themes"), ("form", "Forms of assistance"), ("modality", "Modalities"),
                        ("type", "Types"), ("region", "Regions"), ("country", "Countries")):
        lines.append(f"{title} (fewest first):")
        lines += [f"  {n:4d}  {label}" for _, label, n in s.counts[name]]
        lines.append("")
    lines.append(f"Theme and form of assistance with no entry ({len(s.gaps)}):")
    lines += [f"  {theme} / {form}" for theme, form in s.gaps]
    lines.append("")
    lines.append(f"Entries due for review ({len(s.stale)}):")
    lines += [f"  {e.id} (last reviewed {e.last_reviewed}, {age} days ago)" for e, age in s.stale]
    return "\n".join(lines) + "\n"
