"""`kb new`: the text of a new entry, every field with a comment, placeholders marked TODO."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from . import schema, yamlread
from .diagnostics import KbError
from .vocab import get as vocab

TODO = "TODO"


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid double-quoted YAML scalar


def _flow(items) -> str:
    return "[" + ", ".join(items) + "]" if items else f"[{TODO}]"


def _choices(name: str) -> str:
    return ", ".join(vocab(name).terms)


def slugify(title: str) -> str:
    words = re.findall(r"[a-z0-9]+", title.lower())
    slug = "-".join(words)[:80].strip("-")
    return slug if len(slug) >= 3 else ""


def render_new_entry(entry_id: str, title: str = "", entry_type: str = "good-practice", themes=(), forms=(),
                     modality=(), countries=(), today: dt.date | None = None) -> str:
    today = today or dt.date.today()
    if not re.match(schema.ID_PATTERN, entry_id):
        raise KbError(f"'{entry_id}' is not a valid id: use 3 to 80 lowercase letters, digits and hyphens.")
    if entry_type not in vocab("types"):
        raise KbError(f"'{entry_type}' is not an entry type; {vocab('types').suggest(entry_type)}")
    for name, values in (("themes", themes), ("assistance_forms", forms), ("modalities", modality)):
        for value in values:
            if value not in vocab(name):
                raise KbError(f"'{value}' is not a {vocab(name).label.lower()}; {vocab(name).suggest(value)}")
    bad = yamlread.control_character(title)
    if bad:
        raise KbError(f"the title cannot be written to an entry file: a control character (U+{ord(bad):04X}) "
                      "that is not text; remove it.")
    title_text = _q(title) if title else _q(f"{TODO}: what worked or what was learned, in a few words")
    return f"""\
# yaml-language-server: $schema=../schema/entry.schema.json
# Replace every TODO, then check the entry with:  kb validate entries/{entry_id}.yaml
# Every field is explained in docs/reference/format.md. Write in your own words; every figure,
# date and name must come from a source listed under `sources`.

id: {entry_id}  # the same as the file name, without .yaml
title: {title_text}
type: {entry_type}  # one of: {_choices("types")}
status: draft  # draft until checked against the sources, then published
language: en  # ISO 639-1 code of the language you write in
summary: >-
  {TODO}: two or three sentences a busy reader can stop after.
context: >-
  {TODO}: the situation or driving event: where, when, what the problem was.
practice: >-
  {TODO}: what was done, by whom, and how.
results: >-
  {TODO}: outcomes and evidence, with figures from the sources.
lessons:  # one lesson per item
  - text: {_q(TODO + ": a lesson in one or two sentences")}
    basis: source  # source: a listed source states it; entry: your own reading of the facts
    source: 1  # the number of the source that states it (1 = the first source below)
recommendations: []  # optional; the same form as lessons
themes: {_flow(themes)}  # any of: {_choices("themes")}
assistance_forms: {_flow(forms)}  # any of: {_choices("assistance_forms")}
modality: {_flow(modality)}  # any of: {_choices("modalities")}
actors:  # who took part; role is one of: {_choices("actor_roles")}
  - name: {_q(TODO + ": organisation or State")}
    role: donor
countries: {"[" + ", ".join(countries) + "]"}  # ISO 3166-1 codes, such as LA or LAO; [] for a global entry
period:
  start: {TODO}  # first year, such as 2012
  # end: 2020  # last year; leave out while it goes on
ccm_articles: []  # such as ["6.2", "5"]; see docs/reference/vocabularies.md
action_plan_refs: []  # such as [{{plan: lausanne, action: 13}}] or [{{plan: vientiane, section: VII}}]
sources:  # at least one public source; give a url, a document symbol, or both
  - title: {_q(TODO + ": title of the document or page")}
    publisher: {_q(TODO + ": who published it")}
    date: {_q(TODO + ": YYYY-MM-DD, YYYY-MM or YYYY")}  # leave out if the source gives no date
    url: {_q(TODO + ": https://...")}
related: []  # ids of entries that share a mechanism, a country or a theme
evidence_level: documented  # one of: {_choices("evidence_levels")}
last_reviewed: "{today.isoformat()}"  # when you last checked the entry against its sources
contributors: []
""" + _type_block(entry_type, today)


def _type_block(entry_type: str, today: dt.date) -> str:
    """The block a need or an offer needs (see docs/reference/format.md)."""
    if entry_type == "need":
        return f"""\
need:  # who stated the need, in which source, and since when
  requested_by: {TODO}  # ISO 3166-1 code of the State that stated it
  stated_in: 1  # the number of the source (in `sources`) that states the need
  since: {TODO}  # the year it was first stated
  last_checked: "{today.isoformat()}"  # when you last checked the source
"""
    if entry_type == "offer":
        return f"""\
offer:  # who offers what, through which channel, and how to approach it
  provider: {_q(TODO + ": the State or organisation")}
  channel: {TODO}  # one of: {_choices("modalities")}
  regions: []  # any of: Africa, Americas, Asia, Europe, Oceania; [] means worldwide
  how_to_apply: {_q(TODO + ": how an affected State approaches it, as the sources describe it")}
  last_checked: "{today.isoformat()}"  # when you last checked the source
"""
    return ""


def write_new_entry(entries_dir: Path, text: str, entry_id: str) -> Path:
    """Create entries/<id>.yaml; never overwrite."""
    path = entries_dir / f"{entry_id}.yaml"
    try:
        with open(path, "x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise KbError(f"{path} already exists; kb new never overwrites a file. Choose another id.") from None
    except OSError as exc:
        raise KbError(f"cannot write {path}: {exc.strerror}") from None
    return path
