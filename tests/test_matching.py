"""Matching needs with offers and lessons: rankings and reasons on a small fixed corpus."""

from __future__ import annotations

import json

from click.testing import CliRunner

from kb import matching
from kb.cli import main
from kb.loading import load_corpus

from conftest import TODAY, entry_text

NEED = dict(type="need", practice=None, results=None, lessons=None, themes="[clearance, capacity-building]",
            assistance_forms="[training]", modality="[south-south]", countries="[CO]",
            need="{requested_by: CO, stated_in: 1, since: 2020, last_checked: '2026-01-01'}")


def offer(offer_id, title, themes, forms, channel, regions, modality=None):
    return entry_text(offer_id, title, type="offer", results=None, lessons=None, themes=themes,
                      assistance_forms=forms, modality=modality or f"[{channel}]", countries="[]",
                      offer=f"{{provider: P, channel: {channel}, regions: {regions}, how_to_apply: Ask., "
                            "last_checked: '2026-01-01'}")


def corpus(write_entry, monkeypatch, tmp_path):
    write_entry("need-training.yaml", entry_text("need-training", "Deminer training for Colombia", **NEED))
    write_entry("offer-training.yaml", offer("offer-training", "Deminer training courses abroad",
                                             "[clearance, capacity-building]", "[training]", "south-south",
                                             "[Americas]"))
    write_entry("offer-stockpiles.yaml", offer("offer-stockpiles", "Stockpile destruction fund",
                                               "[stockpile-destruction, capacity-building]", "[training]",
                                               "trust-fund", "[]"))
    write_entry("offer-asia.yaml", offer("offer-asia", "Clearance grants for Asia", "[clearance]", "[financial]",
                                         "bilateral", "[Asia]"))
    write_entry("lesson-colombia.yaml", entry_text("lesson-colombia", "What Colombian deminers learned",
                                                   themes="[clearance, capacity-building]",
                                                   assistance_forms="[training]", countries="[CO]"))
    monkeypatch.chdir(tmp_path)
    return load_corpus(tmp_path / "entries", today=TODAY)


def test_rankings_and_reasons(write_entry, monkeypatch, tmp_path):
    (result,) = matching.match_all(corpus(write_entry, monkeypatch, tmp_path).entries)
    assert result.need.id == "need-training"
    assert [m.entry.id for m in result.offers] == ["offer-training"]  # Asia-only grants score too low
    best = result.offers[0]
    assert [r.text for r in best.reasons][:6] == [
        "shared theme: Clearance", "shared theme: Capacity building", "shared form of assistance: Training",
        "the offer serves Americas", "shared modality: South-South", best.reasons[5].text]
    assert best.reasons[5].text.startswith("similar text (")
    assert best.score == sum(r.points for r in best.reasons)
    # a stockpile offer does not meet a clearance need, whatever else they share
    assert "offer-stockpiles" not in [m.entry.id for m in result.offers]
    assert [m.entry.id for m in result.lessons] == ["lesson-colombia"]
    assert "same country: Colombia" in [r.text for r in result.lessons[0].reasons]


def test_a_need_with_no_fitting_offer_is_a_gap(write_entry, monkeypatch, tmp_path):
    write_entry("need-va.yaml", entry_text("need-va", "Prosthetics for survivors", **dict(
        NEED, themes="[victim-assistance]", assistance_forms="[material]")))
    results = {r.need.id: r for r in matching.match_all(corpus(write_entry, monkeypatch, tmp_path).entries)}
    assert results["need-va"].is_gap and not results["need-training"].is_gap


def test_kb_match_text_and_json(write_entry, monkeypatch, tmp_path):
    corpus(write_entry, monkeypatch, tmp_path)
    text = CliRunner().invoke(main, ["match"]).output
    assert text.splitlines()[0] == "Deminer training for Colombia [need-training]"
    assert "  Offers:" in text and "offer-training" in text
    data = json.loads(CliRunner().invoke(main, ["match", "--need", "need-training", "--format", "json"]).output)
    assert [o["id"] for o in data["needs"][0]["offers"]] == ["offer-training"]
    assert data["needs"][0]["gap"] is False
    missing = CliRunner().invoke(main, ["match", "--need", "nope"])
    assert missing.exit_code == 1 and "no need with the id 'nope'" in missing.output
