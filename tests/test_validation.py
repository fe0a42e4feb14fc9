"""Validation rules: the complete diagnostics of one broken entry, and the cross-entry rules."""

from __future__ import annotations

import shutil
from pathlib import Path

from kb.diagnostics import CODES
from kb.loading import load_corpus

from conftest import REPO, TODAY, entry_text

BROKEN = REPO / "tests" / "data" / "broken" / "broken-entry.yaml"


def test_broken_entry_complete_diagnostics(tmp_path, monkeypatch):
    entries = tmp_path / "entries"
    entries.mkdir()
    shutil.copy(BROKEN, entries / "broken-entry.yaml")
    monkeypatch.chdir(tmp_path)
    f = Path("entries/broken-entry.yaml")
    found = [(d.line, d.column, d.code, d.message) for d in load_corpus(entries, today=TODAY).diagnostics]
    assert all(d.file == f for d in load_corpus(entries, today=TODAY).diagnostics)
    assert found == [
        (4, 1, 'KB204', '`title` is empty'),
        (5, 1, 'KB301', "'good-practise' is not an entry type (in `type`)"),
        (6, 1, 'KB410', 'the entry is `superseded` but does not say by which entry'),
        (7, 1, 'KB208', "'xx' is not an ISO 639-1 language code"),
        (11, 1, 'KB204', '`results` is empty'),
        (13, 5, 'KB408', 'lessons, item 1 is marked `basis: source` but does not say which source states it'),
        (17, 5, 'KB407', 'lessons, item 2 points at source 3, but the entry lists 2'),
        (19, 5, 'KB209', "`recommendations, item 1, text` still holds the placeholder 'TODO: write a recommendation'"),
        (21, 1, 'KB302', '`themes` lists clearance more than once'),
        (21, 10, 'KB301', "'victim-assitance' is not a theme (in `themes, item 1`)"),
        (22, 1, 'KB203', "`assistance_forms` should be a list, not the text 'financial'"),
        (26, 5, 'KB301', "'sponsor' is not an actor role (in `actors, item 1, role`)"),
        (27, 5, 'KB401', "'UK' in `actors, item 1, country` is not an ISO 3166-1 country code"),
        (28, 17, 'KB401', "'XX' in `countries, item 2` is not an ISO 3166-1 country code"),
        (28, 21, 'KB401', "'no' in `countries, item 3` is not an ISO 3166-1 country code"),
        (29, 23, 'KB404', 'the period ends in 2010, before it starts in 2015'),
        (30, 16, 'KB301', "'6.13' is not a ccm article (in `ccm_articles, item 1`)"),
        (33, 5, 'KB409', 'the Vientiane Action Plan (2010) has 66 actions; there is no action 99'),
        (35, 5, 'KB406', 'source 1 has neither `url` nor `symbol`'),
        (37, 5, 'KB402', "`sources, item 1, date` is '2020-02-30', which is not a real date"),
        (40, 5, 'KB403', '`sources, item 2, date` is 2099, after today (2026-11-26)'),
        (41, 5, 'KB405', "`sources, item 2, url` must be a web address starting with http:// or https://, not 'javascript:alert(1)'"),
        (42, 11, 'KB502', "`related` names 'missing-entry', but no entry has that id"),
        (42, 26, 'KB506', 'the entry lists itself as related'),
        (44, 1, 'KB208', "`last_reviewed` is '2026/01/01'; write it as YYYY-MM-DD"),
        (45, 1, 'KB202', 'unknown field `lesons`'),
    ]


def test_every_code_is_documented():
    for code in CODES.values():
        assert code.severity in ("error", "warning")
        assert code.title and code.example and code.fix


def corpus_codes(entries: Path) -> list[tuple[str, str, int]]:
    return [(d.file.name, d.code, d.line) for d in load_corpus(entries, today=TODAY).diagnostics]


def test_duplicate_ids_and_references(corpus_dir):
    (corpus_dir / "copy.yaml").write_text(entry_text("lao-survey", "Another title"))
    (corpus_dir / "refs.yaml").write_text(entry_text("refs", "References", related="[lao-survy, refs]"))
    assert corpus_codes(corpus_dir) == [
        ("copy.yaml", "KB206", 1),
        ("copy.yaml", "KB501", 1),
        ("lao-survey.yaml", "KB501", 1),
        ("refs.yaml", "KB502", 30),
        ("refs.yaml", "KB506", 30),
    ]


def test_supersession_cycle(corpus_dir):
    (corpus_dir / "a-one.yaml").write_text(entry_text("a-one", "First", status="superseded", superseded_by="b-two"))
    (corpus_dir / "b-two.yaml").write_text(entry_text("b-two", "Second", status="superseded", superseded_by="a-one"))
    diagnostics = load_corpus(corpus_dir, today=TODAY).diagnostics
    assert [(d.file.name, d.code) for d in diagnostics] == [("a-one.yaml", "KB503"), ("b-two.yaml", "KB503")]
    assert "a-one -> b-two -> a-one" in diagnostics[0].message


def test_near_duplicate_titles_warn(corpus_dir):
    (corpus_dir / "lao-surveys.yaml").write_text(entry_text("lao-surveys", "Evidence-based surveys, Lao PDR"))
    diagnostics = load_corpus(corpus_dir, today=TODAY).diagnostics
    assert [(d.file.name, d.code, d.severity) for d in diagnostics] == [
        ("lao-survey.yaml", "KB504", "warning"), ("lao-survey.yaml", "KB505", "warning"),
        ("lao-surveys.yaml", "KB504", "warning"), ("lao-surveys.yaml", "KB505", "warning")]


def test_need_and_offer_types_require_their_blocks(corpus_dir):
    (corpus_dir / "a-need.yaml").write_text(entry_text("a-need", "A need", type="need", practice=None,
                                                       results=None, lessons=None))
    assert corpus_codes(corpus_dir) == [("a-need.yaml", "KB201", 1)]


def test_a_broken_file_does_not_make_references_to_it_fail(corpus_dir):
    (corpus_dir / "lao-survey.yaml").write_text("foo: [\n")
    assert corpus_codes(corpus_dir) == [("lao-survey.yaml", "KB106", 2)]
