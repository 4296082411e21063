"""Meetings and visits: one row per event, its participants (named or not), and each article's report of it."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import polars as pl

from pak_afghan_diplomacy import dates
from pak_afghan_diplomacy.pipeline.read.curation import Article
from pak_afghan_diplomacy.pipeline.read.origin import line_of, source_of
from pak_afghan_diplomacy.schema import vocab

if TYPE_CHECKING:
    from pak_afghan_diplomacy.pipeline.article.assemble import Builder


_ID_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?-")


def id_period_problem(mid: str, date: str) -> str | None:
    """Why a meeting id's leading date (`2025-03-…`) is not borne out by its date, or None.

    Ids are stable once right, so an id may only name a year (month, day) that the date
    establishes: the first day the date allows must fall in that period, and a date open at
    its start establishes none.
    """
    m = _ID_DATE.match(mid)
    if not m:
        return None
    lo, _ = dates.bounds(date)
    named = "-".join(g for g in m.groups() if g)
    if lo is None or not lo.isoformat().startswith(named):
        begins = lo or "open"
        return f"the id names {named}, but the date {date} begins {begins}: rename the meeting (old id to CHANGELOG)"
    return None


def _participants(b: Builder, mid: str, m: Any, i: int) -> None:
    where = source_of(m)
    if not m["participants"]:
        b.problem(
            where,
            line_of(m, "participants"),
            f"meetings[{i}].participants",
            "empty",
            None,
            "a meeting has participants: list at least the persons (or unnamed groups) the sources name",
        )
    seen: set[str] = set()
    inferred: set[str] = set()
    for j, p in enumerate(m["participants"]):
        f = f"meetings[{i}].participants[{j}]"
        person, group = p.get("person"), p.get("group")
        if (person is None) == (group is None):
            b.problem(where, line_of(p), f, "person or group", None, "give either person (an id) or group (unnamed)")
            continue
        if person is not None and (p.get("unnamed") or p.get("count") is not None):
            b.problem(where, line_of(p), f, "unnamed", person, "unnamed and count are for a group, not a person")
        if group is not None and not p.get("unnamed"):
            b.problem(
                where, line_of(p), f"{f}.unnamed", "missing key", group, "a group needs unnamed: the words printed"
            )
        if p.get("basis") == "inferred" and not p.get("note"):
            b.problem(
                where, line_of(p, "basis"), f"{f}.note", "missing key", None, "an inferred participation needs a note"
            )
        if p.get("count") is not None and p["count"] < 1:
            b.problem(where, line_of(p, "count"), f"{f}.count", "range", p["count"], "count is at least 1")
        b.country(p, "side", where, f"{f}.side")
        key = person or group
        if person is not None:
            b.ref_later("persons", person, where, line_of(p, "person"), f"{f}.person")
        if key in seen:
            b.problem(where, line_of(p), f, "duplicate id", key, "listed twice among the participants")
            continue
        seen.add(key)
        if p.get("basis") == "inferred":
            inferred.add(key)
        b.add(
            "meeting_participants",
            {
                "participant_id": f"{mid}:{key}",
                "meeting_id": mid,
                "person_id": person,
                "unnamed": p.get("unnamed") if group is not None else None,
                "count": p.get("count") if group is not None else None,
                "side": p["side"],
                "participation": p["participation"],
                "participation_basis": p.get("basis") or "stated",
                "participation_note": p.get("note"),
            },
            where,
            line_of(p),
        )
    b.participants[mid] = frozenset(seen)
    b.inferred_participants[mid] = frozenset(inferred)


def registry(b: Builder, records: dict[str, dict[str, Any]]) -> None:
    for i, (mid, m) in enumerate(records["meetings"].items()):
        where = source_of(m)
        lo, hi = dates.bounds(m["date"])
        if why := id_period_problem(mid, m["date"]):
            b.problem(where, line_of(m, "id"), f"meetings[{i}].id", "id and date", mid, why)
        placed = m.get("city") or m.get("country")
        b.country(m, "country", where, f"meetings[{i}].country")
        if placed and not m.get("place_basis"):
            b.problem(
                where,
                line_of(m, "city" if m.get("city") else "country"),
                f"meetings[{i}].place_basis",
                "missing key",
                None,
                "say whether the place is printed (stated) or inferred (with place_note)",
            )
        if m.get("place_basis") and not placed:
            b.problem(
                where, line_of(m, "place_basis"), f"meetings[{i}].place_basis", "basis without place", None, "no place"
            )
        if m.get("part_of") == mid:
            b.problem(where, line_of(m, "part_of"), f"meetings[{i}].part_of", "self reference", mid, "part of itself")
        b.ref_later("meetings", m.get("part_of"), where, line_of(m, "part_of"), f"meetings[{i}].part_of")
        distinct = m.get("distinct_from") or []
        for j, other in enumerate(distinct):
            b.ref_later("meetings", other, where, line_of(m, "distinct_from"), f"meetings[{i}].distinct_from[{j}]")
        if distinct and not m.get("note"):
            b.problem(
                where,
                line_of(m, "distinct_from"),
                f"meetings[{i}].note",
                "missing key",
                None,
                "say in note why this meeting is distinct from the one it resembles",
            )
        if m.get("grouping_uncertain") and not m.get("note"):
            b.problem(
                where,
                line_of(m, "grouping_uncertain"),
                f"meetings[{i}].note",
                "missing key",
                None,
                "say in note what the source leaves open about the grouping",
            )
        b.distinct[mid] = frozenset(distinct)
        b.add(
            "meetings",
            {
                "meeting_id": mid,
                "date": m["date"],
                "date_earliest": lo,
                "date_latest": hi,
                "date_precision": dates.precision(m["date"]),
                "date_inferred": m.get("date_basis") in vocab.INFERENCES,
                "date_basis": m.get("date_basis") or "stated",
                "date_inferred_part": m.get("date_inferred_part") if m.get("date_basis") in vocab.INFERENCES else None,
                "date_note": m.get("date_note"),
                "city": m.get("city"),
                "country": m.get("country"),
                "place_basis": m.get("place_basis"),
                "place_note": m.get("place_note"),
                "kind": m["kind"],
                "cameo_code": m.get("cameo_code"),
                "description": m["description"],
                "part_of": m.get("part_of"),
                "grouping_uncertain": bool(m.get("grouping_uncertain", False)),
                "note": m.get("note"),
                "source_count": 0,
            },
            where,
            line_of(m),
        )
        _participants(b, mid, m, i)


def article(b: Builder, a: Article) -> None:
    reported: set[str] = set()
    for i, m in enumerate(a.doc.get("meetings") or []):
        f = f"meetings[{i}]"
        if not b.ref("meetings", m["meeting"], a.label, line_of(m, "meeting"), f"{f}.meeting"):
            continue
        if m["meeting"] in reported:
            b.problem(
                a.label,
                line_of(m, "meeting"),
                f"{f}.meeting",
                "duplicate id",
                m["meeting"],
                "meeting reported twice by this article: merge the entries",
            )
        reported.add(m["meeting"])
        if m.get("date") and not m.get("date_basis"):
            b.problem(
                a.label,
                line_of(m, "date"),
                f"{f}.date_basis",
                "missing key",
                None,
                "date_basis (stated or inferred) is required when date is set",
            )
        b.evidence("meetings", m["meeting"], a, b.spans(a, m, f"{f}.evidence"), line_of(m))
        b.add(
            "meeting_sources",
            {
                "meeting_id": m["meeting"],
                "article_id": a.article_id,
                "reported_date": m.get("date"),
                "reported_date_inferred": (m.get("date_basis") in vocab.INFERENCES) if m.get("date") else None,
                "reported_date_basis": m.get("date_basis") if m.get("date") else None,
                "reported_date_inferred_part": m.get("date_inferred_part")
                if m.get("date") and m.get("date_basis") in vocab.INFERENCES
                else None,
                "reported_date_note": m.get("date_note"),
            },
            a.label,
            line_of(m),
        )
    for i, p in enumerate(a.doc.get("participants") or []):
        f = f"participants[{i}]"
        person, group = p.get("person"), p.get("group")
        if (person is None) == (group is None):
            b.problem(a.label, line_of(p), f, "person or group", None, "give either person (an id) or group")
            continue
        ok = b.ref("meetings", p["meeting"], a.label, line_of(p, "meeting"), f"{f}.meeting")
        ok = b.ref("persons", person, a.label, line_of(p, "person"), f"{f}.person") and ok
        if not ok:
            continue
        key = person or group
        if key not in b.participants.get(p["meeting"], ()):
            b.problem(
                a.label,
                line_of(p, "person" if person else "group"),
                f"{f}.{'person' if person else 'group'}",
                "not a participant",
                key,
                f"not listed among the participants of {p['meeting']} in the registry",
            )
            continue
        b.evidence("meeting_participants", f"{p['meeting']}:{key}", a, b.spans(a, p, f"{f}.evidence"), line_of(p))


def _part_of(b: Builder, meetings: pl.DataFrame) -> None:
    """`part_of` is a tree (no cycle) and a part lies inside the dates of what it is part of."""
    rows = {
        mid: (parent, (lo, hi), where, line)
        for mid, parent, lo, hi, where, line in meetings.select(
            "meeting_id", "part_of", "date_earliest", "date_latest", "_where", "_line"
        ).rows()
    }
    for mid, (parent, span, where, line) in rows.items():
        if parent is None or parent == mid or parent not in rows:
            continue  # itself and unknown ids are reported where the registry is read
        seen = [mid]
        up = parent
        while up is not None and up in rows and up not in seen:
            seen.append(up)
            up = rows[up][0]
        if up == mid:
            loop = " -> ".join([*seen, mid])
            b.problem(where, line, "part_of", "part_of cycle", mid, f"part_of goes round in a circle: {loop}")
            continue
        outer = rows[parent][1]
        if not dates.inside(span, outer):
            b.problem(
                where,
                line,
                "part_of",
                "date outside bounds",
                mid,
                f"dated outside {parent}, which it is part of: a part lies within the dates of the whole",
            )


def finish(b: Builder, frames: dict[str, pl.DataFrame]) -> None:
    """How many articles report each meeting; a meeting no article reports is an error."""
    _part_of(b, frames["meetings"])
    b.count_sources(frames, "meetings", "meeting_id", "meetings")
