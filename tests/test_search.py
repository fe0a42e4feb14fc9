"""The Whoosh index and `kb search`, `kb similar` and the duplicate warning: real indexes in
tmp_path, no mocks. Golden queries over the real entries are in tests/golden_queries.yaml."""

from __future__ import annotations

import importlib
import itertools
import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb import loading, similarity, yamlread
from kb.cli import main
from kb.diagnostics import KbError

from conftest import REPO, entry_text

GOLDEN = Path(__file__).parent / "golden_queries.yaml"
search = importlib.import_module("kb.searchindex")


def entry(entry_id: str, title: str, **fields: str) -> str:
    """An entry whose text fields are given as plain text (quoted for YAML here)."""
    for name in ("summary", "context", "practice", "results"):
        if name in fields:
            fields[name] = json.dumps(fields[name])
    if "lesson" in fields:
        fields["lessons"] = f"\n  - text: {json.dumps(fields.pop('lesson'))}\n    basis: entry"
    return entry_text(entry_id, title, **fields)


@pytest.fixture
def kb_dir(tmp_path, write_entry, monkeypatch):
    """Six small entries with known words, and the current folder at tmp_path."""
    write_entry("demil.yaml", entry(
        "demil", "Demilitarisation of cluster munitions in a national plant",
        summary="A national plant took on the demilitarisation of stockpiled cluster munitions.",
        context="Stockpiles had grown for decades.", themes="[stockpile-destruction]", countries="[RS]",
        type="case-study", assistance_forms="[technical, material]", ccm_articles="['3', '6.5']",
        period="{start: 2005, end: 2007}",
        actors="\n  - name: NATO Support and Procurement Agency\n    role: implementing-partner"))
    write_entry("lao-survey.yaml", entry(
        "lao-survey", "Evidence-based survey of cluster munition remnants in Lao PDR",
        summary="Technical survey found where the remnants were, before any clearance.",
        lesson="Survey first: the evidence points the clearance teams to real contamination.",
        themes="[clearance, information-management]", countries="[LA]", ccm_articles="['4']",
        period="{start: 2010}"))
    write_entry("norway-donor.yaml", entry(
        "norway-donor", "Norway as a long-term donor to victim assistance",
        summary="Norway funded the victim assistance programme for fifteen years.",
        context="Demilitarization was not part of the programme.", themes="[victim-assistance]",
        countries="['NO', LA]", ccm_articles="['5', '6.7']", period="{start: 1999, end: 2015}",
        actors="\n  - name: Norway\n    role: donor\n    country: 'NO'"))
    write_entry("unprpd.yaml", entry(
        "unprpd", "A multi-partner trust fund for disability rights",
        summary="The UN Partnership on the Rights of Persons with Disabilities pools donor money.",
        themes="[disability-inclusion, victim-assistance]", countries="[]", type="funding-mechanism",
        assistance_forms="[financial]", modality="[trust-fund]", period="{start: 2011}"))
    write_entry("erw-education.yaml", entry(
        "erw-education", "Risk education about ERW in schools",
        summary="Teachers explained the dangers of explosive remnants of war to children.",
        themes="[risk-education]", countries="[KH]", type="good-practice", assistance_forms="[training]",
        period="{start: 2012, end: 2014}"))
    write_entry("organising.yaml", entry(
        "organising", "Organising donor coordination meetings",
        summary="Mobilisation of resources through an organisation of donors that met twice a year.",
        themes="[coordination, resource-mobilisation]", countries="[KH, LA]", period="{start: 2016, end: 2019}"))
    monkeypatch.chdir(tmp_path)
    return tmp_path / "entries"


def ids(data: dict) -> list[str]:
    return [r["id"] for r in data["results"]]


def find(query: str = "", **kw) -> dict:
    return search.search(query, **kw)


# ---- analysis ---------------------------------------------------------------------------------

def terms(text: str, acronyms: bool = True) -> list[str]:
    return [t.term for t in search.normaliser().tokens(text, acronyms=acronyms)]


@pytest.mark.parametrize("british, american", [
    ("demilitarisation", "demilitarization"), ("programme", "program"), ("mobilisation", "mobilization"),
    ("organisation", "organization"), ("organised", "organized"), ("centre", "center"), ("labour", "labor"),
    ("defence", "defense"), ("catalogue", "catalog"), ("analysed", "analyzed"), ("prioritising", "prioritizing"),
])
def test_british_and_american_spellings_index_the_same(british, american):
    assert terms(british) == terms(american)


def test_stems_accents_possessives_and_stop_words():
    assert terms("running runs") == ["run", "run"]  # Porter2, not Porter's 'runn'
    assert terms("Sécurité") == terms("securite")
    assert terms("Norwegian People's Aid") == terms("norwegian people aid")
    assert terms("the survey of the area") == ["survey", "area"]
    assert terms("6.2 and 1,683,860") == ["6.2", "1,683,860"]


def test_an_expansion_also_indexes_its_acronym_where_it_stands():
    tokens = search.normaliser().tokens("Clearing explosive remnants of war.")
    assert [(t.term, t.pos) for t in tokens] == [("clear", 0), ("erw", 1), ("explos", 1), ("remnant", 2), ("war", 3)]
    erw = tokens[1]
    assert "Clearing explosive remnants of war."[erw.start:erw.end] == "explosive remnants of war"
    assert terms("CMRs") == terms("CMR") == ["cmr"]


@pytest.mark.parametrize("query, rewritten", [
    ('cluster munition remnants -"explosive remnants of war" UXO', 'cmr NOT "explosive remnants of war" UXO'),
    ("+survey -(Norway OR donor)", "survey NOT (Norway OR donor)"),
    ("KHM AND training", '(KHM OR "Cambodia" OR countries:KHM) AND training'),  # AND is Andorra's code too
    ("CMR VA UN", "CMR VA UN"),  # acronyms before country codes (Cameroon, Vatican)
    ("khm", "khm"),  # codes count only in capitals
])
def test_queries_are_rewritten_for_the_parser(query, rewritten):
    assert search.make_request(query).rewritten == rewritten


def test_synonym_tables_are_plain_data_for_the_site():
    tables = search.synonym_tables()
    assert set(tables) == {"spelling", "acronyms", "acronym_variants", "stopwords", "country_names"}
    assert tables["spelling"]["programme"] == "program"
    assert tables["acronyms"]["cmr"] == "cluster munition remnants"
    for acronym in ("eore", "nspa", "unprpd", "va", "namsa", "npa", "gichd", "imas", "imsma", "itf", "masg", "uxo",
                    "apl", "salw", "ccm", "mbt", "isu", "nra", "cmac", "cmaa", "lmac", "erw"):
        assert acronym in tables["acronyms"], acronym
    for mapping in (tables["spelling"], tables["acronyms"], tables["country_names"]):
        assert all(isinstance(k, str) and isinstance(v, str) and k == k.lower() for k, v in mapping.items())
    # no "-ise" word that is not a British variant is mapped
    assert not {"advise", "exercise", "expertise", "promise", "raise", "otherwise"} & set(tables["spelling"])
    json.dumps(tables)


# ---- search -----------------------------------------------------------------------------------

def test_first_search_builds_the_index_and_says_so(kb_dir):
    data = find("demilitarisation")
    assert ids(data) == ["demil", "norway-donor"]  # title beats context
    assert data["notices"] and "there is no index yet" in data["notices"][0]
    assert (kb_dir.parent / ".kb" / "index" / "CURRENT").is_file()
    assert find("demilitarisation")["notices"] == []


def test_json_shape_is_stable(kb_dir):
    data = find("survey", limit=1)
    assert list(data) == ["query", "total", "results", "facets", "suggestion", "notices"]
    assert list(data["results"][0]) == ["id", "title", "type", "score", "snippet", "path"]
    assert data["results"][0]["path"] == "entries/lao-survey.yaml"
    assert list(data["facets"]) == ["theme", "country", "type", "form"]
    assert data["facets"]["country"] == {"LAO": 1}
    assert "**" in data["results"][0]["snippet"]


@pytest.mark.parametrize("query, expected", [
    ("demilitarization", ["demil", "norway-donor"]),
    ("programs", ["norway-donor"]),
    ("mobilization organization", ["organising"]),
    ("ERW", ["erw-education"]),
    ("explosive remnants of war", ["erw-education"]),
    ("cluster munition remnants", ["lao-survey"]),
    ("CMR", ["lao-survey"]),
    ("NSPA", ["demil"]),
    ("UNPRPD", ["unprpd"]),
    ("United Nations Partnership on the Rights of Persons with Disabilities", ["unprpd"]),
    ("VA", ["norway-donor", "unprpd"]),  # the theme counts as text too
    ('"risk education"', ["erw-education"]),
    ("survey OR teachers", ["lao-survey", "erw-education"]),
    ("donor -money", ["norway-donor", "organising"]),
    ("donor NOT money", ["norway-donor", "organising"]),
    ("demili*", ["demil", "norway-donor"]),
    ("title:survey", ["lao-survey"]),
    ("Serbia", ["demil"]),
    ("Laos", ["lao-survey", "norway-donor", "organising"]),
])
def test_queries(kb_dir, query, expected):
    assert sorted(ids(find(query))) == sorted(expected)


def test_words_in_the_title_count_more_than_in_the_context(kb_dir):
    assert ids(find("demilitarisation"))[0] == "demil"


@pytest.mark.parametrize("filters, expected", [
    ({"themes": ["victim-assistance"]}, ["norway-donor", "unprpd"]),
    ({"themes": ["Victim assistance"]}, ["norway-donor", "unprpd"]),
    ({"themes": ["risk-education", "coordination"]}, ["erw-education", "organising"]),  # any of one kind
    ({"themes": ["victim-assistance"], "countries": ["LA"]}, ["norway-donor"]),  # all kinds
    ({"countries": ["KH"]}, ["erw-education", "organising"]),
    ({"countries": ["KHM"]}, ["erw-education", "organising"]),
    ({"countries": ["cambodia"]}, ["erw-education", "organising"]),
    ({"countries": ["Lao PDR"]}, ["lao-survey", "norway-donor", "organising"]),
    ({"countries": ["Laos"]}, ["lao-survey", "norway-donor", "organising"]),
    ({"types": ["funding-mechanism"]}, ["unprpd"]),
    ({"forms": ["technical"]}, ["demil"]),
    ({"actors": ["NSPA"]}, ["demil"]),
    ({"actors": ["NATO Support and Procurement Agency"]}, ["demil"]),
    ({"actors": ["implementing-partner"]}, ["demil"]),
    ({"year_from": 2015}, ["lao-survey", "norway-donor", "organising", "unprpd"]),  # open periods run on
    ({"year_to": 2006}, ["demil", "norway-donor"]),
    ({"year_from": 2013, "year_to": 2013}, ["erw-education", "lao-survey", "norway-donor", "unprpd"]),
    ({"articles": ["6"]}, ["demil", "norway-donor"]),  # 6 includes 6.5 and 6.7
    ({"articles": ["Article 6.7"]}, ["norway-donor"]),
])
def test_filters_alone_list_entries_by_id(kb_dir, filters, expected):
    data = find(**filters)
    assert ids(data) == expected
    assert all(r["score"] is None for r in data["results"])


def test_query_and_filters_together(kb_dir):
    assert ids(find("donor", countries=["KH"])) == ["organising"]
    assert find("survey", themes=["victim-assistance"])["total"] == 0


def test_facets_count_every_match_not_only_the_page(kb_dir):
    data = find(countries=["LA"], limit=1)
    assert data["total"] == 3 and len(data["results"]) == 1
    assert data["facets"]["country"] == {"LAO": 3, "KHM": 1, "NOR": 1}
    assert data["facets"]["theme"]["victim-assistance"] == 1
    assert data["facets"]["type"] == {"good-practice": 3}


def test_pages(kb_dir):
    every = ids(find(countries=["LA"], limit=10))
    assert ids(find(countries=["LA"], limit=2, page=1)) + ids(find(countries=["LA"], limit=2, page=2)) == every
    assert ids(find(countries=["LA"], limit=2, page=9)) == []


def test_no_results_suggests_a_spelling_and_relaxes_nothing(kb_dir):
    data = find("demilitarsation")
    assert data["total"] == 0 and data["results"] == []
    assert data["suggestion"] == "demilitarisation"
    assert find(data["suggestion"])["total"] == 2
    assert find("Survy clearance")["suggestion"] == "Survey clearance"
    assert find("survey teachers")["suggestion"] is None  # both words exist, just not together
    assert find("xqzvw")["suggestion"] is None


@pytest.mark.parametrize("query, message", [
    ('"unbalanced', "without a closing one"),
    ("AND", "needs a word on each side"),
    ("survey AND", "needs a word after it"),
    ("OR survey", "needs a word on each side"),
    ("survey AND OR clearance", "needs a word on each side"),
    ("NOT", "needs a word after it"),
    ("-", "is not a word to search for"),
    ("survey +", "is not a word to search for"),
    ("(survey", "without a matching ')'"),
    ("survey)", "without a matching '('"),
    ("*", "is not a word to search for"),
    ("a*", "may only end a word"),
    ("*vey", "may only end a word"),
    ("x" * 501, "the limit is 500"),
    ("survey\x00", "control character"),
    ("survey\x1b[31m", "control character"),
    ("the of and", "only words too common"),
    ("summary:foo", "'summary:' cannot be searched"),
    ("NOT NOT clearance", "cannot be read"),
])
def test_malformed_queries_give_a_clean_message(kb_dir, query, message):
    with pytest.raises(KbError, match=message.replace("(", r"\(").replace(")", r"\)").replace("*", r"\*")):
        find(query)


@pytest.mark.parametrize("filters, message", [
    ({}, "nothing to search for"),
    ({"themes": ["victim-assitance"]}, "did you mean 'victim-assistance'"),
    ({"countries": ["XX"]}, "unknown country 'XX'"),
    ({"countries": ["UK"]}, None),  # a known alias
    ({"types": ["casestudy"]}, "unknown type"),
    ({"articles": ["99"]}, "unknown CCM article"),
    ({"year_from": 2015, "year_to": 2010}, "is after"),
    ({"year_from": 99}, "give a year"),
    ({"limit": 0}, "--limit"),
    ({"page": 0}, "--page"),
])
def test_bad_filters_give_a_clean_message(kb_dir, filters, message):
    if message is None:
        assert find(**filters)["total"] == 0
        return
    with pytest.raises(KbError, match=message):
        find(**filters)


def test_results_are_the_same_after_incremental_updates_as_after_a_rebuild(kb_dir):
    search.update_index(kb_dir)
    path = kb_dir / "organising.yaml"
    path.write_text(path.read_text().replace("twice a year", "every quarter, with demilitarisation experts"))
    search.update_index(kb_dir)
    incremental = find("demilitarisation", refresh=False)
    search.update_index(kb_dir, rebuild=True)
    rebuilt = find("demilitarisation", refresh=False)
    # the same entries in the same order; scores differ a little, as BM25 counts deleted documents
    # until Whoosh merges segments
    assert ids(rebuilt) == ids(incremental) == ["demil", "organising", "norway-donor"]
    assert rebuilt["facets"] == incremental["facets"]


# ---- index maintenance ------------------------------------------------------------------------

def test_incremental_update_reindexes_only_what_changed(kb_dir):
    first = search.update_index(kb_dir)
    assert first.rebuilt and first.indexed == 6 and len(first.updated) == 6
    assert search.update_index(kb_dir).updated == []

    (kb_dir / "organising.yaml").write_text((kb_dir / "organising.yaml").read_text().replace(
        "twice a year", "twice a year in Phnom Penh"))
    (kb_dir / "unprpd.yaml").unlink()
    (kb_dir / "new-one.yaml").write_text(entry("new-one", "A new entry about Phnom Penh"))
    os.utime(kb_dir / "demil.yaml")  # touched, not changed
    report = search.update_index(kb_dir)
    assert not report.rebuilt
    assert report.updated == ["new-one.yaml", "organising.yaml"]
    assert report.removed == ["unprpd.yaml"]
    assert report.indexed == 6
    assert sorted(ids(find("Phnom Penh", refresh=False))) == ["new-one", "organising"]
    assert find("UNPRPD", refresh=False)["total"] == 0


def test_a_file_with_errors_leaves_the_index_until_fixed(kb_dir):
    search.update_index(kb_dir)
    path = kb_dir / "erw-education.yaml"
    good = path.read_text()
    path.write_text(good.replace("themes: [risk-education]", "themes: [risk-educaton]"))
    report = search.update_index(kb_dir)
    assert report.skipped == ["erw-education.yaml"] and report.indexed == 5
    assert "not searchable until fixed" in report.summary()
    assert find("teachers", refresh=False)["total"] == 0
    path.write_text(good)
    assert search.update_index(kb_dir).updated == ["erw-education.yaml"]
    assert find("teachers")["total"] == 1


def test_a_stale_index_is_refreshed_before_a_search(kb_dir):
    search.update_index(kb_dir)
    assert not search.index_status(kb_dir).stale
    (kb_dir / "extra.yaml").write_text(entry("extra", "Quarantined stockpiles in Moldova"))
    status = search.index_status(kb_dir)
    assert status.stale and "1 entry has changed" in status.reason
    data = find("quarantined")
    assert ids(data) == ["extra"]
    assert "out of date (1 entry has changed since it was built)" in data["notices"][0]
    assert find("quarantined", refresh=False)["notices"] == []


def test_an_index_from_another_version_or_folder_is_rebuilt(kb_dir, tmp_path):
    search.update_index(kb_dir)
    gen = next((tmp_path / ".kb" / "index").glob("gen-*"))
    manifest = json.loads((gen / "manifest.json").read_text())
    (gen / "manifest.json").write_text(json.dumps(dict(manifest, format="0-old")))
    assert search.index_status(kb_dir).reason == "the index was built by another version of kb"
    assert search.update_index(kb_dir).rebuilt


def test_index_dir_option_and_environment(kb_dir, tmp_path, monkeypatch):
    search.update_index(kb_dir, tmp_path / "elsewhere")
    assert (tmp_path / "elsewhere" / "CURRENT").is_file()
    monkeypatch.setenv("KB_INDEX_DIR", str(tmp_path / "from-env"))
    assert search.resolve_index_dir(None, kb_dir) == tmp_path / "from-env"
    assert ids(find("survey")) == ["lao-survey"]
    assert (tmp_path / "from-env" / "CURRENT").is_file()
    assert not (tmp_path / ".kb").exists()


def test_build_index_from_entry_objects(kb_dir, tmp_path):
    corpus = loading.load_corpus(kb_dir)
    report = search.build_index(corpus.entries, tmp_path / "ix")
    assert report.indexed == 6
    assert search.build_index(corpus.entries, tmp_path / "ix").updated == []
    assert search.build_index(corpus.entries[:5], tmp_path / "ix").removed == ["unprpd.yaml"]
    data = find("survey", index_dir=tmp_path / "ix", entries_dir=Path("nowhere"))
    assert ids(data) == ["lao-survey"] and data["notices"] == []  # not refreshed from files
    assert search.index_corpus(corpus).indexed == 6


def test_an_open_reader_keeps_answering_while_the_index_is_replaced(kb_dir, tmp_path):
    search.update_index(kb_dir)
    request = search.make_request("survey")
    with search.SearchIndex(tmp_path / ".kb" / "index") as reader:
        search.update_index(kb_dir, rebuild=True)
        search.update_index(kb_dir, rebuild=True)
        assert ids(reader.search(request)) == ["lao-survey"]
    assert len(list((tmp_path / ".kb" / "index").glob("gen-*"))) == 2  # the current one and the one before


def test_no_index_and_unreadable_index_are_clean_errors(kb_dir, tmp_path):
    with pytest.raises(KbError, match="there is no index"):
        search.SearchIndex(tmp_path / "none")
    search.update_index(kb_dir)
    root = tmp_path / ".kb" / "index"
    gen = search._current_generation(root)
    for toc in gen.glob("*.toc"):
        toc.write_bytes(b"garbage")
    with pytest.raises(KbError, match="run kb index --rebuild"):
        search.SearchIndex(root)
    assert search.update_index(kb_dir, rebuild=True).indexed == 6
    assert ids(find("survey")) == ["lao-survey"]


def test_an_exception_between_building_and_swapping_leaves_the_previous_index(kb_dir, tmp_path):
    search.update_index(kb_dir)
    root = tmp_path / ".kb" / "index"
    before = search._current_generation(root)

    def fail(done, total):
        if done == 3:
            raise RuntimeError("power cut")

    with pytest.raises(RuntimeError, match="power cut"):
        search.update_index(kb_dir, rebuild=True, progress=fail)
    assert search._current_generation(root) == before
    assert [p.name for p in root.glob("gen-*")] == [before.name]  # the half-built one is gone
    assert ids(find("survey", refresh=False)) == ["lao-survey"]


CHILD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from kb.searchindex import update_index

    def stall(done, total):
        if done == 2:
            Path(sys.argv[2]).write_text("halfway")
            time.sleep(60)

    update_index(Path(sys.argv[1]), rebuild=True, progress=stall)
""")


def test_a_run_killed_halfway_leaves_the_previous_index_usable(kb_dir, tmp_path):
    search.update_index(kb_dir)
    root = tmp_path / ".kb" / "index"
    before = search._current_generation(root)
    marker = tmp_path / "halfway"
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(kb_dir), str(marker)])
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert child.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        assert len(list(root.glob("gen-*"))) == 2  # the child's half-built generation
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert search._current_generation(root) == before
    assert ids(find("survey", refresh=False)) == ["lao-survey"]
    report = search.update_index(kb_dir, wait=5)  # the dead child's lock is gone with it
    assert report.updated == []
    search.update_index(kb_dir, rebuild=True)
    assert len(list(root.glob("gen-*"))) == 2  # leftovers collected


WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from kb.searchindex import update_index

    for _ in range(3):
        report = update_index(Path(sys.argv[1]), rebuild=True, wait=120)
    print(report.indexed)
""")


def test_two_writers_at_once_do_not_corrupt_the_index(kb_dir, tmp_path):
    for i in range(30):
        (kb_dir / f"bulk-{i:02d}.yaml").write_text(entry(f"bulk-{i:02d}", f"Bulk entry {i} about mine action"))
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(kb_dir)], stdout=subprocess.PIPE, text=True)
               for _ in range(2)]
    outputs = [w.communicate(timeout=300)[0] for w in writers]
    assert [w.returncode for w in writers] == [0, 0]
    assert outputs == ["36\n", "36\n"]
    root = tmp_path / ".kb" / "index"
    assert len(list(root.glob("gen-*"))) <= 2
    with search.SearchIndex(root) as reader:
        assert len(reader) == 36
        assert reader.search(search.make_request("bulk"))["total"] == 30


def test_a_busy_index_waits_then_stops_with_a_clear_message(kb_dir, tmp_path):
    root = tmp_path / ".kb" / "index"
    search.update_index(kb_dir)
    with search.writer_lock(root, wait=0):
        started = time.monotonic()
        with pytest.raises(search.IndexBusy, match=r"another kb process updating the index in .* is running \(process \d+\)"):
            search.update_index(kb_dir, rebuild=True, wait=0.3)
        assert time.monotonic() - started >= 0.3
        (kb_dir / "extra.yaml").write_text(entry("extra", "Quarantined stockpiles"))
        data = find("survey")  # stale, and the writer is busy: search the index as it is, and say so
        assert ids(data) == ["lao-survey"]
        assert "another kb process is updating it" in data["notices"][0]


def test_an_index_that_cannot_be_updated_is_searched_as_it_is(kb_dir, tmp_path):
    search.update_index(kb_dir)
    (kb_dir / "extra.yaml").write_text(entry("extra", "Quarantined stockpiles"))
    root = tmp_path / ".kb" / "index"
    (root / "writer.lock").unlink()
    (root / "writer.lock").mkdir()  # cannot be opened for writing, even by root
    data = find("survey")
    assert ids(data) == ["lao-survey"]
    assert "could not be updated (cannot write " in data["notices"][0]
    with pytest.raises(KbError, match="cannot write .*writer.lock"):
        search.update_index(kb_dir)


# ---- command line -----------------------------------------------------------------------------

def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_cli_index_search_similar(kb_dir):
    result = run("index")
    assert result.exit_code == 0 and result.output.startswith("Index rebuilt in ")
    assert run("index").output.endswith("is up to date (6 entries).\n")
    result = run("search", "demilitarisation", "--limit", "1")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == '2 entries found for "demilitarisation".'
    assert lines[2] == "Demilitarisation of cluster munitions in a national plant"
    assert lines[3].startswith("  demil  (case-study)  score ")
    assert "**demilitarisation**" in lines[4].lower()
    assert "Showing 1 of 2; use --page and --limit to see more." in lines
    assert "theme: stockpile-destruction (1), victim-assistance (1)" in lines
    data = json.loads(run("search", "--country", "KHM", "--theme", "coordination", "--format", "json").output)
    assert ids(data) == ["organising"]
    result = run("search", "demilitarsation")
    assert result.output == 'No entries found for "demilitarsation".\nDid you mean: demilitarisation\n'
    result = run("similar", "lao-survey", "--format", "json")
    assert json.loads(result.output)["id"] == "lao-survey"


@pytest.mark.parametrize("args, message", [
    (["search", '"oops'], 'kb: the query has an opening " without a closing one'),
    (["search"], "kb: nothing to search for"),
    (["search", "--country", "Atlantis"], "kb: unknown country 'Atlantis'"),
    (["similar", "lao-survy"], "kb: no entry has the id 'lao-survy'. Did you mean 'lao-survey'?"),
])
def test_cli_errors_are_one_line_and_exit_1(kb_dir, args, message):
    result = run(*args)
    assert result.exit_code == 1
    assert result.output.startswith(message) and "Traceback" not in result.output


@pytest.mark.parametrize("command", ["index", "search", "similar"])
def test_commands_have_help(command):
    result = run(command, "--help")
    assert result.exit_code == 0 and len(result.output) > 200


# ---- similarity -------------------------------------------------------------------------------

def test_similar_entries_rank_by_shared_words(kb_dir):
    (kb_dir / "va-again.yaml").write_text(entry(
        "va-again", "Long-term donor support to victim assistance in Lao PDR",
        summary="A donor funded a victim assistance programme for years."))
    corpus = loading.load_corpus(kb_dir)
    found = similarity.similar_entries(corpus.entries, "norway-donor", limit=3)
    assert [e.id for e, _ in found][0] == "va-again"
    scores = [score for _, score in found]
    assert scores == sorted(scores, reverse=True) and all(0 < s < 1 for s in scores)


def test_a_near_copy_gets_a_duplicate_warning(kb_dir):
    original = (kb_dir / "lao-survey.yaml").read_text()
    (kb_dir / "lao-copy.yaml").write_text(original.replace("id: lao-survey", "id: lao-copy").replace(
        "title: Evidence-based survey", "title: An evidence-based survey").replace("any clearance", "clearance"))
    docs = loading.read_docs(sorted(kb_dir.glob("*.yaml")))
    found = list(similarity.duplicate_diagnostics(docs))
    assert [(d.file.name, d.code) for d in found] == [("lao-copy.yaml", "KB505"), ("lao-survey.yaml", "KB505")]
    assert "reads almost the same as 'lao-survey' (entries/lao-survey.yaml)" in found[0].message
    assert found[0].line == 6 and found[0].severity == "warning"


def test_the_real_entries_have_no_duplicate_warning():
    docs = loading.read_docs(loading.discover(REPO / "entries")[0])
    assert list(similarity.duplicate_diagnostics(docs)) == []
    # the closest pairs are a need or offer and the entry it draws on, which name each other in `related`
    model = similarity.TfIdf({d.data["id"]: similarity.data_text(d.data) for d in docs if "id" in d.data})
    linked = {frozenset((d.data["id"], r)) for d in docs for r in d.data.get("related") or ()}
    close = model.pairs_at_least(similarity.DUPLICATE_THRESHOLD)
    assert all(frozenset(pair[:2]) in linked for pair in close)


def test_entries_that_name_each_other_are_not_reported(kb_dir):
    original = (kb_dir / "lao-survey.yaml").read_text()
    (kb_dir / "lao-copy.yaml").write_text(original.replace("id: lao-survey", "id: lao-copy") + "related: [lao-survey]\n")
    docs = loading.read_docs(sorted(kb_dir.glob("*.yaml")))
    assert list(similarity.duplicate_diagnostics(docs)) == []


def random_texts(n: int, seed: int = 1, vocabulary: int = 400) -> dict[str, str]:
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(vocabulary)]
    texts = {f"doc{i:03d}": " ".join(rng.choices(words, k=rng.randrange(5, 40))) for i in range(n)}
    for i in range(0, n, 7):  # some near copies
        base = texts[f"doc{i:03d}"].split()
        base[rng.randrange(len(base))] = rng.choice(words)
        texts[f"copy{i:03d}"] = " ".join(base)
    return texts


@pytest.mark.parametrize("threshold", [0.2, 0.5, 0.8])
def test_prefix_filtering_finds_exactly_the_pairs_brute_force_finds(threshold):
    model = similarity.TfIdf(random_texts(150))
    brute = [(a, b) for a, b in itertools.combinations(sorted(model.vectors), 2)
             if model.cosine(model.vectors[a], model.vectors[b]) >= threshold]
    assert [(a, b) for a, b, _ in model.pairs_at_least(threshold)] == brute
    assert brute


def test_minhash_finds_near_copies_in_large_sets():
    model = similarity.TfIdf(random_texts(300, vocabulary=20_000))  # real texts have many rare words
    exact = {(a, b) for a, b, s in model.pairs_at_least(0.9)}
    approximate = {(a, b) for a, b, s in model.pairs_at_least(0.9, exact_up_to=0)}
    assert approximate <= exact and len(approximate) >= 0.9 * len(exact)


# ---- golden queries over the real entries -----------------------------------------------------

def golden_cases() -> list[dict]:
    return yamlread.parse_plain(GOLDEN.read_text(encoding="utf-8"))["queries"]


@pytest.fixture(scope="module")
def real_index(tmp_path_factory):
    root = tmp_path_factory.mktemp("real-index")
    search.update_index(REPO / "entries", root)
    with search.SearchIndex(root) as reader:
        yield reader


def run_golden(reader: search.SearchIndex, case: dict) -> list[str]:
    filters = {k: case[k] for k in ("themes", "countries", "types", "forms", "actors", "articles", "year_from",
                                     "year_to") if k in case}
    data = reader.search(search.make_request(case.get("query", ""), limit=3, **filters))
    if case.get("follow_suggestion"):
        assert data["total"] == 0 and data["suggestion"], case
        data = reader.search(search.make_request(data["suggestion"], limit=3, **filters))
    return ids(data)


def test_golden_queries_precision_at_3(real_index, capsys):
    cases = golden_cases()
    assert len(cases) >= 25
    hits = wanted = 0
    failures = []
    for case in cases:
        top3 = run_golden(real_index, case)
        for expected in case["expect"]:
            wanted += 1
            if expected in top3:
                hits += 1
            else:
                failures.append(f"{case.get('query', '')!r} {case.get('note', '')}: {expected} not in {top3}")
    with capsys.disabled():
        print(f"\ngolden queries: {len(cases)}, expected ids found in the top 3: {hits}/{wanted} "
              f"= {hits / wanted:.0%}")
    assert not failures, "\n".join(failures)


def test_golden_ids_exist():
    real = {p.stem for p in (REPO / "entries").glob("*.yaml")}
    missing = {e for case in golden_cases() for e in case["expect"]} - real
    assert not missing
