"""The JSON Schema of an entry, generated from the vocabularies: one source for the validator, the
editor's autocompletion (schema/entry.schema.json) and the site's reference page.

It declares Draft 2020-12 but keeps to what Draft 7 also understands, because yaml-language-server
(the editors' YAML support) reads Draft 7 and below.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from .vocab import get as vocab

SCHEMA_FILE = Path("schema") / "entry.schema.json"
SCHEMA_ID = "https://example.invalid/ccm-cooperation-kb/entry.schema.json"

# `(?!\n)$`: Python's `$` (which jsonschema uses) also matches before a final newline, so a value
# written as a YAML block ("2020-01-01\n") would pass; JavaScript's `$` (editors) never does.
ID_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{1,78})[a-z0-9](?!\n)$"
DATE_PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?(?!\n)$"
FULL_DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(?!\n)$"
COUNTRY_PATTERN = r"^[A-Z]{2,3}(?!\n)$"
LANGUAGE_PATTERN = r"^[a-z]{2}(?!\n)$"
URL_PATTERN = r"^https?://\S+(?!\n)$"
TEXT = r"\S"  # at least one character that is not a space
REGIONS = ["Africa", "Americas", "Asia", "Europe", "Oceania"]

# Limits a reader will thank us for; each is named in the KB205 message.
MAX_TITLE = 160
MAX_SUMMARY = 800
MAX_TEXT = 6000
MAX_ITEM = 1200


def _text(description: str, max_length: int = MAX_TEXT) -> dict:
    return {"type": "string", "pattern": TEXT, "maxLength": max_length, "description": description}


def _terms(name: str, description: str) -> dict:
    v = vocab(name)
    return {
        "type": "string",
        "enum": list(v.terms),
        "description": description + " " + "; ".join(f"{k}: {t.definition}" for k, t in v.terms.items()),
    }


def _term_list(name: str, description: str, min_items: int = 1) -> dict:
    return {"type": "array", "items": _terms(name, ""), "minItems": min_items, "uniqueItems": True,
            "description": description}


def _statement(what: str) -> dict:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["text", "basis"],
        "properties": {
            "text": _text(f"One {what}, in plain words.", MAX_ITEM),
            "basis": _terms("basis", "Who says so."),
            "source": {"type": "integer", "minimum": 1,
                       "description": "The number of the source (1 = the first in `sources`) that states it."},
        },
    }


def _year(description: str) -> dict:
    return {"type": "integer", "minimum": 1900, "maximum": 2100, "description": description}


@cache
def entry_schema() -> dict:
    plans = vocab("action_plans")
    properties = {
        "id": {"type": "string", "pattern": ID_PATTERN,
               "description": "Lowercase letters, digits and hyphens; the same as the file name without .yaml."},
        "title": _text("A short title that says what worked or what was learned.", MAX_TITLE),
        "type": _terms("types", "The kind of entry."),
        "status": _terms("statuses", "Where the entry is in its life."),
        "language": {"type": "string", "pattern": LANGUAGE_PATTERN,
                     "description": "ISO 639-1 code of the language the entry is written in, such as en or fr."},
        "summary": _text("Two or three sentences a busy reader can stop after.", MAX_SUMMARY),
        "context": _text("The situation or driving event: where, when, what the problem was."),
        "practice": _text("What was done, by whom, and how."),
        "results": _text("Outcomes and evidence, with figures from the sources."),
        "lessons": {"type": "array", "items": _statement("lesson"), "minItems": 1,
                    "description": "What the experience teaches, one lesson per item."},
        "recommendations": {"type": "array", "items": _statement("recommendation"),
                            "description": "What others should do, one recommendation per item."},
        "themes": _term_list("themes", "Areas of work."),
        "assistance_forms": _term_list("assistance_forms", "Forms of assistance given or exchanged."),
        "modality": _term_list("modalities", "Channels or arrangements used."),
        "actors": {
            "type": "array", "minItems": 1, "description": "Who took part, and in what role.",
            "items": {
                "type": "object", "additionalProperties": False, "required": ["name", "role"],
                "properties": {
                    "name": _text("The organisation's or State's name.", 200),
                    "role": _terms("actor_roles", "The part it played."),
                    "country": {"type": "string", "pattern": COUNTRY_PATTERN,
                                "description": "ISO 3166-1 code of the actor's country, if any."},
                },
            },
        },
        "countries": {"type": "array", "uniqueItems": True,
                      "items": {"type": "string", "pattern": COUNTRY_PATTERN},
                      "description": "ISO 3166-1 alpha-2 or alpha-3 codes of the countries concerned; "
                                     "leave empty for global entries."},
        "period": {"type": "object", "additionalProperties": False, "required": ["start"],
                   "properties": {"start": _year("First year."), "end": _year("Last year; leave out if ongoing.")},
                   "description": "The years the practice ran."},
        "ccm_articles": _term_list("ccm_articles", "Articles or paragraphs of the Convention.", 0),
        "action_plan_refs": {
            "type": "array",
            "description": "Actions or sections of the Vientiane, Dubrovnik or Lausanne action plans.",
            "items": {
                "type": "object", "additionalProperties": False, "required": ["plan"],
                "properties": {
                    "plan": {"type": "string", "enum": list(plans.terms)},
                    "action": {"type": "integer", "minimum": 1, "maximum": 200},
                    "section": {"type": "string", "pattern": TEXT},
                },
            },
        },
        "sources": {
            "type": "array", "minItems": 1, "description": "Public sources for every fact in the entry.",
            "items": {
                "type": "object", "additionalProperties": False, "required": ["title", "publisher"],
                "properties": {
                    "title": _text("The document's or page's title.", 400),
                    "publisher": _text("Who published it.", 200),
                    "date": {"type": ["string", "integer"], "pattern": DATE_PATTERN,
                             "description": "When it was published: YYYY, YYYY-MM or YYYY-MM-DD; leave out if the source gives no date."},
                    "url": {"type": "string", "pattern": URL_PATTERN, "maxLength": 2000,
                            "description": "Its web address (http or https)."},
                    "symbol": _text("A document symbol such as CCM/MSP/2010/5.", 120),
                    "note": _text("Pages, a mirror, or what the source supports.", 600),
                },
            },
        },
        "related": {"type": "array", "uniqueItems": True, "items": {"type": "string", "pattern": ID_PATTERN},
                    "description": "Ids of entries that share a mechanism, a country or a theme."},
        "evidence_level": _terms("evidence_levels", "How strong the evidence is."),
        "superseded_by": {"type": "string", "pattern": ID_PATTERN,
                          "description": "The id of the entry that replaces this one (with status: superseded)."},
        "last_reviewed": {"type": "string", "pattern": FULL_DATE_PATTERN,
                          "description": "When the entry was last checked against its sources (YYYY-MM-DD)."},
        "contributors": {"type": "array", "items": _text("A name.", 200),
                         "description": "Who wrote or reviewed the entry."},
        "need": {
            "type": "object", "additionalProperties": False,
            "required": ["requested_by", "stated_in", "since", "last_checked"],
            "description": "For type: need: who stated it, where and since when.",
            "properties": {
                "requested_by": {"type": "string", "pattern": COUNTRY_PATTERN},
                "stated_in": {"type": "integer", "minimum": 1,
                              "description": "The number of the source that states the need."},
                "since": _year("The year the need was first stated."),
                "last_checked": {"type": "string", "pattern": FULL_DATE_PATTERN},
            },
        },
        "offer": {
            "type": "object", "additionalProperties": False,
            "required": ["provider", "channel", "how_to_apply", "last_checked"],
            "description": "For type: offer: who offers what, through which channel, and how to ask.",
            "properties": {
                "provider": _text("The State or organisation.", 200),
                "channel": _terms("modalities", "The channel."),
                "regions": {"type": "array", "uniqueItems": True, "items": {"type": "string", "enum": REGIONS}},
                "how_to_apply": _text("How an affected State approaches it.", MAX_ITEM),
                "last_checked": {"type": "string", "pattern": FULL_DATE_PATTERN},
            },
        },
    }
    common = ["id", "title", "type", "status", "language", "summary", "themes", "assistance_forms", "modality",
              "actors", "period", "sources", "evidence_level", "last_reviewed"]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Knowledge-base entry",
        "description": "One good practice, lesson, case, mechanism, need or offer on cooperation and "
                       "assistance under the Convention on Cluster Munitions.",
        "type": "object",
        "additionalProperties": False,
        "required": common,
        "properties": properties,
        "allOf": [
            {"if": {"properties": {"type": {"const": "need"}}, "required": ["type"]},
             "then": {"required": ["need", "context"]}},
            {"if": {"properties": {"type": {"const": "offer"}}, "required": ["type"]},
             "then": {"required": ["offer", "practice"]}},
            {"if": {"properties": {"type": {"enum": ["need", "offer"]}}, "required": ["type"]},
             "else": {"required": ["context", "practice", "results", "lessons"]}},
        ],
    }


def schema_text() -> str:
    return json.dumps(entry_schema(), indent=2, ensure_ascii=False) + "\n"


def field_order() -> list[str]:
    return list(entry_schema()["properties"])
