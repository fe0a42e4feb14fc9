"""Machine-readable copies of the entries: JSON (with the format version), CSV and an Atom feed."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from xml.sax.saxutils import escape, quoteattr

from .model import FORMAT_VERSION, Entry

FEED_SIZE = 20
FEED_ID = "urn:ccm-cooperation-kb:feed"


def _prune(value):
    if isinstance(value, dict):
        return {k: _prune(v) for k, v in value.items() if v is not None and v != ()}
    if isinstance(value, (list, tuple)):
        return [_prune(v) for v in value]
    return value


def entry_record(entry: Entry) -> dict:
    """An entry as data in the entry format: what an entry file would hold (JSON is valid YAML, so
    a record written to entries/<id>.yaml loads back as the same entry)."""
    record = _prune(dataclasses.asdict(entry))
    del record["path"]
    for key in ("lessons", "recommendations", "countries", "ccm_articles", "action_plan_refs", "related"):
        record.setdefault(key, [])
    return record


def entries_json(entries: list[Entry]) -> str:
    return json.dumps({"format_version": FORMAT_VERSION, "count": len(entries),
                       "entries": [entry_record(e) for e in entries]}, indent=1, ensure_ascii=False) + "\n"


CSV_COLUMNS = ["id", "title", "type", "status", "summary", "themes", "assistance_forms", "modality", "countries",
               "period_start", "period_end", "ccm_articles", "actors", "sources", "evidence_level",
               "last_reviewed", "related", "path"]


def _cell(value):
    """A spreadsheet reads a cell starting with = + - or @ as a formula: make it text."""
    return "'" + value if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") else value


def entries_csv(entries: list[Entry]) -> str:
    """One row per entry; lists joined with '; '."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for e in entries:
        writer.writerow(_cell(v) for v in [
            e.id, e.title, e.type, e.status, e.summary, "; ".join(e.themes), "; ".join(e.assistance_forms),
            "; ".join(e.modality), "; ".join(e.countries), e.period.start,
            "" if e.period.end is None else e.period.end, "; ".join(e.ccm_articles),
            "; ".join(f"{a.name} ({a.role})" for a in e.actors),
            "; ".join(s.url or s.symbol or s.title for s in e.sources), e.evidence_level, e.last_reviewed,
            "; ".join(e.related), e.path,
        ])
    return out.getvalue()


def atom_feed(entries: list[Entry], site_name: str) -> str:
    """The newest entries (by last review) as Atom; links are relative to the site's root."""
    newest = sorted(entries, key=lambda e: (e.last_reviewed, e.id), reverse=True)[:FEED_SIZE]
    updated = (newest[0].last_reviewed if newest else "2026-01-01") + "T00:00:00Z"
    items = []
    for e in newest:
        items.append(
            "  <entry>\n"
            f"    <id>urn:ccm-cooperation-kb:entry:{escape(e.id)}</id>\n"
            f"    <title>{escape(e.title)}</title>\n"
            f"    <link href={quoteattr('entries/' + e.id + '.html')}/>\n"
            f"    <updated>{escape(e.last_reviewed)}T00:00:00Z</updated>\n"
            f"    <summary>{escape(e.summary)}</summary>\n"
            + "".join(f"    <category term={quoteattr(t)}/>\n" for t in e.themes)
            + "  </entry>\n")
    return ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
            f"  <id>{FEED_ID}</id>\n  <title>{escape(site_name)}: newest entries</title>\n"
            f"  <updated>{updated}</updated>\n  <author><name>{escape(site_name)} contributors</name></author>\n"
            '  <link rel="self" href="feed.xml"/>\n' + "".join(items) + "</feed>\n")


def render_exports(entries: list[Entry], site_name: str = "CCM Cooperation and Assistance Knowledge Base"
                   ) -> dict[str, str]:
    return {"data/entries.json": entries_json(entries), "data/entries.csv": entries_csv(entries),
            "feed.xml": atom_feed(entries, site_name)}
