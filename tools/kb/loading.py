"""entries/*.yaml -> a Corpus: the entries that passed, and every diagnostic, sorted."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import countries, model, schema, validation, yamlread
from .diagnostics import Diagnostic, KbError

ENTRIES_DIR = Path("entries")
_ID = re.compile(schema.ID_PATTERN)


@dataclass
class Corpus:
    entries_dir: Path
    entries: list[model.Entry]  # valid entries, sorted by id
    diagnostics: list[Diagnostic]  # sorted by file, line, column
    docs: list[validation.Doc] = field(default_factory=list, repr=False)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    def by_id(self) -> dict[str, model.Entry]:
        return {e.id: e for e in self.entries}


def display_path(path: Path) -> Path:
    """The path as a contributor would type it: relative to the current folder when inside it."""
    try:
        return path.absolute().relative_to(Path.cwd())
    except ValueError:
        return path


def discover(entries_dir: Path) -> tuple[list[Path], list[Diagnostic]]:
    """The entry files in a folder, and problems with the files themselves (names, links)."""
    if not entries_dir.is_dir():
        raise KbError(f"{entries_dir}: no such folder. Run kb from the repository root, or pass --entries DIR.")
    files, problems = [], []
    root = entries_dir.resolve()
    for path in sorted(entries_dir.rglob("*")):
        shown = display_path(path)
        if path.suffix not in (".yaml", ".yml"):
            continue
        target = path.resolve()
        if root not in target.parents:
            problems.append(Diagnostic(shown, 1, 1, "KB113", f"this is a link to {target}, outside entries/",
                                       "Replace the link with a real file inside entries/."))
            continue
        if path.is_dir():
            continue
        if path.parent.resolve() != root:
            problems.append(Diagnostic(shown, 1, 1, "KB112", "entries live directly in entries/, not in a sub-folder",
                                       f"Move it to {entries_dir / path.name}."))
            continue
        if path.suffix == ".yml":
            problems.append(Diagnostic(shown, 1, 1, "KB112", "entry files end in .yaml, not .yml",
                                       f"Rename it to {path.stem}.yaml."))
            continue
        if not _ID.match(path.stem):
            problems.append(Diagnostic(shown, 1, 1, "KB112", f"'{path.name}' is not a valid entry file name",
                                       "Use lowercase letters, digits and hyphens, then .yaml: lao-pdr-survey.yaml"))
        files.append(path)
    return files, problems


def _alpha3(code: str) -> str:
    found = countries.lookup(code)
    return found.alpha3 if found else code


def build_entry(doc: validation.Doc, entries_dir: Path) -> model.Entry:
    """The Entry of a checked document; its path is relative to the repository (entries/x.yaml)."""
    rel = os.path.relpath(doc.file.absolute(), entries_dir.absolute().parent)
    return model.entry_from_data(doc.data, Path(rel).as_posix(), _alpha3)


def read_docs(files: Iterable[Path]) -> list[validation.Doc]:
    return [validation.Doc(display_path(f), yamlread.read(f)) for f in files]


def _stub(path: Path) -> validation.Doc:
    """An entry known by its file name only (the id must equal it)."""
    return validation.Doc(display_path(path), yamlread.Parsed(data={"id": path.stem}))


def load_corpus(entries_dir: Path = ENTRIES_DIR, extra_files: Iterable[Path] = (),
                today: dt.date | None = None, only: Iterable[Path] | None = None) -> Corpus:
    """Read, check and build every entry in `entries_dir` (and `extra_files`), reporting all problems.

    With `only`, just those files are read and checked; the others take part in cross-entry checks
    (unique ids, references) by their file names, which is what makes `kb validate --changed` fast."""
    today = today or dt.date.today()
    files, diagnostics = discover(entries_dir)
    known = {f.resolve() for f in files}
    files += [f for f in extra_files if f.resolve() not in known]
    chosen = {f.resolve() for f in only} if only is not None else None
    if chosen is not None:
        diagnostics = [d for d in diagnostics if d.file.resolve() in chosen]
    read = read_docs([f for f in files if chosen is None or f.resolve() in chosen])
    # Known by file name only, for the cross-entry checks: files not read (--changed) and files that
    # cannot be read (so that entries naming them are not told the id does not exist).
    stubs = [_stub(f) for f in files if chosen is not None and f.resolve() not in chosen]
    for doc in read:
        found = list(doc.parsed.diagnostics)
        if doc.parsed.data is not None and not found:
            # a file whose YAML is in doubt (a duplicate key, an alias) is not checked further:
            # its content is not what the contributor meant, and follow-on errors would mislead
            found += validation.check_entry(doc, today)
        diagnostics += found
    readable = [d for d in read if d.parsed.data is not None]
    stubs += [validation.Doc(d.file, yamlread.Parsed(data={"id": d.file.stem})) for d in read if d.parsed.data is None]
    diagnostics += validation.check_corpus(readable + stubs)
    failed = {d.file for d in diagnostics if d.is_error}
    entries = []
    for doc in readable:
        if doc.file not in failed:
            entries.append(build_entry(doc, entries_dir))
    entries.sort(key=lambda e: e.id)
    return Corpus(entries_dir, entries, sorted(set(diagnostics)), read + stubs)
