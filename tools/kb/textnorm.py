"""Word tables shared by both searches (kb search and the site): spellings and acronyms.

One data file, tools/kb/data/synonyms.yaml. Spelling variants are indexed under one form; an
acronym in a text also indexes its expansion, and an expansion also indexes the acronym, so a
query for either finds both.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from . import yamlread

SYNONYMS_FILE = Path(__file__).parent / "data" / "synonyms.yaml"


@cache
def tables() -> dict:
    data = yamlread.parse_plain(SYNONYMS_FILE.read_text(encoding="utf-8"))
    return {"spelling": {str(k): str(v) for k, v in data["spelling"].items()},
            "acronyms": {str(k): str(v) for k, v in data["acronyms"].items()},
            "stopwords": sorted(str(w) for w in data["stopwords"])}


def spelling(word: str) -> str:
    return tables()["spelling"].get(word, word)


@cache
def _expansions() -> tuple[dict[str, list[str]], dict[str, list[tuple[tuple[str, ...], str]]]]:
    """acronym -> words, and first word -> [(words, acronym)] for finding expansions in a text."""
    acronyms = tables()["acronyms"]
    forward = {a: [spelling(w) for w in exp.replace("'", " ").split() if w not in ("s",)] for a, exp in acronyms.items()}
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for a, words in forward.items():
        by_first.setdefault(words[0], []).append((tuple(words), a))
    return forward, by_first


def expand(words: list[str]) -> list[str]:
    """The words, plus each acronym's expansion and each expansion's acronym."""
    forward, by_first = _expansions()
    out = list(words)
    for i, word in enumerate(words):
        if word in forward:
            out += forward[word]
        for phrase, acronym in by_first.get(word, ()):
            if tuple(words[i:i + len(phrase)]) == phrase:
                out.append(acronym)
    return out
