"""Step 3: turn the checked curation into the tables, resolving every reference.

Each row remembers the curation file and line it came from (`Origins`), so a schema
failure later can point a person at the line to fix.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from pak_afghan_diplomacy.pipeline import dates
from pak_afghan_diplomacy.pipeline.curation import REGISTRY, Article, Curation, Span, resolve_evidence
from pak_afghan_diplomacy.pipeline.problems import Problem
from pak_afghan_diplomacy.schema import MODELS
from pak_afghan_diplomacy.schema.frictionless import polars_schema
from pak_afghan_diplomacy.schema.vocab import EVIDENCED_TABLES

REG = f"build/{REGISTRY}"


@dataclass
class Tables:
    frames: dict[str, pl.DataFrame]
    # (table, primary key as text) -> (file, line) of the curation that made the row
    origins: dict[tuple[str, str], tuple[str, int | None]] = field(default_factory=dict)


def _line(item: Any, key: str | None = None) -> int | None:
    if key is not None:
        return getattr(item, "lines", {}).get(key, getattr(item, "line", None))
    return getattr(item, "line", None)


class _Builder:
    def __init__(self, cur: Curation):
        self.cur = cur
        self.reg = cur.registry
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.origins: dict[tuple[str, str], tuple[str, int | None]] = {}
        self.problems: list[Problem] = []
        self.ids: dict[str, dict[str, Any]] = {}

    # -- helpers -----------------------------------------------------------
    def problem(self, where: str, line: int | None, fieldname: str, check: str, value: Any, message: str) -> None:
        self.problems.append(
            Problem(
                where,
                line=line,
                field=fieldname,
                check=check,
                value=None if value is None else str(value),
                message=message,
            )
        )

    def registry_ids(self, section: str) -> dict[str, Any]:
        """Registry records of a section by id; duplicates are errors."""
        out: dict[str, Any] = {}
        items = self.reg.get(section) or []
        for i, item in enumerate(items):
            rid = item["id"]
            if rid in out:
                self.problem(
                    REG,
                    _line(item, "id"),
                    f"{section}[{i}].id",
                    "duplicate id",
                    rid,
                    f"{section} id defined twice (first at line {_line(out[rid], 'id')})",
                )
            out[rid] = item
        return out

    def ref(self, section: str, value: Any, where: str, line: int | None, fieldname: str) -> bool:
        if value is None:
            return True
        if value not in self.ids[section]:
            self.problem(where, line, fieldname, "unknown id", value, f"no {section} record with this id")
            return False
        return True

    def add(self, table: str, row: dict[str, Any], key: str, where: str, line: int | None) -> None:
        self.rows[table].append(row)
        self.origins.setdefault((table, key), (where, line))

    def evidence(self, table: str, record_id: str, article: Article, spans: list[Span], line: int | None) -> None:
        for s in spans:
            self.add(
                "evidence",
                {
                    "record_table": table,
                    "record_id": record_id,
                    "article_id": article.article_id,
                    "char_start": s.start,
                    "char_end": s.end,
                    "text": s.text,
                },
                f"{table}|{record_id}|{article.article_id}|{s.start}|{s.end}",
                article.label,
                line,
            )

    def spans(self, article: Article, item: Any, fieldname: str) -> list[Span]:
        spans, problems = resolve_evidence(
            article, item["evidence"], (article.label, _line(item, "evidence"), fieldname)
        )
        self.problems += problems
        return spans

    # -- registry ----------------------------------------------------------
    def registry(self) -> None:
        for section in ("persons", "organizations", "roles", "meetings", "utterances", "conflicts"):
            self.ids[section] = self.registry_ids(section)
        for pid, p in self.ids["persons"].items():
            self.add("persons", {"person_id": pid, "name": p["name"]}, pid, REG, _line(p))
            self.add(
                "person_names",
                {
                    "name_id": f"{pid}:canonical:{p['name']}",
                    "person_id": pid,
                    "name": p["name"],
                    "article_id": None,
                    "inferred": False,
                    "note": p.get("note"),
                },
                f"{pid}:canonical:{p['name']}",
                REG,
                _line(p),
            )
        for oid, o in self.ids["organizations"].items():
            self.add(
                "organizations",
                {
                    "organization_id": oid,
                    "name": o["name"],
                    "country": o.get("country"),
                    "classification": o["classification"],
                },
                oid,
                REG,
                _line(o),
            )
        for i, (rid, r) in enumerate(self.ids["roles"].items()):
            self.ref("persons", r["person"], REG, _line(r, "person"), f"roles[{i}].person")
            self.ref("organizations", r["organization"], REG, _line(r, "organization"), f"roles[{i}].organization")
            self._date_order(r, "start_date", "end_date", f"roles[{i}]")
            for side in ("start_date", "end_date"):
                if r.get(f"{side}_basis") and not r.get(side):
                    self.problem(
                        REG,
                        _line(r, f"{side}_basis"),
                        f"roles[{i}].{side}_basis",
                        "basis without date",
                        r[f"{side}_basis"],
                        f"{side}_basis given but {side} is null",
                    )
            self.add(
                "roles",
                {
                    "role_id": rid,
                    "person_id": r["person"],
                    "organization_id": r["organization"],
                    "title": r["title"],
                    "acting": bool(r.get("acting", False)),
                    "start_date": r.get("start_date"),
                    "start_date_inferred": r.get("start_date_basis") == "inferred",
                    "end_date": r.get("end_date"),
                    "end_date_inferred": r.get("end_date_basis") == "inferred",
                    "start_date_note": r.get("start_date_note"),
                    "end_date_note": r.get("end_date_note"),
                    "status": r["status"],
                    "observed_date": None,
                    "note": r.get("note"),
                },
                rid,
                REG,
                _line(r),
            )
        for i, (mid, m) in enumerate(self.ids["meetings"].items()):
            lo, hi = dates.bounds(m["date"])
            self.add(
                "meetings",
                {
                    "meeting_id": mid,
                    "date": m["date"],
                    "date_earliest": lo,
                    "date_latest": hi,
                    "date_precision": dates.precision(m["date"]),
                    "date_inferred": m.get("date_basis") == "inferred",
                    "date_note": m.get("date_note"),
                    "city": m.get("city"),
                    "country": m.get("country"),
                    "kind": m["kind"],
                    "cameo_code": m.get("cameo_code"),
                    "description": m["description"],
                    "source_count": 0,
                },
                mid,
                REG,
                _line(m),
            )
            seen: set[str] = set()
            for j, p in enumerate(m["participants"]):
                fname = f"meetings[{i}].participants[{j}].person"
                self.ref("persons", p["person"], REG, _line(p, "person"), fname)
                if p["person"] in seen:
                    self.problem(
                        REG,
                        _line(p, "person"),
                        fname,
                        "duplicate id",
                        p["person"],
                        "person listed twice among the participants",
                    )
                seen.add(p["person"])
                key = f"{mid}:{p['person']}"
                self.add(
                    "meeting_participants",
                    {
                        "participant_id": key,
                        "meeting_id": mid,
                        "person_id": p["person"],
                        "side": p["side"],
                        "participation": p["participation"],
                    },
                    key,
                    REG,
                    _line(p),
                )
        for uid, u in self.ids["utterances"].items():
            self.add("utterances", {"utterance_id": uid, "note": u.get("note")}, uid, REG, _line(u))
        for cid, c in self.ids["conflicts"].items():
            self.add(
                "conflicts",
                {"conflict_id": cid, "kind": c["kind"], "description": c["description"]},
                cid,
                REG,
                _line(c),
            )

    def _date_order(self, item: Any, start: str, end: str, path: str) -> None:
        a, b = item.get(start), item.get(end)
        if a and b and dates.bounds(b)[1] < dates.bounds(a)[0]:
            self.problem(REG, _line(item, end), f"{path}.{end}", "date order", b, f"ends before {start} {a}")

    # -- articles ----------------------------------------------------------
    def article(self, a: Article) -> None:
        meta = a.doc["article"]
        self.add(
            "articles",
            {
                "article_id": a.article_id,
                "title": meta["title"],
                "title_basis": meta["title_basis"],
                "publisher": meta.get("publisher"),
                "published_date": meta["published_date"],
                "published_date_basis": meta["published_date_basis"],
                "published_date_note": meta.get("published_date_note"),
                "body_start": a.body_start,
                "body_end": a.body_end,
                "text_length": len(a.seed.text),
                "sha256": a.seed.sha256,
                "source_file": a.seed.file_name,
            },
            a.article_id,
            a.label,
            _line(meta),
        )
        doc = a.doc
        for i, n in enumerate(doc.get("names") or []):
            f = f"names[{i}]"
            if not self.ref("persons", n["person"], a.label, _line(n, "person"), f"{f}.person"):
                continue
            spans = self.spans(a, n, f"{f}.evidence")
            for s in spans:
                if n["name"] not in s.text:
                    self.problem(
                        a.label,
                        _line(n, "evidence"),
                        f"{f}.evidence",
                        "name not in quote",
                        s.text,
                        f"the quote must contain the name {n['name']!r} as printed",
                    )
            key = f"{n['person']}:{a.article_id}:{n['name']}"
            self.add(
                "person_names",
                {
                    "name_id": key,
                    "person_id": n["person"],
                    "name": n["name"],
                    "article_id": a.article_id,
                    "inferred": bool(n.get("inferred", False)),
                    "note": n.get("note"),
                },
                key,
                a.label,
                _line(n),
            )
            self.evidence("persons", n["person"], a, spans, _line(n))
        for i, r in enumerate(doc.get("roles") or []):
            if self.ref("roles", r["role"], a.label, _line(r, "role"), f"roles[{i}].role"):
                self.evidence("roles", r["role"], a, self.spans(a, r, f"roles[{i}].evidence"), _line(r))
        reported: set[str] = set()
        for i, m in enumerate(doc.get("meetings") or []):
            f = f"meetings[{i}]"
            if not self.ref("meetings", m["meeting"], a.label, _line(m, "meeting"), f"{f}.meeting"):
                continue
            if m["meeting"] in reported:
                self.problem(
                    a.label,
                    _line(m, "meeting"),
                    f"{f}.meeting",
                    "duplicate id",
                    m["meeting"],
                    "meeting reported twice by this article: merge the entries",
                )
            reported.add(m["meeting"])
            if m.get("date") and not m.get("date_basis"):
                self.problem(
                    a.label,
                    _line(m, "date"),
                    f"{f}.date_basis",
                    "missing key",
                    None,
                    "date_basis (stated or inferred) is required when date is set",
                )
            self.evidence("meetings", m["meeting"], a, self.spans(a, m, f"{f}.evidence"), _line(m))
            self.add(
                "meeting_sources",
                {
                    "meeting_id": m["meeting"],
                    "article_id": a.article_id,
                    "reported_date": m.get("date"),
                    "reported_date_inferred": (m.get("date_basis") == "inferred") if m.get("date") else None,
                    "reported_date_note": m.get("date_note"),
                },
                f"{m['meeting']}|{a.article_id}",
                a.label,
                _line(m),
            )
        for i, p in enumerate(doc.get("participants") or []):
            f = f"participants[{i}]"
            ok = self.ref("meetings", p["meeting"], a.label, _line(p, "meeting"), f"{f}.meeting")
            ok = self.ref("persons", p["person"], a.label, _line(p, "person"), f"{f}.person") and ok
            if not ok:
                continue
            key = f"{p['meeting']}:{p['person']}"
            participants = {x["person"] for x in self.ids["meetings"][p["meeting"]]["participants"]}
            if p["person"] not in participants:
                self.problem(
                    a.label,
                    _line(p, "person"),
                    f"{f}.person",
                    "not a participant",
                    p["person"],
                    f"not listed among the participants of {p['meeting']} in the registry",
                )
                continue
            self.evidence("meeting_participants", key, a, self.spans(a, p, f"{f}.evidence"), _line(p))
        for i, s in enumerate(doc.get("statements") or []):
            self.statement(a, i, s)
        for i, c in enumerate(doc.get("conflicts") or []):
            if self.ref("conflicts", c["conflict"], a.label, _line(c, "conflict"), f"conflicts[{i}].conflict"):
                self.evidence("conflicts", c["conflict"], a, self.spans(a, c, f"conflicts[{i}].evidence"), _line(c))

    def statement(self, a: Article, i: int, s: Any) -> None:
        f = f"statements[{i}]"
        line = _line(s)
        ok = True
        for key, section in (
            ("speaker", "persons"),
            ("speaker_organization", "organizations"),
            ("meeting", "meetings"),
            ("utterance", "utterances"),
        ):
            ok = self.ref(section, s.get(key), a.label, _line(s, key), f"{f}.{key}") and ok
        found = a.find(s["text"], s.get("occurrence"), (a.label, _line(s, "text"), f"{f}.text"))
        if isinstance(found, Problem):
            self.problems.append(found)
            return
        if ok and s.get("meeting") and s.get("speaker"):
            participants = {x["person"] for x in self.ids["meetings"][s["meeting"]]["participants"]}
            if s["speaker"] not in participants:
                self.problem(
                    a.label,
                    _line(s, "speaker"),
                    f"{f}.speaker",
                    "speaker not a participant",
                    s["speaker"],
                    f"the statement is tied to meeting {s['meeting']} but its speaker is not a participant",
                )
        self.add(
            "statements",
            {
                "statement_id": s["id"],
                "article_id": a.article_id,
                "speaker_id": s.get("speaker"),
                "speaker_organization_id": s.get("speaker_organization"),
                "attribution_text": s.get("attribution"),
                "text": found.text,
                "char_start": found.start,
                "char_end": found.end,
                "mode": s["mode"],
                "channel": s.get("channel"),
                "meeting_id": s.get("meeting"),
                "utterance_id": s.get("utterance"),
                "note": s.get("note"),
            },
            s["id"],
            a.label,
            line,
        )

    # -- across articles ---------------------------------------------------
    def finish(self) -> None:
        published = {r["article_id"]: r["published_date"] for r in self.rows["articles"]}
        evidenced: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for e in self.rows["evidence"]:
            evidenced[e["record_table"]][e["record_id"]].add(e["article_id"])
        for r in self.rows["roles"]:
            arts = evidenced["roles"].get(r["role_id"])
            if arts:
                r["observed_date"] = max((published[x] for x in arts), key=lambda d: dates.bounds(d)[1])
        sources = defaultdict(int)
        for ms in self.rows["meeting_sources"]:
            sources[ms["meeting_id"]] += 1
        for m in self.rows["meetings"]:
            m["source_count"] = sources[m["meeting_id"]]
        keys = {
            "persons": "person_id",
            "roles": "role_id",
            "meetings": "meeting_id",
            "meeting_participants": "participant_id",
            "conflicts": "conflict_id",
        }
        for table in EVIDENCED_TABLES:
            for row in self.rows[table]:
                rid = row[keys[table]]
                if rid not in evidenced[table]:
                    where, line = self.origins[(table, rid)]
                    self.problem(
                        where,
                        line,
                        keys[table],
                        "no evidence",
                        rid,
                        f"no article gives evidence for this {table} record",
                    )
        for m in self.rows["meetings"]:
            if m["source_count"] == 0:
                where, line = self.origins[("meetings", m["meeting_id"])]
                self.problem(
                    where,
                    line,
                    "meeting_id",
                    "no source",
                    m["meeting_id"],
                    "no article reports this meeting under meetings:",
                )
        self.conflict_records()

    def conflict_records(self) -> None:
        keys = {
            "statements": "statement_id",
            "persons": "person_id",
            "roles": "role_id",
            "meetings": "meeting_id",
            "meeting_participants": "participant_id",
            "person_names": "name_id",
            "conflicts": "conflict_id",
        }
        existing = {t: {r[k] for r in self.rows[t]} for t, k in keys.items()}
        for i, (cid, c) in enumerate(self.ids["conflicts"].items()):
            for j, rec in enumerate(c["records"]):
                fname = f"conflicts[{i}].records[{j}]"
                if rec["table"] not in keys:
                    self.problem(
                        REG,
                        _line(rec, "table"),
                        f"{fname}.table",
                        "choice",
                        rec["table"],
                        f"expected one of: {', '.join(sorted(keys))}",
                    )
                    continue
                if rec["id"] not in existing[rec["table"]]:
                    self.problem(
                        REG,
                        _line(rec, "id"),
                        f"{fname}.id",
                        "unknown id",
                        rec["id"],
                        f"no {rec['table']} record with this id",
                    )
                    continue
                key = f"{cid}|{rec['table']}|{rec['id']}"
                self.add(
                    "conflict_records",
                    {"conflict_id": cid, "record_table": rec["table"], "record_id": rec["id"]},
                    key,
                    REG,
                    _line(rec),
                )

    def frames(self) -> dict[str, pl.DataFrame]:
        out = {}
        for name, model in MODELS.items():
            schema = polars_schema(model)
            out[name] = pl.DataFrame(self.rows.get(name, []), schema=schema, orient="row")
        return out


def assemble(cur: Curation) -> tuple[Tables, list[Problem]]:
    b = _Builder(cur)
    b.registry()
    for _, article in sorted(cur.articles.items()):
        b.article(article)
    b.finish()
    return Tables(b.frames(), b.origins), b.problems
