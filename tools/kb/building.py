"""`kb build`: validate, index, generate the pages, run MkDocs into a new folder, swap it in."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import logging
import os
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import fsutil, loading, reporting, site
from .diagnostics import KbError

PAGES_READY = "KB_PAGES_READY"  # set while kb build runs MkDocs: the hook need not generate again


@dataclass(frozen=True)
class BuildResult:
    entries: int
    pages_written: int
    pages_deleted: int
    site_dir: Path
    zip_path: Path | None
    warnings: str = ""


def site_config(mkdocs_config: dict | None) -> site.SiteConfig:
    extra = (mkdocs_config or {}).get("extra") or {}
    return site.SiteConfig(edit_base=str(extra.get("kb_edit_base") or ""))


def load_checked(root: Path) -> loading.Corpus:
    corpus = loading.load_corpus(root / "entries")
    if corpus.errors:
        text = reporting.as_text(corpus.errors, len(corpus.docs))
        raise KbError(f"the entries have errors; nothing was built and the previous site is unchanged.\n{text}"
                      "Fix them (kb validate shows them) and build again.")
    return corpus


def generate_pages(root: Path, corpus: loading.Corpus, config: site.SiteConfig, extra: dict[str, str],
                   similar=None, progress: Callable[[int, int], None] | None = None) -> tuple[int, int]:
    contributing = root / "CONTRIBUTING.md"
    if contributing.exists():
        extra = extra | {"contributing.md": contributing.read_text(encoding="utf-8")}
    pages = site.render_site(corpus.entries, config, similar=similar, extra=extra, progress=progress)
    return site.write_pages(root / "docs", pages)


def _mkdocs_build(root: Path, site_dir: Path) -> str:
    """Build the site into `site_dir`; return MkDocs' warnings (a broken link, say) as text."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    log = io.StringIO()
    handler = logging.StreamHandler(log)
    handler.setLevel(logging.WARNING)
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        with contextlib.chdir(root):
            config = load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(site_dir))
            mkdocs_build(config)
    except MkDocsException as exc:
        raise KbError(f"MkDocs could not build the site: {exc}\n{log.getvalue()}") from None
    except OSError as exc:
        raise fsutil.explain(exc, site_dir) from None
    finally:
        logger.removeHandler(handler)
    return log.getvalue()


def write_zip(site_dir: Path, dest_dir: Path, today: dt.date) -> Path:
    """A dated zip of the offline site: unzip it anywhere and open index.html."""
    target = dest_dir / f"ccm-cooperation-kb-site-{today.isoformat()}.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(site_dir.rglob("*")):
            if path.is_file():
                archive.write(path, Path("ccm-cooperation-kb") / path.relative_to(site_dir))
    fsutil.atomic_write(target, buffer.getvalue())
    return target


SIMILAR_UP_TO = 2000  # entries; above, pages of entries without `related` list none (all pairs cost n²)


def similar_finder(corpus: loading.Corpus) -> Callable[[str], list[str]] | None:
    """For entries that name no related entries, the site lists the most similar ones."""
    if len(corpus.entries) > SIMILAR_UP_TO:
        return None
    from . import similarity

    lonely = [e for e in corpus.entries if not e.related]
    if not lonely:
        return None
    model = similarity.entries_model(corpus.entries)
    found = {e.id: [k for k, score in model.most_similar(e.id, 5) if score >= 0.1] for e in lonely}
    return lambda entry_id: found.get(entry_id, [])


def update_search_index(root: Path) -> None:
    from . import searchindex

    searchindex.update_index(root / "entries")


def build(root: Path, make_zip: bool = False, index: Callable[[Path], None] | None = update_search_index,
          extra_pages: dict[str, str] | None = None,
          progress: Callable[[int, int], None] | None = None, today: dt.date | None = None) -> BuildResult:
    root = root.resolve()
    target = root / "site"
    with fsutil.exclusive_lock(root / ".kb" / "build.lock", "kb build"):
        fsutil.recover_dir(target)
        fsutil.clean_leftovers(target)
        corpus = load_checked(root)
        if index is not None:
            index(root)
        from mkdocs.config import load_config  # only for our own settings under `extra`

        with contextlib.chdir(root):
            config = site_config(load_config(config_file=str(root / "mkdocs.yml")))
        written, deleted = generate_pages(root, corpus, config, extra_pages or {}, similar_finder(corpus), progress)
        new = fsutil.new_sibling_dir(target, "new")
        try:
            os.environ[PAGES_READY] = "1"
            warnings = _mkdocs_build(root, new)
            zip_path = write_zip(new, root / "dist", today or dt.date.today()) if make_zip else None
        except BaseException:
            shutil.rmtree(new, ignore_errors=True)
            raise
        finally:
            os.environ.pop(PAGES_READY, None)
        fsutil.swap_dir(new, target)
    return BuildResult(len(corpus.entries), written, deleted, target, zip_path, warnings)
