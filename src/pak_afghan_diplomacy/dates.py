"""Reduced ISO 8601 dates (`2024`, `2024-12`, `2024-12-23`) and intervals (`a/b`).

A date keeps its precision: "in September 2024" is 2024-09, and its bounds are
the first and last day it allows, so users can filter without inventing a day.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

_REDUCED = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def bounds(value: str) -> tuple[dt.date, dt.date]:
    """The first and last day a reduced date or interval allows. Raises ValueError."""
    if "/" in value:
        first, _, last = value.partition("/")
        lo, _ = bounds(first)
        _, hi = bounds(last)
        if hi < lo:
            raise ValueError(f"interval {value!r} ends before it starts")
        return lo, hi
    m = _REDUCED.match(value)
    if not m:
        raise ValueError(f"{value!r} is not a reduced ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = (int(g) if g else None for g in m.groups())
    assert year is not None
    if month is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if day is None:
        dt.date(year, month, 1)  # validates the month
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    day_date = dt.date(year, month, day)
    return day_date, day_date


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
