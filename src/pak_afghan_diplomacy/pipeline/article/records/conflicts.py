"""Conflicts: where sources disagree, each side's words as evidence, and every record concerned."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

import polars as pl

from pak_afghan_diplomacy.pipeline.article.records.people import fold
from pak_afghan_diplomacy.pipeline.read.curation import Article
from pak_afghan_diplomacy.pipeline.read.origin import line_of, source_of
from pak_afghan_diplomacy.schema.vocab import EVIDENCED_TABLES

if TYPE_CHECKING:
    from pak_afghan_diplomacy.pipeline.article.assemble import Builder

# The tables a conflict may point into, with their key column.
KEYS = {
    "statements": "statement_id",
    "persons": "person_id",
    "person_names": "name_id",
    "roles": "role_id",
    "role_observations": "role_id:article_id",  # one article's view of a role: `role:article`
    "meetings": "meeting_id",
    "meeting_participants": "participant_id",
    "conflicts": "conflict_id",
    "incidents": "incident_id",
}
EVIDENCED_KEYS = {
    "incidents": "incident_id",
    "persons": "person_id",
    "roles": "role_id",
    "meetings": "meeting_id",
    "meeting_participants": "participant_id",
    "conflicts": "conflict_id",
}


def _record_ids(rec: Any, spellings: dict[tuple[str, str], list[str]]) -> list[str] | str:
    """The keys a conflict's record names, or why it names none (a message). `spellings`: `_spellings`."""
    table, parts = rec["table"], {k: rec.get(k) for k in ("meeting", "person", "group", "name", "role", "article")}
    if rec.get("id") is not None:
        return [rec["id"]] if not any(parts.values()) else "give either id or the row's parts, not both"
    if table == "meeting_participants" and parts["meeting"] and bool(parts["person"]) != bool(parts["group"]):
        return [f"{parts['meeting']}:{parts['person'] or parts['group']}"]
    if table == "role_observations" and parts["role"] and parts["article"]:
        return [f"{parts['role']}:{parts['article']}"]
    if table == "person_names" and parts["person"] and parts["name"]:
        found = spellings.get((parts["person"], parts["name"]))
        return list(found) if found else f"no spelling {parts['name']!r} of {parts['person']} is printed"
    return (
        "give id, or for person_names person and name, for meeting_participants meeting and person (or group), "
        "for role_observations role and article"
    )


def _key(frame: pl.DataFrame, table: str) -> pl.Series:
    """The key a conflict record names, as a column of `frame` (composite keys joined by `:`)."""
    columns = KEYS[table].split(":")
    if len(columns) == 1:
        return frame[columns[0]]
    return frame.select(pl.concat_str([pl.col(c) for c in columns], separator=":"))[:, 0]


def _spellings(conflicts: list[tuple[str, Any]], names: pl.DataFrame) -> dict[tuple[str, str], list[str]]:
    """(person, printed spelling) -> its name ids, in table order, for every pair a conflict names.

    One join over `person_names` for all conflict records, not a scan of the table per record.
    """
    wanted = {
        (rec.get("person"), rec.get("name"))
        for _, c in conflicts
        for rec in c["records"]
        if rec["table"] == "person_names" and rec.get("person") and rec.get("name")
    }
    if not wanted:
        return {}
    pairs = pl.DataFrame(
        {"person_id": [p for p, _ in wanted], "name": [n for _, n in wanted]},
        schema={"person_id": pl.String, "name": pl.String},
    )
    hits = (
        names.filter(pl.col("article_id").is_not_null())
        .with_row_index("_order")
        .join(pairs, on=["person_id", "name"], how="semi")
        .sort("_order")
    )
    out: dict[tuple[str, str], list[str]] = defaultdict(list)
    for person, name, name_id in hits.select("person_id", "name", "name_id").iter_rows():
        out[(person, name)].append(name_id)
    return out


def registry(b: Builder, records: dict[str, dict[str, Any]]) -> None:
    for i, (cid, c) in enumerate(records["conflicts"].items()):
        if not c["records"]:
            b.problem(
                source_of(c),
                line_of(c, "records"),
                f"conflicts[{i}].records",
                "empty",
                None,
                "a conflict lists the records it concerns (table and id of each)",
            )
        for j, rec in enumerate(c["records"]):
            if rec["table"] == "conflicts" and rec["id"] == cid:
                b.problem(
                    source_of(c),
                    line_of(rec, "id"),
                    f"conflicts[{i}].records[{j}].id",
                    "self reference",
                    cid,
                    "a conflict cannot concern itself: list the records the sources disagree on",
                )
        b.conflicts.append((cid, c))
        b.add(
            "conflicts",
            {"conflict_id": cid, "kind": c["kind"], "description": c["description"], "assessment": c.get("assessment")},
            source_of(c),
            line_of(c),
        )


def article(b: Builder, a: Article) -> None:
    for i, c in enumerate(a.doc.get("conflicts") or []):
        if b.ref("conflicts", c["conflict"], a.label, line_of(c, "conflict"), f"conflicts[{i}].conflict"):
            b.evidence("conflicts", c["conflict"], a, b.spans(a, c, f"conflicts[{i}].evidence"), line_of(c))


def _shared_spellings(b: Builder, frames: dict[str, pl.DataFrame], disputed: dict[str, set[str]]) -> None:
    """One printed spelling given to two persons is a conflict to record, never a silent second match.

    Refused unless a conflict lists the spelling's row: within one article (its "Raheemi" is one
    person), and across articles where the spelling is another person's canonical name ("Zahir
    Karimi" printed for someone else). A surname two namesakes share across articles stays allowed.
    """
    persons = frames["persons"]
    canonical = {fold(name): pid for pid, name in persons.select("person_id", "name").rows()}
    own = {pid: fold(name) for pid, name in persons.select("person_id", "name").rows()}
    printed = frames["person_names"].filter(pl.col("article_id").is_not_null())
    first: dict[tuple[str, str], str] = {}
    for name_id, person, name, article, where, line in printed.select(
        "name_id", "person_id", "name", "article_id", "_where", "_line"
    ).rows():
        if name_id in disputed["person_names"]:
            continue
        form = fold(name)
        other = first.setdefault((article, form), person)
        owner = canonical.get(form)
        if other == person and (owner in (None, person) or own.get(owner) == own.get(person)):
            continue
        b.problem(
            where,
            line,
            "names.person",
            "one spelling, two persons",
            person,
            f"{name!r} is given to {other if other != person else owner} too: if both are right, record a name "
            "conflict listing the spellings; else correct the person",
        )


# The only columns finish() reads of these tables (see people.READS): the keys a conflict may name, the
# evidence's record, the printed spellings, and the statements dated at a disputed meeting
READS = {
    "evidence": ("record_table", "record_id"),
    "person_names": ("name_id", "person_id", "name", "article_id", "_where", "_line"),
    "statements": ("statement_id", "meeting_id", "date_inferred", "_where", "_line"),
}


def finish(b: Builder, frames: dict[str, pl.DataFrame]) -> None:
    """Evidence for every evidenced record; then the records each conflict concerns, resolved."""

    ev = frames["evidence"]
    for table in EVIDENCED_TABLES:
        key = EVIDENCED_KEYS[table]
        ids = ev.filter(pl.col("record_table") == table).select(pl.col("record_id").alias(key)).unique()
        for rid, where, line in frames[table].join(ids, on=key, how="anti").select(key, "_where", "_line").rows():
            b.problem(where, line, key, "no evidence", rid, f"no article gives evidence for this {table} record")
    spellings = _spellings(b.conflicts, frames["person_names"])
    wanted: dict[str, set[str]] = defaultdict(set)
    for _, c in b.conflicts:
        for rec in c["records"]:
            if rec["table"] in KEYS and not isinstance(ids := _record_ids(rec, spellings), str):
                wanted[rec["table"]].update(ids)
    existing = {t: set(_key(frames[t], t)) & ids for t, ids in wanted.items()}
    _shared_spellings(b, frames, wanted)
    for i, (cid, c) in enumerate(b.conflicts):
        for j, rec in enumerate(c["records"]):
            fname = f"conflicts[{i}].records[{j}]"
            if rec["table"] not in KEYS:
                b.problem(
                    source_of(c),
                    line_of(rec, "table"),
                    f"{fname}.table",
                    "choice",
                    rec["table"],
                    f"expected one of: {', '.join(sorted(KEYS))}",
                )
                continue
            ids = _record_ids(rec, spellings)
            if isinstance(ids, str):
                b.problem(source_of(c), line_of(rec), fname, "record", rec.get("id"), ids)
                continue
            for rid in ids:
                if rid not in existing[rec["table"]]:
                    b.problem(
                        source_of(c),
                        line_of(rec, "id"),
                        f"{fname}.id",
                        "unknown id",
                        rid,
                        f"no {rec['table']} record with this id",
                    )
                    continue
                b.add(
                    "conflict_records",
                    {"conflict_id": cid, "record_table": rec["table"], "record_id": rid},
                    source_of(c),
                    line_of(rec),
                )
    _words_at_disputed_dates(b, frames, wanted)


def _words_at_disputed_dates(b: Builder, frames: dict[str, pl.DataFrame], wanted: dict[str, set[str]]) -> None:
    """Words dated by inference at a meeting whose date a conflict disputes rest on that conflict: link them.

    A statement its article gives no day takes the meeting's date, which is the disputed one; a user
    filtering on the conflict must find it (a rubber-stamped draft would leave it unlinked).
    """
    disputed: dict[str, list[str]] = defaultdict(list)  # meeting -> the date conflicts listing it
    for cid, c in b.conflicts:
        if c.get("kind") != "date":
            continue
        for rec in c["records"]:
            if rec.get("table") == "meetings" and rec.get("id") in wanted.get("meetings", ()):
                disputed[rec["id"]].append(cid)
    if not disputed:
        return
    linked: dict[str, set[str]] = defaultdict(set)  # statement -> conflicts listing it
    for cid, c in b.conflicts:
        for rec in c["records"]:
            if rec.get("table") == "statements" and rec.get("id") is not None:
                linked[rec["id"]].add(cid)
    rows = frames["statements"].filter(
        pl.col("meeting_id").is_in(list(disputed)), pl.col("date_inferred").fill_null(False)
    )
    for sid, mid, where, line in rows.select("statement_id", "meeting_id", "_where", "_line").rows():
        for cid in disputed[mid]:
            if cid not in linked[sid]:
                b.problem(
                    where,
                    line,
                    "date",
                    "disputed date not linked",
                    sid,
                    f"{sid} is dated by inference at meeting {mid}, whose date conflict {cid} disputes: add "
                    f"{{table: statements, id: {sid}}} to that conflict's records (or, if the article itself "
                    "dates the words, give its date as stated)",
                )
