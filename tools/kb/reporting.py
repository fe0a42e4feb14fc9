"""Diagnostics as text, JSON or GitHub Actions annotations: the one place they are formatted."""

from __future__ import annotations

import json
from collections.abc import Sequence

from .diagnostics import CODES, Diagnostic, docs_anchor


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary(diagnostics: Sequence[Diagnostic], checked: int) -> str:
    errors = sum(d.is_error for d in diagnostics)
    warnings = len(diagnostics) - errors
    if not diagnostics:
        return f"{_count(checked, 'entry file')} checked: no problems."
    return f"{_count(checked, 'entry file')} checked: {_count(errors, 'error')}, {_count(warnings, 'warning')}."


def as_text(diagnostics: Sequence[Diagnostic], checked: int) -> str:
    lines = []
    for d in diagnostics:
        label = "" if d.is_error else "warning: "
        lines.append(f"{d.file.as_posix()}:{d.line}:{d.column}: {d.code} {label}{d.message}")
        hint = f"{d.hint} " if d.hint else ""
        lines.append(f"    hint: {hint}(see {docs_anchor(d.code)})")
    lines.append(summary(diagnostics, checked))
    return "\n".join(lines) + "\n"


def as_json(diagnostics: Sequence[Diagnostic], checked: int) -> str:
    return json.dumps({
        "checked": checked,
        "errors": sum(d.is_error for d in diagnostics),
        "warnings": sum(not d.is_error for d in diagnostics),
        "diagnostics": [
            {"file": d.file.as_posix(), "line": d.line, "column": d.column, "code": d.code,
             "severity": d.severity, "title": CODES[d.code].title, "message": d.message, "hint": d.hint}
            for d in diagnostics
        ],
    }, indent=2, ensure_ascii=False) + "\n"


def _escape_github(text: str, property_: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def as_github(diagnostics: Sequence[Diagnostic], checked: int) -> str:
    """GitHub Actions workflow commands: each problem shows on its line in the pull request."""
    lines = []
    for d in diagnostics:
        level = "error" if d.is_error else "warning"
        props = ",".join([f"file={_escape_github(d.file.as_posix(), True)}", f"line={d.line}", f"col={d.column}",
                          f"title={_escape_github(d.code + ' ' + CODES[d.code].title, True)}"])
        message = d.message + (f" ({d.hint})" if d.hint else "")
        lines.append(f"::{level} {props}::{_escape_github(message)}")
    lines.append(summary(diagnostics, checked))
    return "\n".join(lines) + "\n"


FORMATS = {"text": as_text, "json": as_json, "github": as_github}
