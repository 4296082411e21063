"""Checks across records that catch what a curator gets wrong when reconciling articles.

- A meeting that duplicates another (overlapping dates, an open end closed by the reporting
  article's date; the same visitor, or two named participants in common) under a new id,
  unless one is declared `distinct_from` the other or part of it.
- A host visiting his own country, a place stated only by a dateline (`review`).
- An article giving a meeting date outside that meeting's bounds, or showing a role at a
  date outside its span, with no conflict recorded: either the record's bounds or the
  article's reading is wrong, and a real disagreement must be a `date` conflict.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping

import polars as pl

from pak_afghan_diplomacy import dates
from pak_afghan_diplomacy.pipeline.article.assemble import Tables
from pak_afghan_diplomacy.pipeline.problems import Problem
from pak_afghan_diplomacy.pipeline.whole import review


def _conflicted(frames: Mapping[str, pl.DataFrame], table: str, kinds: tuple[str, ...]) -> set[str]:
    """Ids of `table` records that a conflict of one of `kinds` links."""
    conflicts = frames["conflicts"].filter(pl.col("kind").is_in(list(kinds))).select("conflict_id")
    linked = frames["conflict_records"].filter(pl.col("record_table") == table).join(conflicts, on="conflict_id")
    return set(linked["record_id"])


def _span(lo, hi) -> str:
    return f"{lo or '..'}..{hi or '..'}"


def _closed(frames: Mapping[str, pl.DataFrame]) -> dict[str, tuple]:
    """Each meeting's bounds, an open end closed by its latest reporting article's publication date.

    A meeting "from 22 March 2022 on" was reported by an article of a known date at the latest:
    it did not happen after that, so it overlaps only what began before it. An open start stays open.
    """
    published = {
        a: hi or lo
        for a, lo, hi in frames["articles"].select("article_id", "published_earliest", "published_latest").rows()
    }
    latest: dict[str, object] = {}
    for mid, article in frames["meeting_sources"].select("meeting_id", "article_id").rows():
        day = published.get(article)
        if day is not None and (mid not in latest or day > latest[mid]):
            latest[mid] = day
    return {
        mid: (lo, hi if hi is not None else latest.get(mid), kind, part_of)
        for mid, lo, hi, kind, part_of in frames["meetings"]
        .select("meeting_id", "date_earliest", "date_latest", "kind", "part_of")
        .rows()
    }


def duplicate_meetings(tables: Tables, distinct: Mapping[str, frozenset[str]]) -> list[Problem]:
    """Meetings that overlap in time and share their visitor (visits) or two named participants (talks).

    Participants, not places or exact participant lists, make the twin: a draft may put one meeting
    in the dateline's city, or give it one participant more. Each meeting is reported once, pointing
    at its most likely twin (most persons in common, then the nearest dates).
    """
    frames = tables.frames
    people = frames["meeting_participants"].filter(pl.col("person_id").is_not_null())
    persons: dict[str, set[str]] = defaultdict(set)
    visitors: dict[str, set[str]] = defaultdict(set)
    for mid, person, participation in people.select("meeting_id", "person_id", "participation").rows():
        persons[mid].add(person)
        if participation == "visitor":
            visitors[mid].add(person)
    bounds = _closed(frames)
    order = list(bounds)  # registry order
    # which of two twins is the newer record: first reported by a later article, then fewer sources, then listed later
    reports: dict[str, list[str]] = defaultdict(list)
    for mid, article in frames["meeting_sources"].select("meeting_id", "article_id").rows():
        reports[mid].append(article)
    newer = {mid: (min(reports[mid], default=""), -len(reports[mid]), i) for i, mid in enumerate(order)}
    twins: dict[str, list[tuple]] = defaultdict(list)
    # candidate pairs share a named participant: indexed by person, so the check stays near linear
    by_person: dict[str, list[int]] = defaultdict(list)
    for i, mid in enumerate(order):
        for person in persons[mid]:
            by_person[person].append(i)
    pairs = sorted({(i, j) for ms in by_person.values() for k, i in enumerate(ms) for j in ms[k + 1 :]})
    for i, j in pairs:
        a, b = order[i], order[j]
        a_lo, a_hi, a_kind, a_part = bounds[a]
        b_lo, b_hi, b_kind, b_part = bounds[b]
        if (a_kind == "visit") != (b_kind == "visit") or a_lo is None or b_lo is None:
            continue  # a visit is not its meetings' twin; an open start can be judged by no date
        related = a_part == b or b_part == a or a in distinct.get(b, ()) or b in distinct.get(a, ())
        if related or not dates.overlap((a_lo, a_hi), (b_lo, b_hi)):
            continue
        shared = persons[a] & persons[b]
        if a_kind == "visit" and not visitors[a] & visitors[b]:
            continue
        if a_kind != "visit" and len(shared) < 2:
            continue
        # the newer record (first reported later, then fewer sources, then listed later) is reported
        new, old = (a, b) if newer[a] > newer[b] else (b, a)
        gap = abs((a_lo - b_lo).days) + (abs((a_hi - b_hi).days) if a_hi and b_hi else 0)
        twins[new].append((-len(shared), gap, old))
    problems = []
    for new, found in twins.items():
        _, _, old = min(found)
        (n_lo, n_hi, _, _), (o_lo, o_hi, _, _) = bounds[new], bounds[old]
        common = ", ".join(sorted(persons[new] & persons[old]))
        where, line = tables.locate("meetings", new) or ("meetings", None)
        problems.append(
            Problem(
                where,
                line=line,
                field="meetings",
                check="duplicate meeting",
                value=new,
                message=(
                    f"looks like {old}: {common} in both, overlapping dates ({_span(o_lo, o_hi)} and "
                    f"{_span(n_lo, n_hi)}, an open end taken at the reporting article's date). Report the existing "
                    f"meeting (meeting: {old} in the article's meetings and participants), or add "
                    f"distinct_from: [{old}] with a note saying why they differ"
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


Step = tuple[str, Callable[[Tables], list[Problem]], Mapping[str, tuple[str, ...]]]


def steps(distinct: Mapping[str, frozenset[str]], texts: Mapping[str, str] | None = None) -> list[Step]:
    """The checks in the order they report: each named, with the only columns it may read of some tables.

    The build remembers each check that passed by the tables it read (whole/memo.py) and hands it
    those tables cut to these columns, so that an edit to another column (an article's note) does
    not make it run again; a check that reads a column not listed fails on it, loudly.
    """
    return [
        (
            "duplicate meetings",
            lambda t: duplicate_meetings(t, distinct),
            {"articles": ("article_id", "published_earliest", "published_latest")},
        ),
        ("dates outside", dates_outside, {}),
        ("host visiting", review.host_visiting, {}),
        (
            "dateline places",
            lambda t: review.dateline_places(t, texts) if texts is not None else [],
            {"articles": ("article_id", "body_start", "body_end")},
        ),
    ]


def cut(frames: Mapping[str, pl.DataFrame], columns: Mapping[str, tuple[str, ...]]) -> dict[str, pl.DataFrame]:
    """`frames` with the tables of `columns` cut to those columns."""
    return {name: frame.select(columns[name]) if name in columns else frame for name, frame in frames.items()}


def problems(
    tables: Tables, distinct: Mapping[str, frozenset[str]], texts: Mapping[str, str] | None = None
) -> list[Problem]:
    out: list[Problem] = []
    for _, step, columns in steps(distinct, texts):
        out += step(Tables(cut(tables.frames, columns), tables.origins))
    return out
