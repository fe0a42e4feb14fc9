"""Knowledge base of good practices and lessons learned on cooperation and assistance under the
Convention on Cluster Munitions: load and check entries, index them, publish them as a site.

The public API; the command line (kb.cli) is built on it.
"""

from .diagnostics import CODES, Diagnostic, KbError
from .loading import Corpus, load_corpus
from .model import Entry

_LAZY = {"search": "searchindex", "update_index": "searchindex", "similar_entries": "similarity"}


def __getattr__(name: str):
    """kb.search(...), kb.update_index(...), kb.similar_entries(...): imported on first use, so that
    commands which do not search do not pay for loading Whoosh."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'kb' has no attribute {name!r}")


__all__ = ["CODES", "Corpus", "Diagnostic", "Entry", "KbError", "load_corpus", "search", "similar_entries",
           "update_index"]
