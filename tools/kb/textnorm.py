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
def _expansions() -> tuple[dict[str, list[str]], dict[tuple[str, ...], str]]:
    acronyms = tables()["acronyms"]
    forward = {a: [spelling(w) for w in exp.replace("'", " ").split() if w not in ("s",)] for a, exp in acronyms.items()}
    backward = {tuple(words): a for a, words in forward.items()}
    return forward, backward


def expand(words: list[str]) -> list[str]:
    """The words, plus each acronym's expansion and each expansion's acronym."""
    forward, backward = _expansions()
    out = list(words)
    for word in words:
        out += forward.get(word, ())
    lengths = {len(k) for k in backward}
    for size in lengths:
        for i in range(len(words) - size + 1):
            acronym = backward.get(tuple(words[i:i + size]))
            if acronym:
                out.append(acronym)
    return out
