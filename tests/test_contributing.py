"""What contributors and reviewers touch: the generated issue forms, the pull-request workflow, the
pre-commit hooks, the pull-request template and CONTRIBUTING.md, kept in step with the vocabularies,
the schema and the command line."""

from __future__ import annotations

import re
import shlex
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from markdown.extensions.toc import slugify

from kb import githubforms, schema, site
from kb.cli import cli_reference, main
from kb.vocab import FIELD_VOCAB
from kb.vocab import get as vocab
from kb.yamlread import baseline_parse, parse_plain

from conftest import REPO

WORKFLOW = REPO / ".github" / "workflows" / "pull-request.yml"
HOOKS = REPO / ".pre-commit-hooks.yaml"
PRE_COMMIT_CONFIG = REPO / ".pre-commit-config.yaml"
PR_TEMPLATE = REPO / ".github" / "PULL_REQUEST_TEMPLATE.md"
CONTRIBUTING = REPO / "CONTRIBUTING.md"

# The vocabularies the new-entry form offers as dropdowns, by the entry field each one fills.
# status and evidence_level are left to the reviewer; actor roles are written next to each actor.
OFFERED = {"type": "types", "themes": "themes", "assistance_forms": "assistance_forms",
           "modality": "modalities", "ccm_articles": "ccm_articles"}


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def parse_list(text: str) -> list:
    """parse_plain reads only a mapping at the top level; a list (.pre-commit-hooks.yaml) goes under a key."""
    return parse_plain("items:\n" + textwrap.indent(text, "  "))["items"]


def committed_form(path) -> dict:
    return parse_plain(read(REPO / path))


def fields(form: dict) -> list[dict]:
    return [element for element in form["body"] if element["type"] != "markdown"]


# --- the issue forms ---------------------------------------------------------------------------


def test_committed_issue_forms_are_in_step():
    """Run `kb forms` after changing a vocabulary or tools/kb/githubforms.py."""
    rendered = githubforms.render_forms()
    for path, text in rendered.items():
        assert read(REPO / path) == text, f"{path} is out of date: run `kb forms`"
    committed = {p.relative_to(REPO).as_posix() for p in (REPO / githubforms.FORMS_DIR).iterdir()}
    assert committed == set(rendered), "a file in .github/ISSUE_TEMPLATE/ is not generated"
    assert githubforms.stale_forms(REPO) == []


@pytest.mark.parametrize("path", sorted(githubforms.render_forms()))
def test_forms_read_back_as_their_data(path):
    """The emitter's YAML means what the data says, to our strict reader and to a standard one."""
    text = githubforms.render_forms()[path]
    data = githubforms.form_data()[path]
    assert parse_plain(text) == data
    assert baseline_parse(text) == data


def test_write_forms_writes_only_what_changed(tmp_path):
    assert githubforms.write_forms(tmp_path) == sorted(githubforms.render_forms())
    assert githubforms.write_forms(tmp_path) == []
    (tmp_path / githubforms.NEW_ENTRY).write_text("name: stale\n", encoding="utf-8")
    assert githubforms.stale_forms(tmp_path) == [githubforms.NEW_ENTRY.as_posix()]
    assert githubforms.write_forms(tmp_path) == [githubforms.NEW_ENTRY.as_posix()]
    assert githubforms.stale_forms(tmp_path) == []


def test_new_entry_dropdowns_offer_exactly_the_vocabularies():
    form = committed_form(githubforms.NEW_ENTRY)
    dropdowns = {f["id"]: f["attributes"]["options"] for f in fields(form) if f["type"] == "dropdown"}
    assert set(dropdowns) == set(OFFERED)
    for field_id, options in dropdowns.items():
        assert FIELD_VOCAB[field_id] == OFFERED[field_id]
        terms = list(vocab(OFFERED[field_id]).terms)
        assert [o for o in options if o not in terms] == [], f"{field_id} offers a term not in the vocabulary"
        assert [t for t in terms if t not in options] == [], f"{field_id} does not offer every term"
        assert options == terms  # same order as the vocabulary file
    assert {f["id"]: f["attributes"]["multiple"] for f in fields(form) if f["type"] == "dropdown"} == {
        "type": False, "themes": True, "assistance_forms": True, "modality": True, "ccm_articles": True}


def test_new_entry_fields_are_entry_fields():
    """Each answer lands in the entry field of the same name, so the maintainer knows where it goes."""
    form = committed_form(githubforms.NEW_ENTRY)
    ids = [f["id"] for f in fields(form)]
    assert [i for i in ids if i not in schema.field_order() and i != "agreement"] == []
    required = {f["id"] for f in fields(form) if f.get("validations", {}).get("required")}
    assert {"title", "type", "summary", "themes", "sources"} <= required
    agreement = next(f for f in fields(form) if f["id"] == "agreement")
    assert [o["required"] for o in agreement["attributes"]["options"]] == [True, True, True, False]


@pytest.mark.parametrize("path", [githubforms.NEW_ENTRY, githubforms.REPORT_ERROR])
def test_forms_are_well_formed(path):
    """What GitHub refuses: missing or repeated ids and labels, odd id characters, a `None` option."""
    form = committed_form(path)
    assert {"name", "description", "title", "labels", "body"} <= set(form)
    elements = fields(form)
    ids = [f["id"] for f in elements]
    labels = [f["attributes"]["label"] for f in elements]
    assert len(ids) == len(set(ids)) and len(labels) == len(set(labels))
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", i) for i in ids)
    for element in elements:
        assert element["type"] in {"input", "textarea", "dropdown", "checkboxes"}
        if element["type"] == "dropdown":
            options = element["attributes"]["options"]
            assert options and len(options) == len(set(options))
            assert all(isinstance(o, str) and o.strip().lower() != "none" for o in options)
    assert all(m["attributes"]["value"].strip() for m in form["body"] if m["type"] == "markdown")


def test_report_error_form_asks_for_the_entry_and_a_source():
    form = committed_form(githubforms.REPORT_ERROR)
    by_id = {f["id"]: f for f in fields(form)}
    assert {"entry_id", "wrong", "correct", "source"} <= set(by_id)
    assert by_id["entry_id"]["validations"]["required"] and by_id["wrong"]["validations"]["required"]


def test_issue_config_has_no_blank_issues():
    assert committed_form(githubforms.CONFIG) == {"blank_issues_enabled": False}


# --- the workflow and the hooks ----------------------------------------------------------------


def workflow() -> dict:
    return parse_plain(read(WORKFLOW))


def steps() -> list[dict]:
    return workflow()["jobs"]["check"]["steps"]


def shell_commands(script: str) -> list[str]:
    """The simple commands of a step's script, one per line or between && ; and |."""
    commands = []
    for line in script.splitlines():
        for part in re.split(r"&&|\|\||;|\|", line):
            part = part.strip()
            if part and not part.startswith(("#", "if ", "then", "fi", "else", "{", "}")):
                commands.append(part)
    return commands


def kb_commands() -> list[str]:
    """Every `kb ...` command the workflow and the hooks run, with GitHub expressions filled in."""
    found = [c for step in steps() for c in shell_commands(step.get("run", ""))]
    found += [hook["entry"] for hook in parse_list(read(HOOKS))]
    found += [hook["entry"] for repo in parse_plain(read(PRE_COMMIT_CONFIG))["repos"] for hook in repo["hooks"]]
    return [re.sub(r"\$\{\{[^}]*\}\}", "main", c) for c in found if c.startswith("kb ")]


def test_workflow_runs_on_pull_requests_and_main():
    data = workflow()
    assert "pull_request" in data["on"] and data["on"]["push"] == {"branches": ["main"]}
    by_action = {s["uses"].split("@")[0]: s for s in steps() if "uses" in s}
    assert by_action["actions/checkout"]["with"]["fetch-depth"] == 0
    assert by_action["actions/setup-python"]["with"]["python-version"] == "3.11"
    assert by_action["actions/upload-artifact"]["uses"] == "actions/upload-artifact@v4"
    assert by_action["actions/upload-artifact"]["with"]["path"] == "dist/*.zip"
    runs = [c for s in steps() for c in shell_commands(s.get("run", ""))]
    for expected in ['pip install -e ".[test]"', "kb validate --format github", "kb schema --check",
                     "sudo apt-get install -y chromium", "python -m pytest", "kb build --zip"]:
        assert expected in runs
    # the order matters: the zip is built from the checked entries, after the tests
    assert runs.index("kb validate --format github") < runs.index("python -m pytest") < runs.index("kb build --zip")
    changed = next(s for s in steps() if "--changed" in s.get("run", ""))
    assert changed["if"] == "github.event_name == 'pull_request'"
    assert "origin/${{ github.base_ref }}" in changed["run"]


def test_pre_commit_hooks():
    [hook] = parse_list(read(HOOKS))
    assert {k: hook[k] for k in ("id", "entry", "language", "pass_filenames")} == {
        "id": "kb-validate", "entry": "kb validate", "language": "python", "pass_filenames": True}
    config = parse_plain(read(PRE_COMMIT_CONFIG))
    [repo] = config["repos"]
    assert repo["repo"] == "local" and all(h["language"] == "system" for h in repo["hooks"])
    local = next(h for h in repo["hooks"] if h["id"] == "kb-validate")
    for pattern in (hook["files"], local["files"]):
        assert re.search(pattern, "entries/lao-survey.yaml") and re.search(pattern, "entries/lao-survey.yml")
        assert not re.search(pattern, "docs/entries/lao-survey.yaml")
        assert not re.search(pattern, "tools/kb/vocab/themes.yaml")


def test_every_kb_command_run_by_ci_and_hooks_exists(tmp_path):
    commands = kb_commands()
    assert {shlex.split(c)[1] for c in commands} >= {"validate", "schema", "build"}
    entry = tmp_path / "entries" / "an-entry.yaml"
    entry.parent.mkdir()
    entry.write_text("id: an-entry\n", encoding="utf-8")
    for command_line in commands:
        _, name, *args = shlex.split(command_line)
        assert name in main.commands, f"`{command_line}`: kb has no command {name}"
        command = main.commands[name]
        command.make_context(name, list(args))  # raises on an unknown option or a bad value
        if command_line in {h["entry"] for h in parse_list(read(HOOKS))}:
            command.make_context(name, [*args, str(entry)])  # pre-commit appends the file names
        result = CliRunner().invoke(main, [name, *args, "--help"])
        assert result.exit_code == 0, result.output


# --- CONTRIBUTING.md and the pull-request template ---------------------------------------------


def contributing() -> str:
    return read(CONTRIBUTING)


def code_spans(text: str) -> list[str]:
    return re.findall(r"`([^`\n]+)`", text)


def test_contributing_mentions_the_commands_a_contributor_needs():
    text = contributing()
    for needed in ("kb new", "kb validate", "kb build"):
        assert f"`{needed}" in text
    for span in code_spans(text):
        if not span.startswith("kb "):
            continue
        words = span.split()
        name = words[1]
        assert name in main.commands, f"`{span}`: kb has no command {name}"
        options = {"--help"} | {o for p in main.commands[name].params for o in p.opts + p.secondary_opts}
        for word in words[2:]:
            if word.startswith("--"):
                assert word.split("=")[0] in options, f"`{span}`: kb {name} has no option {word}"


def site_pages() -> dict[str, str]:
    """The pages a link on the site's contributing page can reach, by path under docs/."""
    pages = site.render_site([], extra={"reference/cli.md": cli_reference(), "contributing.md": contributing()})
    docs = REPO / "docs"
    for path in docs.rglob("*.md"):
        rel = path.relative_to(docs).as_posix()
        if rel.split("/")[0] not in site.GENERATED:  # hand-written pages, such as about-article-6.md
            pages[rel] = read(path)
    return pages


def anchors(markdown: str) -> set[str]:
    headings = re.findall(r"^#{1,6} +(.+?) *$", markdown, flags=re.M)
    return {slugify(h, "-") for h in headings} | set(re.findall(r'id="([^"]+)"', markdown))


def test_contributing_links_work_on_the_site():
    """CONTRIBUTING.md is copied as is to contributing.md at the site's root: every relative link
    must name a page of the site (not a repository file, which the site does not have)."""
    text = contributing()
    pages = site_pages()
    links = re.findall(r"\]\(([^)\s]+)\)", text)
    assert links
    for link in links:
        if re.match(r"(https?|mailto):", link):
            continue
        path, _, anchor = link.partition("#")
        target = path or "contributing.md"
        assert not target.startswith(("/", "..")), link
        assert target in pages, f"{link}: the site has no page {target}"
        if anchor:
            assert anchor in anchors(pages[target]), f"{link}: {target} has no anchor #{anchor}"


def test_contributing_explains_every_field_of_the_new_entry_form():
    text = contributing()
    form = committed_form(githubforms.NEW_ENTRY)
    for element in fields(form):
        assert f"\n| {element['attributes']['label']} |" in text, element["attributes"]["label"]
    assert form["name"] in text and committed_form(githubforms.REPORT_ERROR)["name"] in text


def test_contributing_states_the_rules_and_the_licences():
    text = contributing()
    for phrase in ("own words", "basis: source", "basis: entry", "uncertain", "document symbol",
                   "CC BY 4.0", "MIT", "`LICENSE`", "site-preview"):
        assert phrase in text, phrase
    licence = read(REPO / "LICENSE")
    assert "CC BY 4.0" in licence and "MIT" in licence


def test_pull_request_template_has_the_reviewers_checklist():
    text = read(PR_TEMPLATE)
    for check in ("Sources are real and traceable", "Own words", "Figures match the source",
                  "Uncertain facts are flagged", "Basis is marked", "Vocabulary terms are right",
                  "`kb validate` is green", "Preview checked"):
        assert f"- [ ] **{check}**" in text, check
    # the names a reviewer looks for on GitHub are the workflow's own
    job = workflow()["jobs"]["check"]["name"]
    artifact = next(s for s in steps() if s.get("uses", "").startswith("actions/upload-artifact"))["with"]["name"]
    assert f'"{job}" job' in text and f"`{artifact}`" in text
    assert f"**{artifact}**" in contributing()
