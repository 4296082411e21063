"""Step 3: turn the checked curation into the tables, resolving every reference.

Each row remembers the curation file and line it came from (`Tables.locate`), so a
schema failure later can point a person at the line to fix.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from pak_afghan_diplomacy import dates
from pak_afghan_diplomacy.pipeline.checks import key_text
from pak_afghan_diplomacy.pipeline.curation import REGISTRY, Article, Span, resolve_evidence
from pak_afghan_diplomacy.pipeline.problems import Problem
from pak_afghan_diplomacy.schema import MODELS
from pak_afghan_diplomacy.schema.frictionless import keys, polars_schema
from pak_afghan_diplomacy.schema.vocab import EVIDENCED_TABLES

REG = f"build/{REGISTRY}"
REGISTRY_SECTIONS = ("persons", "organizations", "roles", "meetings", "utterances", "conflicts")


@dataclass
class Tables:
    frames: dict[str, pl.DataFrame]
    # per table, row for row: `_where` (the curation file) and `_line` that made the row
    origins: dict[str, pl.DataFrame]
    _index: dict[str, dict[str, int]] = field(default_factory=dict, repr=False)

    def locate(self, table: str, key: str) -> tuple[str, int | None] | None:
        """(file, line) of the row whose primary key, as `checks.key_text` writes it, is `key` (the first such row).

        The key index of a table is built on first use: only a build that fails pays for it.
        """
        if table not in self.frames:
            return None
        if table not in self._index:
            pk = keys(MODELS[table])["primary_key"]
            index: dict[str, int] = {}
            for i, row in enumerate(self.frames[table].select(pk).rows()):
                index.setdefault(key_text(row), i)
            self._index[table] = index
        i = self._index[table].get(key)
        if i is None:
            return None
        where, line = self.origins[table].row(i)
        return where, line


def _line(item: Any, key: str | None = None) -> int | None:
    if key is not None:
        return getattr(item, "lines", {}).get(key, getattr(item, "line", None))
    return getattr(item, "line", None)


class _Sink:
    """The rows of one table, kept as polars chunks with their origin (file, line) as two extra columns.

    A dict per row costs about half a kilobyte; at a million evidence rows that is what
    decides whether a large build fits in memory, so rows are buffered as tuples and
    turned into a compact frame every CHUNK rows.
    """

    CHUNK = 20_000

    def __init__(self, name: str):
        self.schema = {**polars_schema(MODELS[name]), "_where": pl.String(), "_line": pl.Int64()}
        self.columns = list(self.schema)[:-2]
        self.buffer: list[tuple[Any, ...]] = []
        self.chunks: list[pl.DataFrame] = []

    def add(self, row: dict[str, Any], where: str, line: int | None) -> None:
        self.buffer.append((*(row[c] for c in self.columns), where, line))
        if len(self.buffer) >= self.CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            self.chunks.append(pl.DataFrame(self.buffer, schema=self.schema, orient="row"))
            self.buffer = []

    def frame(self) -> pl.DataFrame:
        self.flush()
        if len(self.chunks) > 1:
            self.chunks = [pl.concat(self.chunks, rechunk=True)]
        return self.chunks[0] if self.chunks else pl.DataFrame(schema=self.schema)


def _src(item: Any) -> str:
    """The registry file a record came from (`registry.yaml` or a part in `registry/`)."""
    return getattr(item, "source", REG)


class Builder:
    """Turns the registry, then one article at a time, into table rows.

    Only ids and small indices of the registry are kept once its rows are made, and an
    article's curation can be dropped as soon as `article()` returns: memory grows with
    the rows, not with the parsed YAML.
    """

    def __init__(self) -> None:
        self.sinks = {name: _Sink(name) for name in MODELS}
        self.problems: list[Problem] = []
        # section -> id -> (file, line) where it is defined
        self.ids: dict[str, dict[str, tuple[str, int | None]]] = {section: {} for section in REGISTRY_SECTIONS}
        self.pending: list[tuple[str, Any, str, int | None, str]] = []
        self.participants: dict[str, frozenset[str]] = {}
        self.conflicts: list[tuple[str, Any]] = []
        self.canonical_names: set[str] = set()

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

    def registry_ids(self, section: str, items: list[Any]) -> dict[str, Any]:
        """New records of a section by id; an id seen before (in any registry file) is an error."""
        known = self.ids[section]
        out: dict[str, Any] = {}
        for i, item in enumerate(items):
            rid = item["id"]
            if rid in known:
                src, line = known[rid]
                at = f"line {line}" + ("" if src == _src(item) else f" of {src}")
                self.problem(
                    _src(item),
                    _line(item, "id"),
                    f"{section}[{i}].id",
                    "duplicate id",
                    rid,
                    f"{section} id defined twice (first at {at})",
                )
                continue
            known[rid] = (_src(item), _line(item, "id"))
            out[rid] = item
        return out

    def ref_later(self, section: str, value: Any, where: str, line: int | None, fieldname: str) -> None:
        """A registry reference that may point at a record of a later registry file."""
        if value is not None and value not in self.ids[section]:
            self.pending.append((section, value, where, line, fieldname))

    def ref(self, section: str, value: Any, where: str, line: int | None, fieldname: str) -> bool:
        if value is None:
            return True
        if value not in self.ids[section]:
            self.problem(where, line, fieldname, "unknown id", value, f"no {section} record with this id")
            return False
        return True

    def add(self, table: str, row: dict[str, Any], where: str, line: int | None) -> None:
        self.sinks[table].add(row, where, line)

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
    def registry(self, parts: Iterable[dict[str, Any]]) -> None:
        """Rows from every registry file, one at a time; then the references between files."""
        for part in parts:
            self.registry_part(part)
        for section, value, where, line, fieldname in self.pending:
            self.ref(section, value, where, line, fieldname)
        self.pending = []

    def registry_part(self, part: dict[str, Any]) -> None:
        records = {section: self.registry_ids(section, part.get(section) or []) for section in REGISTRY_SECTIONS}
        self.participants.update(
            {mid: frozenset(p["person"] for p in m["participants"]) for mid, m in records["meetings"].items()}
        )
        self.conflicts += records["conflicts"].items()
        self.canonical_names.update(p["name"] for p in records["persons"].values())
        for pid, p in records["persons"].items():
            self.add("persons", {"person_id": pid, "name": p["name"]}, _src(p), _line(p))
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
                _src(p),
                _line(p),
            )
        for oid, o in records["organizations"].items():
            self.add(
                "organizations",
                {
                    "organization_id": oid,
                    "name": o["name"],
                    "country": o.get("country"),
                    "classification": o["classification"],
                },
                _src(o),
                _line(o),
            )
        for i, (rid, r) in enumerate(records["roles"].items()):
            self.ref_later("persons", r["person"], _src(r), _line(r, "person"), f"roles[{i}].person")
            self.ref_later(
                "organizations", r["organization"], _src(r), _line(r, "organization"), f"roles[{i}].organization"
            )
            self._date_order(r, "start_date", "end_date", f"roles[{i}]")
            for side in ("start_date", "end_date"):
                if r.get(f"{side}_basis") and not r.get(side):
                    self.problem(
                        _src(r),
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
                _src(r),
                _line(r),
            )
        for i, (mid, m) in enumerate(records["meetings"].items()):
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
                _src(m),
                _line(m),
            )
            seen: set[str] = set()
            for j, p in enumerate(m["participants"]):
                fname = f"meetings[{i}].participants[{j}].person"
                self.ref_later("persons", p["person"], _src(m), _line(p, "person"), fname)
                if p["person"] in seen:
                    self.problem(
                        _src(m),
                        _line(p, "person"),
                        fname,
                        "duplicate id",
                        p["person"],
                        "person listed twice among the participants",
                    )
                seen.add(p["person"])
                self.add(
                    "meeting_participants",
                    {
                        "participant_id": f"{mid}:{p['person']}",
                        "meeting_id": mid,
                        "person_id": p["person"],
                        "side": p["side"],
                        "participation": p["participation"],
                    },
                    _src(m),
                    _line(p),
                )
        for uid, u in records["utterances"].items():
            self.add("utterances", {"utterance_id": uid, "note": u.get("note")}, _src(u), _line(u))
        for cid, c in records["conflicts"].items():
            self.add(
                "conflicts",
                {"conflict_id": cid, "kind": c["kind"], "description": c["description"]},
                _src(c),
                _line(c),
            )

    def _date_order(self, item: Any, start: str, end: str, path: str) -> None:
        a, b = item.get(start), item.get(end)
        if a and b and dates.bounds(b)[1] < dates.bounds(a)[0]:
            self.problem(_src(item), _line(item, end), f"{path}.{end}", "date order", b, f"ends before {start} {a}")

    # -- articles ----------------------------------------------------------
    def article(self, a: Article) -> list[tuple[int, int]]:
        """Rows from one article; returns the spans of its statements (for the coverage check)."""
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
            self.add(
                "person_names",
                {
                    "name_id": f"{n['person']}:{a.article_id}:{n['name']}",
                    "person_id": n["person"],
                    "name": n["name"],
                    "article_id": a.article_id,
                    "inferred": bool(n.get("inferred", False)),
                    "note": n.get("note"),
                },
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
            if p["person"] not in self.participants[p["meeting"]]:
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
        spans: list[tuple[int, int]] = []
        for i, s in enumerate(doc.get("statements") or []):
            if found := self.statement(a, i, s):
                spans.append((found.start, found.end))
        for i, c in enumerate(doc.get("conflicts") or []):
            if self.ref("conflicts", c["conflict"], a.label, _line(c, "conflict"), f"conflicts[{i}].conflict"):
                self.evidence("conflicts", c["conflict"], a, self.spans(a, c, f"conflicts[{i}].evidence"), _line(c))
        return spans

    def statement(self, a: Article, i: int, s: Any) -> Span | None:
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
            return None
        if ok and s.get("meeting") and s.get("speaker") and s["speaker"] not in self.participants[s["meeting"]]:
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
            a.label,
            line,
        )
        return found

    # -- across articles ---------------------------------------------------
    def finish(self) -> Tables:
        """Cross-article rows and checks (evidence for every record, sources of meetings); the tables."""
        frames = {name: sink.frame() for name, sink in self.sinks.items()}
        ev = frames["evidence"]
        articles = frames["articles"]
        published = dict(zip(articles["article_id"], articles["published_date"], strict=True))
        latest = {d: dates.bounds(d)[1] for d in set(published.values())}
        observed: dict[str, str] = {}
        role_evidence = ev.filter(pl.col("record_table") == "roles").select("record_id", "article_id")
        for role_id, article_id in role_evidence.rows():
            d = published[article_id]
            if role_id not in observed or (latest[d], d) > (latest[observed[role_id]], observed[role_id]):
                observed[role_id] = d
        roles = frames["roles"]
        frames["roles"] = roles.with_columns(
            pl.Series("observed_date", [observed.get(r) for r in roles["role_id"]], dtype=pl.String)
        )
        counts = frames["meeting_sources"].group_by("meeting_id").len()
        sources = dict(zip(counts["meeting_id"], counts["len"], strict=True))
        meetings = frames["meetings"]
        frames["meetings"] = meetings.with_columns(
            pl.Series("source_count", [sources.get(m, 0) for m in meetings["meeting_id"]], dtype=pl.Int64)
        )
        for table in EVIDENCED_TABLES:
            key = _EVIDENCED_KEYS[table]
            ids = ev.filter(pl.col("record_table") == table).select(pl.col("record_id").alias(key)).unique()
            for rid, where, line in frames[table].join(ids, on=key, how="anti").select(key, "_where", "_line").rows():
                self.problem(where, line, key, "no evidence", rid, f"no article gives evidence for this {table} record")
        for mid, where, line in (
            frames["meetings"].filter(pl.col("source_count") == 0).select("meeting_id", "_where", "_line").rows()
        ):
            self.problem(where, line, "meeting_id", "no source", mid, "no article reports this meeting under meetings:")
        self.conflict_records(frames)
        frames["conflict_records"] = self.sinks["conflict_records"].frame()
        origins = {name: frame.select("_where", "_line") for name, frame in frames.items()}
        return Tables({name: frame.drop("_where", "_line") for name, frame in frames.items()}, origins)

    def conflict_records(self, frames: dict[str, pl.DataFrame]) -> None:
        wanted: dict[str, set[str]] = defaultdict(set)
        for _, c in self.conflicts:
            for rec in c["records"]:
                if rec["table"] in _CONFLICT_KEYS:
                    wanted[rec["table"]].add(rec["id"])
        existing = {
            t: set(frames[t].filter(pl.col(_CONFLICT_KEYS[t]).is_in(list(ids)))[_CONFLICT_KEYS[t]])
            for t, ids in wanted.items()
        }
        for i, (cid, c) in enumerate(self.conflicts):
            for j, rec in enumerate(c["records"]):
                fname = f"conflicts[{i}].records[{j}]"
                if rec["table"] not in _CONFLICT_KEYS:
                    self.problem(
                        _src(c),
                        _line(rec, "table"),
                        f"{fname}.table",
                        "choice",
                        rec["table"],
                        f"expected one of: {', '.join(sorted(_CONFLICT_KEYS))}",
                    )
                    continue
                if rec["id"] not in existing[rec["table"]]:
                    self.problem(
                        _src(c),
                        _line(rec, "id"),
                        f"{fname}.id",
                        "unknown id",
                        rec["id"],
                        f"no {rec['table']} record with this id",
                    )
                    continue
                self.add(
                    "conflict_records",
                    {"conflict_id": cid, "record_table": rec["table"], "record_id": rec["id"]},
                    _src(c),
                    _line(rec),
                )


_EVIDENCED_KEYS = {
    "persons": "person_id",
    "roles": "role_id",
    "meetings": "meeting_id",
    "meeting_participants": "participant_id",
    "conflicts": "conflict_id",
}
_CONFLICT_KEYS = {
    "statements": "statement_id",
    "persons": "person_id",
    "roles": "role_id",
    "meetings": "meeting_id",
    "meeting_participants": "participant_id",
    "person_names": "name_id",
    "conflicts": "conflict_id",
}
