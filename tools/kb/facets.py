"""The facets a reader browses and narrows by: what each is called and which values an entry has."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from . import countries
from .model import Entry
from .vocab import get as vocab


@dataclass(frozen=True)
class Facet:
    name: str  # used in URLs: browse/<name>/<slug>.html
    label: str  # "Theme"
    plural: str  # "Themes"
    values: Callable[[Entry], Iterable[str]]
    label_of: Callable[[str], str]
    order: str = "count"  # how terms are listed: by "count", "label" or "key"
    vocab: str | None = None  # the controlled vocabulary its values come from, if any

    @property
    def by(self) -> str:
        """'by theme', 'by CCM article': the label in a sentence."""
        keep = len(self.label) > 1 and self.label[1].isupper()
        return "by " + (self.label if keep else self.label[0].lower() + self.label[1:])

    def index(self, entries: Iterable[Entry]) -> dict[str, list[Entry]]:
        """Every value with the entries that have it, in the facet's order."""
        groups: dict[str, list[Entry]] = defaultdict(list)
        for entry in entries:
            for value in dict.fromkeys(self.values(entry)):
                groups[value].append(entry)
        if self.order == "key":
            keys = sorted(groups)
        elif self.order == "label":
            keys = sorted(groups, key=lambda k: self.label_of(k).lower())
        else:
            keys = sorted(groups, key=lambda k: (-len(groups[k]), self.label_of(k).lower()))
        return {k: groups[k] for k in keys}


def slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-") or "x"


def country_name(code: str) -> str:
    found = countries.lookup(code)
    return found.name if found else code


def plan_ref_key(plan: str, action: int | None, section: str | None) -> str:
    return f"{plan}-action-{action}" if action is not None else f"{plan}-section-{section}"


def plan_ref_label(key: str) -> str:
    plan, _, rest = key.partition("-")
    term = vocab("action_plans").terms.get(plan)
    if term is None:
        return key
    kind, _, number = rest.partition("-")
    if kind == "action":
        title = term.extra.get("known_actions", {}).get(int(number)) if number.isdigit() else None
        return f"{term.label}, action {number}" + (f": {title}" if title else "")
    section = term.extra.get("sections", {}).get(number)
    return f"{term.label}, section {number}" + (f": {section}" if section else "")


def _plan_refs(entry: Entry) -> list[str]:
    return [plan_ref_key(r.plan, r.action, r.section) for r in entry.action_plan_refs]


def _years(entry: Entry) -> list[str]:
    end = entry.period.end if entry.period.end is not None else max(entry.period.start, dt.date.today().year)
    return [str(y) for y in range(entry.period.start, end + 1)]


def _regions(entry: Entry) -> list[str]:
    found = (countries.lookup(c) for c in entry.countries)
    return [c.region for c in found if c] or ["Global"]


def filed_under(entry: Entry) -> list[str]:
    """What an entry is filed under, as words for search: its countries (every name, subregion and
    region), themes, forms of assistance, modalities and type."""
    words: list[str] = []
    for code in entry.countries:
        found = countries.lookup(code)
        if found:
            words += [*found.names, found.subregion, found.region]
    for name, keys in (("themes", entry.themes), ("assistance_forms", entry.assistance_forms),
                       ("modalities", entry.modality), ("types", (entry.type,))):
        words += [vocab(name).label_of(k) for k in keys]
    return list(dict.fromkeys(w for w in words if w and w != "Other"))


def all_facets() -> list[Facet]:
    return [
        Facet("theme", "Theme", "Themes", lambda e: e.themes, vocab("themes").label_of, vocab="themes"),
        Facet("type", "Type", "Types", lambda e: (e.type,), vocab("types").label_of, vocab="types"),
        Facet("country", "Country", "Countries", lambda e: e.countries, country_name, order="label"),
        Facet("region", "Region", "Regions", _regions, str, order="label"),
        Facet("form", "Form of assistance", "Forms of assistance", lambda e: e.assistance_forms,
              vocab("assistance_forms").label_of, vocab="assistance_forms"),
        Facet("modality", "Modality", "Modalities", lambda e: e.modality, vocab("modalities").label_of,
              vocab="modalities"),
        Facet("article", "CCM article", "CCM articles", lambda e: e.ccm_articles, vocab("ccm_articles").label_of,
              order="key", vocab="ccm_articles"),
        Facet("action", "Action-plan action", "Action-plan actions", _plan_refs, plan_ref_label, order="key"),
        Facet("year", "Year", "Years", _years, str, order="key"),
    ]


def facet(name: str) -> Facet:
    return next(f for f in all_facets() if f.name == name)
