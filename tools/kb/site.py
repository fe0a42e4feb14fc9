"""Entries -> the site's generated pages as {path under docs/: text}; writing only what changed.

Everything that comes from an entry goes through Jinja2 with autoescaping, inside raw HTML blocks
(so Markdown never interprets entry text), and then through nh3 with an allow-list: entry text can
never become markup, and links come only from `sources` (validation allows http and https there;
the sanitiser also lets mailto through, for the project's own pages).
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
import nh3
from markupsafe import Markup

from . import charts, exports, facets, fsutil, matching, reference, schema, sitesearch, stats
from .model import Entry
from .vocab import get as vocab

# Where the generator writes under docs/ (ignored by git; copies of the repository leave them out).
GENERATED = (".kb-generated.json", "index.md", "search.md", "contributing.md", "where-entries-are-needed.md", "needs-review.md",
             "feed.xml", "entries", "browse", "reference", "data", "schema", "charts", "search", "needs")

_TAGS = {"div", "p", "h1", "h2", "h3", "a", "ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tr",
         "th", "td", "strong", "em", "cite", "code", "span", "figure", "figcaption", "img", "details", "summary",
         "form", "label", "input", "button", "select", "option", "mark", "br", "section", "nav"}
_ATTRS = {"*": {"class", "id", "role", "hidden"}, "a": {"href", "rel"}, "img": {"src", "alt", "width", "height"},
          "form": {"action", "method"}, "label": {"for"},
          "input": {"name", "type", "placeholder", "value", "autocomplete", "aria-label"},
          "select": {"name", "aria-label", "multiple"}, "option": {"value", "selected"}, "button": {"type"},
          "th": {"scope"}, "td": {"colspan"}}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitise(fragment: str) -> str:
    """Defence in depth behind autoescaping: only allow-listed tags, attributes and URL schemes."""
    return nh3.clean(fragment, tags=_TAGS, attributes=_ATTRS, url_schemes=URL_SCHEMES, link_rel=None,
                     strip_comments=True)


def safe_url(url: str | None) -> str | None:
    if not url:
        return None
    return url if urlsplit(url).scheme in URL_SCHEMES else None


@dataclass(frozen=True)
class SiteConfig:
    edit_base: str = ""  # e.g. https://github.com/ORG/REPO/edit/main/ ; empty: show the path only
    site_name: str = "CCM Cooperation and Assistance Knowledge Base"
    newest: int = 10


def one_line(value):
    """Every value printed into a page is put on one line: each raw HTML block of a generated page
    stays a single line, so Markdown can never read entry text as Markdown (a blank line inside a
    value would end the block and turn `[x](javascript:...)` into a link)."""
    if isinstance(value, str):
        flat = " ".join(value.split())
        return Markup(flat) if isinstance(value, Markup) else flat
    return value


def _env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("kb", "templates"), autoescape=True,
                             keep_trailing_newline=True, undefined=jinja2.StrictUndefined, finalize=one_line)
    env.globals.update(label=lambda name, key: vocab(name).label_of(key), country_name=facets.country_name,
                       slug=facets.slug, safe_url=safe_url, searchable=sitesearch.FACETS)
    env.filters["capitalize_first"] = lambda text: text[:1].upper() + text[1:]
    return env


def page_title(title: str) -> str:
    """Front-matter title: MkDocs puts it into <title> unescaped, so escape it here, then quote it."""
    return Markup(json.dumps(html.escape(title), ensure_ascii=False))


def _paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]


def _clean_blocks(markdown: str) -> str:
    """Sanitise each raw HTML block of a generated page (the lines starting with '<')."""
    out = []
    for line in markdown.split("\n"):
        out.append(sanitise(line) if line.startswith("<") else line)
    return "\n".join(out)


def _period(entry: Entry) -> str:
    p = entry.period
    if p.end is None:
        return f"{p.start} – ongoing"
    return str(p.start) if p.end == p.start else f"{p.start}–{p.end}"


def render_entry_page(entry: Entry, by_id: dict[str, Entry], similar: Callable[[str], list[str]],
                      config: SiteConfig, env: jinja2.Environment) -> str:
    up = "../"
    term = lambda f, key: (f"{up}browse/{f}/{facets.slug(key)}.html", facets.facet(f).label_of(key))  # noqa: E731
    details = [
        ("Themes", [term("theme", k) for k in entry.themes]),
        ("Forms of assistance", [term("form", k) for k in entry.assistance_forms]),
        ("Modality", [term("modality", k) for k in entry.modality]),
        ("Countries", [term("country", c) for c in entry.countries] or [(None, "Global")]),
        ("Period", [(None, _period(entry))]),
    ]
    if entry.ccm_articles:
        details.append(("CCM articles", [term("article", a) for a in entry.ccm_articles]))
    if entry.action_plan_refs:
        keys = [facets.plan_ref_key(r.plan, r.action, r.section) for r in entry.action_plan_refs]
        details.append(("Action plans", [term("action", k) for k in keys]))
    related_ids = [r for r in entry.related if r in by_id]
    related_are_similar = not related_ids
    if related_are_similar:
        related_ids = [r for r in similar(entry.id) if r in by_id][:5]
    sections = [(h, t) for h, t in (("Context", entry.context), ("What was done", entry.practice),
                                     ("Results", entry.results)) if t]
    statements = [(h, s) for h, s in (("Lessons", entry.lessons), ("Recommendations", entry.recommendations)) if s]
    citation = (f"“{entry.title}”. {config.site_name}, entry {entry.id}, last reviewed {entry.last_reviewed}. "
                f"Sources as listed in the entry.")
    text = env.get_template("entry.md.j2").render(
        entry=entry, up=up, page_title=page_title(entry.title), period=_period(entry),
        sections=sections, statements=statements, details=details, paragraphs=_paragraphs,
        related=[by_id[r] for r in related_ids], related_are_similar=related_are_similar,
        title_of=lambda i: by_id[i].title if i in by_id else i, citation=citation,
        edit_url=(config.edit_base + entry.path) if config.edit_base else "",
        need=entry.need, offer=entry.offer)
    return _clean_blocks(text)


def render_browse_pages(entries: list[Entry], env: jinja2.Environment) -> dict[str, str]:
    pages = {}
    facet_counts = []
    for f in facets.all_facets():
        groups = f.index(entries)
        facet_counts.append((f, len(groups)))
        terms = [(k, f.label_of(k), len(v)) for k, v in groups.items()]
        pages[f"browse/{f.name}.md"] = _clean_blocks(env.get_template("browse_facet.md.j2").render(
            facet=f, terms=terms))
        definitions = _definitions(f)
        for key, members in groups.items():
            label = f.label_of(key)
            pages[f"browse/{f.name}/{facets.slug(key)}.md"] = _clean_blocks(env.get_template("browse_term.md.j2").render(
                facet=f, key=key, term_label=label, page_title=page_title(f"{f.label}: {label}"),
                definition=definitions.get(key, ""), entries=members, up="../../"))
    chart_list = charts.all_charts(entries)
    pages["browse/index.md"] = _clean_blocks(env.get_template("browse_index.md.j2").render(
        facets=facet_counts, total=len(entries), charts=chart_list))
    for chart in chart_list:
        pages[f"charts/{chart.file}"] = chart.svg
    return pages


def _definitions(f: facets.Facet) -> dict[str, str]:
    return {k: t.definition for k, t in vocab(f.vocab).terms.items()} if f.vocab else {}


def render_home(entries: list[Entry], config: SiteConfig, env: jinja2.Environment) -> str:
    newest = sorted(entries, key=lambda e: (e.last_reviewed, e.id), reverse=True)[:config.newest]
    counts = {"entries": len(entries), "countries": len({c for e in entries for c in e.countries}),
              "themes": len({t for e in entries for t in e.themes}),
              "sources": len({s.url or s.symbol or s.title for e in entries for s in e.sources})}
    browse = [(f.name, f.by) for f in facets.all_facets() if f.name in ("theme", "type", "country", "form",
                                                                            "modality", "year")]
    return _clean_blocks(env.get_template("home.md.j2").render(newest=newest, counts=counts, browse=browse))


def render_site(entries: list[Entry], config: SiteConfig = SiteConfig(), similar=None,
                extra: dict[str, str] | None = None, progress: Callable[[int, int], None] | None = None,
                today: dt.date | None = None) -> dict[str, str]:
    """Every generated page and file, by path under docs/. Pure: no I/O."""
    env = _env()
    by_id = {e.id: e for e in entries}
    similar = similar or (lambda entry_id: [])
    pages: dict[str, str] = {}
    for i, entry in enumerate(entries):
        pages[f"entries/{entry.id}.md"] = render_entry_page(entry, by_id, similar, config, env)
        if progress and (i % 100 == 99 or i == len(entries) - 1):
            progress(i + 1, len(entries))
    pages.update(render_browse_pages(entries, env))
    pages["index.md"] = render_home(entries, config, env)
    pages.update(reference.render_reference_pages())
    pages.update(exports.render_exports(entries))
    pages.update(sitesearch.render_search(entries))
    pages["schema/entry.schema.json"] = schema.schema_text()
    pages.update(stats.render_stats_pages(entries, today))
    pages.update(matching.render_match_pages(entries, env))
    pages.update(extra or {})
    return pages


MANIFEST = ".kb-generated.json"  # in docs/: what the generator wrote last time, and may delete


def write_pages(docs_dir: Path, pages: dict[str, str]) -> tuple[int, int]:
    """Write pages whose text changed and delete the generated files no longer produced; a file the
    generator did not write (a page someone put in docs/reference/, say) is never touched.
    Returns (written, deleted). Each file is written to a temporary name and renamed."""
    written = deleted = 0
    for rel, text in sorted(pages.items()):
        path = docs_dir / rel
        try:
            if path.read_text(encoding="utf-8") == text:
                continue
        except (FileNotFoundError, UnicodeDecodeError):
            pass
        fsutil.atomic_write(path, text)
        written += 1
    manifest = docs_dir / MANIFEST
    try:
        previous = set(json.loads(manifest.read_text(encoding="utf-8")))
    except (FileNotFoundError, ValueError):
        previous = set()
    for rel in sorted(previous - set(pages)):
        path = docs_dir / rel
        if path.is_file():
            path.unlink()
            deleted += 1
        for parent in path.parents:  # folders the generator emptied
            if parent == docs_dir or not parent.is_dir() or any(parent.iterdir()):
                break
            parent.rmdir()
    fsutil.atomic_write(manifest, json.dumps(sorted(pages), indent=0) + "\n")
    return written, deleted
