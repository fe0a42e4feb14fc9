"""Controlled vocabularies, one data file each in tools/kb/vocab/: the single source for validation,
hints, the JSON Schema, the issue form and the site's reference pages."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from . import yamlread

VOCAB_DIR = Path(__file__).parent / "vocab"

# Which entry field each vocabulary governs (a field may hold one term or a list of terms).
FIELD_VOCAB = {
    "type": "types",
    "status": "statuses",
    "evidence_level": "evidence_levels",
    "themes": "themes",
    "assistance_forms": "assistance_forms",
    "modality": "modalities",
    "ccm_articles": "ccm_articles",
}


@dataclass(frozen=True)
class Term:
    key: str
    label: str
    definition: str
    extra: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Vocabulary:
    name: str
    label: str
    description: str
    terms: dict[str, Term]

    def __contains__(self, key: object) -> bool:
        return key in self.terms

    def label_of(self, key: str) -> str:
        term = self.terms.get(key)
        return term.label if term else key

    def suggest(self, value: object) -> str:
        """A hint for a term that is not in the vocabulary."""
        text = str(value)
        lowered = text.strip().lower().replace(" ", "-").replace("_", "-")
        if lowered in self.terms:
            return f"did you mean '{lowered}'?"
        by_label = {t.label.lower(): t.key for t in self.terms.values()}
        if text.strip().lower() in by_label:
            return f"did you mean '{by_label[text.strip().lower()]}'?"
        close = difflib.get_close_matches(lowered, list(self.terms), n=1, cutoff=0.6)
        if close:
            return f"did you mean '{close[0]}'?"
        return "use one of: " + ", ".join(self.terms)


def _load(path: Path) -> Vocabulary:
    data = yamlread.parse_plain(path.read_text(encoding="utf-8"))
    terms = {}
    for key, spec in data["terms"].items():
        extra = {k: v for k, v in spec.items() if k not in ("label", "definition")}
        terms[str(key)] = Term(str(key), spec["label"], spec["definition"], extra)
    return Vocabulary(data["name"], data["label"], data["description"], terms)


@cache
def vocabularies() -> dict[str, Vocabulary]:
    return {p.stem: _load(p) for p in sorted(VOCAB_DIR.glob("*.yaml"))}


def get(name: str) -> Vocabulary:
    return vocabularies()[name]
