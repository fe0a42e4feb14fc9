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

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if not d.is_error]

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


def read_docs(files: Iterable[Path]) -> list[validation.Doc]:
    return [validation.Doc(display_path(f), yamlread.read(f)) for f in files]


def _stub(path: Path) -> validation.Doc:
    """An entry that is not read: known by its file name only (the id must equal it)."""
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
    if only is not None:
        chosen = {f.resolve() for f in only}
        diagnostics = [d for d in diagnostics if d.file.resolve() in chosen]
        docs = [validation.Doc(display_path(f), yamlread.read(f)) if f.resolve() in chosen else _stub(f)
                for f in files]
    else:
        docs = read_docs(files)
    per_file: dict[Path, list[Diagnostic]] = {}
    for doc in docs:
        found = list(doc.parsed.diagnostics)
        if doc.parsed.data is not None and not found:
            # a file whose YAML is in doubt (a duplicate key, an alias) is not checked further:
            # its content is not what the contributor meant, and follow-on errors would mislead
            found += validation.check_entry(doc, today)
        per_file[doc.file] = found
        diagnostics += found
    readable = [d for d in docs if d.parsed.data is not None]
    diagnostics += validation.check_corpus(readable)
    failed = {d.file for d in diagnostics if d.is_error}
    entries = []
    for doc in readable:
        if doc.file not in failed:
            rel = os.path.relpath(doc.file.absolute(), entries_dir.absolute().parent)
            entries.append(model.entry_from_data(doc.data, Path(rel).as_posix(), _alpha3))
    entries.sort(key=lambda e: e.id)
    return Corpus(entries_dir, entries, sorted(set(diagnostics)), docs)
