"""MkDocs hook: plain `mkdocs build` and `mkdocs serve` generate the pages from entries/ first.

`kb build` generates them itself and sets KB_PAGES_READY, so they are not generated twice. Pages are
written into docs/ only when their text changed, so `mkdocs serve` does not rebuild in a loop.
"""

from __future__ import annotations

import os
from pathlib import Path

from mkdocs.exceptions import PluginError

from kb import building
from kb.diagnostics import KbError


def on_pre_build(config, **kwargs):
    if os.environ.get(building.PAGES_READY):
        return
    root = Path(config.config_file_path).resolve().parent
    try:
        corpus = building.load_checked(root)
        from kb.cli import cli_reference

        building.generate_pages(root, corpus, building.site_config(config), {"reference/cli.md": cli_reference()},
                                building.similar_finder(corpus))
    except KbError as exc:
        raise PluginError(str(exc)) from None
