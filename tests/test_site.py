"""Generated pages: golden files for a small fixed corpus, writing only what changed, and entry text
that can never become markup."""

from __future__ import annotations

import os
import re
from pathlib import Path

from html.parser import HTMLParser
from urllib.parse import urlsplit

import markdown
import pytest

from kb import site
from kb.loading import load_corpus

from conftest import REPO, TODAY, entry_text

GOLDEN = REPO / "tests" / "golden" / "site"
REGENERATE = os.environ.get("KB_REGEN_GOLDEN") == "1"  # KB_REGEN_GOLDEN=1 pytest tests/test_site.py


def render(corpus_dir: Path) -> dict[str, str]:
    corpus = load_corpus(corpus_dir, today=TODAY)
    assert corpus.diagnostics == []
    return site.render_site(corpus.entries, today=TODAY)


def test_golden_pages(corpus_dir):
    pages = render(corpus_dir)
    if REGENERATE:
        for old in GOLDEN.rglob("*"):
            if old.is_file():
                old.unlink()
        for rel, text in pages.items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_text(text, encoding="utf-8")
    golden = {p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*") if p.is_file()}
    assert set(pages) == golden
    for rel in sorted(golden):
        assert pages[rel] == (GOLDEN / rel).read_text(encoding="utf-8"), rel


def test_rendering_is_byte_stable(corpus_dir):
    assert render(corpus_dir) == render(corpus_dir)


def test_write_pages_writes_only_changes_and_removes_stale(tmp_path):
    docs = tmp_path / "docs"
    (docs / "reference").mkdir(parents=True)
    (docs / "reference" / "mine.md").write_text("a page someone wrote by hand")
    assert site.write_pages(docs, {"entries/a.md": "A", "entries/b.md": "B", "index.md": "home"}) == (3, 0)
    assert site.write_pages(docs, {"entries/a.md": "A", "entries/b.md": "B", "index.md": "home"}) == (0, 0)
    assert site.write_pages(docs, {"entries/a.md": "A2", "index.md": "home"}) == (1, 1)
    assert site.write_pages(docs, {"index.md": "home"}) == (0, 1)
    assert (docs / "reference" / "mine.md").read_text() == "a page someone wrote by hand"
    assert not (docs / "entries").exists()
    assert sorted(p.name for p in docs.rglob("*") if p.is_file()) == [site.MANIFEST, "index.md", "mine.md"]


HOSTILE = ("<script>alert('x')</script><img src=x onerror=alert(1)> [click](javascript:alert(2)) <!-- c --> "
           "{: onmouseover=alert(3) }\n\n[paragraph link](javascript:alert(4)) ![remote](https://example.org/x.png)"
           "\n\n<a href='javascript:alert(5)'>x</a>")


def hostile_entry() -> str:
    text = HOSTILE.replace("'", "''").replace("\n\n", "\n\n      ")
    quoted = f"'{text}'"
    first_line = "'" + HOSTILE.split("\n")[0].replace("'", "''") + "'"  # titles are limited to 160 characters
    return entry_text(
        "hostile", first_line, summary=quoted, context=quoted, practice=quoted, results=quoted,
        lessons=f"\n  - text: {quoted}\n    basis: entry",
        actors=f"\n  - name: {first_line}\n    role: donor",
        sources=f"\n  - title: {quoted}\n    publisher: {first_line}\n    url: https://example.org/a?b=<script>&c=\"x\"",
        contributors=f"[{first_line}]")


def tags_and_attributes(html: str) -> list[tuple[str, str, str]]:
    """(tag, attribute, value) of every element, as a browser would parse the HTML."""
    found = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, "", ""))
            found.extend((tag, name, value or "") for name, value in attrs)

    Collect().feed(html)
    return found


def test_hostile_text_is_inert(corpus_dir):
    (corpus_dir / "hostile.yaml").write_text(hostile_entry())
    pages = render(corpus_dir)
    for rel, text in pages.items():
        if rel.endswith(".md"):
            text = text.replace('<script src="search/docs.js"></script>', "")  # the search page's own index
            assert "<script" not in text.lower(), rel
            assert not re.search(r"<[^>]*\son\w+\s*=", text), rel
            assert "javascript:" not in re.sub(r"&[a-z]+;|&#\d+;", "", "".join(re.findall(r'href="[^"]*"', text))), rel
    for rel, text in pages.items():  # what MkDocs makes of each page: Python-Markdown, as configured
        if rel.endswith(".md"):
            body = text.split("\n---\n", 1)[-1].replace('<script src="search/docs.js"></script>', "")
            for tag, name, value in tags_and_attributes(markdown.markdown(body, extensions=["toc", "tables"])):
                assert tag != "script" and not name.startswith("on"), (rel, tag, name)
                if name in ("href", "src"):
                    assert urlsplit(value).scheme in ("", "http", "https", "mailto"), (rel, value)
                    assert not (tag == "img" and urlsplit(value).scheme), (rel, value)  # nothing loads from outside
    page = pages["entries/hostile.md"]
    assert "&lt;script&gt;" in page
    assert page.splitlines()[1].startswith('title: "&lt;script&gt;')
    assert "[paragraph link](javascript:alert(4))" in page  # stays text, on the block's one line


def test_javascript_url_never_becomes_a_link():
    assert site.safe_url("javascript:alert(1)") is None
    assert site.safe_url("data:text/html,x") is None
    assert site.safe_url("https://example.org") == "https://example.org"
    assert site.sanitise('<a href="javascript:alert(1)">x</a>') == "<a>x</a>"
    assert site.sanitise('<p onclick="x()">t</p>') == "<p>t</p>"


@pytest.mark.parametrize("field", ["title", "summary"])
def test_markdown_syntax_in_text_stays_text(corpus_dir, field):
    fields = {"title": "Plain", field: "'**bold** [link](https://e.org) `code`'"}
    (corpus_dir / "md-text.yaml").write_text(entry_text("md-text", **fields))
    page = render(corpus_dir)["entries/md-text.md"]
    assert "**bold** [link](https://e.org) `code`" in page
