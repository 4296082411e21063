"""Reduced ISO 8601 dates (`2024`, `2024-12`, `2024-12-23`) and intervals (`a/b`, EDTF `..` for an open end).

A date keeps its precision: "in September 2024" is 2024-09, and its bounds are
the first and last day it allows, so users can filter without inventing a day.
An interval may be open where the sources give no bound: `2024-12-23/..` (began
then, end unknown) or `../2024-12` (at the latest in December 2024); an open bound
is None. Shared by the build, `validate`, the figure and the table models, so it
needs nothing beyond the standard library.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

OPEN = ".."
_REDUCED = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

Bounds = tuple[dt.date | None, dt.date | None]


def _single(value: str) -> tuple[dt.date, dt.date]:
    m = _REDUCED.match(value)
    if not m:
        raise ValueError(f"{value!r} is not a reduced ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = (int(g) if g else None for g in m.groups())
    assert year is not None
    if month is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if not 1 <= month <= 12:
        raise ValueError(f"{value!r} has no month {month:02d}")
    if day is None:
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    try:
        day_date = dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"{value!r} is not a calendar date") from None
    return day_date, day_date


def bounds(value: str) -> Bounds:
    """The first and last day a reduced date or interval allows (None for an open end). Raises ValueError."""
    if "/" in value:
        first, _, last = value.partition("/")
        if first == OPEN and last == OPEN:
            raise ValueError(f"interval {value!r} is open at both ends: leave the date null instead")
        lo = None if first == OPEN else _single(first)[0]
        hi = None if last == OPEN else _single(last)[1]
        if lo is not None and hi is not None and hi < lo:
            raise ValueError(f"interval {value!r} ends before it starts")
        return lo, hi
    return _single(value)


def closed_bounds(value: str) -> tuple[dt.date, dt.date]:
    """Bounds of a date that must not be open (a date printed in full, a publication date)."""
    lo, hi = bounds(value)
    if lo is None or hi is None:
        raise ValueError(f"{value!r} is open-ended; a closed date or interval is needed here")
    return lo, hi


def precision(value: str) -> str:
    """`day`, `month`, `year`, or `interval` for a span."""
    if "/" in value:
        return "interval"
    return {1: "year", 2: "month", 3: "day"}[len(value.split("-"))]


def check(value: str) -> str | None:
    """None if `value` parses, else why not."""
    try:
        bounds(value)
    except ValueError as exc:
        return str(exc)
    return None


EARLIEST_YEAR = 1900  # a date before this is a typo, not a diplomatic report


def implausible(value: str, today: dt.date | None = None) -> tuple[str, str] | None:
    """(check, why) if a part of `value` lies after `today` or wholly before EARLIEST_YEAR, else None.

    Each end of an interval is checked on its own: `2023-07-21/9999-12-31` and `../2999` are
    typos however open the other end is. A reduced date may reach past today (`2026` in 2026).
    """
    today = today or dt.date.today()
    for part in value.split("/"):
        if part == OPEN:
            continue
        lo, hi = _single(part)
        if lo > today:
            return "future date", f"{part} lies in the future (after {today.isoformat()}): a typo?"
        if hi.year < EARLIEST_YEAR:
            return "implausible date", f"{part} is before {EARLIEST_YEAR}: a typo?"
    return None


def overlap(a: Bounds, b: Bounds) -> bool:
    """Whether two (possibly open) spans share a day."""
    a_lo, a_hi = a
    b_lo, b_hi = b
    return (a_lo is None or b_hi is None or a_lo <= b_hi) and (b_lo is None or a_hi is None or b_lo <= a_hi)


def inside(inner: Bounds, outer: Bounds) -> bool:
    """Whether every day `inner` allows is one `outer` allows (an open inner end fits only an open outer end)."""
    i_lo, i_hi = inner
    o_lo, o_hi = outer
    lo_ok = o_lo is None or (i_lo is not None and o_lo <= i_lo)
    hi_ok = o_hi is None or (i_hi is not None and i_hi <= o_hi)
    return lo_ok and hi_ok
