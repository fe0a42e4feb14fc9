"""Property-based tests: for any input the loader and validator return entries and diagnostics,
never an exception; a valid entry written out by `kb new` or the exports loads back the same."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb import scaffold, yamlread
from kb.exports import entry_record
from kb.loading import load_corpus
from kb.validation import Doc, check_corpus, check_entry
from kb.vocab import get as vocab

from conftest import TODAY

F = Path("e.yaml")
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(st.binary(max_size=2000))
def test_any_bytes_give_diagnostics_not_exceptions(raw):
    text, problems = yamlread.decode(raw, F)
    assert (text is None) == bool(problems)
    if text is not None:
        assert isinstance(yamlread.parse(text, F), yamlread.Parsed)


@SETTINGS
@given(st.text(max_size=2000))
def test_any_text_parses_or_is_reported(text):
    parsed = yamlread.parse(text, F)
    assert parsed.data is None or isinstance(parsed.data, dict)
    if parsed.data is None and not parsed.diagnostics:
        assert yaml.compose(text, Loader=yaml.SafeLoader) is None  # there was no document at all


yaml_like = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=25)


@SETTINGS
@given(st.dictionaries(st.sampled_from(["id", "title", "type", "themes", "period", "sources", "lessons", "actors",
                                        "countries", "related", "need", "offer", "status", "x"]), yaml_like))
def test_validator_survives_any_shape(data):
    doc = Doc(F, yamlread.Parsed(data=data, positions={(): (1, 1)}))
    diagnostics = list(check_entry(doc, TODAY)) + list(check_corpus([doc]))
    assert all(d.line >= 1 and d.column >= 1 for d in diagnostics)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.sampled_from(["id", "title", "type", "themes", "period", "sources", "lessons", "actors",
                                        "countries", "related", "need", "offer", "status", "language", "summary"]),
                       yaml_like))
def test_fast_schema_check_agrees_with_jsonschema(data):
    """The fast gate (fastjsonschema) and the full validator (jsonschema) must agree on validity."""
    from kb.validation import _validator, schema_valid

    assert schema_valid(data) == _validator().is_valid(data)


@SETTINGS
@given(st.text(max_size=300))
def test_any_text_in_a_field_is_handled(value):
    text = json.dumps({"id": "a-b", "title": value, "summary": value, "countries": [value]})
    parsed = yamlread.parse(text, F)
    doc = Doc(F, parsed)
    list(check_entry(doc, TODAY))


words = st.text(st.characters(min_codepoint=32, max_codepoint=0xFFFF, blacklist_categories=("Cs", "Cc", "Cn", "Zl", "Zp"),
                              blacklist_characters="\ufeff\x7f"),
                min_size=1, max_size=60).filter(lambda s: s.strip() and not s.lstrip().startswith("TODO"))


def terms(name: str, min_size: int = 1):
    return st.lists(st.sampled_from(list(vocab(name).terms)), min_size=min_size, max_size=3, unique=True)


@st.composite
def valid_entries(draw):
    start = draw(st.integers(1990, 2020))
    return {
        "id": draw(st.from_regex(r"[a-z][a-z0-9]{2,20}", fullmatch=True)),
        "title": draw(words), "type": draw(st.sampled_from(["good-practice", "case-study", "lesson-learned"])),
        "status": "published", "language": "en", "summary": draw(words), "context": draw(words),
        "practice": draw(words), "results": draw(words),
        "lessons": [{"text": draw(words), "basis": "source", "source": 1}],
        "recommendations": [{"text": draw(words), "basis": "entry"}],
        "themes": draw(terms("themes")), "assistance_forms": draw(terms("assistance_forms")),
        "modality": draw(terms("modalities")),
        "actors": [{"name": draw(words), "role": draw(st.sampled_from(list(vocab("actor_roles").terms))),
                    "country": draw(st.sampled_from(["NOR", "LAO", "KHM", "COL"]))}],
        "countries": draw(st.lists(st.sampled_from(["LAO", "LBN", "KHM", "HRV", "MNE"]), max_size=3, unique=True)),
        "period": {"start": start, "end": draw(st.integers(start, 2025))},
        "ccm_articles": draw(terms("ccm_articles", 0)), "action_plan_refs": [],
        "sources": [{"title": draw(words), "publisher": draw(words), "date": "2020-05-01",
                     "url": "https://example.org/" + draw(st.from_regex(r"[a-z0-9]{1,12}", fullmatch=True))}],
        "related": [], "evidence_level": "documented", "last_reviewed": "2026-01-01",
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(valid_entries())
def test_exported_record_round_trips(tmp_path_factory, data):
    entries = tmp_path_factory.mktemp("rt") / "entries"
    entries.mkdir()
    (entries / f"{data['id']}.yaml").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    first = load_corpus(entries, today=TODAY)
    assert first.errors == [], first.errors
    (entry,) = first.entries
    record = entry_record(entry)
    (entries / f"{data['id']}.yaml").write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    (again,) = load_corpus(entries, today=TODAY).entries
    assert again == entry


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words, st.sampled_from(list(vocab("types").terms)), terms("themes", 0))
def test_new_entry_template_keeps_the_title(tmp_path_factory, title, entry_type, themes):
    text = scaffold.render_new_entry("new-entry", title, entry_type, themes, today=TODAY)
    parsed = yamlread.parse(text, F)
    assert parsed.diagnostics == []
    assert parsed.data["title"] == title and parsed.data["type"] == entry_type
    assert parsed.data["themes"] == (list(themes) or ["TODO"])


@settings(max_examples=100, deadline=None)
@given(valid_entries())
def test_fast_schema_check_agrees_on_valid_entries(data):
    from kb.validation import _validator, schema_valid

    assert schema_valid(data) and _validator().is_valid(data)


@settings(max_examples=300, deadline=None)
@given(valid_entries(), st.sampled_from(["title", "themes", "period", "sources", "lessons", "actors", "countries",
                                         "related", "type", "language", "last_reviewed", "ccm_articles"]), yaml_like)
def test_fast_schema_check_agrees_on_near_valid_entries(data, key, value):
    """One field of a valid entry replaced by anything: both validators still agree."""
    from kb.validation import _validator, schema_valid

    data = dict(data, **{key: value})
    assert schema_valid(data) == _validator().is_valid(data)
