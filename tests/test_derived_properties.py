"""Derived columns over generated records: a derived value never says more than the curation states.

`test_grade_a18.py` covers the latest observation, joint voices and overlapping terms; these cover
the two derived columns left: a date's bounds and precision (computed once in Python for the rows
and again in polars for the schema's check, so the two must agree) and a record's `source_count`.
"""

from __future__ import annotations

import calendar
import datetime as dt

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from pak_afghan_diplomacy import dates
from pak_afghan_diplomacy.pipeline.article.assemble import Builder
from pak_afghan_diplomacy.schema.tables import date_bounds_expr


@st.composite
def _reduced(draw) -> str:
    """A reduced ISO date: a year, a month or a day."""
    year = draw(st.integers(1900, 2100))
    kind = draw(st.sampled_from(["year", "month", "day"]))
    if kind == "year":
        return f"{year:04d}"
    month = draw(st.integers(1, 12))
    if kind == "month":
        return f"{year:04d}-{month:02d}"
    day = draw(st.integers(1, calendar.monthrange(year, month)[1]))
    return f"{year:04d}-{month:02d}-{day:02d}"


@st.composite
def _date_value(draw) -> str:
    """A reduced date or an interval of two (either end possibly open, never both)."""
    if draw(st.booleans()):
        return draw(_reduced())
    a, b = draw(_reduced()), draw(_reduced())
    if dates.bounds(b)[1] < dates.bounds(a)[0]:
        a, b = b, a
    ends = draw(st.sampled_from(["closed", "open-end", "open-start"]))
    return {"closed": f"{a}/{b}", "open-end": f"{a}/..", "open-start": f"../{b}"}[ends]


@settings(max_examples=300, deadline=None)
@given(_date_value())
def test_the_bounds_are_the_first_and_last_day_the_date_allows_and_no_more(value):
    lo, hi = dates.bounds(value)
    parts = value.split("/")
    # each stated end contributes exactly its own first or last day; an open end stays open
    stated = [None if p == dates.OPEN else [int(x) for x in p.split("-")] for p in parts]
    if stated[0] is None:
        assert lo is None
    else:
        y, m, d = (stated[0] + [1, 1])[:3]
        assert lo == dt.date(y, m, d)
    if stated[-1] is None:
        assert hi is None
    else:
        y, *rest = stated[-1]
        m = rest[0] if rest else 12
        d = rest[1] if len(rest) > 1 else calendar.monthrange(y, m)[1]
        assert hi == dt.date(y, m, d)
    # the precision names what was printed: a day is one day, a month its days, a year its days
    precision = dates.precision(value)
    if precision == "day":
        assert lo == hi
    elif precision == "month":
        assert (lo.year, lo.month, lo.day) == (hi.year, hi.month, 1) and hi.day == calendar.monthrange(
            hi.year, hi.month
        )[1]
    elif precision == "year":
        assert (lo.month, lo.day, hi.month, hi.day, lo.year) == (1, 1, 12, 31, hi.year)
    else:
        assert "/" in value


@settings(max_examples=50, deadline=None)
@given(st.lists(_date_value(), min_size=1, max_size=30))
def test_the_schemas_polars_bounds_agree_with_the_builds(values):
    """The build fills `*_earliest`/`*_latest` with `dates.bounds`; the schema re-derives them in polars."""
    lo, hi = date_bounds_expr("date")
    got = pl.DataFrame({"date": values}).select(lo.alias("lo"), hi.alias("hi")).rows()
    assert got == [dates.bounds(v) for v in values]


@st.composite
def _reports(draw) -> tuple[list[str], list[tuple[str, str]]]:
    """Meeting ids and the (meeting, article) rows of `meeting_sources`, one row per article that reports it."""
    meetings = draw(st.lists(st.sampled_from([f"m{i}" for i in range(8)]), min_size=1, max_size=8, unique=True))
    articles = [f"{i:03d}" for i in range(6)]
    rows = draw(st.sets(st.tuples(st.sampled_from(meetings), st.sampled_from(articles)), max_size=30))
    return meetings, sorted(rows)


@settings(max_examples=100, deadline=None)
@given(_reports())
def test_source_count_is_the_number_of_articles_that_report_the_record(report):
    meetings, rows = report
    b = Builder(())
    frames = {
        "meetings": pl.DataFrame(
            {
                "meeting_id": meetings,
                "_where": ["build/registry.yaml"] * len(meetings),
                "_line": list(range(len(meetings))),
            }
        ),
        "meeting_sources": pl.DataFrame(
            {"meeting_id": [m for m, _ in rows], "article_id": [a for _, a in rows]},
            schema={"meeting_id": pl.String, "article_id": pl.String},
        ),
    }
    b.count_sources(frames, "meetings", "meeting_id", "meetings")
    counted = dict(frames["meetings"].select("meeting_id", "source_count").rows())
    for m in meetings:
        assert counted[m] == len({a for mm, a in rows if mm == m})
    # a record no article reports is never published with a count: it is a located problem
    unreported = {m for m in meetings if counted[m] == 0}
    assert {p.value for p in b.problems if p.check == "no source"} == unreported
