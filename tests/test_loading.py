"""The strict loader against each kind of bad input: a located, plain diagnostic, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb import yamlread
from kb.loading import discover, load_corpus

from conftest import TODAY, entry_text

F = Path("e.yaml")


def codes_at(raw: bytes) -> list[tuple[str, int, int]]:
    text, problems = yamlread.decode(raw, F)
    if text is None:
        return [(d.code, d.line, d.column) for d in problems]
    return [(d.code, d.line, d.column) for d in yamlread.parse(text, F).diagnostics]


def test_yaml_1_2_scalars_stay_as_meant():
    parsed = yamlread.parse("countries: [NO, SE]\nflag: yes\nswitch: off\non: 1\nday: 2020-01-05\n"
                            "ok: true\nnone: ~\nversion: 1.10\n", F)
    assert parsed.diagnostics == []
    assert parsed.data == {"countries": ["NO", "SE"], "flag": "yes", "switch": "off", "on": 1,
                           "day": "2020-01-05", "ok": True, "none": None, "version": 1.1}


def test_positions_of_every_field():
    parsed = yamlread.parse("id: x\nlessons:\n  - text: a\n    basis: source\n", F)
    assert parsed.positions[("id",)] == (1, 1)
    assert parsed.positions[("lessons", 0)] == (3, 5)
    assert parsed.positions[("lessons", 0, "basis")] == (4, 5)
    assert parsed.position(("lessons", 0, "missing")) == (3, 5)


@pytest.mark.parametrize("raw, expected", [
    (b"id: a\nid: b\n", [("KB107", 2, 1)]),
    (b"a:\n  b: 1\n  b: 2\n", [("KB107", 3, 3)]),
    (b"id: x\n\tsummary: y\n", [("KB103", 2, 1)]),
    (b"\xef\xbb\xbfid: x\n", [("KB102", 1, 1)]),
    (b"id: caf\xe9\n", [("KB101", 1, 8)]),
    (b"\xff\xfei\x00d\x00", [("KB101", 1, 1)]),
    (b"id: x\x00y\n", [("KB101", 1, 6)]),
    (b"id: x\x07\n", [("KB101", 1, 6)]),
    (b"", [("KB104", 1, 1)]),
    (b"   \n\n", [("KB104", 1, 1)]),
    (b"# only a comment\n", [("KB104", 1, 1)]),
    (b"x" * (yamlread.MAX_BYTES + 1), [("KB105", 1, 1)]),
    (b"- a\n- b\n", [("KB108", 1, 1)]),
    (b"just text\n", [("KB108", 1, 1)]),
    (b"~\n", [("KB108", 1, 1)]),
    (b"id: a\n---\nid: b\n", [("KB109", 2, 1)]),
    (b"id: !!python/object/apply:os.system [ls]\n", [("KB110", 1, 5)]),
    (b"id: !custom x\n", [("KB110", 1, 5)]),
    (b"a: &x [1]\nb: *x\n", [("KB111", 1, 4), ("KB111", 2, 4)]),
    (b"a: [1, 2\nb: 3\n", [("KB106", 2, 2)]),
    (b"a: 'unclosed\n", [("KB106", 2, 1)]),
    (b"a: b: c\n", [("KB106", 1, 5)]),
    (b"? [a]\n: b\n", [("KB203", 1, 3)]),
])
def test_bad_input_is_located(raw, expected):
    assert codes_at(raw) == expected


def test_alias_bomb_is_refused_without_expanding():
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    found = codes_at("\n".join(lines).encode())
    assert found[0] == ("KB111", 1, 4) and {c for c, _, _ in found} == {"KB111"}


def test_unreadable_file_is_a_diagnostic(tmp_path):
    parsed = yamlread.read(tmp_path / "missing.yaml")
    assert [d.code for d in parsed.diagnostics] == ["KB114"]


def test_file_names_links_and_folders(tmp_path, monkeypatch):
    entries = tmp_path / "entries"
    (entries / "sub").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    (entries / "good-one.yaml").write_text("id: good-one\n")
    (entries / "Bad Name.yaml").write_text("id: x\n")
    (entries / "other.yml").write_text("id: other\n")
    (entries / "sub" / "nested.yaml").write_text("id: nested\n")
    (entries / "README.md").write_text("not an entry\n")
    outside = tmp_path / "secret.yaml"
    outside.write_text("id: secret\n")
    (entries / "link-out.yaml").symlink_to(outside)
    (entries / "link-in.yaml").symlink_to(entries / "good-one.yaml")
    files, problems = discover(entries)
    assert [f.name for f in files] == ["Bad Name.yaml", "good-one.yaml", "link-in.yaml"]
    assert [(str(d.file), d.code) for d in problems] == [
        ("entries/Bad Name.yaml", "KB112"),
        ("entries/link-out.yaml", "KB113"),
        ("entries/other.yml", "KB112"),
        ("entries/sub/nested.yaml", "KB112"),
    ]


def test_valid_corpus_builds_entries(corpus_dir):
    corpus = load_corpus(corpus_dir, today=TODAY)
    assert corpus.diagnostics == []
    assert [e.id for e in corpus.entries] == ["lao-survey", "norway-donor", "shadow-stockpiles"]
    norway = corpus.by_id()["norway-donor"]
    assert norway.countries == ("NOR",)
    assert norway.actors[0].country == "NOR"
    assert norway.path == "entries/norway-donor.yaml"
    assert norway.lessons[0].source == 1


def test_entry_with_errors_is_left_out_but_reported(corpus_dir):
    (corpus_dir / "broken.yaml").write_text(entry_text("broken", "Broken", themes="[clearnce]"))
    corpus = load_corpus(corpus_dir, today=TODAY)
    assert [e.id for e in corpus.entries] == ["lao-survey", "norway-donor", "shadow-stockpiles"]
    assert [(str(d.file), d.code) for d in corpus.diagnostics] == [("entries/broken.yaml", "KB301")]
