"""Shared fixtures: a tiny corpus of valid entries written into a temporary folder."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

TODAY = dt.date(2026, 11, 26)
REPO = Path(__file__).resolve().parents[1]


def entry_text(entry_id: str, title: str, **overrides: str) -> str:
    """A complete, valid entry; `overrides` replace whole top-level fields (YAML text after the colon)."""
    fields = {
        "id": entry_id,
        "title": title,
        "type": "good-practice",
        "status": "published",
        "language": "en",
        "summary": f"Summary of {title}.",
        "context": "The context of the practice.",
        "practice": "What was done.",
        "results": "What came of it.",
        "lessons": "\n  - text: A lesson stated by the source.\n    basis: source\n    source: 1",
        "themes": "[clearance]",
        "assistance_forms": "[financial]",
        "modality": "[bilateral]",
        "actors": "\n  - name: Norway\n    role: donor\n    country: 'NO'",
        "countries": "[LA]",
        "period": "{start: 2010, end: 2015}",
        "sources": "\n  - title: A report\n    publisher: A publisher\n    date: '2016'\n    url: https://example.org/report",
        "evidence_level": "documented",
        "last_reviewed": "'2026-01-01'",
    }
    fields.update(overrides)
    return "".join(f"{k}:{'' if v.startswith(chr(10)) else ' '}{v}\n" for k, v in fields.items() if v is not None)


@pytest.fixture
def write_entry(tmp_path: Path):
    """Write an entry file into tmp_path/entries and return its path."""
    entries = tmp_path / "entries"
    entries.mkdir(exist_ok=True)

    def write(name: str, text: str) -> Path:
        path = entries / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


@pytest.fixture
def corpus_dir(tmp_path: Path, write_entry, monkeypatch) -> Path:
    """Three valid entries in tmp_path/entries; the current folder is tmp_path."""
    write_entry("lao-survey.yaml", entry_text("lao-survey", "Evidence-based survey in Lao PDR",
                                              themes="[clearance, information-management]"))
    write_entry("norway-donor.yaml", entry_text("norway-donor", "Norway as a long-term donor",
                                                themes="[victim-assistance]", countries="['NO']",
                                                related="[lao-survey]"))
    write_entry("shadow-stockpiles.yaml", entry_text("shadow-stockpiles", "Low-cost stockpile destruction",
                                                     themes="[stockpile-destruction]", countries="[MD, MK]",
                                                     type="case-study"))
    monkeypatch.chdir(tmp_path)
    return tmp_path / "entries"
