"""Dates printed in a sentence, resolved against the publication date, each with the reasoning as its note."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
_M = "|".join(m.capitalize() for m in MONTHS)
_W = "|".join(d.capitalize() for d in WEEKDAYS)
WEEKDAY_NAMES = _W
_PATTERNS = [
    ("mdy", rf"\b(?P<m>{_M})\s+(?P<d>\d{{1,2}}),?\s+(?P<y>(?:19|20)\d{{2}})\b"),
    ("dmy", rf"\b(?P<d>\d{{1,2}})\s+(?P<m>{_M}),?\s+(?P<y>(?:19|20)\d{{2}})\b"),
    ("md", rf"\b(?P<m>{_M})\s+(?P<d>\d{{1,2}})\b(?!,?\s*\d)"),
    ("dm", rf"\b(?P<d>\d{{1,2}})\s+(?P<m>{_M})\b(?!,?\s*\d)"),
    ("my", rf"\b(?P<m>{_M}),?\s+(?P<y>(?:19|20)\d{{2}})\b"),
    ("weekday", rf"\b(?P<w>{_W})\b"),
    ("today", r"\b(?P<t>today|yesterday)\b"),
    ("this-month", r"\bearlier this month\b"),
    ("last-month", r"\blast month\b"),
    ("month", rf"\bin\s+(?P<m>{_M})\b(?!\s+\d)"),
]


@dataclass(frozen=True)
class Resolved:
    value: str
    lo: dt.date
    hi: dt.date | None  # None: open (on or after `lo`, under a publication date known only from below)
    basis: str  # stated | inferred
    note: str
    printed: str
    weekday: int | None = None  # for narrowing against a registry meeting


def iso(lo: dt.date, hi: dt.date | None) -> str:
    if hi is None:
        return f"{lo.isoformat()}/.."
    if lo == hi:
        return lo.isoformat()
    last = calendar.monthrange(hi.year, hi.month)[1]
    if lo.year == hi.year and lo.month == hi.month and lo.day == 1 and hi.day == last:
        return lo.isoformat()[:7]
    return f"{lo.isoformat()}/{hi.isoformat()}"


def _latest(month: int, day: int, on_or_before: dt.date) -> dt.date | None:
    for year in (on_or_before.year, on_or_before.year - 1):
        try:
            d = dt.date(year, month, day)
        except ValueError:
            continue
        if d <= on_or_before:
            return d
    return None


def _latest_weekday(w: int, on_or_before: dt.date) -> dt.date:
    return on_or_before - dt.timedelta(days=(on_or_before.weekday() - w) % 7)


def width(r: Resolved) -> int:
    """Days a resolved date spans (an open one: more than any closed one)."""
    return (r.hi - r.lo).days if r.hi is not None else 10**6


def find(sentence: str, published: tuple[dt.date, dt.date | None] | None, pub_text: str | None) -> list[Resolved]:
    """Every date printed in `sentence`, resolved where the publication date allows, first printed first.

    A publication date open at its end (“2024-12-23/..”, published then or later) gives the relative
    dates open ends too: “on Monday” is the Monday on or before its first day, or any later one.
    """
    out: list[tuple[int, Resolved]] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for m in re.finditer(pattern, sentence, re.IGNORECASE if kind in ("today", "this-month", "last-month") else 0):
            if any(a <= m.start() < b for a, b in taken):
                continue
            r = _resolve(kind, m, published, pub_text)
            if r:
                taken.append((m.start(), m.end()))
                out.append((m.start(), r))
    return [r for _, r in sorted(out, key=lambda x: x[0])]


def _resolve(kind: str, m: re.Match[str], pub: tuple[dt.date, dt.date | None] | None, pub_text: str | None):
    g = m.groupdict()
    printed = m.group()
    month = MONTHS[g["m"].lower()] if g.get("m") else None
    if kind in ("mdy", "dmy"):
        try:
            d = dt.date(int(g["y"]), month, int(g["d"]))
        except ValueError:
            return None
        return Resolved(d.isoformat(), d, d, "stated", f"Printed: “{printed}”.", printed)
    if kind == "my":
        lo = dt.date(int(g["y"]), month, 1)
        hi = dt.date(lo.year, month, calendar.monthrange(lo.year, month)[1])
        return Resolved(iso(lo, hi), lo, hi, "stated", f"Printed: “{printed}”.", printed)
    if pub is None:
        return None
    lo_p, hi_p = pub
    when = f"published {pub_text}" if pub_text else "the publication date"
    if hi_p is None:
        return _open(kind, g, printed, lo_p, when)
    if kind in ("md", "dm"):
        hi = _latest(month, int(g["d"]), hi_p)
        if hi is None:
            return None
        lo = _latest(month, int(g["d"]), lo_p) or hi
        if lo_p <= hi <= hi_p:  # the printed day falls within the publication's own span: taken as that year
            lo = hi
        why = f"“{printed}” without a year: the latest such date on or before the article ({when})."
        return Resolved(iso(lo, hi), lo, hi, "inferred", why, printed)
    if kind == "weekday":
        w = WEEKDAYS[g["w"].lower()]
        lo, hi = _latest_weekday(w, lo_p), _latest_weekday(w, hi_p)
        why = f"“{printed}”: the latest {g['w']} on or before the article ({when})"
        why += "." if lo == hi else f"; the publication day is not known, so any {g['w']} from {lo} to {hi}."
        return Resolved(iso(lo, hi), lo, hi, "inferred", why, printed, weekday=w)
    if kind == "today":
        back = dt.timedelta(days=1 if g["t"].lower() == "yesterday" else 0)
        lo, hi = lo_p - back, hi_p - back
        return Resolved(iso(lo, hi), lo, hi, "inferred", f"“{printed}” counted from the article ({when}).", printed)
    if kind == "this-month":
        lo = hi_p.replace(day=1)
        why = f"“{printed}”: the month the article was published ({when})."
        return Resolved(iso(lo, hi_p), lo, hi_p, "inferred", why, printed)
    if kind == "last-month":
        lo = (lo_p.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        hi = hi_p.replace(day=1) - dt.timedelta(days=1)
        why = f"“{printed}”: the month before the article's ({when})."
        return Resolved(iso(lo, hi), lo, hi, "inferred", why, printed)
    if kind == "month":
        year = hi_p.year if month <= hi_p.month else hi_p.year - 1
        lo = dt.date(year, month, 1)
        hi = dt.date(year, month, calendar.monthrange(year, month)[1])
        why = f"“{printed}” without a year: the latest {g['m']} on or before the article ({when})."
        return Resolved(iso(lo, hi), lo, hi, "inferred", why, printed)
    return None


def _open(kind: str, g: dict[str, str], printed: str, lo_p: dt.date, when: str) -> Resolved | None:
    """A relative date under a publication date open at its end: from its earliest reading on (open)."""
    month = MONTHS[g["m"].lower()] if g.get("m") else None
    if kind in ("md", "dm"):
        lo = _latest(month, int(g["d"]), lo_p)
    elif kind == "weekday":
        lo = _latest_weekday(WEEKDAYS[g["w"].lower()], lo_p)
    elif kind == "today":
        lo = lo_p - dt.timedelta(days=1 if g["t"].lower() == "yesterday" else 0)
    elif kind == "this-month":
        lo = lo_p.replace(day=1)
    elif kind == "last-month":
        lo = (lo_p.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    elif kind == "month":
        lo = dt.date(lo_p.year if month <= lo_p.month else lo_p.year - 1, month, 1)
    else:
        return None
    if lo is None:
        return None
    why = f"“{printed}” read from the earliest publication day ({when}, open at its end): {lo} or later."
    w = WEEKDAYS[g["w"].lower()] if kind == "weekday" else None
    return Resolved(iso(lo, None), lo, None, "inferred", why, printed, weekday=w)


def narrow(r: Resolved, bounds: tuple[dt.date | None, dt.date | None], within: str) -> Resolved:
    """A weekday narrowed to the days of that weekday inside other bounds (a registry meeting's, another mention's)."""
    lo_m, hi_m = bounds
    if r.weekday is None or lo_m is None or hi_m is None:
        return r
    first, last = max(r.lo, lo_m), min(r.hi or hi_m, hi_m)
    days = [d for i in range((last - first).days + 1) if (d := first + dt.timedelta(days=i)).weekday() == r.weekday]
    if not days:
        return r
    note = r.note.rstrip(".") + f"; within the dates of {within}: {iso(days[0], days[-1])}."
    return Resolved(iso(days[0], days[-1]), days[0], days[-1], "inferred", note, r.printed, r.weekday)
