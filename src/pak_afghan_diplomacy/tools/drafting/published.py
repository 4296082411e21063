"""The publication date a page prints: a date line near the top, or a wire dateline.

A date line ("Published 9 January 2015", "March 2015") is the publication date as printed. A
wire dateline ("KABUL, April 9 (Agency) -") often prints no year: the year is then taken only
from a date printed in the body with its year a few weeks before the dateline's day, and said so
(inferred, with its basis); when nothing establishes the year the draft proposes no date and
the scaffold asks, because a guessed year would misdate every weekday of the report.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

from pak_afghan_diplomacy.tools.drafting import when

# How far before the dateline's day a body date may lie to lend its year (a report's recent past).
NEAR_DAYS = 62

_LINE = re.compile(
    r"^\s*(?:(?:Updated|Published|Posted|Last updated)[: ]+|[A-Z][A-Za-z]+,[ \t]+)?"
    r"(?P<d>\d{1,2}\s+[A-Z][a-z]+,?\s+\d{4}|[A-Z][a-z]+\s+\d{1,2},\s+\d{4}|[A-Z][a-z]+,?\s+\d{4})\s*$",
    re.MULTILINE,
)
_ABBR = {m[:3].lower(): i for m, i in when.MONTHS.items()} | {"sept": 9}
_NAMES = {*(m.capitalize() for m in when.MONTHS), "Sept", *(m[:3].capitalize() for m in when.MONTHS)}
_MON = "(?:" + "|".join(sorted(_NAMES, key=len, reverse=True)) + ")"
_DATELINE = re.compile(
    rf"^\s*(?P<place>[A-Z][A-Za-z .’'-]*[A-Za-z]),\s+"
    rf"(?:(?P<m>{_MON})\.?\s+(?P<d>\d{{1,2}})|(?P<d2>\d{{1,2}})\s+(?P<m2>{_MON})\.?)"
    rf"(?:,?\s+(?P<y>(?:19|20)\d{{2}}))?\s*(?:\([^)\n]{{1,40}}\)\s*)?[-–—:]",
    re.MULTILINE,
)


class Published(NamedTuple):
    """A proposed publication date: (reduced ISO date, the printed words), with its basis and note."""

    value: str
    printed: str
    basis: str = "stated"  # stated | inferred (then only the year was inferred)
    note: str = ""


class Unresolved(NamedTuple):
    """A dateline whose year nothing in the page establishes: the scaffold asks for it."""

    printed: str


def propose(text: str, lines: int = 15) -> Published | Unresolved | None:
    """The publication date printed near the top of `text`, or the dateline's day with the year the body gives."""
    head = "\n".join(text.splitlines()[:lines])
    for m in _LINE.finditer(head):
        found = when.find(m.group("d"), None, None)
        if found and found[0].basis == "stated":
            return Published(found[0].value, m.group().strip(), "stated", f"Printed as “{m.group().strip()}”.")
    m = _DATELINE.search(head)
    if m is None:
        return None
    month = _month(m.group("m") or m.group("m2"))
    day = int(m.group("d") or m.group("d2"))
    printed = m.group().strip(" -–—:")
    if m.group("y"):
        try:
            d = dt.date(int(m.group("y")), month, day)
        except ValueError:
            return None
        return Published(d.isoformat(), printed, "stated", f"Printed in the dateline “{printed}”.")
    return _year_from_body(text[m.end() :], month, day, printed) or Unresolved(printed)


def dateline(sentence: str) -> int:
    """The length of the wire dateline a sentence opens with ("ISLAMABAD, Jan 14 (Agency) -"), else 0.

    Its date is the day the report was filed, not the date of what it reports."""
    m = _DATELINE.match(sentence)
    return m.end() if m else 0


def _month(name: str) -> int:
    name = name.lower()
    return when.MONTHS.get(name) or _ABBR[name[:4] if name == "sept" else name[:3]]


def _year_from_body(body: str, month: int, day: int, printed: str) -> Published | None:
    """The dateline's day in the one year that puts a full date printed in the body a few weeks before it."""
    years: dict[int, tuple[str, int]] = {}
    for r in when.find(body, None, None):
        if r.basis != "stated" or r.lo != r.hi:
            continue  # a month or a year alone is no anchor ("first issued in 2007")
        for year in (r.lo.year, r.lo.year + 1):
            try:
                d = dt.date(year, month, day)
            except ValueError:
                continue
            if 0 <= (d - r.lo).days <= NEAR_DAYS:
                years.setdefault(year, (r.printed, (d - r.lo).days))
    if len(years) != 1:
        return None  # nothing, or body dates that disagree: ask
    ((year, (anchor, gap)),) = years.items()
    value = dt.date(year, month, day).isoformat()
    note = (
        f"The dateline prints “{printed}” without a year; the year is inferred from “{anchor}”, printed in "
        f"the body, {gap} days before that day."
    )
    return Published(value, printed, "inferred", note)
