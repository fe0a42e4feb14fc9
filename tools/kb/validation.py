"""Validation rules: small generators that yield Diagnostics, for one entry and across entries.

The JSON Schema checks structure and vocabularies; its errors are translated here into messages in
a contributor's words, at the line of the field. The other rules check what a schema cannot say.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import fastjsonschema
import jsonschema
import pycountry

from . import countries, schema, similarity
from .diagnostics import Diagnostic
from .vocab import get as vocab
from .yamlread import Parsed



@dataclass
class Doc:
    """One parsed entry file, with helpers to report at a field's position."""

    file: Path
    parsed: Parsed

    @property
    def data(self) -> dict:
        return self.parsed.data if isinstance(self.parsed.data, dict) else {}

    def at(self, path, code: str, message: str, hint: str = "") -> Diagnostic:
        line, col = self.parsed.position(tuple(path))
        return Diagnostic(self.file, line, col, code, message, hint)


def field_label(path: Iterable) -> str:
    """("lessons", 2, "text") -> "lessons, item 3, text": a position a contributor can find."""
    parts = []
    for p in path:
        parts.append(f"item {p + 1}" if isinstance(p, int) else str(p))
    return ", ".join(parts) or "the entry"


_TYPE_WORDS = {"string": "text", "integer": "a whole number", "number": "a number", "array": "a list",
               "object": "a set of `name: value` fields", "boolean": "true or false", "null": "empty"}


def _describe(value) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value)"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, int):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a set of fields"
    return repr(value)


def _vocab_for(path: tuple) -> str | None:
    from .vocab import FIELD_VOCAB

    names = [p for p in path if isinstance(p, str)]
    if names[:1] == ["actors"] and names[-1:] == ["role"]:
        return "actor_roles"
    if names[-1:] == ["basis"]:
        return "basis"
    if names == ["offer", "channel"]:
        return "modalities"
    if names == ["action_plan_refs", "plan"]:
        return "action_plans"
    return FIELD_VOCAB.get(names[0]) if len(names) == 1 else None


@cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema.entry_schema())


def _schema_error(doc: Doc, error: jsonschema.ValidationError) -> Iterator[Diagnostic]:
    path = tuple(error.absolute_path)
    name = field_label(path)
    kind = error.validator
    value = error.instance
    if isinstance(value, str) and value.lstrip().startswith("TODO"):
        return  # a placeholder from `kb new`: KB209 says so once
    if kind == "required":
        for missing in error.validator_value:
            if isinstance(value, dict) and missing not in value:
                if missing == "sources":
                    yield doc.at(path, "KB207", "the entry has no `sources`; every fact needs a public source",
                                 "Add `sources:` with at least one item (title, publisher, date, url or symbol).")
                else:
                    where = f" in {name}" if path else ""
                    yield doc.at(path, "KB201", f"the required field `{missing}` is missing{where}",
                                 f"Add `{missing}:`; see the entry format in docs/reference/format.md.")
    elif kind == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        for key in value:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
                hint = f"did you mean '{close[0]}'?" if close else "allowed here: " + ", ".join(allowed)
                where = f" in {name}" if path else ""
                yield doc.at(path + (key,), "KB202", f"unknown field `{key}`{where}", hint)
    elif kind == "type" and value is None:
        yield doc.at(path, "KB204", f"`{name}` is empty", "Write the value after the colon, or remove the line.")
    elif kind == "type":
        wanted = error.validator_value
        wanted = [wanted] if isinstance(wanted, str) else wanted
        words = " or ".join(_TYPE_WORDS.get(w, w) for w in wanted)
        hint = "Use the type the field needs."
        if "array" in wanted and isinstance(value, str):
            hint = f"Write it as a list: `[{value}]` or one `- {value}` line per item."
        elif "integer" in wanted and isinstance(value, str) and value.strip().isdigit():
            hint = f"Remove the quotes: {value.strip()}"
        elif "string" in wanted and isinstance(value, bool):
            hint = "Put the value in quotes so it is read as text."
        yield doc.at(path, "KB203", f"`{name}` should be {words}, not {_describe(value)}", hint)
    elif kind == "enum":
        vocab_name = _vocab_for(path)
        if vocab_name:
            v = vocab(vocab_name)
            label = v.label.lower()
            article = "an" if label[0] in "aeiou" else "a"
            yield doc.at(path, "KB301", f"'{value}' is not {article} {label} (in `{name}`)", v.suggest(value))
        else:
            allowed = ", ".join(str(a) for a in error.validator_value)
            yield doc.at(path, "KB301", f"'{value}' is not allowed in `{name}`", f"use one of: {allowed}")
    elif kind == "pattern":
        yield from _pattern_error(doc, path, name, value)
    elif kind in ("minItems", "minLength"):
        if path == ("sources",):
            yield doc.at(path, "KB207", "the entry has no source; every fact needs a public source",
                         "Add at least one item under `sources:`.")
        else:
            yield doc.at(path, "KB204", f"`{name}` is empty; at least {error.validator_value} item is needed",
                         "Add an item, or remove the field if it is optional.")
    elif kind == "maxLength":
        yield doc.at(path, "KB205", f"`{name}` is {len(value)} characters long; the limit is {error.validator_value}",
                     "Shorten it: a title or summary should be read at a glance.")
    elif kind == "uniqueItems":
        seen, repeated = set(), []
        for item in value:
            key = repr(item)
            if key in seen:
                repeated.append(item)
            seen.add(key)
        yield doc.at(path, "KB302", f"`{name}` lists {', '.join(map(str, repeated))} more than once",
                     "Remove the repeated item.")
    elif kind in ("minimum", "maximum") and path[-1:] in (("source",), ("stated_in",)):
        yield doc.at(path, "KB407", f"`{name}` is {value}; sources are numbered from 1",
                     "Give the number of the source in `sources`, counting from 1.")
    elif kind in ("minimum", "maximum") and path[-1:] == ("action",):
        yield doc.at(path, "KB409", f"`{name}` is {value}; action numbers start at 1",
                     "Give the action's number in the plan.")
    elif kind in ("minimum", "maximum"):
        yield doc.at(path, "KB402", f"`{name}` is {value}, which is not a plausible year",
                     "Give a four-digit year between 1900 and 2100.")
    elif kind in ("if", "then", "else", "allOf"):
        return
    else:  # a rule the translation does not know yet: still located, still plain
        yield doc.at(path, "KB208", f"`{name}`: {error.message}", "Check the entry format.")


def _pattern_error(doc: Doc, path: tuple, name: str, value: str) -> Iterator[Diagnostic]:
    last = next((p for p in reversed(path) if isinstance(p, str)), "")
    if path == ("id",):
        yield doc.at(path, "KB206", f"the id {value!r} may use only lowercase letters, digits and hyphens "
                     "(3 to 80 characters, not starting or ending with a hyphen)",
                     "For example: lao-pdr-evidence-based-survey")
    elif last in ("related", "superseded_by"):
        yield doc.at(path, "KB502", f"{value!r} in `{name}` is not an entry id",
                     "Ids use lowercase letters, digits and hyphens.")
    elif last in ("countries", "country", "requested_by"):
        yield doc.at(path, "KB401", f"{value!r} in `{name}` is not an ISO 3166-1 country code",
                     countries.suggest(value))
    elif last == "url":
        yield doc.at(path, "KB405", f"`{name}` must be a web address starting with http:// or https://, "
                     f"not {value[:60]!r}", "Copy the full address from the browser's address bar.")
    elif last in ("date", "last_reviewed", "last_checked"):
        form = "YYYY-MM-DD" if last != "date" else "YYYY, YYYY-MM or YYYY-MM-DD"
        yield doc.at(path, "KB208", f"`{name}` is {value!r}; write it as {form}",
                     "For example: 2020-08-01 (and put it in quotes: '2020-08-01').")
    elif last == "language":
        yield doc.at(path, "KB208", f"`{name}` is {value!r}; use a two-letter ISO 639-1 code",
                     "For example: en, fr, es, ar, ru, zh.")
    else:
        yield doc.at(path, "KB204", f"`{name}` is empty", "Write the text, or remove the field if it is optional.")


@cache
def _fast_validator():
    """The same schema compiled to Python by fastjsonschema: about twenty times faster, but it stops at
    the first error. It only decides whether an entry is valid; jsonschema then lists every error
    of an invalid one. (It reads Draft 7; the schema keeps to what Draft 7 understands.)"""
    draft7 = dict(schema.entry_schema(), **{"$schema": "http://json-schema.org/draft-07/schema#"})
    return fastjsonschema.compile(draft7)


def schema_valid(data) -> bool:
    try:
        _fast_validator()(data)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def check_schema(doc: Doc) -> Iterator[Diagnostic]:
    if schema_valid(doc.data):
        return
    for error in _validator().iter_errors(doc.data):
        yield from _schema_error(doc, error)


# ---- rules a schema cannot express -------------------------------------------------------------


def check_file_name(doc: Doc) -> Iterator[Diagnostic]:
    value = doc.data.get("id")
    if isinstance(value, str) and re.match(schema.ID_PATTERN, value) and value != doc.file.stem:
        yield doc.at(("id",), "KB206", f"the id '{value}' does not match the file name '{doc.file.name}'",
                     f"Rename the file to {value}.yaml, or set `id: {doc.file.stem}`.")


def _country_paths(data: dict) -> Iterator[tuple[tuple, object]]:
    for i, code in enumerate(data.get("countries") or []) if isinstance(data.get("countries"), list) else ():
        yield ("countries", i), code
    for i, actor in enumerate(data.get("actors") or []) if isinstance(data.get("actors"), list) else ():
        if isinstance(actor, dict) and "country" in actor:
            yield ("actors", i, "country"), actor["country"]
    need = data.get("need")
    if isinstance(need, dict) and "requested_by" in need:
        yield ("need", "requested_by"), need["requested_by"]


def check_countries(doc: Doc) -> Iterator[Diagnostic]:
    for path, code in _country_paths(doc.data):
        if isinstance(code, str) and re.match(schema.COUNTRY_PATTERN, code) and countries.lookup(code) is None:
            yield doc.at(path, "KB401", f"'{code}' in `{field_label(path)}` is not an ISO 3166-1 country code",
                         countries.suggest(code))


def check_language(doc: Doc) -> Iterator[Diagnostic]:
    code = doc.data.get("language")
    if isinstance(code, str) and re.match(schema.LANGUAGE_PATTERN, code) and pycountry.languages.get(alpha_2=code) is None:
        yield doc.at(("language",), "KB208", f"'{code}' is not an ISO 639-1 language code",
                     "For example: en, fr, es, ar, ru, zh.")


def _parse_date(text: str) -> dt.date | None:
    """The first day a YYYY, YYYY-MM or YYYY-MM-DD date can mean, or None if it is impossible."""
    parts = [int(p) for p in text.split("-")]
    try:
        return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        return None


def _date_paths(data: dict) -> Iterator[tuple[tuple, object]]:
    yield ("last_reviewed",), data.get("last_reviewed")
    for i, source in enumerate(data.get("sources") or []) if isinstance(data.get("sources"), list) else ():
        if isinstance(source, dict):
            yield ("sources", i, "date"), source.get("date")
    for block in ("need", "offer"):
        if isinstance(data.get(block), dict):
            yield (block, "last_checked"), data[block].get("last_checked")


def check_dates(doc: Doc, today: dt.date) -> Iterator[Diagnostic]:
    for path, value in _date_paths(doc.data):
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not re.match(schema.DATE_PATTERN, value):
            continue  # missing or malformed: the schema says so
        day = _parse_date(value)
        if day is None or day.year < 1900:
            yield doc.at(path, "KB402", f"`{field_label(path)}` is {value!r}, which is not a real date",
                         "Check the month (01-12) and the day.")
        elif day > today:
            yield doc.at(path, "KB403", f"`{field_label(path)}` is {value}, after today ({today.isoformat()})",
                         "Dates record what has happened; use today's date or an earlier one.")
    period = doc.data.get("period")
    if isinstance(period, dict):
        start, end = period.get("start"), period.get("end")
        for key, year in (("start", start), ("end", end)):
            if isinstance(year, int) and not isinstance(year, bool) and 1900 <= year <= 2100 and year > today.year:
                yield doc.at(("period", key), "KB403", f"`period, {key}` is {year}, after this year",
                             "Record what has happened; leave `end` out while a practice is still going on.")
        if all(isinstance(y, int) and not isinstance(y, bool) for y in (start, end)) and end < start:
            yield doc.at(("period", "end"), "KB404", f"the period ends in {end}, before it starts in {start}",
                         "Swap the two years or correct one of them.")


def check_sources(doc: Doc) -> Iterator[Diagnostic]:
    sources = doc.data.get("sources")
    count = len(sources) if isinstance(sources, list) else 0
    for i, source in enumerate(sources if isinstance(sources, list) else ()):
        if isinstance(source, dict) and not source.get("url") and not source.get("symbol"):
            yield doc.at(("sources", i), "KB406", f"source {i + 1} has neither `url` nor `symbol`",
                         "Give its web address (`url`) or its document symbol (`symbol`) so a reader can find it.")
    for kind in ("lessons", "recommendations"):
        items = doc.data.get(kind)
        for i, item in enumerate(items if isinstance(items, list) else ()):
            if not isinstance(item, dict):
                continue
            number = item.get("source")
            if item.get("basis") == "source" and number is None:
                yield doc.at((kind, i), "KB408", f"{kind}, item {i + 1} is marked `basis: source` but does not "
                             "say which source states it",
                             "Add `source: N` (the source's number in `sources`), or set `basis: entry`.")
            if isinstance(number, int) and not isinstance(number, bool) and number > count:
                yield doc.at((kind, i, "source"), "KB407", f"{kind}, item {i + 1} points at source {number}, "
                             f"but the entry lists {count}", "Number the sources from 1, in the order listed.")
    need = doc.data.get("need")
    if isinstance(need, dict):
        number = need.get("stated_in")
        if isinstance(number, int) and not isinstance(number, bool) and number > count:
            yield doc.at(("need", "stated_in"), "KB407", f"`need, stated_in` points at source {number}, "
                         f"but the entry lists {count}", "Number the sources from 1, in the order listed.")


def check_plan_refs(doc: Doc) -> Iterator[Diagnostic]:
    plans = vocab("action_plans")
    refs = doc.data.get("action_plan_refs")
    for i, ref in enumerate(refs if isinstance(refs, list) else ()):
        if not isinstance(ref, dict) or ref.get("plan") not in plans:
            continue
        plan = plans.terms[ref["plan"]]
        action, section = ref.get("action"), ref.get("section")
        if action is None and section is None:
            yield doc.at(("action_plan_refs", i), "KB409", f"action_plan_refs, item {i + 1} names the "
                         f"{plan.label} but no `action` or `section`",
                         "Add `action: N` or `section:` (" + ", ".join(map(str, plan.extra.get("sections", {}))) + ").")
        limit = plan.extra.get("actions")
        if isinstance(action, int) and not isinstance(action, bool) and limit and action > limit:
            yield doc.at(("action_plan_refs", i, "action"), "KB409",
                         f"the {plan.label} has {limit} actions; there is no action {action}",
                         f"Use an action number from 1 to {limit}.")
        sections = plan.extra.get("sections", {})
        if section is not None and str(section) not in {str(s) for s in sections}:
            yield doc.at(("action_plan_refs", i, "section"), "KB409",
                         f"the {plan.label} has no section {section!r}",
                         "Use one of: " + ", ".join(map(str, sections)))


def check_status(doc: Doc) -> Iterator[Diagnostic]:
    status, successor = doc.data.get("status"), doc.data.get("superseded_by")
    if status == "superseded" and not successor:
        yield doc.at(("status",), "KB410", "the entry is `superseded` but does not say by which entry",
                     "Add `superseded_by: <id of the newer entry>`.")
    elif successor and status != "superseded":
        yield doc.at(("superseded_by",), "KB410", f"`superseded_by` is set but the status is {status!r}",
                     "Set `status: superseded`, or remove `superseded_by`.")
    if successor and successor == doc.data.get("id"):
        yield doc.at(("superseded_by",), "KB506", "the entry says it is superseded by itself",
                     "Name the newer entry's id.")


def _walk(value, path=()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, path + (i,))
    else:
        yield path, value


def check_placeholders(doc: Doc) -> Iterator[Diagnostic]:
    if not doc.parsed.has_todo:
        return
    for path, value in _walk(doc.data):
        if isinstance(value, str) and value.lstrip().startswith("TODO"):
            yield doc.at(path, "KB209", f"`{field_label(path)}` still holds the placeholder {value.strip()[:50]!r}",
                         "Replace it with the real content, or remove the field if it is optional.")


def check_entry(doc: Doc, today: dt.date) -> Iterator[Diagnostic]:
    """Everything that can be said of one entry on its own."""
    yield from check_schema(doc)
    yield from check_file_name(doc)
    yield from check_countries(doc)
    yield from check_language(doc)
    yield from check_dates(doc, today)
    yield from check_sources(doc)
    yield from check_plan_refs(doc)
    yield from check_status(doc)
    yield from check_placeholders(doc)


# ---- across entries ----------------------------------------------------------------------------

_STOP = {"a", "an", "and", "the", "of", "in", "on", "for", "to", "by", "with", "through", "from", "as", "its"}


def title_key(title: str) -> frozenset[str]:
    """Words of a title, so that 'Lao PDR surveys' and 'Survey, Lao PDR' compare equal."""
    words = re.findall(r"[a-z0-9]+", title.lower())
    return frozenset(w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words if w not in _STOP)


def check_corpus(docs: list[Doc]) -> Iterator[Diagnostic]:
    """Rules that need every entry: unique ids, references, cycles, near-duplicate titles."""
    by_id: dict[str, list[Doc]] = defaultdict(list)
    for doc in docs:
        if isinstance(doc.data.get("id"), str):
            by_id[doc.data["id"]].append(doc)
    for entry_id, owners in by_id.items():
        if len(owners) > 1:
            for doc in owners:
                others = ", ".join(str(o.file) for o in owners if o is not doc)
                yield doc.at(("id",), "KB501", f"the id '{entry_id}' is also used by {others}",
                             "Give each entry its own id and file name.")
    ids = list(by_id)
    for doc in docs:
        own = doc.data.get("id")
        related = doc.data.get("related")
        for i, ref in enumerate(related if isinstance(related, list) else ()):
            if not isinstance(ref, str) or not re.match(schema.ID_PATTERN, ref):
                continue
            if ref == own:
                yield doc.at(("related", i), "KB506", "the entry lists itself as related", "Remove its own id.")
            elif ref not in by_id:
                close = difflib.get_close_matches(ref, ids, n=1, cutoff=0.6)
                yield doc.at(("related", i), "KB502", f"`related` names '{ref}', but no entry has that id",
                             f"did you mean '{close[0]}'?" if close else "Check the id in entries/.")
        successor = doc.data.get("superseded_by")
        if isinstance(successor, str) and successor != own and re.match(schema.ID_PATTERN, successor) \
                and successor not in by_id:
            close = difflib.get_close_matches(successor, ids, n=1, cutoff=0.6)
            yield doc.at(("superseded_by",), "KB502", f"`superseded_by` names '{successor}', but no entry has that id",
                         f"did you mean '{close[0]}'?" if close else "Check the id in entries/.")
    yield from _supersession_cycles(docs, by_id)
    yield from _near_duplicate_titles(docs)
    yield from similarity.duplicate_diagnostics([d for d in docs if d.data.get("title") is not None])


def _supersession_cycles(docs: list[Doc], by_id: dict[str, list[Doc]]) -> Iterator[Diagnostic]:
    successor = {d.data["id"]: d.data.get("superseded_by") for d in docs
                 if isinstance(d.data.get("id"), str) and isinstance(d.data.get("superseded_by"), str)}
    seen_cycles: set[frozenset] = set()
    for start in sorted(successor):
        path, node = [], start
        while node in successor and node not in path:
            path.append(node)
            node = successor[node]
        if node not in path:
            continue
        cycle = path[path.index(node):]
        if len(cycle) < 2 or frozenset(cycle) in seen_cycles:
            continue  # a self-reference is KB506, reported with the entry
        seen_cycles.add(frozenset(cycle))
        for i, member in enumerate(cycle):
            loop = " -> ".join(cycle[i:] + cycle[:i] + [member])
            yield by_id[member][0].at(("superseded_by",), "KB503", f"`superseded_by` goes round in a circle: {loop}",
                                      "One entry in the chain must be the current one, with no `superseded_by`.")


def _near_duplicate_titles(docs: list[Doc]) -> Iterator[Diagnostic]:
    groups: dict[frozenset, list[Doc]] = defaultdict(list)
    for doc in docs:
        title = doc.data.get("title")
        if isinstance(title, str) and title.strip():
            groups[title_key(title)].append(doc)
    for key, group in groups.items():
        if len(group) > 1 and key:
            for doc in group:
                others = ", ".join(f"{o.data.get('id')} ({o.data.get('title')!r})" for o in group if o is not doc)
                yield doc.at(("title",), "KB504", f"the title is almost the same as {others}",
                             "Check they are not the same lesson; merge them or make the titles say how they differ.")
