"""Matching needs with resources: for each published need, the offers and the lessons that fit it,
with a score a reader can follow (every point has a reason)."""

from __future__ import annotations

from dataclasses import dataclass

import jinja2
from markupsafe import Markup, escape

from . import countries, facets, similarity
from .model import Entry
from .vocab import get as vocab

# Points per shared feature: what a practitioner would weigh first weighs most.
POINTS = {"theme": 3, "form": 2, "country": 3, "region": 2, "worldwide": 1, "modality": 1}
TEXT_POINTS = 6  # multiplied by the cosine similarity of the two texts (0 to 1)
MIN_SCORE = 5  # below this an offer does not count as meeting the need
# The Convention's pillars. An offer for one pillar (stockpile destruction) does not meet a need in
# another (clearance), however much else they share; cross-cutting themes do not override this.
PILLARS = {"clearance", "stockpile-destruction", "victim-assistance", "risk-education", "economic-social-recovery"}
SHOWN = 5


@dataclass(frozen=True)
class Reason:
    points: float
    text: str


@dataclass(frozen=True)
class Match:
    entry: Entry
    score: float
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class NeedMatches:
    need: Entry
    offers: tuple[Match, ...]
    lessons: tuple[Match, ...]

    @property
    def is_gap(self) -> bool:
        return not self.offers


def _region(code: str) -> str | None:
    found = countries.lookup(code)
    return found.region if found else None


def score(need: Entry, other: Entry, model: similarity.TfIdf) -> Match:
    reasons = []
    themes = vocab("themes")
    for t in need.themes:
        if t in other.themes:
            reasons.append(Reason(POINTS["theme"], f"shared theme: {themes.label_of(t)}"))
    forms = vocab("assistance_forms")
    for f in need.assistance_forms:
        if f in other.assistance_forms:
            reasons.append(Reason(POINTS["form"], f"shared form of assistance: {forms.label_of(f)}"))
    need_country = need.need.requested_by if need.need else (need.countries[0] if need.countries else None)
    need_region = _region(need_country) if need_country else None
    if other.offer is not None:
        if not other.offer.regions:
            reasons.append(Reason(POINTS["worldwide"], "the offer is open worldwide"))
        elif need_region in other.offer.regions:
            reasons.append(Reason(POINTS["region"], f"the offer serves {need_region}"))
    elif need_country and need_country in other.countries:
        reasons.append(Reason(POINTS["country"], f"same country: {facets.country_name(need_country)}"))
    elif need_region and need_region in {_region(c) for c in other.countries}:
        reasons.append(Reason(POINTS["region"], f"same region: {need_region}"))
    modalities = vocab("modalities")
    channel = {other.offer.channel} if other.offer else set()
    for m in need.modality:
        if m in set(other.modality) | channel:
            reasons.append(Reason(POINTS["modality"], f"shared modality: {modalities.label_of(m)}"))
    alike = model.cosine(model.vectors[need.id], model.vectors[other.id])
    if alike >= 0.05:
        reasons.append(Reason(round(TEXT_POINTS * alike, 1), f"similar text ({alike:.2f})"))
    return Match(other, round(sum(r.points for r in reasons), 1), tuple(reasons))


def same_pillar(need: Entry, other: Entry) -> bool:
    """True when the other entry works in one of the need's pillars, or either is not pillar-specific."""
    need_pillars, other_pillars = PILLARS & set(need.themes), PILLARS & set(other.themes)
    return not need_pillars or not other_pillars or bool(need_pillars & other_pillars)


def match_all(entries: list[Entry]) -> list[NeedMatches]:
    """Every need with its best offers and lessons, best first; ties broken by id for stable output."""
    model = similarity.entries_model(entries)
    needs = [e for e in entries if e.type == "need"]
    offers = [e for e in entries if e.type == "offer"]
    lessons = [e for e in entries if e.type not in ("need", "offer")]
    out = []
    for need in needs:
        ranked_offers = sorted((score(need, o, model) for o in offers), key=lambda m: (-m.score, m.entry.id))
        ranked_lessons = sorted((score(need, e, model) for e in lessons),
                                key=lambda m: (-m.score, m.entry.id))
        fits = lambda m: m.score >= MIN_SCORE and same_pillar(need, m.entry)  # noqa: E731
        out.append(NeedMatches(need, tuple(m for m in ranked_offers if fits(m)),
                               tuple(m for m in ranked_lessons if fits(m))[:SHOWN]))
    return out


def offers_for(entries: list[Entry], matches: list[NeedMatches]) -> dict[str, list[tuple[Entry, Match]]]:
    """For each offer, the needs it could meet (the same scores, seen from the offer's side)."""
    out: dict[str, list[tuple[Entry, Match]]] = {e.id: [] for e in entries if e.type == "offer"}
    for nm in matches:
        for m in nm.offers:
            out[m.entry.id].append((nm.need, m))
    return out


# ---- pages ----------------------------------------------------------------------------------------

# The guide is drawn from the knowledge base's own entries, each named so a reader can check it.
GUIDE = [
    ("article-7-form-i-reporting-cooperation",
     "Report every year under Article 7, and use Form I to state the national resources you commit and the "
     "assistance you still need: reporting is how a State shows what it has achieved and makes its case for "
     "cooperation and assistance."),
    ("lausanne-action-plan-cooperation-commitments",
     "Have a coherent national plan when you seek assistance, so partners can see what is needed, when and at "
     "what cost; the Lausanne Action Plan asks for this."),
    ("intersessional-2013-making-needs-known",
     "Say what you need beyond money too: skills, expertise, lessons and technical exchange are assistance."),
    ("country-coalition-concept",
     "Consider a country coalition: partners grouped around your specific needs, as promoted under the "
     "Convention since 2017."),
    ("lao-pdr-nra-safe-path-forward-strategy",
     "Publish a national strategy with measurable targets that donors can align with."),
    ("nato-partnership-trust-funds-nspa",
     "Where a trust fund exists for your kind of need, appeal to it directly: a clear appeal is the first step "
     "of every NATO trust-fund project."),
]


def guide_html(entries: list[Entry]) -> str:
    by_id = {e.id: e for e in entries}
    items = [(text, by_id[i]) for i, text in GUIDE if i in by_id]
    return "<ol>" + "".join(
        f"<li>{escape(text)} <span class=\"kb-muted\">(from <a href=\"../entries/{e.id}.html\">"
        f"{escape(e.title)}</a>)</span></li>" for text, e in items) + "</ol>"


def render_match_pages(entries: list[Entry], env: jinja2.Environment) -> dict[str, str]:
    """needs/index.md (every need with its best offer, the offers, the guide) and needs/for/<id>.md
    (every match of one need, or every need one offer could meet), in the site's environment."""
    from .site import _clean_blocks, page_title  # the one sanitiser for generated pages

    matches = match_all(entries)
    offers = [e for e in entries if e.type == "offer"]
    pages = {"needs/index.md": _clean_blocks(env.get_template("needs_index.md.j2").render(
        matches=matches, offers=offers, guide=Markup(guide_html(entries)), points=POINTS,
        text_points=TEXT_POINTS, min_score=MIN_SCORE))}
    detail = env.get_template("needs_detail.md.j2")
    for nm in matches:
        pages[f"needs/for/{nm.need.id}.md"] = _clean_blocks(detail.render(
            entry=nm.need, page_title=page_title(f"Matches for: {nm.need.title}"),
            groups=[("Offers that fit", [(m.entry, m) for m in nm.offers]),
                    ("Lessons and practices that fit", [(m.entry, m) for m in nm.lessons])]))
    for offer_id, needs in offers_for(entries, matches).items():
        offer = next(e for e in offers if e.id == offer_id)
        pages[f"needs/for/{offer_id}.md"] = _clean_blocks(detail.render(
            entry=offer, page_title=page_title(f"Needs that fit: {offer.title}"),
            groups=[("Needs this offer could meet", needs)]))
    return pages


def as_text(results: list[NeedMatches]) -> str:
    if not results:
        return "No need has been published in the knowledge base yet.\n"
    lines = []
    for nm in results:
        n = nm.need.need
        lines.append(f"{nm.need.title} [{nm.need.id}]")
        lines.append(f"  {facets.country_name(n.requested_by)}, stated since {n.since}, last checked {n.last_checked}")
        if nm.is_gap:
            lines.append("  GAP: no published offer fits this need.")
        for heading, items in (("Offers", nm.offers), ("Lessons and practices", nm.lessons)):
            if not items:
                continue
            lines.append(f"  {heading}:")
            for m in items:
                lines.append(f"    {m.score:5.1f}  {m.entry.title} [{m.entry.id}]")
                lines.append("           " + "; ".join(f"+{r.points:g} {r.text}" for r in m.reasons))
        lines.append("")
    return "\n".join(lines)


def as_json(results: list[NeedMatches]) -> str:
    import json

    def match_json(m: Match) -> dict:
        return {"id": m.entry.id, "title": m.entry.title, "type": m.entry.type, "score": m.score,
                "reasons": [{"points": r.points, "reason": r.text} for r in m.reasons]}

    return json.dumps({"needs": [
        {"id": nm.need.id, "title": nm.need.title, "requested_by": nm.need.need.requested_by, "gap": nm.is_gap,
         "offers": [match_json(m) for m in nm.offers], "lessons": [match_json(m) for m in nm.lessons]}
        for nm in results]}, indent=2, ensure_ascii=False) + "\n"
