"""The site's offline search index: built here at build time, queried by docs/assets/kb-search.js.

mkdocs-material's search builds its lunr index in the browser on every page load, which takes
seconds at a few thousand pages. Here the inverted index is built once, in Python, and split into
small script files by the first two letters of each term, so a query loads only the shards it
needs: script tags work from file://, where fetch() does not.

Terms are folded (lower case, accents removed), British and American spellings meet (the same
tables as the Whoosh index), and acronyms index their expansions and the reverse. The browser
matches a query word as a prefix of index terms after stripping common endings, so 'surveys'
finds 'survey' and 'surveyed' without a stemmer that would have to exist twice.
"""

from __future__ import annotations

import json

import re
from collections import defaultdict
from functools import cache, lru_cache

from . import countries, facets, textnorm
from .model import Entry
from .vocab import get as vocab

# Field weights: a word in the title counts five times one in the context.
WEIGHTS = {"title": 5, "summary": 3, "lessons": 3, "recommendations": 2, "context": 1, "practice": 1,
           "results": 1, "tags": 2}
SUMMARY_CHARS = 240
FACETS = ("theme", "country", "type", "form")  # the filters of the site's search (kb-search.js)


def terms_of(text: str) -> list[str]:
    """Index terms of a text: folded words, spellings unified, acronyms and expansions both present."""
    stop = _stopwords()
    return [t for t in textnorm.expand(textnorm.words(text)) if t not in stop]


@cache
def _stopwords() -> frozenset[str]:
    return frozenset(textnorm.tables()["stopwords"])


@lru_cache(maxsize=50_000)
def entry_terms(entry: Entry) -> tuple[tuple[str, list[str]], ...]:
    """The terms of each searchable field of an entry."""
    fields = entry.text_fields() | {"tags": _tags_text(entry)}
    return tuple((name, terms_of(text)) for name, text in fields.items())


def shard_name(term: str) -> str:
    prefix = term[:2]
    if re.fullmatch(r"[a-z0-9]{1,2}", prefix):
        return prefix
    return "u" + "-".join(f"{ord(c):x}" for c in prefix)


def _tags_text(entry: Entry) -> str:
    """What the entry is filed under, its country codes and its actors: searchable like its text."""
    codes = [f"{countries.lookup(c).alpha2} {c}" for c in entry.countries if countries.lookup(c)]
    return " ".join(facets.filed_under(entry) + codes + [a.name for a in entry.actors])


@cache
def _facet_labels() -> dict[str, dict[str, str]]:
    return {name: {k: t.label for k, t in vocab(facets.facet(name).vocab).terms.items()}
            for name in ("theme", "type", "form")}


def build_index(entries: list[Entry]) -> tuple[dict, dict[str, dict[str, list[int]]]]:
    """(documents, shards): the documents with their facets, and term -> [doc, weight, ...] by shard."""
    postings: dict[str, dict[int, int]] = defaultdict(dict)
    docs = []
    for n, entry in enumerate(entries):
        for name, terms in entry_terms(entry):
            weight = WEIGHTS[name]
            for term in terms:
                postings[term][n] = postings[term].get(n, 0) + weight
        end = entry.period.end if entry.period.end is not None else entry.period.start
        summary = entry.summary if len(entry.summary) <= SUMMARY_CHARS else entry.summary[:SUMMARY_CHARS] + "…"
        docs.append([entry.id, entry.title, entry.type, list(entry.themes), list(entry.countries),
                     list(entry.assistance_forms), summary, entry.period.start, end])
    shards: dict[str, dict[str, list[int]]] = defaultdict(dict)
    for term in sorted(postings):
        flat = []
        for doc, weight in sorted(postings[term].items()):
            flat += [doc, min(weight, 255)]
        shards[shard_name(term)][term] = flat
    country_labels = {c: facets.country_name(c) for e in entries for c in e.countries}
    meta = {"version": 1, "count": len(docs), "docs": docs,
            "facets": _facet_labels() | {"country": dict(sorted(country_labels.items(), key=lambda kv: kv[1]))},
            "spelling": textnorm.tables()["spelling"], "stopwords": textnorm.tables()["stopwords"],
            "fold": textnorm.FOLD_EXTRA,
            "shards": sorted(shards)}
    return meta, shards


def _json(payload) -> str:
    # JSON is valid JavaScript; escape '<' so no '</script>' can ever close a tag if inlined.
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def render_search(entries: list[Entry]) -> dict[str, str]:
    meta, shards = build_index(entries)
    # docs.js may run before kb-search.js (search.html loads it early), so it only stores its data
    pages = {"search/docs.js": f"window.KB_SEARCH = window.KB_SEARCH || {{}};\nKB_SEARCH.meta = {_json(meta)};\n"}
    for name, terms in shards.items():
        pages[f"search/t/{name}.js"] = f"KB_SEARCH.shard({_json([name, terms])});\n"
    pages["search.md"] = search_page()
    return pages


def search_page() -> str:
    return """---
title: Search
hide:
  - toc
---

<div class="kb-search" id="kb-search" data-root="./"><h1>Search</h1><form class="kb-search-form" id="kb-search-form" action="search.html" method="get" role="search"><label for="kb-q">Words to look for</label> <input id="kb-q" name="q" type="search" autocomplete="off" placeholder="for example: victim assistance Lao PDR"> <button type="submit">Search</button><div class="kb-filters" id="kb-filters"></div></form><p class="kb-search-status" id="kb-status" role="status">Type a few words, or choose a filter.</p><ol class="kb-results" id="kb-results"></ol><noscript><p>Search needs JavaScript. Without it, <a href="browse/index.html">browse the entries</a>.</p></noscript></div>

<script src="search/docs.js"></script>
"""


