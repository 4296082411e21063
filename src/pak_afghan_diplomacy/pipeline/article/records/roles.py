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
                "start_date_inferred": r.get("start_date_basis") == "inferred",
                "start_date_inferred_part": r.get("start_date_inferred_part")
                if r.get("start_date_basis") == "inferred"
                else None,
                "end_date": end,
                "end_earliest": end_lo,
                "end_latest": end_hi,
                "end_date_inferred": r.get("end_date_basis") == "inferred",
                "end_date_inferred_part": r.get("end_date_inferred_part")
                if r.get("end_date_basis") == "inferred"
                else None,
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
        if spans and wordings and not any(_fold(w) in _fold(s.text) for s in spans for w in wordings):
            b.problem(
                a.label,
                line_of(r, "evidence"),
                f"{f}.evidence",
                "post wording",
                spans[0].text,
                f"names no wording of post {post} ({' / '.join(wordings)}): quote the printed title, "
                f"or add the article's wording to that post's aliases in the registry",
            )
        as_of = r.get("as_of")
        if as_of:
            inferred, note = r.get("as_of_basis") == "inferred", r.get("as_of_note")
            part = r.get("as_of_inferred_part") if inferred else None
        else:
            inferred = published_basis == "inferred"
            part = a.doc["article"].get("published_date_inferred_part") if inferred else None
            note = "The article's publication date, itself inferred." if inferred else None
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


def _latest(value: str) -> dt.date:
    hi = dates.bounds(value)[1]
    return dt.date.max if hi is None else hi


def finish(b: Builder, frames: dict[str, pl.DataFrame]) -> None:
    """Titles from the posts; the latest observation of each role; status checked against the observations."""
    observations = frames["role_observations"]
    latest: dict[str, tuple[dt.date, str, str]] = {}
    for role_id, observed, status in observations.select("role_id", "observed_date", "status").rows():
        key = (_latest(observed), observed, status)
        if role_id not in latest or key > latest[role_id]:
            latest[role_id] = key
    roles = frames["roles"].with_columns(
        pl.col("post_id").replace_strict(b.posts, default=None, return_dtype=pl.String).alias("title"),
        pl.Series("observed_date", [latest.get(r, (None, None))[1] for r in frames["roles"]["role_id"]], pl.String),
    )
    frames["roles"] = roles
    for rid, status, where, line in roles.select("role_id", "status", "_where", "_line").rows():
        if rid in latest and latest[rid][2] == "ended" and status == "current":
            b.problem(
                where,
                line,
                "status",
                "status as observed",
                status,
                f"the latest source ({latest[rid][1]}) shows the role already ended: set status ended",
            )
    single = {pid for pid, holders in frames["posts"].select("post_id", "holders").rows() if holders == "one"}
    current = roles.filter(pl.col("status") == "current", pl.col("post_id").is_in(list(single)))
    spans = _observed(observations)
    for (org, post), group in current.group_by("organization_id", "post_id", maintain_order=True):
        if group.height < 2:
            continue
        _holders(b, org, post, list(group.select("role_id", "observed_date", "_where", "_line").rows()), spans)


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
