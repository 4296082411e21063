"""Roles: a person holding a post of an organization over a span, and what each article shows of it.

Each article that gives evidence for a role is an observation at a date (its publication
date unless it says otherwise) of the role held (`current`) or already left (`ended`).
A role's `status` is stated as of its latest observation, and a post that one person
holds at a time may not have two current holders.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import TYPE_CHECKING, Any

import polars as pl

from pak_afghan_diplomacy import dates
from pak_afghan_diplomacy.pipeline.read.curation import Article
from pak_afghan_diplomacy.pipeline.read.origin import line_of, source_of
from pak_afghan_diplomacy.schema import vocab

if TYPE_CHECKING:
    from pak_afghan_diplomacy.pipeline.article.assemble import Builder


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("‘", "'")
    return " ".join(text.casefold().split())


def registry(b: Builder, records: dict[str, dict[str, Any]]) -> None:
    for i, (rid, r) in enumerate(records["roles"].items()):
        where = source_of(r)
        b.ref_later("persons", r["person"], where, line_of(r, "person"), f"roles[{i}].person")
        b.ref_later("organizations", r["organization"], where, line_of(r, "organization"), f"roles[{i}].organization")
        b.ref_later("posts", r["post"], where, line_of(r, "post"), f"roles[{i}].post")
        b.role_posts[rid] = r["post"]
        start, end = r.get("start_date"), r.get("end_date")
        start_lo, start_hi = dates.bounds(start) if start else (None, None)
        end_lo, end_hi = dates.bounds(end) if end else (None, None)
        if start_lo and end_hi and end_hi < start_lo:
            b.problem(where, line_of(r, "end_date"), f"roles[{i}].end_date", "date order", end, f"ends before {start}")
        for side in ("start_date", "end_date"):
            if r.get(f"{side}_basis") and not r.get(side):
                b.problem(
                    where,
                    line_of(r, f"{side}_basis"),
                    f"roles[{i}].{side}_basis",
                    "basis without date",
                    r[f"{side}_basis"],
                    f"{side}_basis given but {side} is null",
                )
        b.add(
            "roles",
            {
                "role_id": rid,
                "person_id": r["person"],
                "organization_id": r["organization"],
                "post_id": r["post"],
                "title": None,  # the post's title, filled in once every registry file is read
                "acting": bool(r.get("acting", False)),
                "start_date": start,
                "start_earliest": start_lo,
                "start_latest": start_hi,
                "start_date_inferred": r.get("start_date_basis") in vocab.INFERENCES,
                "start_date_inferred_part": r.get("start_date_inferred_part")
                if r.get("start_date_basis") in vocab.INFERENCES
                else None,
                "start_date_basis": (r.get("start_date_basis") or "stated") if start else None,
                "end_date": end,
                "end_earliest": end_lo,
                "end_latest": end_hi,
                "end_date_inferred": r.get("end_date_basis") in vocab.INFERENCES,
                "end_date_inferred_part": r.get("end_date_inferred_part")
                if r.get("end_date_basis") in vocab.INFERENCES
                else None,
                "end_date_basis": (r.get("end_date_basis") or "stated") if end else None,
                "start_date_note": r.get("start_date_note"),
                "end_date_note": r.get("end_date_note"),
                "status": r["status"],
                "observed_date": None,
                "note": r.get("note"),
            },
            where,
            line_of(r),
        )


def article(b: Builder, a: Article) -> None:
    published, published_basis = b.published[a.article_id]
    seen: set[str] = set()
    for i, r in enumerate(a.doc.get("roles") or []):
        f = f"roles[{i}]"
        if not b.ref("roles", r["role"], a.label, line_of(r, "role"), f"{f}.role"):
            continue
        if r["role"] in seen:
            b.problem(a.label, line_of(r, "role"), f"{f}.role", "duplicate id", r["role"], "role listed twice: merge")
            continue
        seen.add(r["role"])
        spans = b.spans(a, r, f"{f}.evidence")
        post = b.role_posts[r["role"]]
        wordings = b.post_wordings.get(post, ())
        if (
            spans
            and wordings
            and not r.get("post_note")
            and not any(_fold(w) in _fold(s.text) for s in spans for w in wordings)
        ):
            b.problem(
                a.label,
                line_of(r, "evidence"),
                f"{f}.evidence",
                "post wording",
                spans[0].text,
                f"names no wording of post {post} ({' / '.join(wordings)}): quote the printed title, "
                f"or add the article's wording to that post's aliases in the registry (or, where the article "
                f"names the post only through another holder, say so in post_note)",
            )
        as_of = r.get("as_of")
        if as_of:
            inferred, note = r.get("as_of_basis") in vocab.INFERENCES, r.get("as_of_note")
            part = r.get("as_of_inferred_part") if inferred else None
        else:
            inferred = published_basis in vocab.INFERENCES
            part = a.doc["article"].get("published_date_inferred_part") if inferred else None
            basis = "resting on public record" if published_basis == "public-record" else "itself inferred"
            note = f"The article's publication date, {basis} (see its published_date_note)." if inferred else None
        if r.get("post_note"):
            note = f"{note} {r['post_note']}" if note else r["post_note"]
        b.evidence("roles", r["role"], a, spans, line_of(r))
        b.add(
            "role_observations",
            {
                "role_id": r["role"],
                "article_id": a.article_id,
                "observed_date": as_of or published,
                "observed_inferred": inferred,
                "observed_inferred_part": part,
                "status": r["status"],
                "note": note,
            },
            a.label,
            line_of(r),
        )


def latest_observation(observed: list[tuple[str, str]]) -> tuple[str, str] | None:
    """The latest of a role's observations `(date, status)`, or None where there are none.

    Ranked by the earliest day each date allows, then by its last day (an open end counts as
    no later than its start): an open-ended date such as `2022-03-28/..` is only known to be
    on or after its start, so it never outranks a date that is certainly later. Ties keep the
    text order, so the choice does not depend on the order the articles are read in.
    """

    def rank(item: tuple[str, str]) -> tuple[dt.date, dt.date, str, str]:
        lo, hi = dates.bounds(item[0])
        first = lo or dt.date.min
        return (first, hi or first, item[0], item[1])

    return max(observed, key=rank) if observed else None


def finish(b: Builder, frames: dict[str, pl.DataFrame]) -> None:
    """Titles from the posts; the latest observation of each role; status checked against the observations."""
    observations = frames["role_observations"]
    seen: dict[str, list[tuple[str, str]]] = {}
    for role_id, observed, status in observations.select("role_id", "observed_date", "status").rows():
        seen.setdefault(role_id, []).append((observed, status))
    latest = {rid: chosen for rid, obs in seen.items() if (chosen := latest_observation(obs))}
    roles = frames["roles"].with_columns(
        pl.col("post_id").replace_strict(b.posts, default=None, return_dtype=pl.String).alias("title"),
        pl.Series("observed_date", [latest.get(r, (None, None))[0] for r in frames["roles"]["role_id"]], pl.String),
    )
    frames["roles"] = roles
    for rid, status, where, line in roles.select("role_id", "status", "_where", "_line").rows():
        if rid in latest and latest[rid][1] == "ended" and status == "current":
            b.problem(
                where,
                line,
                "status",
                "status as observed",
                status,
                f"the latest source ({latest[rid][0]}) shows the role already ended: set status ended",
            )
    starts = dict(roles.select("role_id", "start_earliest").rows())
    for rid, where, line in roles.select("role_id", "_where", "_line").rows():
        if rid not in latest or latest[rid][1] != "current" or starts.get(rid) is None:
            continue
        first = dates.bounds(latest[rid][0])[0]
        if first is None or first < starts[rid]:
            b.problem(
                where,
                line,
                "observed_date",
                "current before it began",
                latest[rid][0],
                f"the role would be published as current as of {latest[rid][0]}, which may fall before it began "
                f"({starts[rid]}): give that article's as_of (the date it shows the role at)",
            )
    single = {pid for pid, holders in frames["posts"].select("post_id", "holders").rows() if holders == "one"}
    _overlapping_holders(b, roles.filter(pl.col("post_id").is_in(list(single))))
    current = roles.filter(pl.col("status") == "current", pl.col("post_id").is_in(list(single)))
    spans = _observed(observations)
    for (org, post), group in current.group_by("organization_id", "post_id", maintain_order=True):
        if group.height < 2:
            continue
        _holders(b, org, post, list(group.select("role_id", "observed_date", "_where", "_line").rows()), spans)


def certainly_overlap(a: tuple[Any, Any, Any], b: tuple[Any, Any, Any]) -> bool:
    """Whether two terms `(start_latest, end_earliest, status)` must have been held at once.

    Only a certain overlap counts: each began (at the latest) before the other can have ended
    (at the earliest). An unknown start proves nothing; an open end is ongoing only if `current`.
    """

    def end(term: tuple[Any, Any, Any]) -> dt.date | None:
        return term[1] if term[1] is not None else (dt.date.max if term[2] == "current" else None)

    if a[0] is None or b[0] is None or end(a) is None or end(b) is None:
        return False
    return a[0] < end(b) and b[0] < end(a)


def _overlapping_holders(b: Builder, roles: pl.DataFrame) -> None:
    """A post one person holds at a time may not have two terms that must overlap in one organization."""
    rows = roles.select(
        "role_id", "organization_id", "post_id", "start_latest", "end_earliest", "status", "_where", "_line"
    )
    for (org, post), group in rows.group_by("organization_id", "post_id", maintain_order=True):
        terms = group.rows()
        for i, first in enumerate(terms):
            for second in terms[i + 1 :]:
                if certainly_overlap(first[3:6], second[3:6]):
                    b.problem(
                        second[6],
                        second[7],
                        "start_date",
                        "overlapping holders",
                        second[0],
                        f"post {post} of {org} has one holder at a time, but {first[0]} and {second[0]} must "
                        f"overlap: correct a start or end date (or its bounds)",
                    )


def _observed(observations: pl.DataFrame) -> dict[str, tuple[dt.date, dt.date, str]]:
    """Role -> bounds of the latest observation showing it current, and the article showing it."""
    out: dict[str, tuple[dt.date, dt.date, str]] = {}
    rows = observations.select("role_id", "article_id", "observed_date", "status").rows()
    for rid, article, observed, status in rows:
        lo, hi = dates.bounds(observed)
        lo, hi = lo or dt.date.min, hi or dt.date.max
        # the latest date it is known held: the observation with the latest lower bound (an open-ended
        # publication date, "2022-03-28/..", says held from then on, not held at every later date)
        if status == "current" and (rid not in out or (lo, hi) > out[rid][:2]):
            out[rid] = (lo, hi, article)
    return out


def _holders(b: Builder, org: str, post: str, group: list[tuple], spans: dict[str, tuple]) -> None:
    """Two current holders of a one-holder post, judged as of the date each is shown current.

    A holder shown current only before another is first shown current had left by then: the
    fix is an `ended` observation in the later article, never ending a role an article shows
    current. Holders current on the same dates usually mean a duplicate person or a title
    drafted onto the wrong name, so that is asked first.
    """
    far = (dt.date.min, dt.date.max, "")
    group = sorted(group, key=lambda r: spans.get(r[0], far)[:2])
    for i, (rid, when, where, line) in enumerate(group):
        for other, other_when, other_where, other_line in group[i + 1 :]:
            mine, theirs = spans.get(rid, far), spans.get(other, far)
            if mine[1] < theirs[0]:  # shown current only before the other was: a succession
                later = f"build/{theirs[2]}.yaml" if theirs[2] else "the later article"
                b.problem(
                    where,
                    line,
                    "status",
                    "two current holders",
                    rid,
                    f"post {post} of {org} has one holder at a time: {rid} is shown current as of {when}, "
                    f"{other} as of {other_when}, later. If the second succeeded the first, the first term "
                    f"ended by {other_when}: add to {later} an observation of {rid} with status: ended, quoting "
                    f"its words that name the new holder (the role's status then follows it; end_date only where "
                    f"a source gives it). Keep the observation as of {when}: it shows the role held then. If "
                    f"the second is no new holder, check whether it is a duplicate person or a title drafted "
                    f"onto the wrong name",
                )
                continue
            for r, w, ln in ((rid, where, line), (other, other_where, other_line)):
                b.problem(
                    w,
                    ln,
                    "status",
                    "two current holders",
                    r,
                    f"post {post} of {org} has one holder at a time, but {rid} (as of {when}) and {other} "
                    f"(as of {other_when}) are both shown current at the same time. First check whether one "
                    f"person is a duplicate of the other (the same name with a part added or dropped, another "
                    f"transliteration) or whether a title was drafted onto the wrong name (a title governs the "
                    f"name it stands before); if both are right, one article's observation (its status or as_of) "
                    f"is wrong: correct that one, not the role an article shows current",
                )
