"""The bad-input suite: each case is a small entry or corpus that must end with exit status 1 and
a located, plain message (exact code and position), never a traceback."""

from __future__ import annotations

import os
import re

import pytest
from click.testing import CliRunner

from kb.cli import main

from conftest import entry_text

E = entry_text  # a valid entry, with overrides

# (case name, {file name: content (str or bytes)}, expected "file:line:col: CODE" lines)
CASES = [
    # broken YAML of every kind
    ("unclosed-flow-list", {"a-b.yaml": E("a-b", "T", themes="[clearance")}, ["a-b.yaml:15:17: KB106"]),
    ("unclosed-quote", {"a-b.yaml": E("a-b", "'T")}, ["a-b.yaml:6:22: KB106"]),
    ("colon-in-plain-value", {"a-b.yaml": E("a-b", "Lessons: what worked")}, ["a-b.yaml:2:15: KB106"]),
    ("bad-indentation", {"a-b.yaml": E("a-b", "T") + "  stray: indented\n"}, ["a-b.yaml:30:3: KB106"]),
    ("tab-indentation", {"a-b.yaml": E("a-b", "T").replace("  - name", "\t- name")}, ["a-b.yaml:18:1: KB103"]),
    ("bom", {"a-b.yaml": b"\xef\xbb\xbf" + E("a-b", "T").encode()}, ["a-b.yaml:1:1: KB102"]),
    ("latin-1", {"a-b.yaml": E("a-b", "Caf\u00e9").encode("latin-1")}, ["a-b.yaml:2:11: KB101"]),
    ("utf-16", {"a-b.yaml": E("a-b", "T").encode("utf-16")}, ["a-b.yaml:1:1: KB101"]),
    ("binary", {"a-b.yaml": b"\x89PNG\r\n\x1a\n\x00\x00"}, ["a-b.yaml:3:1: KB101"]),
    ("control-character", {"a-b.yaml": E("a-b", "T\x1b[31m")}, ["a-b.yaml:2:9: KB101"]),
    ("empty-file", {"a-b.yaml": ""}, ["a-b.yaml:1:1: KB104"]),
    ("comments-only", {"a-b.yaml": "# yaml-language-server: $schema=x\n# nothing\n"}, ["a-b.yaml:1:1: KB104"]),
    ("huge-file", {"a-b.yaml": E("a-b", "T", summary="x" * 300_000)}, ["a-b.yaml:1:1: KB105"]),
    ("top-level-list", {"a-b.yaml": "- id: a-b\n"}, ["a-b.yaml:1:1: KB108"]),
    ("top-level-scalar", {"a-b.yaml": "just a sentence\n"}, ["a-b.yaml:1:1: KB108"]),
    ("two-documents", {"a-b.yaml": E("a-b", "T") + "---\n" + E("a-b", "U")}, ["a-b.yaml:30:1: KB109"]),
    ("python-tag", {"a-b.yaml": E("a-b", "!!python/object/apply:os.system [ls]")}, ["a-b.yaml:2:8: KB110"]),
    ("custom-tag", {"a-b.yaml": E("a-b", "!secret T")}, ["a-b.yaml:2:8: KB110"]),
    ("anchor-alias", {"a-b.yaml": E("a-b", "T", themes="&t [clearance]", assistance_forms="*t")},
     ["a-b.yaml:14:9: KB111", "a-b.yaml:15:19: KB111"]),
    ("alias-bomb", {"a-b.yaml": "id: a-b\n" + "a: &a [x, x, x, x, x, x, x, x, x]\n"
                    + "".join(f"{n}: &{n} [" + ", ".join([f"*{p}"] * 9) + "]\n" for p, n in zip("abcdefgh", "bcdefghi"))},
     ["a-b.yaml:2:4: KB111", "a-b.yaml:3:8: KB111"]),
    ("duplicate-key", {"a-b.yaml": E("a-b", "T") + "title: Again\n"}, ["a-b.yaml:30:1: KB107"]),
    ("duplicate-nested-key", {"a-b.yaml": E("a-b", "T", period="{start: 2010, start: 2011}")}, ["a-b.yaml:22:23: KB107"]),
    # wrong types
    ("string-for-list", {"a-b.yaml": E("a-b", "T", themes="clearance")}, ["a-b.yaml:14:1: KB203"]),
    ("quoted-year", {"a-b.yaml": E("a-b", "T", period="{start: '2010'}")}, ["a-b.yaml:22:10: KB203"]),
    ("boolean-title", {"a-b.yaml": E("a-b", "true")}, ["a-b.yaml:2:1: KB203"]),
    ("mapping-for-text", {"a-b.yaml": E("a-b", "T", summary="{a: b}")}, ["a-b.yaml:6:1: KB203"]),
    ("empty-required", {"a-b.yaml": E("a-b", "T", summary="")}, ["a-b.yaml:6:1: KB204"]),
    ("missing-required", {"a-b.yaml": E("a-b", "T", summary=None)}, ["a-b.yaml:1:1: KB201"]),
    ("unknown-field", {"a-b.yaml": E("a-b", "T") + "lesons: []\n"}, ["a-b.yaml:30:1: KB202"]),
    ("unknown-nested-field", {"a-b.yaml": E("a-b", "T", period="{start: 2010, finish: 2011}")}, ["a-b.yaml:22:23: KB202"]),
    ("title-too-long", {"a-b.yaml": E("a-b", "T" * 200)}, ["a-b.yaml:2:1: KB205"]),
    # vocabularies
    ("unknown-theme", {"a-b.yaml": E("a-b", "T", themes="[victim-assitance]")}, ["a-b.yaml:14:10: KB301"]),
    ("unknown-type", {"a-b.yaml": E("a-b", "T", type="best-practice")}, ["a-b.yaml:3:1: KB301"]),
    ("unknown-role", {"a-b.yaml": E("a-b", "T", actors="\n  - name: X\n    role: sponsor")}, ["a-b.yaml:19:5: KB301"]),
    ("repeated-term", {"a-b.yaml": E("a-b", "T", themes="[clearance, clearance]")}, ["a-b.yaml:14:1: KB302"]),
    # countries
    ("uk-is-not-iso", {"a-b.yaml": E("a-b", "T", countries="[UK]")}, ["a-b.yaml:21:13: KB401"]),
    ("lowercase-country", {"a-b.yaml": E("a-b", "T", countries="[la]")}, ["a-b.yaml:21:13: KB401"]),
    ("unknown-alpha3", {"a-b.yaml": E("a-b", "T", countries="[XYZ]")}, ["a-b.yaml:21:13: KB401"]),
    # dates
    ("impossible-date", {"a-b.yaml": E("a-b", "T", last_reviewed="'2021-02-29'")}, ["a-b.yaml:29:1: KB402"]),
    ("future-date", {"a-b.yaml": E("a-b", "T", last_reviewed="'2999-01-01'")}, ["a-b.yaml:29:1: KB403"]),
    ("period-backwards", {"a-b.yaml": E("a-b", "T", period="{start: 2015, end: 2010}")}, ["a-b.yaml:22:23: KB404"]),
    ("ancient-year", {"a-b.yaml": E("a-b", "T", period="{start: 1066}")}, ["a-b.yaml:22:10: KB402"]),
    ("date-as-block", {"a-b.yaml": E("a-b", "T", last_reviewed="|\n  2020-01-01")}, ["a-b.yaml:29:1: KB208"]),
    ("slash-date", {"a-b.yaml": E("a-b", "T", last_reviewed="2020/01/01")}, ["a-b.yaml:29:1: KB208"]),
    # URLs and sources
    ("javascript-url", {"a-b.yaml": E("a-b", "T", sources="\n  - title: S\n    publisher: P\n    url: javascript:alert(1)")},
     ["a-b.yaml:26:5: KB405"]),
    ("data-url", {"a-b.yaml": E("a-b", "T", sources="\n  - title: S\n    publisher: P\n    url: 'data:text/html,<b>'")},
     ["a-b.yaml:26:5: KB405"]),
    ("no-sources", {"a-b.yaml": E("a-b", "T", sources="[]")}, ["a-b.yaml:13:5: KB407", "a-b.yaml:23:1: KB207"]),
    ("source-without-address", {"a-b.yaml": E("a-b", "T", sources="\n  - title: S\n    publisher: P")}, ["a-b.yaml:24:5: KB406"]),
    ("lesson-source-out-of-range", {"a-b.yaml": E("a-b", "T", lessons="\n  - text: L\n    basis: source\n    source: 9")},
     ["a-b.yaml:13:5: KB407"]),
    ("lesson-source-zero", {"a-b.yaml": E("a-b", "T", lessons="\n  - text: L\n    basis: source\n    source: 0")},
     ["a-b.yaml:13:5: KB407"]),
    # ids, files and references
    ("id-path-traversal", {"a-b.yaml": E("../../etc/passwd", "T")}, ["a-b.yaml:1:1: KB206"]),
    ("id-not-file-name", {"a-b.yaml": E("other-id", "T")}, ["a-b.yaml:1:1: KB206"]),
    ("file-name-traversal-like", {"..evil.yaml": E("evil", "T")}, ["..evil.yaml:1:1: KB112", "..evil.yaml:1:1: KB206"]),
    ("file-name-spaces", {"My Entry.yaml": E("my-entry", "T")}, ["My Entry.yaml:1:1: KB112", "My Entry.yaml:1:1: KB206"]),
    ("duplicate-ids", {"a-b.yaml": E("a-b", "T"), "c-d.yaml": E("a-b", "U")},
     ["a-b.yaml:1:1: KB501", "c-d.yaml:1:1: KB206", "c-d.yaml:1:1: KB501"]),
    ("dangling-related", {"a-b.yaml": E("a-b", "T", related="[no-such-entry]")}, ["a-b.yaml:30:11: KB502"]),
    ("self-related", {"a-b.yaml": E("a-b", "T", related="[a-b]")}, ["a-b.yaml:30:11: KB506"]),
    ("superseded-cycle", {"a-b.yaml": E("a-b", "T", status="superseded", superseded_by="c-d"),
                          "c-d.yaml": E("c-d", "U", status="superseded", superseded_by="a-b")},
     ["a-b.yaml:30:1: KB503", "c-d.yaml:30:1: KB503"]),
    ("superseded-without-successor", {"a-b.yaml": E("a-b", "T", status="superseded")}, ["a-b.yaml:4:1: KB410"]),
    ("placeholder-left", {"a-b.yaml": E("a-b", "'TODO: a title'", summary="A summary.")}, ["a-b.yaml:2:1: KB209"]),
]


@pytest.mark.parametrize("name, files, expected", CASES, ids=[c[0] for c in CASES])
def test_bad_input(tmp_path, monkeypatch, name, files, expected):
    entries = tmp_path / "entries"
    entries.mkdir()
    for file_name, content in files.items():
        path = entries / file_name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    located = [m.group(1) for m in re.finditer(r"^(entries/.+?:\d+:\d+: KB\d+) ", result.output, re.M)]
    assert located == [f"entries/{e}" for e in expected]


def test_symlink_out_of_entries(tmp_path, monkeypatch):
    (tmp_path / "entries").mkdir()
    (tmp_path / "secret.yaml").write_text(E("secret", "T"))
    (tmp_path / "entries" / "secret.yaml").symlink_to(tmp_path / "secret.yaml")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 1
    assert result.output.startswith("entries/secret.yaml:1:1: KB113 this is a link to ")


def test_unreadable_file(tmp_path, monkeypatch):
    (tmp_path / "entries").mkdir()
    path = tmp_path / "entries" / "a-b.yaml"
    path.mkdir()  # a folder where a file should be: reading it fails with an OS error
    os.rename(path, tmp_path / "entries" / "x-y.yaml")
    (tmp_path / "entries" / "x-y.yaml").rmdir()
    (tmp_path / "entries" / "x-y.yaml").symlink_to(tmp_path / "entries" / "missing-target.yaml")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 1
    assert result.output.startswith("entries/x-y.yaml:1:1: KB114 the file cannot be read")


def test_case_count():
    assert len(CASES) + 2 >= 40


def test_every_error_code_is_exercised():
    from kb.diagnostics import CODES

    codes = {line.split(": ")[1] for _, _, expected in CASES for line in expected}
    covered = codes | {"KB113", "KB114"}
    errors = {c for c, spec in CODES.items() if spec.severity == "error"}
    assert errors - covered <= {"KB408", "KB409"}, errors - covered
