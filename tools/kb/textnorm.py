"""The word tables and text folding shared by every search: kb search (Whoosh), kb similar, the
duplicate warning, matching and the site's offline search.

One data file, tools/kb/data/synonyms.yaml: spelling variants are indexed under one form; an
acronym in a text also indexes its expansion, and an expansion also indexes the acronym, so a
query for either finds both.
"""

from __future__ import annotations

import copy
import hashlib
import re
import unicodedata
from functools import cache
from pathlib import Path

from . import yamlread

SYNONYMS_FILE = Path(__file__).parent / "data" / "synonyms.yaml"

# A word: letters and digits; a number keeps its decimal point ("6.2", "1,683,860"), a word its
# apostrophe ("people's") so the possessive can be dropped.
WORD = re.compile(r"\d+(?:[.,]\d+)*|[^\W_]+(?:['\u2019][^\W_]+)*")
# Letters that Unicode decomposition does not split into a base letter and an accent.
FOLD_EXTRA = {"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "đ": "d", "ł": "l", "ı": "i", "þ": "th", "ð": "d",
              "\u2019": "'"}
_FOLD_EXTRA = str.maketrans(FOLD_EXTRA)


@cache
def _tables() -> dict:
    data = yamlread.parse_plain(SYNONYMS_FILE.read_text(encoding="utf-8"))
    return {
        "spelling": {str(k): str(v) for k, v in data["spelling"].items()},
        "acronyms": {str(k): str(v) for k, v in data["acronyms"].items()},
        "acronym_variants": {str(k): [str(x) for x in v] for k, v in (data.get("acronym_variants") or {}).items()},
        "stopwords": sorted(str(w) for w in data["stopwords"]),
        "country_names": {str(k): str(v) for k, v in (data.get("country_names") or {}).items()},
    }


def tables() -> dict:
    """The word tables as plain data (a fresh copy): {"spelling": {british: american}, "acronyms":
    {acronym: expansion}, "acronym_variants": {acronym: [expansion, ...]}, "stopwords": [word, ...],
    "country_names": {name: alpha-2}}. Keys are lower case; everything is JSON-ready."""
    return copy.deepcopy(_tables())


def tables_digest() -> str:
    """Changes whenever the tables change, so an index built with other tables is rebuilt."""
    return hashlib.sha256(SYNONYMS_FILE.read_bytes()).hexdigest()[:16]


def fold(text: str) -> str:
    """Lower case without accents: 'Sécurité' -> 'securite'."""
    lowered = text.lower().translate(_FOLD_EXTRA)
    if lowered.isascii():
        return lowered
    return "".join(c for c in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(c))


def spelling(word: str) -> str:
    return _tables()["spelling"].get(word, word)


def words(text: str) -> list[str]:
    """Folded words with one spelling each, possessives dropped ("people's" -> "people")."""
    out = []
    for word in WORD.findall(fold(text)):
        if "'" in word:
            word = word[:-2] if word.endswith("'s") else word.replace("'", "")
        out.append(spelling(word))
    return out


@cache
def _expansions() -> tuple[dict[str, list[str]], dict[str, list[tuple[tuple[str, ...], str]]]]:
    """acronym -> words, and first word -> [(words, acronym)] for finding expansions in a text."""
    t = _tables()
    forward: dict[str, list[str]] = {}
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for acronym, expansion in t["acronyms"].items():
        forward[acronym] = words(expansion)
        for variant in [expansion, *t["acronym_variants"].get(acronym, [])]:
            phrase = tuple(words(variant))
            if len(phrase) > 1:
                by_first.setdefault(phrase[0], []).append((phrase, acronym))
    return forward, by_first


def expand(terms: list[str]) -> list[str]:
    """The words, plus each acronym's expansion and each expansion's acronym."""
    forward, by_first = _expansions()
    out = list(terms)
    for i, word in enumerate(terms):
        if word in forward:
            out += forward[word]
        for phrase, acronym in by_first.get(word, ()):
            if tuple(terms[i:i + len(phrase)]) == phrase:
                out.append(acronym)
    return out
