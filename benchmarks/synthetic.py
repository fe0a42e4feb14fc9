"""Synthetic knowledge bases for benchmarks: copies of the real entries with new ids and varied text.

Each copy keeps the real entry's structure (so parsing and validation cost what they really cost)
and gets a new id, a numbered title and a few sentences of words drawn from the real entries, so
that no two entries have the same text.
"""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

from kb.site import GENERATED

REPO = Path(__file__).resolve().parents[1]
COPIED = ["mkdocs.yml", "docs", "tools", "schema", "CONTRIBUTING.md"]


def _vocabulary(texts: list[str]) -> list[str]:
    words = sorted({w for t in texts for w in re.findall(r"[A-Za-z][a-z]{3,}", t)})
    return words


def _suffixed(title: str, n: int) -> str:
    title = title.rstrip()
    if title[:1] in "\"'" and title[-1:] == title[:1]:
        return f"{title[:-1]} (variant {n}){title[-1]}"
    return f"{title} (variant {n})"


def make_repo(root: Path, size: int, seed: int = 7) -> Path:
    """A repository copy at `root` whose entries/ holds `size` entries (the real ones and copies)."""
    rng = random.Random(seed)
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    for name in COPIED:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, root / name, ignore=shutil.ignore_patterns("__pycache__", *GENERATED))
        elif src.exists():
            shutil.copy(src, root / name)
    entries = root / "entries"
    entries.mkdir()
    originals = sorted((REPO / "entries").glob("*.yaml"))
    texts = [p.read_text(encoding="utf-8") for p in originals]
    words = _vocabulary(texts)
    for path, text in zip(originals, texts):
        (entries / path.name).write_text(text, encoding="utf-8")
    # Needs and offers are published requests and programmes: a larger knowledge base has more
    # lessons, not one need per ten entries, so only the other entries are copied.
    copied = [i for i, text in enumerate(texts) if not re.search(r"^type: (need|offer)\s*$", text, re.M)]
    for n in range(size - len(originals)):
        i = copied[n % len(copied)]
        source_id = originals[i].stem
        new_id = f"{source_id[:60]}-copy-{n:05d}"
        text = texts[i]
        text = re.sub(r"^id: .*$", f"id: {new_id}", text, count=1, flags=re.M)
        text = re.sub(r"^title: (.*)$", lambda m: f"title: {_suffixed(m.group(1), n)}", text, count=1, flags=re.M)
        extra = " ".join(rng.choice(words) for _ in range(12))
        text = re.sub(r"^summary: >-\n", f"summary: >-\n  Variant {n}: {extra}.\n", text, count=1, flags=re.M)
        # the copies point at no one (ids must exist) and are not near-duplicates of their original
        text = re.sub(r"\nrelated:.*?\nevidence_level", "\nrelated: []\nevidence_level", text, count=1, flags=re.S)
        (entries / f"{new_id}.yaml").write_text(text, encoding="utf-8")
    return root
