"""Knowledge base of good practices and lessons learned on cooperation and assistance under the
Convention on Cluster Munitions: load and check entries, index them, publish them as a site.

The public API; the command line (kb.cli) is built on it.
"""

from .diagnostics import CODES, Diagnostic, KbError
from .loading import Corpus, load_corpus
from .model import Entry

__all__ = ["CODES", "Corpus", "Diagnostic", "Entry", "KbError", "load_corpus"]
