"""Reference pages generated from the same data the validator uses: the entry format (schema), the
vocabularies, and every diagnostic code with an example and its fix."""

from __future__ import annotations

from .diagnostics import CODES
from .schema import entry_schema
from .vocab import FIELD_VOCAB, vocabularies


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _type_of(spec: dict) -> str:
    kind = spec.get("type", "")
    if kind == "array":
        item = spec.get("items", {})
        return "list of " + ("fields" if item.get("type") == "object" else "terms" if "enum" in item else "text")
    if isinstance(kind, list):
        return " or ".join(kind)
    return {"object": "fields", "string": "text", "integer": "whole number"}.get(kind, kind)


def format_page() -> str:
    schema = entry_schema()
    required = set(schema["required"])
    lines = ["# The entry format", "",
             "Each entry is one YAML file, `entries/<id>.yaml`. This page is generated from the same JSON "
             "Schema the validator uses ([download it](../schema/entry.schema.json)); your editor can use it for "
             "autocompletion through the first line of every entry:", "",
             "```yaml", "# yaml-language-server: $schema=../schema/entry.schema.json", "```", "",
             "Write values as a contributor means them: `NO` is Norway, `yes` is text; only `true` and `false` "
             "are yes/no values. Quote dates (`'2020-08-01'`). Do not use tabs, anchors (`&`), aliases (`*`) or "
             "tags (`!`).", "",
             "Entries of type `need` and `offer` need the `need` or `offer` block; `practice`, `results` and "
             "`lessons` are required for every other type.", "",
             "| Field | Required | Type | What it holds |", "| --- | --- | --- | --- |"]
    for name, spec in schema["properties"].items():
        vocab = FIELD_VOCAB.get(name)
        desc = spec.get("description", "").split(" ")
        text = " ".join(desc)
        if vocab:
            text = text.split(";")[0].rsplit(".", 1)[0] + f". Terms: see [{vocab}](vocabularies.md#{vocab})."
        lines.append(f"| `{name}` | {'yes' if name in required else ''} | {_type_of(spec)} | {_cell(text)} |")
    lines += ["", "Lessons and recommendations are lists of items with `text`, `basis` (`source` when a listed "
              "source states it, with `source: N`, the source's number; `entry` when it is the entry's own "
              "reading) and an optional `source`.", ""]
    return "\n".join(lines) + "\n"


def vocabularies_page() -> str:
    lines = ["# Vocabularies", "",
             "The controlled vocabularies, one data file each in `tools/kb/vocab/`. The validator, the schema, "
             "the issue form and this site all read them from there; to add a term, edit the file in a pull "
             "request.", ""]
    for name, v in vocabularies().items():
        lines += [f'<span id="{name}"></span>', "", f"## {v.label} (`{name}`)", "", v.description, "",
                  "| Term | Label | Definition |", "| --- | --- | --- |"]
        for key, term in v.terms.items():
            lines.append(f"| `{key}` | {_cell(term.label)} | {_cell(term.definition)} |")
            for section, title in term.extra.get("sections", {}).items():
                lines.append(f"| `{key}` section `{section}` | {_cell(str(title))} | |")
            for action, title in term.extra.get("known_actions", {}).items():
                lines.append(f"| `{key}` action `{action}` | {_cell(str(title))} | |")
        lines.append("")
    lines += ["## Countries", "", "ISO 3166-1 codes, alpha-2 (`LA`) or alpha-3 (`LAO`), through pycountry; "
              "regions follow the UN M49 standard.", ""]
    return "\n".join(lines) + "\n"


def diagnostics_page() -> str:
    lines = ["# Diagnostic codes", "",
             "`kb validate` reports each problem as `FILE:LINE:COLUMN: CODE message`, with a hint. The codes are "
             "stable. Errors stop a build; warnings do not, unless you run `kb validate --strict`.", ""]
    for code in CODES.values():
        lines += [f'<span id="{code.code.lower()}"></span>', "", f"## {code.code}: {code.title}", "",
                  f"**Severity:** {code.severity}", "", "**Example of the mistake:**", "", "```yaml",
                  code.example.replace("\\n", "\n").replace("\\t", "\t"), "```", "", f"**How to fix it:** {code.fix}",
                  ""]
    return "\n".join(lines) + "\n"


def render_reference_pages() -> dict[str, str]:
    index = ("# Reference\n\n- [The entry format](format.md)\n- [Vocabularies](vocabularies.md)\n"
             "- [Diagnostic codes](diagnostics.md)\n- [The command line](cli.md)\n")
    return {"reference/index.md": index, "reference/format.md": format_page(),
            "reference/vocabularies.md": vocabularies_page(), "reference/diagnostics.md": diagnostics_page()}
