"""Strict YAML reading: the contributor's text as plain data, with the line and column of every field.

The only module that imports yaml. It reads YAML the way a contributor means it (YAML 1.2 style):
`NO`, `yes`, `on` and dates stay text, only true/false are booleans. It builds the data itself
from libyaml's parser events, so it can refuse what PyYAML would accept silently: duplicate keys,
custom tags, anchors and aliases, several documents in one file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .diagnostics import Diagnostic

MAX_BYTES = 256 * 1024

# libyaml's C parser where PyYAML was built with it (about ten times faster than pure Python).
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
WITH_LIBYAML = _Loader is not yaml.SafeLoader

_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_NULL = {"", "~", "null", "Null", "NULL"}
_INT = re.compile(r"[-+]?[0-9]+\Z")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufdd0-\ufdef\ufeff\ufffe\uffff]")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)(?:[eE][-+]?[0-9]+)?\Z")

Path_ = tuple  # a path into the data: ("lessons", 0, "text")


@dataclass
class Parsed:
    """What a file holds: the data (None when it could not be read) and where each field starts."""

    data: object = None
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    has_todo: bool = True  # False when the text has no "TODO" at all: no placeholder to look for

    def position(self, path: Path_) -> tuple[int, int]:
        """Line and column of a field, or of its nearest parent that has one."""
        path = tuple(path)
        while path and path not in self.positions:
            path = path[:-1]
        return self.positions.get(path, (1, 1))


def _scalar(value: str, plain: bool):
    if not plain:
        return value
    if value in _BOOL:
        return _BOOL[value]
    if value in _NULL:
        return None
    if _INT.match(value):
        return int(value)
    if _FLOAT.match(value):
        return float(value)
    return value


def _first_line_col(text: str, needle: str) -> tuple[int, int]:
    offset = text.index(needle)
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def control_character(text: str) -> str | None:
    """The first character in `text` that is not text (a control character, a non-character)."""
    found = _CONTROL.search(text)
    return found.group() if found else None


def decode(raw: bytes, file: Path) -> tuple[str | None, list[Diagnostic]]:
    """Bytes to text, refusing what a contributor would not mean to send."""
    def problem(line, col, code, message, hint=""):
        return None, [Diagnostic(file, line, col, code, message, hint)]

    if len(raw) > MAX_BYTES:
        return problem(1, 1, "KB105", f"the file is {len(raw):,} bytes; an entry may be at most {MAX_BYTES:,}",
                       "An entry should be a few kilobytes; remove pasted documents or split it.")
    if raw.startswith(b"\xef\xbb\xbf"):
        return problem(1, 1, "KB102", "the file starts with a byte order mark (BOM)",
                       "Save the file as UTF-8 without BOM.")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return problem(1, 1, "KB101", "the file is UTF-16, not UTF-8", "Save the file as UTF-8.")
    if b"\x00" in raw:
        offset = raw.index(b"\x00")
        line = raw.count(b"\n", 0, offset) + 1
        return problem(line, offset - (raw.rfind(b"\n", 0, offset) + 1) + 1, "KB101",
                       "the file contains a NUL byte: it is binary, not text", "Entries are UTF-8 text files.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = len(raw[raw.rfind(b"\n", 0, exc.start) + 1:exc.start].decode("utf-8", "replace")) + 1
        return problem(line, col, "KB101", f"the byte 0x{raw[exc.start]:02x} is not valid UTF-8",
                       "Save the file as UTF-8 (in most editors: Save As, Encoding: UTF-8).")
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        return problem(1, 1, "KB104", "the file is empty (or holds only comments)",
                       "Fill the file in, or start from `kb new`.")
    if "\t" in text:
        line, col = _first_line_col(text, "\t")
        return problem(line, col, "KB103", "a tab character; YAML must be indented with spaces",
                       "Replace each tab with spaces.")
    control = _CONTROL.search(text)
    if control:
        line, col = _first_line_col(text, control.group())
        return problem(line, col, "KB101", f"a control character (U+{ord(control.group()):04X}) that is not text",
                       "Remove it; it is often pasted in by accident from another program.")
    return text, []


def parse(text: str, file: Path) -> Parsed:
    """Parse one YAML document strictly. Never raises for bad input; problems become diagnostics."""
    out = Parsed(has_todo="TODO" in text)

    def report(mark, code, message, hint=""):
        out.diagnostics.append(Diagnostic(file, mark.line + 1, mark.column + 1, code, message, hint))

    events = yaml.parse(text, Loader=_Loader)
    # A stack of containers under construction: [container, path, pending key (mappings)].
    stack: list[list] = []
    root = None
    documents = 0
    anchors_reported = aliases_reported = False

    def place(value, mark, is_container=False):
        nonlocal root
        if not stack:
            root = value
            out.positions[()] = (mark.line + 1, mark.column + 1)
            return ()
        top = stack[-1]
        container, path = top[0], top[1]
        if isinstance(container, list):
            child = path + (len(container),)
            container.append(value)
            out.positions[child] = (mark.line + 1, mark.column + 1)
            return child
        if top[2] is None:  # this value is a key
            if is_container:
                report(mark, "KB203", "a field name must be a plain word, not a list or mapping",
                       "Write `name: value`.")
                top[2] = ("<complex key>", mark)
            else:
                key = value
                if key in top[3]:
                    first = top[3][key]
                    report(mark, "KB107", f"the field '{key}' is given twice (first on line {first.line + 1})",
                           "Keep one of the two; YAML would silently keep only the last.")
                else:
                    top[3][key] = mark
                top[2] = (key, mark)
            return None
        key, key_mark = top[2]
        top[2] = None
        child = path + (key,)
        if key != "<complex key>" and key not in container:
            container[key] = value
            out.positions[child] = (key_mark.line + 1, key_mark.column + 1)
        return child

    try:
        for event in events:
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    report(event.start_mark, "KB109", "a second YAML document starts here; a file holds one entry",
                           "Remove the extra `---` and what follows, or move it to a file of its own.")
                    break
                continue
            if isinstance(event, yaml.AliasEvent):
                if not aliases_reported:  # once per file: an alias bomb has thousands
                    aliases_reported = True
                    report(event.start_mark, "KB111", f"an alias (*{event.anchor}); entries may not use anchors "
                           "and aliases", "Write the value out in full.")
                place(None, event.start_mark)
                continue
            if isinstance(event, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                if event.anchor is not None and not anchors_reported:
                    anchors_reported = True
                    report(event.start_mark, "KB111", f"an anchor (&{event.anchor}); entries may not use anchors and aliases",
                           "Remove the `&name` and write values out in full.")
                if event.tag not in (None, "!"):
                    report(event.start_mark, "KB110", f"the tag '{event.tag}' is not allowed; entries hold plain values",
                           "Remove the tag (the word starting with `!`).")
            if isinstance(event, yaml.ScalarEvent):
                plain = not event.style and event.tag in (None, "!") and event.implicit[0]
                # Keys stay text as written: `NO:` is the key "NO", `true:` the key "true".
                is_key = bool(stack) and isinstance(stack[-1][0], dict) and stack[-1][2] is None
                place(event.value if is_key else _scalar(event.value, plain), event.start_mark)
            elif isinstance(event, yaml.MappingStartEvent):
                value: dict = {}
                path = place(value, event.start_mark, is_container=True)
                stack.append([value, path if path is not None else ("<complex key>",), None, {}])
            elif isinstance(event, yaml.SequenceStartEvent):
                value_list: list = []
                path = place(value_list, event.start_mark, is_container=True)
                stack.append([value_list, path if path is not None else ("<complex key>",), None, {}])
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                stack.pop()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "the YAML cannot be read"
        context = f" ({exc.context})" if exc.context else ""
        out.diagnostics.append(Diagnostic(
            file, (mark.line + 1) if mark else 1, (mark.column + 1) if mark else 1, "KB106",
            f"YAML syntax error: {problem}{context}",
            "Check this line and the one above it for a missing bracket, quote or colon, "
            "or a value that needs quotes because it contains ': ' or starts with a special character."))
        return out
    except yaml.YAMLError as exc:  # errors without a position
        out.diagnostics.append(Diagnostic(file, 1, 1, "KB106", f"YAML syntax error: {exc}",
                                          "Check the file's structure."))
        return out

    if documents and not isinstance(root, dict):
        kind = "a list" if isinstance(root, list) else "a single value"
        line, col = out.positions.get((), (1, 1))
        out.diagnostics.append(Diagnostic(file, line, col, "KB108",
                                          f"the file holds {kind}, not a set of `field: value` lines",
                                          "An entry starts with `id: ...` at the left margin, one field per line."))
        return out
    out.data = root
    return out


def read(file: Path) -> Parsed:
    """Read and parse one file. Problems with the bytes or the YAML become diagnostics."""
    try:
        raw = file.read_bytes()
    except OSError as exc:
        return Parsed(diagnostics=[Diagnostic(file, 1, 1, "KB114", f"the file cannot be read: {exc.strerror}",
                                              "Check that it exists and that you may read it.")])
    return parse_bytes(raw, file)


def parse_bytes(raw: bytes, file: Path) -> Parsed:
    """Decode and parse the bytes of a file (already read, so a caller can also hash them)."""
    text, problems = decode(raw, file)
    if text is None:
        return Parsed(diagnostics=problems)
    return parse(text, file)


def parse_plain(text: str) -> object:
    """Parse trusted YAML (the project's own data files) with the same strict rules, or raise ValueError."""
    parsed = parse(text, Path("<data>"))
    if parsed.diagnostics:
        d = parsed.diagnostics[0]
        raise ValueError(f"line {d.line}, column {d.column}: {d.message}")
    return parsed.data


def baseline_parse(text: str, pure_python: bool = False) -> object:
    """PyYAML's own safe_load, for benchmarks only: what plain parsing costs."""
    return yaml.load(text, Loader=yaml.SafeLoader if pure_python else _Loader)
