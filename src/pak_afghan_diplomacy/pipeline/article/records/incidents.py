"""Incidents: attacks, killings and other events the articles give as the context of the talks.

The registry holds one record per event; each article that reports it gives its own date, the
actors it names (and how it ties them: stated, attributed, claimed, alleged; never resolved
across articles) and the meetings or statements it links to the event.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl

from pak_afghan_diplomacy import dates
from pak_afghan_diplomacy.pipeline.article.records.meetings import id_period_problem
from pak_afghan_diplomacy.pipeline.read.curation import Article
from pak_afghan_diplomacy.pipeline.read.origin import line_of, source_of
from pak_afghan_diplomacy.schema import vocab

if TYPE_CHECKING:
    from pak_afghan_diplomacy.pipeline.article.assemble import Builder

LINKED = {"meetings": "meeting_id", "statements": "statement_id"}


def _basis(item: Any) -> tuple[bool | None, str | None]:
    """(inferred?, which part) of an item's date, or (None, None) without a date."""
    if not item.get("date"):
        return None, None
    inferred = item.get("date_basis") in vocab.INFERENCES
    return inferred, item.get("date_inferred_part") if inferred else None


def registry(b: Builder, records: dict[str, dict[str, Any]]) -> None:
    for i, (iid, r) in enumerate(records["incidents"].items()):
        where, date = source_of(r), r.get("date")
        lo, hi = dates.bounds(date) if date else (None, None)
        if date and (why := id_period_problem(iid, date)):
            b.problem(where, line_of(r, "id"), f"incidents[{i}].id", "id and date", iid, why)
        placed = r.get("city") or r.get("country")
        if bool(placed) != bool(r.get("place_basis")):
            b.problem(
                where,
                line_of(r),
                f"incidents[{i}].place_basis",
                "place basis",
                r.get("place_basis"),
                "a city or country needs place_basis (stated or inferred), and place_basis needs a place",
            )
        inferred, part = _basis(r)
        b.add(
            "incidents",
            {
                "incident_id": iid,
                "kind": r["kind"],
                "date": date,
                "date_earliest": lo,
                "date_latest": hi,
                "date_precision": dates.precision(date) if date else None,
                "date_basis": (r.get("date_basis") or "stated") if date else None,
                "date_inferred": bool(inferred),
                "date_inferred_part": part,
                "date_note": r.get("date_note"),
                "city": r.get("city"),
                "country": r.get("country"),
                "place_basis": r.get("place_basis"),
                "place_note": r.get("place_note"),
                "description": r["description"],
                "note": r.get("note"),
                "source_count": 0,
            },
            where,
            line_of(r),
        )


def article(b: Builder, a: Article) -> None:
    for i, r in enumerate(a.doc.get("incidents") or []):
        f = f"incidents[{i}]"
        if not b.ref("incidents", r["incident"], a.label, line_of(r, "incident"), f"{f}.incident"):
            continue
        iid = r["incident"]
        b.evidence("incidents", iid, a, b.spans(a, r, f"{f}.evidence"), line_of(r))
        inferred, part = _basis(r)
        b.add(
            "incident_sources",
            {
                "incident_id": iid,
                "article_id": a.article_id,
                "reported_date": r.get("date"),
                "reported_date_basis": (r.get("date_basis") or "stated") if r.get("date") else None,
                "reported_date_inferred": inferred,
                "reported_date_inferred_part": part,
                "reported_date_note": r.get("date_note"),
            },
            a.label,
            line_of(r),
        )
        for j, actor in enumerate(r.get("actors") or []):
            g = f"{f}.actors[{j}]"
            if not b.ref("organizations", actor.get("organization"), a.label, line_of(actor, "organization"), g):
                continue
            for span in b.spans(a, actor, f"{g}.evidence"):
                b.add(
                    "incident_actors",
                    {
                        "incident_id": iid,
                        "article_id": a.article_id,
                        "actor_text": span.text,
                        "char_start": span.start,
                        "char_end": span.end,
                        "organization_id": actor.get("organization"),
                        "responsibility": actor["responsibility"],
                        "note": actor.get("note"),
                    },
                    a.label,
                    line_of(actor),
                )
        for link in r.get("links") or []:
            b.add(
                "incident_links",
                {
                    "incident_id": iid,
                    "article_id": a.article_id,
                    "record_table": link["table"],
                    "record_id": link["id"],
                    "relation": link["relation"],
                },
                a.label,
                line_of(link),
            )


# The only columns finish() reads of these tables (see people.READS)
READS = {table: (key,) for table, key in LINKED.items()}


def finish(b: Builder, frames: dict[str, pl.DataFrame]) -> None:
    """How many articles report each incident; every link points at a record that exists."""
    b.count_sources(frames, "incidents", "incident_id", "incidents")
    known = {table: set(frames[table][key]) for table, key in LINKED.items()}
    for table, rid, where, line in (
        frames["incident_links"].select("record_table", "record_id", "_where", "_line").rows()
    ):
        if rid not in known.get(table, set()):
            b.problem(where, line, "incidents.links", "unknown id", rid, f"no {table} record with this id")
