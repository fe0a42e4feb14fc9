"""Coverage of the real entries: the content rules of the knowledge base, checked so they cannot
quietly slip (issue: 30 real, sourced entries that cover Article 6)."""

from __future__ import annotations

from collections import Counter

import pytest

from kb import countries
from kb.loading import load_corpus

from conftest import REPO

PILLARS = {"clearance", "stockpile-destruction", "victim-assistance", "risk-education", "economic-social-recovery"}
FORMS = {"technical", "material", "financial", "equipment-exchange", "expertise-exchange", "information-exchange"}


@pytest.fixture(scope="module")
def entries(tmp_path_factory):
    import os

    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        corpus = load_corpus(REPO / "entries")
    finally:
        os.chdir(cwd)
    assert corpus.errors == []
    return corpus.entries


def test_at_least_thirty_published_entries(entries):
    published = [e for e in entries if e.status == "published"]
    assert len(published) >= 30


def test_every_article_6_form_of_assistance_is_covered(entries):
    themes = Counter(t for e in entries for t in e.themes)
    forms = Counter(f for e in entries for f in e.assistance_forms)
    assert {p for p in PILLARS if themes[p] == 0} == set()
    assert {f for f in FORMS if forms[f] == 0} == set()


def test_all_three_reporting_areas_are_covered(entries):
    """Reporting on cooperation covers stockpile destruction, clearance and victim assistance: each
    has entries of its own, and reporting itself has entries too."""
    themes = Counter(t for e in entries for t in e.themes)
    for area in ("stockpile-destruction", "clearance", "victim-assistance", "reporting-transparency"):
        assert themes[area] >= 2, area


def test_at_least_four_modalities_including_the_named_ones(entries):
    modalities = {m for e in entries for m in e.modality}
    assert {"bilateral", "trust-fund", "country-coalition"} <= modalities
    assert modalities & {"south-south", "triangular"}
    assert len(modalities) >= 4


def test_ten_countries_in_three_regions(entries):
    codes = {c for e in entries for c in e.countries}
    regions = {countries.lookup(c).region for c in codes}
    assert len(codes) >= 10
    assert len(regions - {"Other"}) >= 3


def test_every_entry_is_sourced_and_marks_its_lessons(entries):
    for e in entries:
        assert e.sources, e.id
        for s in e.lessons + e.recommendations:
            assert s.basis in ("source", "entry"), e.id
            assert (s.basis == "source") == (s.source is not None), e.id


def test_related_entries_are_connected(entries):
    """Every entry is linked to at least one other (it names one, or another names it)."""
    named = {r for e in entries for r in e.related}
    lonely = [e.id for e in entries if not e.related and e.id not in named]
    assert lonely == []


def test_needs_and_offers_exist_for_matching(entries):
    types = Counter(e.type for e in entries)
    assert types["need"] >= 3 and types["offer"] >= 3
