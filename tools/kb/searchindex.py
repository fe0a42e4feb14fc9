"""The Whoosh index of entries: schema and analysis, building and updating it safely, querying it.
The only module that imports whoosh.

Layout of an index folder (default .kb/index/ beside entries/, or --index-dir / KB_INDEX_DIR):

    CURRENT          the name of the generation in use, replaced atomically
    gen-<n>-<pid>/   one complete Whoosh index and its manifest.json (which files, which versions)
    writer.lock      held (fcntl) by the one process that may write

Every change, full or incremental, is made in a new generation folder (an incremental update starts
from hard links to the current one's files, which Whoosh never rewrites) and swapped in by
replacing CURRENT. A run that is killed leaves the previous index whole; its half-built folder is
removed by the next run. Readers resolve CURRENT once and so never see a mix of generations.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import os
import re
import shutil
import textwrap
import time
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pycountry
from whoosh import highlight, index as windex, query as wq, scoring
from whoosh.analysis import Token, Tokenizer
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.lang.porter2 import stem as porter2_stem
from whoosh.qparser import QueryParser, plugins as qplugins
from whoosh.qparser.syntax import AndGroup

from . import countries, facets, fsutil, loading, model, validation, yamlread
from .diagnostics import KbError
from .similarity import Normaliser
from .textnorm import fold, tables_digest
from .textnorm import tables as synonym_tables
from .vocab import get as vocab

INDEX_ENV = "KB_INDEX_DIR"
INDEX_FORMAT = 7  # bump when the schema or the analysis changes: older indexes are rebuilt
MAX_QUERY_CHARS = 500
SNIPPET_CHARS = 200

# What a word weighs in each part of an entry. All parts go into one indexed field, `text`: one
# posting list per word instead of one per word and part makes queries about three times faster at
# 10,000 entries. Each word carries its part's weight, which BM25 counts as term frequency.
PART_WEIGHTS = {"title": 4.0, "summary": 2.0, "lessons": 2.0, "body": 1.0, "actors": 1.0, "tags": 1.0,
                "context": 0.5}
SNIPPET_PARTS = ("summary", "lessons", "body", "context", "title")  # where a snippet is looked for
_PART_BREAK = "\u2029"  # between parts: positions jump, so no phrase spans two parts
_WEIGHTS = list(PART_WEIGHTS.values())
# facet name in the output -> index field
FACET_FIELDS = {"theme": "themes", "country": "countries", "type": "type", "form": "forms"}
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "REQUIRE"}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_FAR_FUTURE = 9999


__all__ = ["IndexBusy", "IndexReport", "SearchIndex", "build_index", "format_json", "format_text", "index_corpus",
           "index_status", "make_request", "resolve_index_dir", "search", "synonym_tables", "update_index"]


# ---- analysis --------------------------------------------------------------------------------

@cache
def normaliser() -> Normaliser:
    """The analysis shared by indexing, queries and highlighting: Porter2 (Snowball English) stems."""
    return Normaliser(porter2_stem)


class KbAnalyzer(Tokenizer):
    """Whoosh analyzer: folded words, American spellings, no stop words, Porter2 stems, and the
    acronym of any expansion written out in the text (not in queries, which are rewritten instead).
    The same code (kb.similarity.Normaliser) serves indexing, queries and highlighting."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:  # wildcards and the like: the folded text as it is
            t.text = fold(value)
            t.boost, t.stopped = 1.0, False
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        parts = value.split(_PART_BREAK)
        weights = _WEIGHTS if len(parts) == len(_WEIGHTS) else [1.0] * len(parts)
        offset, gap = 0, 0
        for part, weight in zip(parts, weights):
            last = -1
            for tok in normaliser().tokens(part, acronyms=mode != "query"):
                t.text = tok.term
                t.boost, t.stopped = weight, False
                if keeporiginal:
                    t.original = part[tok.start:tok.end]
                if positions:
                    t.pos = start_pos + gap + tok.pos
                if chars:
                    t.startchar, t.endchar = start_char + offset + tok.start, start_char + offset + tok.end
                last = tok.pos
                yield t
            offset += len(part) + len(_PART_BREAK)
            gap += last + 1 + 100


def make_schema() -> Schema:
    return Schema(
        file=ID(unique=True, stored=True),  # the file name in entries/: the key for updates
        id=ID(stored=True, sortable=True),
        path=ID(stored=True),
        type=ID(stored=True),
        # Keyword fields are scorable only so they get a length column: without one, Whoosh checks
        # on disk whether it exists for every posting it writes (half the time of a full build).
        themes=KEYWORD(scorable=True),
        countries=KEYWORD(scorable=True),  # ISO alpha-3
        forms=KEYWORD(scorable=True),
        roles=KEYWORD(scorable=True),  # actor roles
        articles=KEYWORD(scorable=True),  # "6.2" and its article "6"
        start=NUMERIC(int, bits=32),
        end=NUMERIC(int, bits=32),
        spell=KEYWORD(scorable=True),  # every word as written (folded), for "did you mean"
        text=TEXT(analyzer=KbAnalyzer()),  # every part, each word weighted by its part (PART_WEIGHTS)
        title=TEXT(analyzer=KbAnalyzer(), stored=True),  # also on its own, for title:word
        actors=TEXT(analyzer=KbAnalyzer()),  # also on its own, for --actor
        summary=STORED(), lessons=STORED(), body=STORED(), context=STORED(),
    )


def _tags(entry: model.Entry) -> str:
    return " ; ".join(facets.filed_under(entry))


def _document(entry: model.Entry, file_name: str) -> dict:
    fields = entry.text_fields()
    articles = sorted({a for art in entry.ccm_articles for a in (art, art.split(".")[0])})
    words = set()
    for text in fields.values():
        words.update(fold(w) for w in re.findall(r"[^\W\d_]{2,}", text))
    parts = {
        "title": fields["title"],
        "summary": fields["summary"],
        "lessons": "\n".join(filter(None, (fields["lessons"], fields["recommendations"]))),
        "body": "\n".join(filter(None, (fields["practice"], fields["results"]))),
        "actors": " ; ".join(a.name for a in entry.actors),
        "tags": _tags(entry),
        "context": fields["context"],
    }
    text = _PART_BREAK.join(parts[name] for name in PART_WEIGHTS)
    return {
        "file": file_name,
        "id": entry.id,
        "path": entry.path,
        "type": entry.type,
        "themes": " ".join(entry.themes),
        "countries": " ".join(entry.countries),
        "forms": " ".join(entry.assistance_forms),
        "roles": " ".join(sorted({a.role for a in entry.actors})),
        "articles": " ".join(articles),
        "start": entry.period.start,
        "end": entry.period.end if entry.period.end is not None else _FAR_FUTURE,
        "spell": " ".join(sorted(words)),
        "text": text,
        **{name: parts[name] for name in ("title", "actors", "summary", "lessons", "body", "context")},
    }


def _format_key() -> str:
    return f"{INDEX_FORMAT}-{tables_digest()}"


# ---- where the index lives, and who may write it ---------------------------------------------

def resolve_index_dir(index_dir: Path | str | None = None, entries_dir: Path = loading.ENTRIES_DIR) -> Path:
    """--index-dir, else $KB_INDEX_DIR, else .kb/index beside the entries folder."""
    if index_dir:
        return Path(index_dir)
    if os.environ.get(INDEX_ENV):
        return Path(os.environ[INDEX_ENV])
    return Path(entries_dir).absolute().parent / ".kb" / "index"


class IndexBusy(KbError):
    """Another process holds the writer lock."""


def writer_lock(root: Path, wait: float):
    """Hold the index's writer lock, waiting up to `wait` seconds for another writer to finish."""
    return fsutil.exclusive_lock(root / "writer.lock", f"kb process updating the index in {root}", wait, IndexBusy)


def _current_generation(root: Path) -> Path | None:
    try:
        name = (root / "CURRENT").read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    gen = root / name
    return gen if name and gen.is_dir() else None


def _new_generation(root: Path) -> Path:
    gen = root / f"gen-{time.time_ns()}-{os.getpid()}"
    gen.mkdir()
    return gen


def _swap(root: Path, gen: Path) -> None:
    fsutil.atomic_write(root / "CURRENT", gen.name + "\n", durable=True)


def _collect_garbage(root: Path, keep: Iterable[Path]) -> None:
    """Remove generations other than `keep` (the current one and the one before it, which a reader
    may still have open) and what killed runs left behind. Called with the writer lock held."""
    kept = {p.name for p in keep if p}
    for child in root.iterdir():
        if child.name.startswith("gen-") and child.is_dir() and child.name not in kept:
            shutil.rmtree(child, ignore_errors=True)
        elif child.name.startswith("CURRENT.") and child.name.endswith(".tmp"):
            child.unlink(missing_ok=True)


# ---- what changed -----------------------------------------------------------------------------

def _scan(entries_dir: Path) -> dict[str, tuple[int, int]]:
    """File name -> (mtime_ns, size) for the entry files, as kb validate finds them."""
    if not entries_dir.is_dir():
        raise KbError(f"{entries_dir}: no such folder. Run kb from the repository root, or pass --entries DIR.")
    root = entries_dir.resolve()
    found = {}
    with os.scandir(entries_dir) as it:
        for item in it:
            if item.name.startswith(".") or not item.name.endswith(".yaml"):
                continue
            if item.is_symlink() and root not in Path(item.path).resolve().parents:
                continue
            if item.is_file():
                st = item.stat()
                found[item.name] = (st.st_mtime_ns, st.st_size)
    return found


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_manifest(gen: Path | None) -> dict | None:
    if gen is None:
        return None
    try:
        return json.loads((gen / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write_manifest(gen: Path, manifest: dict) -> None:
    tmp = gen / "manifest.json.tmp"
    tmp.write_text(json.dumps(manifest, indent=0, sort_keys=True), encoding="utf-8")
    os.replace(tmp, gen / "manifest.json")


@dataclass
class _Changes:
    changed: list[str]  # added or edited file names
    removed: list[str]
    touched: dict[str, tuple[int, int]]  # same content, new mtime: only the manifest changes


def _changes(manifest: dict, scan: dict[str, tuple[int, int]], entries_dir: Path) -> _Changes:
    known = manifest["files"]
    changed, touched = [], {}
    for name, stat in scan.items():
        old = known.get(name)
        if old is None:
            changed.append(name)
        elif (old["mtime_ns"], old["size"]) != stat:
            try:
                same = _digest(entries_dir / name) == old["sha256"]
            except OSError:
                same = False
            if same:
                touched[name] = stat
            else:
                changed.append(name)
    removed = [name for name in known if name not in scan]
    return _Changes(sorted(changed), sorted(removed), touched)


@dataclass(frozen=True)
class IndexStatus:
    exists: bool
    stale: bool
    reason: str = ""  # why it is stale, for a message


def index_status(entries_dir: Path = loading.ENTRIES_DIR, index_dir: Path | str | None = None) -> IndexStatus:
    """Is there an index, and does it still match the entry files? Reads, never writes."""
    root = resolve_index_dir(index_dir, entries_dir)
    manifest = _read_manifest(_current_generation(root))
    if manifest is None:
        return IndexStatus(False, True, "there is no index yet")
    if manifest.get("format") != _format_key():
        return IndexStatus(True, True, "the index was built by another version of kb")
    if manifest.get("entries_dir") != str(Path(entries_dir).resolve()):
        return IndexStatus(True, True, f"the index was built from {manifest.get('entries_dir')}")
    changes = _changes(manifest, _scan(Path(entries_dir)), Path(entries_dir))
    if changes.changed or changes.removed:
        n = len(changes.changed) + len(changes.removed)
        return IndexStatus(True, True, f"{n} entr{'y has' if n == 1 else 'ies have'} changed since it was built")
    return IndexStatus(True, False)


# ---- building and updating --------------------------------------------------------------------

@dataclass
class IndexReport:
    index_dir: Path
    rebuilt: bool  # a full rebuild (else incremental)
    indexed: int  # entries now in the index
    updated: list[str] = field(default_factory=list)  # file names added or reindexed
    removed: list[str] = field(default_factory=list)  # file names taken out
    skipped: list[str] = field(default_factory=list)  # file names with errors, not in the index
    seconds: float = 0.0

    def summary(self) -> str:
        how = "rebuilt" if self.rebuilt else "updated"
        if not self.rebuilt and not self.updated and not self.removed and not self.skipped:
            line = f"The index in {self.index_dir} is up to date ({self.indexed} entries)."
        else:
            line = (f"Index {how} in {self.seconds:.1f} s: {self.indexed} entries, {len(self.updated)} (re)indexed, "
                    f"{len(self.removed)} removed, {len(self.skipped)} left out.")
        if self.skipped:
            line += (f"\n{len(self.skipped)} file(s) with errors are not searchable until fixed "
                     f"(run kb validate): {', '.join(self.skipped[:5])}{' ...' if len(self.skipped) > 5 else ''}")
        return line


Progress = Callable[[int, int], None]  # (done, total), called as entries are indexed


Loaded = dict[str, tuple[model.Entry | None, dict]]  # file name -> (entry or None if it has errors, manifest data)


def _load_files(entries_dir: Path, names: Sequence[str], scan: dict[str, tuple[int, int]]) -> Loaded:
    """The entries in the named files; None for a file with errors (kb validate reports them).
    Only the checks of one file apply here; cross-entry problems do not hide an entry from search."""
    today = dt.date.today()
    out: Loaded = {}
    for name in names:
        path = entries_dir / name
        try:
            raw = path.read_bytes()
        except OSError:
            out[name] = (None, {"mtime_ns": 0, "size": 0, "sha256": ""})
            continue
        # The digest is of the very bytes parsed, so a file saved meanwhile is seen as changed next time.
        digest = hashlib.sha256(raw).hexdigest()
        doc = validation.Doc(loading.display_path(path), yamlread.parse_bytes(raw, path))
        entry = None
        if doc.parsed.data is not None and not doc.parsed.diagnostics:
            if not any(d.is_error for d in validation.check_entry(doc, today)):
                entry = loading.build_entry(doc, entries_dir)
        mtime, size = scan.get(name, (0, 0))
        out[name] = (entry, {"mtime_ns": mtime, "size": size, "sha256": digest})
    return out


def _fingerprint(entry: model.Entry) -> str:
    return hashlib.sha256(repr(entry).encode("utf-8")).hexdigest()


def update_index(entries_dir: Path = loading.ENTRIES_DIR, index_dir: Path | str | None = None, *,
                 rebuild: bool = False, wait: float = 60.0, progress: Progress | None = None) -> IndexReport:
    """Bring the index up to date with the entry files: only changed, added and removed files are
    reindexed, unless `rebuild` or the index is missing or from another version of kb.

    Waits up to `wait` seconds for another writer, then raises IndexBusy (a KbError).
    """
    entries_dir = Path(entries_dir)
    root = resolve_index_dir(index_dir, entries_dir)
    source = str(entries_dir.resolve())
    _scan(entries_dir)  # fail early, before taking the lock, if the folder is missing

    def plan(manifest: dict | None) -> tuple[list[str], list[str], Callable[[list[str]], Loaded]]:
        scan = _scan(entries_dir)  # under the lock: another writer may have waited us out
        loader = lambda names: _load_files(entries_dir, names, scan)  # noqa: E731
        if manifest is None:
            return sorted(scan), [], loader
        changes = _changes(manifest, scan, entries_dir)
        for name, (mtime, size) in changes.touched.items():
            manifest["files"][name].update(mtime_ns=mtime, size=size)
        return changes.changed, changes.removed, loader

    return _update(root, source, rebuild, wait, progress, plan)


def build_index(entries: Iterable[model.Entry] | Path | str = loading.ENTRIES_DIR,
                index_dir: Path | str | None = None, *, rebuild: bool = False, wait: float = 60.0,
                progress: Progress | None = None) -> IndexReport:
    """Index a folder of entry files (as update_index), or exactly the given Entry objects (for
    instance a corpus that passed validation). An index built from Entry objects is updated only
    by calling this again (changed entries are found by content); searches do not refresh it."""
    if isinstance(entries, (str, Path)):
        return update_index(Path(entries), index_dir, rebuild=rebuild, wait=wait, progress=progress)
    given = {Path(e.path).name or f"{e.id}.yaml": e for e in entries}
    root = Path(index_dir) if index_dir else resolve_index_dir(None)

    def plan(manifest: dict | None) -> tuple[list[str], list[str], Callable[[list[str]], Loaded]]:
        def loader(names: list[str]) -> Loaded:
            return {n: (given[n], {"fingerprint": _fingerprint(given[n])}) for n in names}
        if manifest is None:
            return sorted(given), [], loader
        known = manifest["files"]
        changed = sorted(n for n, e in given.items()
                         if n not in known or known[n].get("fingerprint") != _fingerprint(e))
        removed = sorted(n for n in known if n not in given)
        return changed, removed, loader

    return _update(root, None, rebuild, wait, progress, plan)


def index_corpus(corpus: loading.Corpus, index_dir: Path | str | None = None) -> IndexReport:
    """Bring the index beside a loaded corpus's folder up to date (`kb build` calls this)."""
    return update_index(corpus.entries_dir, index_dir)


def _update(root: Path, source: str | None, rebuild: bool, wait: float, progress: Progress | None, plan) -> IndexReport:
    started = time.monotonic()
    try:
        with writer_lock(root, wait):
            current = _current_generation(root)
            manifest = _read_manifest(current)
            if rebuild or manifest is None or manifest.get("format") != _format_key() \
                    or manifest.get("entries_dir") != source:
                manifest, current = None, None
            changed, removed, loader = plan(manifest)
            if manifest is not None and not changed and not removed:
                _write_manifest(current, manifest)  # only file times changed, if anything
                report = IndexReport(root, False, sum(1 for f in manifest["files"].values() if f["indexed"]))
            else:
                previous = _current_generation(root)
                known = manifest["files"] if manifest else {}
                report = _build(root, current, known, changed, removed, loader, source, progress)
                _collect_garbage(root, keep=[_current_generation(root), previous])
    except OSError as exc:
        raise KbError(f"cannot write the index in {root}: {exc.strerror or exc}") from exc
    report.seconds = time.monotonic() - started
    return report


def _build(root: Path, base: Path | None, known: dict, changed: list[str], removed: list[str], loader,
           source: str | None, progress: Progress | None) -> IndexReport:
    """Make a new generation (from `base`'s files, or empty), apply the changes, swap it in."""
    gen = _new_generation(root)
    try:
        if base is None:
            ix = windex.create_in(str(gen), make_schema())
        else:
            for item in base.iterdir():
                if item.is_file() and item.name != "manifest.json" and "LOCK" not in item.name \
                        and not item.name.endswith(".tmp"):
                    try:
                        os.link(item, gen / item.name)  # Whoosh never rewrites a file it has written
                    except OSError:
                        shutil.copy2(item, gen / item.name)
            ix = windex.open_dir(str(gen))
        files = {k: dict(v) for k, v in known.items() if k not in removed}
        report = IndexReport(root, base is None, 0, removed=list(removed))
        writer = ix.writer(limitmb=128)
        try:
            for name in removed:
                writer.delete_by_term("file", name)
            done = 0
            for chunk in _chunks(changed, 200):
                for name, (entry, meta) in loader(chunk).items():
                    if entry is None:
                        report.skipped.append(name)
                        if base is not None:
                            writer.delete_by_term("file", name)
                    else:
                        (writer.add_document if base is None else writer.update_document)(**_document(entry, name))
                        report.updated.append(name)
                    files[name] = {**meta, "indexed": entry is not None, "id": entry.id if entry else None}
                    done += 1
                    if progress:
                        progress(done, len(changed))
        except BaseException:
            writer.cancel()
            raise
        writer.commit(optimize=base is None)
        ix.close()
        _write_manifest(gen, {"format": _format_key(), "entries_dir": source, "files": files})
        _swap(root, gen)
    except BaseException:
        shutil.rmtree(gen, ignore_errors=True)
        raise
    report.indexed = sum(1 for f in files.values() if f["indexed"])
    return report


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def refresh_index(entries_dir: Path = loading.ENTRIES_DIR, index_dir: Path | str | None = None,
                  wait: float = 5.0) -> list[str]:
    """Update the index before a search if the entries changed; notices for the user, if any."""
    entries_dir = Path(entries_dir)
    root = resolve_index_dir(index_dir, entries_dir)
    manifest = _read_manifest(_current_generation(root))
    if manifest is not None and manifest.get("entries_dir") is None:
        return []  # built from Entry objects by build_index: whoever built it keeps it current
    if not entries_dir.is_dir():
        if manifest is None:
            raise KbError(f"no index in {root} and no entries folder {entries_dir} to build one from. "
                          "Run kb from the repository root, or pass --entries DIR.")
        return [f"cannot check the index against {entries_dir} (no such folder); results may be out of date"]
    status = index_status(entries_dir, root)
    if not status.stale:
        return []
    try:
        report = update_index(entries_dir, root, wait=wait)
    except IndexBusy:
        if not status.exists:
            raise
        return [f"the index is out of date ({status.reason}) and another kb process is updating it; "
                "these results may miss recent changes"]
    except KbError as exc:  # a read-only checkout, say: search what there is, and say so
        if not status.exists:
            raise
        return [f"the index is out of date ({status.reason}) and could not be updated ({exc}); "
                "these results may miss recent changes"]
    summary = report.summary()
    return [f"the index was out of date ({status.reason}): {summary[0].lower()}{summary[1:]}"]


# ---- queries ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Request:
    """A checked search: the query rewritten for the parser, and the filters as index terms."""

    query: str  # as the user typed it
    rewritten: str  # acronym expansions replaced by acronyms, -word as NOT word
    filters: tuple[tuple[str, tuple[str, ...]], ...]  # (index field, terms), any term of one field
    actor_words: tuple[tuple[str, ...], ...]  # each --actor as the terms that must all appear
    year_from: int | None
    year_to: int | None
    limit: int
    page: int

    @property
    def has_filters(self) -> bool:
        return bool(self.filters or self.actor_words or self.year_from is not None or self.year_to is not None)


def _vocab_term(name: str, what: str, value: str) -> str:
    vocabulary = vocab(name)
    text = str(value).strip()
    if text in vocabulary:
        return text
    lowered = text.lower().replace(" ", "-").replace("_", "-")
    if lowered in vocabulary:
        return lowered
    by_label = {t.label.lower(): t.key for t in vocabulary.terms.values()}
    if text.lower() in by_label:
        return by_label[text.lower()]
    raise KbError(f"unknown {what} '{value}': {vocabulary.suggest(value)}")


@cache
def _country_names() -> dict[str, str]:
    return synonym_tables()["country_names"]


def country_code(value: str) -> str:
    """ISO alpha-3 for an alpha-2 or alpha-3 code or a country's name, or KbError with a hint."""
    text = " ".join(str(value).split())
    found = countries.lookup(text.upper()) if text.isascii() and text.isalpha() and len(text) in (2, 3) else None
    if found is None:
        alias = _country_names().get(fold(text))
        if alias:
            found = countries.lookup(alias)
    if found is None:
        try:
            record = pycountry.countries.lookup(text)
        except LookupError:
            record = None
        found = countries.lookup(record.alpha_3) if record else None
    if found is None:
        raise KbError(f"unknown country '{value}': {countries.suggest(value)}")
    return found.alpha3


def _article(value: str) -> str:
    text = re.sub(r"^\s*(article|art\.?)\s*", "", str(value), flags=re.I).strip()
    text = text.replace("(", ".").replace(")", "").rstrip(".")
    return _vocab_term("ccm_articles", "CCM article", text)


def _check_query_text(text: str) -> str:
    if len(text) > MAX_QUERY_CHARS:
        raise KbError(f"the query is {len(text)} characters long; the limit is {MAX_QUERY_CHARS}. "
                      "Use a few words that the entries you want would contain.")
    if _CONTROL.search(text):
        raise KbError("the query contains a control character; type it again as plain text.")
    text = " ".join(text.split())
    if text.count('"') % 2:
        raise KbError('the query has an opening " without a closing one; put quotes around a whole phrase, '
                      'as in "risk education".')
    depth = 0
    for c in re.sub(r'"[^"]*"', "", text):
        depth += (c == "(") - (c == ")")
        if depth < 0:
            raise KbError("the query has a ')' without a matching '('.")
    if depth:
        raise KbError("the query has a '(' without a matching ')'.")
    return text


def _rewrite(text: str) -> str:
    """Check the operators, turn -word into NOT word, and replace spelled-out acronym expansions
    outside quotes by the acronym, so they match texts that use either form."""
    parts = re.split(r'("[^"]*")', text)
    for i in range(0, len(parts), 2):  # outside quotes: -word, -"phrase", -(group) -> NOT ...; +word -> word
        parts[i] = re.sub(r'(^|(?<=[\s(]))-(?=[^\W_]|\()', "NOT ", parts[i])
        parts[i] = re.sub(r'(^|(?<=[\s(]))-$', "NOT ", parts[i]) if i + 1 < len(parts) else parts[i]
        parts[i] = re.sub(r'(^|(?<=[\s(]))\+(?=[^\W_]|\()', "", parts[i])
        if i + 1 < len(parts):  # just before a quoted phrase
            parts[i] = re.sub(r'(^|(?<=[\s(]))\+$', "", parts[i])
    words = [w for i, p in enumerate(parts) if i % 2 == 0 for w in p.replace("(", " ").replace(")", " ").split()]
    words_all = []
    for i, p in enumerate(parts):
        words_all += ["<phrase>"] if i % 2 else p.replace("(", " ( ").replace(")", " ) ").split()
    previous = None
    for w in words_all + ["<end>"]:
        if w in _OPERATORS:
            if w != "NOT" and (previous in (None, "(") or previous in _OPERATORS):
                raise KbError(f"'{w}' needs a word on each side, as in: clearance {w} survey")
        elif w in (")", "<end>") and previous in _OPERATORS:
            raise KbError(f"'{previous}' needs a word after it, as in: clearance {previous} survey")
        if w not in ("<end>",):
            previous = w
    for w in words:
        if w in _OPERATORS:
            continue
        if not re.search(r"[^\W_]", w):
            raise KbError(f"'{w}' is not a word to search for. To leave out entries with a word, "
                          "put '-' right before it: -stockpile")
        if "*" in w.rstrip("*") or "?" in w or (w.endswith("*") and len(re.findall(r"[^\W_]", w)) < 3):
            raise KbError(f"'{w}': a '*' may only end a word of at least three letters, as in: demin*")
    norm = normaliser()
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(part)
            continue
        pieces, last = [], 0
        for start, end, acronym in norm.expansion_spans(part):
            pieces += [part[last:start], acronym]
            last = end
        part = "".join(pieces) + part[last:]
        out.append(re.sub(r"(?<![\w:])[A-Z]{2,3}(?![\w:])", _country_code_word, part))
    return " ".join("".join(out).split())


def _country_code_word(match: re.Match) -> str:
    """A country code typed in capitals (KH, KHM, UA) also finds the country's name and the entries
    filed under it, unless it is one of the acronyms (CMR is Cameroon's code, VA the Vatican's)."""
    word = match.group()
    if word in _OPERATORS or word.lower() in normaliser().acronym_terms:
        return word
    found = countries.lookup(word)
    if found is None:
        return word
    name = re.sub(r"[^\w\s]", " ", found.name)
    return f'({word} OR "{name}" OR countries:{found.alpha3})'


def make_request(query: str = "", *, themes: Iterable[str] = (), countries: Iterable[str] = (),
                 types: Iterable[str] = (), forms: Iterable[str] = (), actors: Iterable[str] = (),
                 year_from: int | None = None, year_to: int | None = None, articles: Iterable[str] = (),
                 limit: int = 10, page: int = 1) -> Request:
    """Check a query and its filters; KbError with a plain message for anything malformed."""
    text = _check_query_text(query or "")
    filters = []
    for fieldname, values, convert in (
            ("themes", themes, lambda v: _vocab_term("themes", "theme", v)),
            ("countries", countries, country_code),
            ("type", types, lambda v: _vocab_term("types", "type", v)),
            ("forms", forms, lambda v: _vocab_term("assistance_forms", "form of assistance", v)),
            ("articles", articles, _article)):
        terms = tuple(dict.fromkeys(convert(v) for v in values))
        if terms:
            filters.append((fieldname, terms))
    actor_words = []
    for value in actors:
        value = _check_query_text(str(value))
        if value in vocab("actor_roles"):
            filters.append(("roles", (value,)))
            continue
        terms = tuple(t.term for t in normaliser().tokens(_rewrite_acronyms(value), acronyms=False))
        if not terms:
            raise KbError(f"--actor '{value}': give an actor's name (or part of it) or a role such as donor.")
        actor_words.append(terms)
    for name, year in (("--year-from", year_from), ("--year-to", year_to)):
        if year is not None and not 1900 <= int(year) <= _FAR_FUTURE - 1:
            raise KbError(f"{name} {year}: give a year such as 2010.")
    if year_from is not None and year_to is not None and year_from > year_to:
        raise KbError(f"--year-from {year_from} is after --year-to {year_to}.")
    if limit < 1 or limit > 1000:
        raise KbError("--limit must be between 1 and 1000.")
    if page < 1:
        raise KbError("--page starts at 1.")
    rewritten = _rewrite(text) if text else ""
    request = Request(text, rewritten, tuple(filters), tuple(actor_words), year_from, year_to, limit, page)
    if not text and not request.has_filters:
        raise KbError("nothing to search for: give some words, or at least one filter such as --theme or --country.")
    return request


def _rewrite_acronyms(text: str) -> str:
    pieces, last = [], 0
    for start, end, acronym in normaliser().expansion_spans(text):
        pieces += [text[last:start], acronym]
        last = end
    return "".join(pieces) + text[last:]


def _parser(schema: Schema) -> QueryParser:
    parser = QueryParser("text", schema, group=AndGroup)
    # Kept: words, "phrases", (groups), AND/OR/NOT, word*, and field:word (title:survey).
    for plugin in (qplugins.SingleQuotePlugin, qplugins.RangePlugin, qplugins.BoostPlugin, qplugins.EveryPlugin):
        parser.remove_plugin_class(plugin)
    return parser


_ANALYZER = KbAnalyzer()


class _Bm25(scoring.BM25F):
    """Whoosh's BM25F, reading each document's length from a list in memory instead of from the
    length column on every match (a fifth of the time of a broad query at 10,000 entries)."""

    def __init__(self):
        super().__init__()
        self._lengths: dict[tuple[int, str], list[int]] = {}

    def scorer(self, searcher, fieldname, text, qf=1):
        scorer = super().scorer(searcher, fieldname, text, qf=qf)
        if isinstance(scorer, scoring.BM25FScorer):
            reader = searcher.reader()
            key = (id(reader), fieldname)
            if key not in self._lengths:
                self._lengths[key] = [reader.doc_field_length(d, fieldname, 1) for d in range(reader.doc_count_all())]
            scorer.dfl = self._lengths[key].__getitem__
        return scorer


class _Marks(highlight.Formatter):
    """Matched words in **bold** (Markdown), fragments joined by ' … '."""

    between = " … "

    def format_token(self, text, token, replace=False):
        return "**" + highlight.get_text(text, token, replace) + "**"


def _clip(text: str, limit: int = SNIPPET_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) > limit:
        text = textwrap.shorten(text, limit, placeholder=" …")
        if text.count("**") % 2:  # the cut fell inside a highlighted phrase
            text = text[:-2] + "** …"
    return text


class SearchIndex:
    """An open index; `search` answers queries. Open once and reuse it for many queries."""

    def __init__(self, index_dir: Path | str):
        self.root = Path(index_dir)
        gen = _current_generation(self.root)
        if gen is None:
            raise KbError(f"there is no index in {self.root}: run kb index.")
        error = None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)  # Whoosh leaves open a file it cannot read
            try:
                self._ix = windex.open_dir(str(gen))
            except Exception as exc:  # an unreadable index is a problem to report, not a traceback
                error = f"{type(exc).__name__}: {exc}"
            if error:
                gc.collect()
        if error:
            raise KbError(f"the index in {gen} cannot be read ({error}); run kb index --rebuild.")
        self._searcher = self._ix.searcher(weighting=_Bm25())
        self._parser = _parser(self._ix.schema)
        self._facet_sets: dict[str, dict[str, frozenset[int]]] | None = None
        self._id_column = None
        self._fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=50)

    def close(self) -> None:
        self._searcher.close()
        self._ix.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __len__(self) -> int:
        return self._searcher.doc_count()

    def _facets(self) -> dict[str, dict[str, frozenset[int]]]:
        """Facet value -> documents, read once from the postings."""
        if self._facet_sets is None:
            reader = self._searcher.reader()
            sets = {}
            for name, fieldname in FACET_FIELDS.items():
                sets[name] = {
                    term.decode("utf-8") if isinstance(term, bytes) else term:
                        frozenset(d for d in reader.postings(fieldname, term).all_ids() if not reader.is_deleted(d))
                    for term in reader.lexicon(fieldname)
                }
            self._facet_sets = sets
        return self._facet_sets

    def _filter(self, request: Request) -> wq.Query | None:
        parts: list[wq.Query] = []
        for fieldname, terms in request.filters:
            parts.append(wq.Or([wq.Term(fieldname, t) for t in terms]) if len(terms) > 1 else wq.Term(fieldname, terms[0]))
        for words in request.actor_words:
            parts.append(wq.And([wq.Term("actors", w) for w in words]))
        if request.year_from is not None:
            parts.append(wq.NumericRange("end", request.year_from, None))
        if request.year_to is not None:
            parts.append(wq.NumericRange("start", None, request.year_to))
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else wq.And(parts)

    def _parse(self, request: Request) -> wq.Query:
        if not request.rewritten:
            return wq.Every()
        for name in re.findall(r"(?<![\w:])([A-Za-z_]+):(?=[^\s/])", request.query):
            if name.lower() != "title":
                raise KbError(f"'{name}:' cannot be searched; only 'title:' narrows a word to titles "
                              "(use --theme, --country and the other options to filter).")
        try:
            q = self._parser.parse(request.rewritten)
        except Exception as exc:  # whoosh's parser fails in its own ways on odd input: never a traceback
            raise KbError(f"the query '{request.query}' cannot be read ({exc.__class__.__name__}); "
                          "check its quotes, brackets and AND/OR/NOT.") from None
        if q is None or q is wq.NullQuery or isinstance(q, type(wq.NullQuery)) or not list(q.leaves()):
            raise KbError(f"'{request.query}' holds only words too common to search for "
                          "(such as 'the', 'of', 'and'); add a more specific word.")
        for leaf in q.leaves():
            if getattr(leaf, "error", None):
                raise KbError(f"the query cannot be read: {leaf.error}")
        return q

    def search(self, request: Request) -> dict:
        """The results of a checked request, as the JSON output (without notices)."""
        q = self._parse(request)
        searcher = self._searcher
        fq = self._filter(request)
        allowed = set(searcher.docs_for_query(fq)) if fq is not None else None
        start = (request.page - 1) * request.limit
        results = None
        if isinstance(q, wq.Every):  # filters only: every match, by id
            docset = allowed if allowed is not None else set(searcher.docs_for_query(q))
            ranked = [(None, d) for d in sorted(docset, key=self._ids().__getitem__)]
        else:
            # One pass scores every match: with AND queries over common words Whoosh can rarely skip
            # blocks, and the facets need every match anyway.
            try:
                results = searcher.search(q, filter=allowed, limit=None)
            except (IndexError, ValueError, TypeError, AttributeError) as exc:  # odd queries such as NOT NOT x
                raise KbError(f"the query '{request.query}' cannot be run ({exc.__class__.__name__}); "
                              "simplify it.") from None
            docset = results.docs()
            ranked = self._break_ties(results.top_n, start + request.limit)
        page = ranked[start:start + request.limit]
        terms = self._query_terms(q) if results is not None else frozenset()
        out = []
        for score, docnum in page:
            stored = searcher.stored_fields(docnum)
            snippet = ""
            for part in SNIPPET_PARTS if terms else ():
                snippet = highlight.highlight(stored[part], terms, _ANALYZER, self._fragmenter, _Marks(), top=2,
                                              mode="index")
                if snippet:
                    break
            out.append({"id": stored["id"], "title": stored["title"], "type": stored["type"],
                        "score": None if score is None else round(score, 3),
                        "snippet": _clip(snippet, SNIPPET_CHARS + 40) if snippet else _clip(stored["summary"]),
                        "path": stored["path"]})
        facets = {}
        for name, values in self._facets().items():
            counts = {value: len(docs & docset) for value, docs in values.items()}
            facets[name] = dict(sorted(((v, c) for v, c in counts.items() if c), key=lambda vc: (-vc[1], vc[0])))
        data = {"query": request.query, "total": len(docset), "results": out, "facets": facets, "suggestion": None}
        if not docset and not isinstance(q, wq.Every):
            data["suggestion"] = self.suggest(request)
        return data

    def _query_terms(self, q: wq.Query) -> frozenset[str]:
        """The words of a query as index terms (prefixes expanded), for highlighting."""
        found = set()
        for fieldname, text in q.existing_terms(self._searcher.reader(), phrases=True, expand=True):
            if fieldname in ("text", "title"):
                found.add(text.decode("utf-8") if isinstance(text, bytes) else text)
        return frozenset(found)

    def _ids(self):
        """Document number -> entry id, read once from the id column."""
        if self._id_column is None:
            self._id_column = self._searcher.reader().column_reader("id")
        return self._id_column

    def _break_ties(self, ranked: list[tuple[float, int]], needed: int) -> list[tuple[float, int]]:
        """The first `needed` (score, docnum) pairs, best first. Whoosh orders equal scores by
        document number, which differs between a full and an incremental build; equal scores are
        ordered by entry id instead, so output is the same either way."""
        end = min(needed, len(ranked))
        while 0 < end < len(ranked) and abs(ranked[end][0] - ranked[end - 1][0]) < 1e-9:
            end += 1  # take in everything tied with the last one needed
        ids = self._ids()
        head = sorted(ranked[:end], key=lambda sd: (-round(sd[0], 9), ids[sd[1]]))
        return head[:needed]

    def suggest(self, request: Request) -> str | None:
        """A corrected query that finds something, or None: each word no entry contains is replaced
        by the closest word that some entry does contain."""
        reader = self._searcher.reader()
        text = request.query
        replaced = False
        pieces, last = [], 0
        for m in re.finditer(r'"[^"]*"|[^\W\d_]{3,}', text):
            if m.group().startswith('"'):
                continue
            word = m.group()
            if word in _OPERATORS:
                continue
            folded = fold(word)
            if reader.doc_frequency("spell", folded) or folded in normaliser().acronym_terms \
                    or (word.isupper() and countries.lookup(word)):
                continue
            best = self._closest(reader, folded)
            if best:
                pieces += [text[last:m.start()], _match_case(word, best)]
                last = m.end()
                replaced = True
        if not replaced:
            return None
        corrected = "".join(pieces) + text[last:]
        try:
            again = make_request(corrected, limit=1)
        except KbError:
            return None
        again = Request(again.query, again.rewritten, request.filters, request.actor_words, request.year_from,
                        request.year_to, 1, 1)
        try:
            q = self._parse(again)
        except KbError:
            return None
        found = self._searcher.search(q, filter=self._filter(again), limit=1)
        return corrected if len(found) else None

    @staticmethod
    def _closest(reader, word: str) -> str | None:
        best = None
        for maxdist in ((1,) if len(word) <= 4 else (1, 2)):
            candidates = set(reader.terms_within("spell", word, maxdist, prefix=1))
            candidates.discard(word)
            if candidates:
                best = max(candidates, key=lambda w: (reader.doc_frequency("spell", w), w))
                break
        return best


def _match_case(original: str, word: str) -> str:
    if original.isupper() and len(original) > 1:
        return word.upper()
    if original[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def search(query: str = "", *, themes: Iterable[str] = (), countries: Iterable[str] = (),
           types: Iterable[str] = (), forms: Iterable[str] = (), actors: Iterable[str] = (),
           year_from: int | None = None, year_to: int | None = None, articles: Iterable[str] = (),
           limit: int = 10, page: int = 1, entries_dir: Path = loading.ENTRIES_DIR,
           index_dir: Path | str | None = None, refresh: bool = True) -> dict:
    """Search the entries: the data that `kb search --format json` prints.

    {"query", "total", "results": [{"id", "title", "type", "score", "snippet", "path"}],
     "facets": {"theme": {key: count}, "country": {alpha3: count}, "type": ..., "form": ...},
     "suggestion": str | None, "notices": [str]}

    Words must all appear (in any field); "quoted phrases", OR, NOT or -word, and word* are
    understood. Filters of one kind match any of their values; different kinds must all match.
    With `refresh`, a missing or out-of-date index is brought up to date first.
    """
    request = make_request(query, themes=themes, countries=countries, types=types, forms=forms, actors=actors,
                           year_from=year_from, year_to=year_to, articles=articles, limit=limit, page=page)
    root = resolve_index_dir(index_dir, entries_dir)
    notices = refresh_index(entries_dir, root) if refresh else []
    with SearchIndex(root) as ix:
        data = ix.search(request)
    data["notices"] = notices
    return data


# ---- output -----------------------------------------------------------------------------------

def format_json(data: dict) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def format_text(data: dict) -> str:
    """Search results for people: ranked titles and ids, a snippet, and facet counts."""
    lines = []
    shown = f' for "{data["query"]}"' if data["query"] else ""
    total = data["total"]
    if not total:
        lines.append(f"No entries found{shown}.")
        if data["suggestion"]:
            lines.append(f'Did you mean: {data["suggestion"]}')
        return "\n".join(lines) + "\n"
    lines.append(f"{total} entr{'y' if total == 1 else 'ies'} found{shown}.")
    lines.append("")
    for result in data["results"]:
        score = f"  score {result['score']}" if result["score"] is not None else ""
        lines.append(f"{result['title']}")
        lines.append(f"  {result['id']}  ({result['type']}){score}")
        lines.append(textwrap.fill(result["snippet"], width=100, initial_indent="  ", subsequent_indent="  "))
        lines.append("")
    if len(data["results"]) < total:
        lines.append(f"Showing {len(data['results'])} of {total}; use --page and --limit to see more.")
        lines.append("")
    for name, counts in data["facets"].items():
        if counts:
            lines.append(f"{name}: " + ", ".join(f"{value} ({count})" for value, count in counts.items()))
    return "\n".join(lines) + "\n"
