"""Machine-readable copies: JSON with the format version, CSV one row per entry, a valid Atom feed."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

from kb import exports
from kb.loading import load_corpus
from kb.model import FORMAT_VERSION

from conftest import TODAY

ATOM = "{http://www.w3.org/2005/Atom}"


def test_json_has_every_entry_and_the_format_version(corpus_dir):
    entries = load_corpus(corpus_dir, today=TODAY).entries
    data = json.loads(exports.entries_json(entries))
    assert data["format_version"] == FORMAT_VERSION
    assert [e["id"] for e in data["entries"]] == ["lao-survey", "norway-donor", "shadow-stockpiles"]
    assert data["entries"][1]["countries"] == ["NOR"]
    assert "path" not in data["entries"][0]


def test_csv_one_row_per_entry_with_lists_joined(corpus_dir):
    entries = load_corpus(corpus_dir, today=TODAY).entries
    rows = list(csv.DictReader(io.StringIO(exports.entries_csv(entries))))
    assert len(rows) == 3
    assert list(rows[0]) == exports.CSV_COLUMNS
    assert rows[0]["themes"] == "clearance; information-management"
    assert rows[2]["countries"] == "MDA; MKD"


def test_atom_feed_parses_and_lists_newest_first(corpus_dir):
    entries = load_corpus(corpus_dir, today=TODAY).entries
    root = ET.fromstring(exports.atom_feed(entries, "KB <test> & co"))
    assert root.find(f"{ATOM}title").text == "KB <test> & co: newest entries"
    items = root.findall(f"{ATOM}entry")
    assert [i.find(f"{ATOM}link").get("href") for i in items] == [
        "entries/shadow-stockpiles.html", "entries/norway-donor.html", "entries/lao-survey.html"]
