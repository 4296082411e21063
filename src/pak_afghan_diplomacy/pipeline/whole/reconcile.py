"""Checks across records that catch what a curator gets wrong when reconciling articles.

- A meeting that duplicates another (overlapping dates, same place, the same named
  persons on each side) under a new id, unless one is declared `distinct_from` the other
  or part of it.
- An article giving a meeting date outside that meeting's bounds, or showing a role at a
  date outside its span, with no conflict recorded: either the record's bounds or the
  article's reading is wrong, and a real disagreement must be a `date` conflict.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

import polars as pl

from pak_afghan_diplomacy import dates
from pak_afghan_diplomacy.pipeline.article.assemble import Tables
from pak_afghan_diplomacy.pipeline.problems import Problem


def _conflicted(frames: Mapping[str, pl.DataFrame], table: str, kinds: tuple[str, ...]) -> set[str]:
    """Ids of `table` records that a conflict of one of `kinds` links."""
    conflicts = frames["conflicts"].filter(pl.col("kind").is_in(list(kinds))).select("conflict_id")
    linked = frames["conflict_records"].filter(pl.col("record_table") == table).join(conflicts, on="conflict_id")
    return set(linked["record_id"])


def _span(lo, hi) -> str:
    return f"{lo or '..'}..{hi or '..'}"


def duplicate_meetings(tables: Tables, distinct: Mapping[str, frozenset[str]]) -> list[Problem]:
    frames = tables.frames
    people = frames["meeting_participants"].filter(pl.col("person_id").is_not_null())
    sides: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for mid, person, side in people.select("meeting_id", "person_id", "side").rows():
        sides[mid].add((person, side))
    groups: dict[tuple, list[tuple]] = defaultdict(list)
    for mid, lo, hi, city, country, part_of in (
        frames["meetings"].select("meeting_id", "date_earliest", "date_latest", "city", "country", "part_of").rows()
    ):
        if sides.get(mid):
            groups[(city, country, frozenset(sides[mid]))].append((mid, lo, hi, part_of))
    problems = []
    for members in groups.values():
        for i, (a, a_lo, a_hi, a_part) in enumerate(members):
            for b, b_lo, b_hi, b_part in members[i + 1 :]:
                related = a_part == b or b_part == a or a in distinct.get(b, ()) or b in distinct.get(a, ())
                if related or not dates.overlap((a_lo, a_hi), (b_lo, b_hi)):
                    continue
                where, line = tables.locate("meetings", b) or ("meetings", None)
                problems.append(
                    Problem(
                        where,
                        line=line,
                        field="meetings",
                        check="duplicate meeting",
                        value=b,
                        message=(
                            f"looks like {a}: same place, same persons on each side, overlapping dates "
                            f"({_span(a_lo, a_hi)} and {_span(b_lo, b_hi)}). Report the existing meeting, or add "
                            f"distinct_from: [{a}] with a note saying why they differ"
                        ),
                    )
                )
    return problems


def dates_outside(tables: Tables) -> list[Problem]:
    frames = tables.frames
    problems = []
    disputed = _conflicted(frames, "meetings", ("date",))
    bounds = {
        m: (lo, hi) for m, lo, hi in frames["meetings"].select("meeting_id", "date_earliest", "date_latest").rows()
    }
    reports = frames["meeting_sources"].filter(pl.col("reported_date").is_not_null())
    for mid, article, reported in reports.select("meeting_id", "article_id", "reported_date").rows():
        if mid in disputed or dates.overlap(dates.bounds(reported), bounds[mid]):
            continue
        where, line = tables.locate("meeting_sources", f"{mid}|{article}") or ("meeting_sources", None)
        problems.append(
            Problem(
                where,
                line=line,
                field="meetings.date",
                check="date outside bounds",
                value=reported,
                message=(
                    f"the article's date for {mid} lies outside its bounds {_span(*bounds[mid])}: correct one of "
                    f"them, or record the disagreement as a conflict of kind date linking the meeting"
                ),
            )
        )
    disputed = _conflicted(frames, "roles", ("date", "role"))
    spans = {r: (lo, hi) for r, lo, hi in frames["roles"].select("role_id", "start_earliest", "end_latest").rows()}
    observed = frames["role_observations"].select("role_id", "article_id", "observed_date", "status")
    for rid, article, when, status in observed.rows():
        if rid in disputed or rid not in spans:
            continue
        lo, hi = dates.bounds(when)
        start, end = spans[rid]
        before = hi is not None and start is not None and hi < start
        after = status == "current" and lo is not None and end is not None and lo > end
        if not (before or after):
            continue
        where, line = tables.locate("role_observations", f"{rid}|{article}") or ("role_observations", None)
        problems.append(
            Problem(
                where,
                line=line,
                field="roles",
                check="date outside bounds",
                value=when,
                message=(
                    f"shows role {rid} {'before it began' if before else 'still held after it ended'} "
                    f"({_span(start, end)}): correct the role's dates, the status or as_of, or record a conflict"
                ),
            )
        )
    return problems


def problems(tables: Tables, distinct: Mapping[str, frozenset[str]]) -> list[Problem]:
    return duplicate_meetings(tables, distinct) + dates_outside(tables)
