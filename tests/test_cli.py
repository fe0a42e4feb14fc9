"""The command line in-process through CliRunner: exit codes and exact output."""

from __future__ import annotations

import json

from click.testing import CliRunner

from kb import schema
from kb.cli import main
from kb.loading import load_corpus

from conftest import REPO, TODAY, entry_text


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_validate_clean(corpus_dir):
    result = run("validate")
    assert result.exit_code == 0
    assert result.output == "3 entry files checked: no problems.\n"


def test_validate_reports_located_errors(corpus_dir):
    (corpus_dir / "bad.yaml").write_text(entry_text("bad", "Bad", themes="[victim-assitance]"))
    result = run("validate")
    assert result.exit_code == 1
    assert result.output == (
        "entries/bad.yaml:14:10: KB301 'victim-assitance' is not a theme (in `themes, item 1`)\n"
        "    hint: did you mean 'victim-assistance'? (see reference/diagnostics.md#kb301)\n"
        "4 entry files checked: 1 error, 0 warnings.\n")


def test_validate_only_named_paths_but_cross_checks_all(corpus_dir):
    (corpus_dir / "refs.yaml").write_text(entry_text("refs", "Refs", related="[norway-donor]"))
    (corpus_dir / "other.yaml").write_text(entry_text("other", "Other", themes="[nope]"))
    result = run("validate", "entries/refs.yaml")
    assert result.exit_code == 0
    assert result.output == "1 entry file checked: no problems.\n"


def test_validate_json_and_github(corpus_dir):
    (corpus_dir / "bad.yaml").write_text(entry_text("bad", "Bad", countries="[UK]"))
    data = json.loads(run("validate", "--format", "json").output)
    assert data["errors"] == 1 and data["checked"] == 4
    assert data["diagnostics"][0] | {"message": ""} == {
        "file": "entries/bad.yaml", "line": 21, "column": 13, "code": "KB401", "severity": "error",
        "title": "unknown country code", "message": "", "hint": "the United Kingdom's code is 'GB' (or 'GBR')"}
    github = run("validate", "--format", "github")
    assert github.exit_code == 1
    assert github.output.splitlines()[0] == (
        "::error file=entries/bad.yaml,line=21,col=13,title=KB401 unknown country code::"
        "'UK' in `countries, item 1` is not an ISO 3166-1 country code "
        "(the United Kingdom's code is 'GB' (or 'GBR'))")


def test_warnings_fail_only_with_strict(corpus_dir):
    (corpus_dir / "lao-surveys.yaml").write_text(entry_text("lao-surveys", "Evidence-based surveys in Lao PDR"))
    assert run("validate").exit_code == 0
    assert run("validate", "--strict").exit_code == 1


def test_usage_error_exits_2(corpus_dir):
    result = CliRunner().invoke(main, ["validate", "--format", "xml"])
    assert result.exit_code == 2


def test_missing_entries_folder_is_a_clean_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 1
    assert result.output == "kb: entries: no such folder. Run kb from the repository root, or pass --entries DIR.\n"


def test_new_writes_a_template_that_passes_once_filled(corpus_dir):
    result = run("new", "lao-coalition", "--title", "Mobile prosthetics workshops", "--theme", "coordination",
                 "--form", "financial", "--modality", "country-coalition", "--country", "la")
    assert result.exit_code == 0
    assert result.output == ("Wrote entries/lao-coalition.yaml. Replace every TODO, then run: "
                             "kb validate entries/lao-coalition.yaml\n")
    path = corpus_dir / "lao-coalition.yaml"
    text = path.read_text()
    assert text.startswith("# yaml-language-server: $schema=../schema/entry.schema.json\n")
    before = {d.code for d in load_corpus(corpus_dir, today=TODAY).diagnostics}
    assert before == {"KB209"}
    filled = (text.replace('"TODO: organisation or State"', "UNDP")
              .replace("start: TODO", "start: 2022")
              .replace('"TODO: https://..."', "https://example.org/a")
              .replace('"TODO: YYYY-MM-DD, YYYY-MM or YYYY"', '"2023"'))
    filled = "\n".join(line.replace("TODO", "Filled in") for line in filled.splitlines()) + "\n"
    path.write_text(filled)
    assert load_corpus(corpus_dir, today=TODAY).diagnostics == []


def test_new_never_overwrites(corpus_dir):
    before = (corpus_dir / "lao-survey.yaml").read_text()
    result = CliRunner().invoke(main, ["new", "lao-survey", "--title", "x"])
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert (corpus_dir / "lao-survey.yaml").read_text() == before


def test_committed_schema_is_in_step():
    assert (REPO / schema.SCHEMA_FILE).read_text(encoding="utf-8") == schema.schema_text()


def test_real_entries_are_clean(monkeypatch):
    monkeypatch.chdir(REPO)
    corpus = load_corpus(REPO / "entries")
    assert [f"{d.file}:{d.line}: {d.code} {d.message}" for d in corpus.errors] == []
    assert len(corpus.entries) >= 1


def test_new_refuses_a_title_yaml_cannot_hold(corpus_dir):
    result = CliRunner().invoke(main, ["new", "bad-title", "--title", "A \x07 bell"])
    assert result.exit_code == 1
    assert result.output.startswith("kb: the title cannot be written to an entry file: a control character (U+0007)")
    assert not (corpus_dir / "bad-title.yaml").exists()


def test_new_shows_similar_entries_first(corpus_dir):
    result = run("new", "--title", "Evidence-based survey of Lao PDR remnants")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "Existing entries that look similar; perhaps add to one of them instead:"
    assert lines[1].startswith("  lao-survey  Evidence-based survey in Lao PDR  (similarity ")
    assert lines[-1].startswith("Wrote entries/evidence-based-survey-of-lao-pdr-remnants.yaml.")


def git(cwd, *args):
    import subprocess

    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@e", "PATH": __import__("os").environ["PATH"], "HOME": "/tmp"})


def test_validate_changed_checks_only_changed_entries(corpus_dir):
    root = corpus_dir.parent
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "start")
    assert run("validate", "--changed").output == "No entry changed since HEAD.\n"
    (corpus_dir / "new-entry.yaml").write_text(entry_text("new-entry", "New", related="[lao-survey, gone]"))
    (corpus_dir / "norway-donor.yaml").write_text(entry_text("norway-donor", "Norway", themes="[nope]"))
    result = CliRunner().invoke(main, ["validate", "--changed"])
    assert result.exit_code == 1
    assert [line.split(" ")[0] + " " + line.split(" ")[1] for line in result.output.splitlines()
            if line.startswith("entries/")] == ["entries/new-entry.yaml:30:23: KB502",
                                                "entries/norway-donor.yaml:14:10: KB301"]
    assert result.output.endswith("2 entry files checked: 2 errors, 0 warnings.\n")


def test_stats_lists_thin_areas(corpus_dir):
    result = run("stats", "--review-after", "100")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "3 entries."
    assert "     0  Risk education" in lines
    assert "Entries due for review (3):" in lines
    assert "  lao-survey (last reviewed 2026-01-01, " in result.output
