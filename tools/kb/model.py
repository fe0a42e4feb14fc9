"""An entry and its parts as frozen dataclasses; building them from checked data. No I/O."""

from __future__ import annotations

from dataclasses import dataclass, field

FORMAT_VERSION = "1.0"


@dataclass(frozen=True)
class Statement:
    """A lesson or recommendation, and whether a source states it or the entry draws it."""

    text: str
    basis: str  # "source" or "entry"
    source: int | None = None  # 1-based number in the entry's sources


@dataclass(frozen=True)
class Actor:
    name: str
    role: str
    country: str | None = None  # ISO 3166-1 alpha-3


@dataclass(frozen=True)
class Period:
    start: int
    end: int | None = None  # None: still going on


@dataclass(frozen=True)
class Source:
    title: str
    publisher: str
    date: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD; None when the source gives none
    url: str | None = None
    symbol: str | None = None  # a document symbol such as CCM/MSP/2010/5
    note: str | None = None


@dataclass(frozen=True)
class PlanRef:
    plan: str
    action: int | None = None
    section: str | None = None


@dataclass(frozen=True)
class Need:
    """What an affected State has published as a need (type: need)."""

    requested_by: str  # ISO 3166-1 alpha-3 of the State
    stated_in: int  # 1-based number of the source that states the need
    since: int  # year the need was first stated
    last_checked: str  # YYYY-MM-DD


@dataclass(frozen=True)
class Offer:
    """A published capacity or programme of support (type: offer)."""

    provider: str
    channel: str  # a modality term: trust-fund, bilateral ...
    regions: tuple[str, ...]  # M49 regions it serves; empty means worldwide
    how_to_apply: str
    last_checked: str


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    type: str
    status: str
    language: str
    summary: str
    context: str
    practice: str
    results: str
    lessons: tuple[Statement, ...]
    recommendations: tuple[Statement, ...]
    themes: tuple[str, ...]
    assistance_forms: tuple[str, ...]
    modality: tuple[str, ...]
    actors: tuple[Actor, ...]
    countries: tuple[str, ...]  # ISO 3166-1 alpha-3, in the order given
    period: Period
    ccm_articles: tuple[str, ...]
    action_plan_refs: tuple[PlanRef, ...]
    sources: tuple[Source, ...]
    related: tuple[str, ...]
    evidence_level: str
    last_reviewed: str
    superseded_by: str | None = None
    contributors: tuple[str, ...] = ()
    need: Need | None = None
    offer: Offer | None = None
    path: str = field(default="", compare=False)  # relative to the repository, for "edit this entry"

    def text_fields(self) -> dict[str, str]:
        """Every piece of free text, by field, for search and similarity."""
        return {
            "title": self.title,
            "summary": self.summary,
            "context": self.context,
            "practice": self.practice,
            "results": self.results,
            "lessons": "\n".join(s.text for s in self.lessons),
            "recommendations": "\n".join(s.text for s in self.recommendations),
        }


def _statements(items) -> tuple[Statement, ...]:
    return tuple(Statement(i["text"].strip(), i["basis"], i.get("source")) for i in items or ())


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def entry_from_data(data: dict, path: str, country_code) -> Entry:
    """Build an Entry from data that has passed validation. `country_code` maps a code to alpha-3."""
    period = data["period"]
    need = data.get("need")
    offer = data.get("offer")
    return Entry(
        id=data["id"],
        title=data["title"].strip(),
        type=data["type"],
        status=data["status"],
        language=data["language"],
        summary=data["summary"].strip(),
        context=_text(data.get("context")),
        practice=_text(data.get("practice")),
        results=_text(data.get("results")),
        lessons=_statements(data.get("lessons")),
        recommendations=_statements(data.get("recommendations")),
        themes=tuple(data["themes"]),
        assistance_forms=tuple(data["assistance_forms"]),
        modality=tuple(data["modality"]),
        actors=tuple(
            Actor(a["name"].strip(), a["role"], country_code(a["country"]) if a.get("country") else None)
            for a in data["actors"]
        ),
        countries=tuple(country_code(c) for c in data.get("countries") or ()),
        period=Period(period["start"], period.get("end")),
        ccm_articles=tuple(str(a) for a in data.get("ccm_articles") or ()),
        action_plan_refs=tuple(
            PlanRef(r["plan"], r.get("action"), r.get("section")) for r in data.get("action_plan_refs") or ()
        ),
        sources=tuple(
            Source(s["title"].strip(), s["publisher"].strip(), str(s["date"]) if s.get("date") else None, s.get("url"), s.get("symbol"),
                   s.get("note"))
            for s in data["sources"]
        ),
        related=tuple(data.get("related") or ()),
        evidence_level=data["evidence_level"],
        last_reviewed=str(data["last_reviewed"]),
        superseded_by=data.get("superseded_by"),
        contributors=tuple(data.get("contributors") or ()),
        need=Need(country_code(need["requested_by"]), need["stated_in"], need["since"], need["last_checked"])
        if need else None,
        offer=Offer(offer["provider"].strip(), offer["channel"], tuple(offer.get("regions") or ()),
                    offer["how_to_apply"].strip(), offer["last_checked"])
        if offer else None,
        path=path,
    )
