"""Step 3: turn the checked curation into the tables, resolving every reference.

`Builder` holds what every record kind shares (the row sinks, the ids seen, the
problems, evidence spans); the rows of each kind are made by its own module in
`records/`, like zavod's handlers. Each row remembers the curation file and line it
came from (`Tables.locate`), so a schema failure later can point a person at the line.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import polars as pl

from pak_afghan_diplomacy.pipeline.article.cache import Pair, concat_digest
from pak_afghan_diplomacy.pipeline.problems import Problem, key_text
from pak_afghan_diplomacy.pipeline.read.curation import Article, Span, resolve_evidence
from pak_afghan_diplomacy.pipeline.read.origin import line_of, source_of
from pak_afghan_diplomacy.schema import MODELS, codes
from pak_afghan_diplomacy.schema.frictionless import keys, polars_schema


class Kind(Protocol):
    """What a record kind's module in `records/` provides (see `records/__init__.py`).

    `article()` may only add rows and problems (and read the registry's indices): the per-article
    stage runs it in a fork of the Builder, maybe in another process or not at all (its result
    cached), so anything else it kept would be lost; the stage refuses an article() that does.
    """

    def registry(self, builder: Builder, records: dict[str, dict[str, Any]]) -> None: ...
    def article(self, builder: Builder, article: Article) -> list[tuple[int, int]] | None: ...
    def finish(self, builder: Builder, frames: dict[str, pl.DataFrame]) -> None: ...


REGISTRY_SECTIONS = ("persons", "organizations", "posts", "roles", "meetings", "utterances", "incidents", "conflicts")


@dataclass
class Tables:
    frames: dict[str, pl.DataFrame]
    # per table, row for row: `_where` (the curation file) and `_line` that made the row
    origins: dict[str, pl.DataFrame]
    _index: dict[str, dict[str, int]] = field(default_factory=dict, repr=False)

    def locate(self, table: str, key: str) -> tuple[str, int | None] | None:
        """(file, line) of the row whose primary key, as `problems.key_text` writes it, is `key` (the first such row).

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
        self.name = name
        self.buffer: list[tuple[Any, ...]] = []
        self.chunks: list[pl.DataFrame] = []
        # id of a chunk -> its digests (`cache.frame_pair`), where known from how it was made: rows
        # added one by one have none, and a table with such a chunk is digested as a whole. A chunk
        # made of several parts in order (a slice of the assembled chunks) has the list of their pairs
        self.parts: dict[int, Pair | list[Pair]] = {}

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
            pair = self.pair()
            self.chunks = [pl.concat(self.chunks, rechunk=True)]
            self.parts = {id(self.chunks[0]): pair} if pair else {}
        return self.chunks[0] if self.chunks else pl.DataFrame(schema=self.schema)

    def pair(self) -> Pair | None:
        """The digests of `frame()` as the chunks held make it (None: a chunk's are not known)."""
        if len(self.chunks) == 1 and isinstance(held := self.parts.get(id(self.chunks[0])), tuple):
            return held
        pairs = [self.parts.get(id(c)) for c in self.chunks]
        if self.buffer or any(p is None for p in pairs):
            return None
        # the digest of the parts' pairs in order, a slice of several parts by each of its own
        known = [q for p in pairs for q in (p if isinstance(p, list) else [p])]
        if len(known) == 1:
            return known[0]
        return concat_digest(self.name, known, 0), concat_digest(self.name, known, 1)

    def mark(self, pair: Pair) -> None:
        """`pair` is the digests of `frame()` (the registry's rows, made here and digested once)."""
        frame = self.frame()
        if self.chunks and self.chunks[0] is frame:
            self.parts = {id(frame): pair}


class Builder:
    """Turns the registry, then one article at a time, into table rows.

    Only ids and small indices of the registry are kept once its rows are made, and an
    article's curation can be dropped as soon as `article()` returns: memory grows with
    the rows, not with the parsed YAML. `kinds` are the record kinds' modules in the order
    they run (`records.KINDS`), passed in so that this module and theirs do not import each other.
    """

    def __init__(self, kinds: Sequence[Kind]) -> None:
        self.kinds = tuple(kinds)
        self.sinks = {name: _Sink(name) for name in MODELS}
        self.problems: list[Problem] = []
        # section -> id -> (file, line) where it is defined
        self.ids: dict[str, dict[str, tuple[str, int | None]]] = {section: {} for section in REGISTRY_SECTIONS}
        self.pending: list[tuple[str, Any, str, int | None, str]] = []
        # meeting -> the participant keys (person ids and group ids) the registry lists
        self.participants: dict[str, frozenset[str]] = {}
        self.inferred_participants: dict[str, frozenset[str]] = {}  # meeting -> keys whose presence is inferred
        self.distinct: dict[str, frozenset[str]] = {}  # meeting -> meetings it is declared distinct from
        self.distinct_persons: dict[str, frozenset[str]] = {}  # person -> persons declared distinct from it
        self.conflicts: list[tuple[str, Any]] = []
        self.canonical_names: set[str] = set()
        self.person_keys: dict[str, tuple[str, str, int | None, bool]] = {}  # folded name -> person, file, line, noted
        self.posts: dict[str, str] = {}  # post id -> its one title
        self.post_wordings: dict[str, tuple[str, ...]] = {}  # post id -> its title and aliases
        self.role_posts: dict[str, str] = {}  # role id -> post id
        self.published: dict[str, tuple[str, str]] = {}  # article id -> (published date, its basis)

    # -- helpers shared by every record kind ---------------------------------
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

    def country(self, item: Any, key: str, where: str, fieldname: str) -> None:
        """A problem if `item[key]` is set and is no ISO 3166-1 alpha-3 country (`XYZ` has the shape only)."""
        code = item.get(key)
        if code is not None and not codes.country(code):
            self.problem(where, line_of(item, key), fieldname, "code", code, "not an ISO 3166-1 alpha-3 country code")

    def count_sources(self, frames: dict[str, pl.DataFrame], table: str, key: str, section: str) -> None:
        """Set `table.source_count` from `<table minus s>_sources`; a record no article reports is a problem."""
        counts = frames[f"{table[:-1]}_sources"].group_by(key).len()
        sources = dict(zip(counts[key], counts["len"], strict=True))
        frames[table] = frames[table].with_columns(
            pl.Series("source_count", [sources.get(i, 0) for i in frames[table][key]], dtype=pl.Int64)
        )
        for rid, where, line in frames[table].filter(pl.col("source_count") == 0).select(key, "_where", "_line").rows():
            self.problem(where, line, key, "no source", rid, f"no article reports this {section[:-1]} under {section}:")

    def registry_ids(self, section: str, items: list[Any]) -> dict[str, Any]:
        """New records of a section by id; an id seen before (in any registry file) is an error."""
        known = self.ids[section]
        out: dict[str, Any] = {}
        for i, item in enumerate(items):
            rid = item["id"]
            if rid in known:
                src, line = known[rid]
                at = f"line {line}" + ("" if src == source_of(item) else f" of {src}")
                self.problem(
                    source_of(item),
                    line_of(item, "id"),
                    f"{section}[{i}].id",
                    "duplicate id",
                    rid,
                    f"{section} id defined twice (first at {at})",
                )
                continue
            known[rid] = (source_of(item), line_of(item, "id"))
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
            article, item["evidence"], (article.label, line_of(item, "evidence"), fieldname)
        )
        self.problems += problems
        return spans

    # -- the passes --------------------------------------------------------
    def registry(self, parts: Iterable[dict[str, Any]]) -> None:
        """Rows from every registry file, one at a time; then the references between files."""
        for part in parts:
            records = {section: self.registry_ids(section, part.get(section) or []) for section in REGISTRY_SECTIONS}
            for kind in self.kinds:
                kind.registry(self, records)
        for section, value, where, line, fieldname in self.pending:
            self.ref(section, value, where, line, fieldname)
        self.pending = []

    def article(self, a: Article) -> list[tuple[int, int]]:
        """Rows from one article; returns the spans of its statements (for the coverage check)."""
        spans: list[tuple[int, int]] = []
        for kind in self.kinds:
            spans += kind.article(self, a) or []
        return spans

    def fork(self) -> Builder:
        """A Builder sharing this one's registry, with its own (empty) rows and problems.

        The per-article stage builds each chunk of articles in a fork, so that what the articles
        add can be cached and computed anywhere, then handed back with `absorb`.
        """
        other = copy.copy(self)
        other.sinks = {name: _Sink(name) for name in MODELS}
        other.problems = []
        other.published = dict(self.published)
        return other

    def _state(self) -> tuple[tuple[str, int, int], ...]:
        """What a kind's finish must leave as it is to be remembered: every container but rows and problems."""
        return tuple(
            (k, id(v), len(v) if hasattr(v, "__len__") else -1)
            for k, v in sorted(vars(self).items())
            if k not in ("sinks", "problems")
        )

    def absorb(self, frames: dict[str, pl.DataFrame], pairs: dict[str, Pair | list[Pair]] | None = None) -> None:
        """Rows made elsewhere (a fork, the cache), with their `_where` and `_line`, after the rows held;
        `pairs`: each frame's digests, where they were computed as it was made."""
        for name, frame in frames.items():
            sink = self.sinks[name]
            sink.flush()
            sink.chunks.append(frame)
            if pairs and (pair := pairs.get(name)):
                sink.parts[id(frame)] = pair

    def finish(self, memo: Any = None) -> Tables:
        """Cross-article rows and checks (evidence for every record, sources of meetings); the tables.

        `memo` (whole/memo.py's `Memo`, passed in so that this module does not import the whole) may
        replay a kind's finish whose tables are as they were when it last found nothing wrong.
        """
        frames = {name: sink.frame() for name, sink in self.sinks.items()}
        digests = getattr(memo, "digests", None)  # whole/memo.py's Digests: each table's, from its parts'
        if digests is not None:
            for name, frame in frames.items():
                digests.seed(name, frame, self.sinks[name].pair() if self.sinks[name].chunks else None)
        for kind in self.kinds:
            if memo is None:
                kind.finish(self, frames)
                continue
            step = f"finish:{getattr(kind, '__name__', type(kind).__name__)}"
            run = functools.partial(kind.finish, self)
            reads = getattr(kind, "READS", None)  # the only columns it reads of some tables
            if not memo.finish(step, frames, self.sinks, self.problems, run, self._state, reads):
                memo = None  # it changed the Builder: the kinds after it read what no entry is keyed by
        frames["conflict_records"] = self.sinks["conflict_records"].frame()
        if digests is not None and self.sinks["conflict_records"].chunks:
            digests.seed("conflict_records", frames["conflict_records"], self.sinks["conflict_records"].pair())
        origins = {name: frame.select("_where", "_line") for name, frame in frames.items()}
        tables = {name: frame.drop("_where", "_line") for name, frame in frames.items()}
        if digests is not None:
            for name, frame in tables.items():
                digests.dropped(name, frames[name], frame)
        return Tables(tables, origins)
