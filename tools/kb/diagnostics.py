"""Diagnostic, the table of codes (one place for severity, title, example and fix), and KbError."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DOCS_PAGE = "reference/diagnostics.md"


@dataclass(frozen=True)
class Code:
    code: str
    severity: str  # "error" or "warning"
    title: str
    example: str  # a small piece of an entry that triggers it
    fix: str  # what to do about it


# The codes are stable: never reuse a number for another meaning. Each has a section in
# docs/reference/diagnostics.md, generated from this table.
CODES: dict[str, Code] = {
    c.code: c
    for c in [
        # KB1xx: the file itself
        Code("KB101", "error", "file is not UTF-8 text",
             "a file saved as Latin-1 or UTF-16, or a binary file",
             "Save the file as UTF-8 (in most editors: Save As, Encoding: UTF-8)."),
        Code("KB102", "error", "file starts with a byte order mark (BOM)",
             "a file saved as 'UTF-8 with BOM'",
             "Save the file as UTF-8 without BOM."),
        Code("KB103", "error", "tab character",
             "summary:\\t>  (a tab instead of spaces)",
             "Replace tabs with spaces; YAML indentation must use spaces."),
        Code("KB104", "error", "file is empty",
             "an entry file with nothing in it",
             "Fill the file in, or start from `kb new`."),
        Code("KB105", "error", "file is too large",
             "a file over 256 KiB",
             "An entry should be a few kilobytes; split it or remove pasted documents."),
        Code("KB106", "error", "YAML syntax error",
             "lessons: [one, two   (a bracket never closed)",
             "Check the line shown and the line above it for a missing bracket, quote or colon."),
        Code("KB107", "error", "a key is given twice",
             "title: A\\ntitle: B",
             "Keep one of the two lines; YAML would silently keep only the last."),
        Code("KB108", "error", "document is not a mapping of fields",
             "- a list at the top level",
             "An entry is a set of `field: value` lines starting at the left margin."),
        Code("KB109", "error", "several YAML documents in one file",
             "a second `---` line followed by more fields",
             "Put one entry in each file; remove the extra `---` and what follows, or move it to a new file."),
        Code("KB110", "error", "custom YAML tag",
             "title: !!python/object:os.system",
             "Remove the `!tag`; entries hold plain text, numbers and lists only."),
        Code("KB111", "error", "YAML anchor or alias",
             "themes: &t [clearance]  ...  other: *t",
             "Write the value out in full; anchors and aliases are not allowed in entries."),
        Code("KB112", "error", "file name is not a valid entry name",
             "entries/My Entry.yml",
             "Name the file `<id>.yaml`, with lowercase letters, digits and hyphens."),
        Code("KB113", "error", "link leads outside entries/",
             "entries/x.yaml as a symbolic link to /etc/passwd",
             "Replace the link with a real file inside entries/."),
        Code("KB114", "error", "file cannot be read",
             "a file without read permission",
             "Check the file's permissions."),
        # KB2xx: fields and types
        Code("KB201", "error", "required field missing",
             "an entry without `summary:`",
             "Add the field; `kb new` writes every required field with a comment."),
        Code("KB202", "error", "unknown field",
             "lessns: [...]",
             "Check the spelling against the entry format; the hint suggests the closest field."),
        Code("KB203", "error", "value has the wrong type",
             "period: {start: '2010'}   or   themes: clearance",
             "Use the type the field needs: text, a whole number, a list (`- item` lines) or a set of fields."),
        Code("KB204", "error", "value is empty or too short",
             "summary: ''",
             "Write the text; an empty value is not allowed."),
        Code("KB205", "error", "value is too long",
             "a title of 300 characters",
             "Shorten it; the limit is given in the message."),
        Code("KB206", "error", "id is not valid or does not match the file name",
             "id: Lao_Survey in entries/lao-survey.yaml",
             "Use lowercase letters, digits and hyphens (3 to 80), the same as the file name without `.yaml`."),
        Code("KB207", "error", "entry has no source",
             "sources: []",
             "List at least one public source (title, publisher, date, and a URL or document symbol)."),
        Code("KB208", "error", "value does not have the expected form",
             "date: 5 May 2020",
             "Follow the form given in the message."),
        Code("KB209", "error", "placeholder not filled in",
             "title: 'TODO: a short title'",
             "Replace the TODO text that `kb new` wrote with the real content."),
        # KB3xx: controlled vocabularies
        Code("KB301", "error", "term is not in the vocabulary",
             "themes: [victim-assitance]",
             "Use a term from the vocabulary; the hint suggests the closest one. New terms are added to tools/kb/vocab/."),
        Code("KB302", "error", "term listed twice",
             "themes: [clearance, clearance]",
             "Remove the repeated term."),
        # KB4xx: values
        Code("KB401", "error", "unknown country code",
             "countries: [UK]",
             "Use an ISO 3166-1 code, alpha-2 (GB) or alpha-3 (GBR)."),
        Code("KB402", "error", "impossible year or date",
             "period: {start: 2031}   or   date: '2020-02-30'",
             "Give a real year (1900 or later) or date (YYYY, YYYY-MM or YYYY-MM-DD)."),
        Code("KB403", "error", "date is in the future",
             "last_reviewed: '2099-01-01'",
             "Dates record what has happened; use today's date or earlier."),
        Code("KB404", "error", "period ends before it starts",
             "period: {start: 2015, end: 2010}",
             "Swap the years or correct one of them."),
        Code("KB405", "error", "link is not an http or https address",
             "url: javascript:alert(1)",
             "Give the full web address starting with https:// or http://."),
        Code("KB406", "error", "source cannot be found by a reader",
             "a source with neither `url` nor `symbol`",
             "Give the source's web address (`url`) or its document symbol (`symbol`), or both."),
        Code("KB407", "error", "lesson points at a source that is not listed",
             "source: 4 when the entry lists 3 sources",
             "`source` is the number of the source in the entry's `sources` list, counting from 1."),
        Code("KB408", "error", "lesson stated by a source does not say which",
             "basis: source without `source:`",
             "Add `source: N` (the source's number), or set `basis: entry` if it is the entry's own reading."),
        Code("KB409", "error", "unknown action-plan action or section",
             "action_plan_refs: [{plan: vientiane, action: 99}]",
             "Use an action number within the plan or one of its sections, as listed in the message."),
        Code("KB410", "error", "superseded status and superseded_by disagree",
             "status: superseded without superseded_by",
             "Give `superseded_by: <id>` with `status: superseded`, or remove it."),
        # KB5xx: across entries
        Code("KB501", "error", "id used by two entries",
             "two files both saying id: lao-survey",
             "Give each entry its own id (and file name)."),
        Code("KB502", "error", "reference to an entry that does not exist",
             "related: [lao-suvrey]",
             "Use the id of an existing entry; the hint suggests the closest one."),
        Code("KB503", "error", "superseded_by forms a cycle",
             "a superseded_by b, and b superseded_by a",
             "An entry cannot be replaced, directly or indirectly, by itself."),
        Code("KB504", "warning", "title very close to another entry's",
             "two entries titled 'Lao PDR survey' and 'Lao PDR surveys'",
             "Check the two entries are not the same lesson; merge them or make the titles say how they differ."),
        Code("KB505", "warning", "entry is very similar to another",
             "two entries with nearly the same text",
             "Check the two entries are not the same lesson; merge them or link them with `related`."),
        Code("KB506", "error", "entry refers to itself",
             "related: [its-own-id]",
             "Remove the entry's own id."),
    ]
}


@dataclass(frozen=True, order=True)
class Diagnostic:
    file: Path
    line: int  # 1-based
    column: int  # 1-based
    code: str  # stable, documented in CODES
    message: str  # what is wrong, in the contributor's terms
    hint: str = ""  # what to do about it

    @property
    def severity(self) -> str:
        return CODES[self.code].severity

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


class KbError(Exception):
    """The library cannot go on (bad configuration, unwritable output, a lock held). The CLI prints
    the message as it is; it is written for the person running the command."""


def docs_anchor(code: str) -> str:
    return f"{DOCS_PAGE}#{code.lower()}"
