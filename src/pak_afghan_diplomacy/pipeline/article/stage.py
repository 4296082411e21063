"""The per-article stage: the registry once, then every article on its own, cached and on all cores.

Given the registry's index (the few maps an article's rows read: ids, participants, posts, ...),
an article's result (its rows, its problems, its span checks, what the names pass needs of it)
depends on nothing but its curation file, its seed and the code. So the registry is read part by
part (each part's document cached under its bytes), its index made once, and the articles are cut
into chunks whose results are cached under the sha256 of exactly those inputs (`cache.py`). Work
not in the cache (registry parts, chunks, the names pass of each chunk) is done by worker
processes (`concurrent.futures`, one per core, started once; results taken in task order, so the
assembled tables are the same whatever finishes first, and the same as in one process).

Chunk boundaries are set by the article ids themselves (an id whose hash ends a chunk), so adding
or removing an article changes one chunk, not every chunk after it. What a record kind's
`article()` does is not this module's business: it runs `Builder.article`, which calls every kind.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import gc
import hashlib
import itertools
import json
import multiprocessing
import os
import stat
import sys
import tempfile
import types
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from pak_afghan_diplomacy.pipeline.article import assemble, bundle, cache, coverage, spans
from pak_afghan_diplomacy.pipeline.article.known import Known
from pak_afghan_diplomacy.pipeline.problems import Problem
from pak_afghan_diplomacy.pipeline.read import curation
from pak_afghan_diplomacy.pipeline.read.seeds import Seed

# Articles per chunk, on average: a chunk is the unit of caching and of work, and what one changed
# article makes the build read again (the bundle reads the unchanged ones at once, however many)
CHUNK = 32
MAX_CHUNK = 2 * CHUNK
# Articles to compute before worker processes are worth starting: a worker's start (interpreter,
# imports, the registry handed over) costs what a few hundred articles cost.
PARALLEL_FROM = 1_000
_STATE_SKIPPED = ("kinds", "sinks", "problems")


@dataclass(frozen=True)
class Item:
    """One seed to build: its curation file (None if missing) and that file's sha256."""

    article_id: str
    seed: Seed
    path: Path | None
    sha256: str | None


@dataclass
class Registry:
    """The registry stage's result: a Builder holding the registry (None if it failed) and its problems."""

    builder: assemble.Builder | None
    problems: list[Problem]
    key: str | None = None  # sha256 of the code and every registry file; None: not cacheable
    index: str | None = None  # sha256 of the index (what articles read of the registry): keys every chunk
    index_doc: bytes | None = None  # the index itself, when made by this build (else it is in the store)


@dataclass
class Chunk:
    """What a run of articles adds: rows (with `_where`, `_line`), problems by phase, names-pass marks."""

    frames: dict[str, pl.DataFrame] = field(default_factory=dict)
    read: list[Problem] = field(default_factory=list)  # reading: files, YAML, spec, body
    built: list[Problem] = field(default_factory=list)  # the record kinds' checks
    later: list[Problem] = field(default_factory=list)  # coverage of quotations
    marks: list[coverage.Marks] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # spellings curated in these articles
    spans: list[Problem] = field(default_factory=list)  # the span checks of its rows (reported with the tables')
    # each frame's digests (`cache.frame_pair`); a list of them, in order, for a slice of the bundle's rows
    pairs: dict[str, Any] = field(default_factory=dict)
    record: list[Any] | None = None  # its record in the bundle it was taken from (bundle.py)
    marks_text: str | None = None  # its marks not decoded yet (taken from a bundle)

    def all_marks(self) -> list[coverage.Marks]:
        """The names-pass marks, decoded on first use when the chunk came from a bundle."""
        if self.marks_text is not None:
            self.marks = _marks(json.loads(self.marks_text))
            self.marks_text = None
        return self.marks


def _schemas() -> dict[str, dict[str, pl.DataType]]:
    return {name: dict(sink.schema) for name, sink in assemble.Builder(()).sinks.items()}


# -- the registry --------------------------------------------------------------------------------
# The registry is read part by part: each part's parsed document is cached under its own bytes (an
# edit to one part parses that part again), and parts not in the cache are parsed by the workers
# when there are enough of them. The parent then makes the registry's rows from the parts in
# order (ids are checked across parts, so that step is sequential) and derives the *index*: the
# few maps an article's rows read (ids, participants, posts, ...), not the registry's rows. The
# workers are handed the index, and every article's result is keyed by the index's own sha256,
# so a registry edit that changes nothing an article reads (a comment, a note) keeps every chunk.

PARTS_PARALLEL_FROM = 64  # registry parts to parse before worker processes are worth starting
# What `article()` never reads of the Builder: the registry stage's own state (kept in the parent)
_NOT_INDEXED = (*_STATE_SKIPPED, "conflicts", "pending", "distinct")
# What the build reads of a cached registry's state whether or not a kind's finish runs (the names pass,
# the reconciling checks): decoded with the entry. The rest is decoded only when a finish runs.
_EAGER = ("canonical_names", "distinct")


def registry_key(curation_dir: Path, known: Known | None = None) -> str | None:
    """sha256 of the code, today's date and every registry file (None: a file the reader will refuse).

    Each file enters by its sha256, from `known`'s records where they hold."""
    # the date too: a check compares publication dates with today, so no result outlives its day
    parts: list[str | bytes] = [cache.code_version(), dt.date.today().isoformat()]
    for path in curation.registry_paths(curation_dir):
        try:
            st = os.lstat(path)  # one stat: a link, or anything but a regular file, is not cached
            if not stat.S_ISREG(st.st_mode):
                return None  # a problem the reader reports; nothing to cache
            sha = known.hashed(path, st) if known is not None else hashlib.sha256(path.read_bytes()).hexdigest()
            parts += [path.name if path.parent == curation_dir else f"registry/{path.name}", sha]
        except OSError:
            return None
    return cache.digest(*parts)


def cached_index(store: cache.Store, key: str | None) -> str | None:
    """The index key of the registry with key `key`, if a build has made it (no registry read)."""
    data = store.get("registry-index", key) if key else None
    if data is None:
        return None
    try:
        _, index = cache.unpack(data, key or "", {})
    except cache.Invalid:
        return None
    return index if isinstance(index, str) and store.get("index", index) is not None else None


def registry(
    curation_dir: Path,
    kinds: Sequence[assemble.Kind],
    store: cache.Store,
    workers: Workers | None = None,
    key: str | None = None,
) -> Registry:
    """The registry's rows and indices, from the cache when every registry file and the code are unchanged."""
    key = key or registry_key(curation_dir)
    if key is not None and (data := store.get("registry", key)) is not None:
        with contextlib.suppress(cache.Invalid, AttributeError, KeyError, TypeError, ValueError):
            cached = _unpack_registry(data, key, kinds, lambda: _fresh_state(curation_dir, kinds))
            if cached.index and store.get("index", cached.index) is not None:
                return cached  # else not ours, damaged or without its index: rebuilt below
    builder = assemble.Builder(kinds)
    problems: list[Problem] = []

    def files() -> Iterator[dict]:
        for doc, found in _parts(curation_dir, store, workers):
            problems.extend(found)
            if doc is not None and not found:
                yield doc

    builder.registry(files())
    if problems:
        return Registry(None, problems)
    frames = {name: sink.frame() for name, sink in builder.sinks.items()}
    pairs = {name: cache.frame_pair(name, frame) for name, frame in frames.items() if frame.height}
    for name, pair in pairs.items():
        builder.sinks[name].mark(pair)
    state = {k: v for k, v in vars(builder).items() if k not in _STATE_SKIPPED}
    try:
        lazy = {k: v for k, v in state.items() if k not in _EAGER}
        doc = {
            "built": [cache.problem_doc(p) for p in builder.problems],
            "eager": cache.encode({k: state[k] for k in _EAGER}),
            "keys": sorted(state),
            "pairs": {name: list(pair) for name, pair in pairs.items()},
        }
        # a JSON text of its own in the entry (a blob): read as bytes, not parsed, decoded only when needed
        blobs = {"state": json.dumps(cache.encode(lazy), ensure_ascii=False, separators=(",", ":")).encode()}
        index_doc = _index_doc(builder)
    except TypeError:  # a kind keeps a value the cache cannot write: build without caching the registry
        return Registry(builder, problems)
    index = cache.digest("index", cache.code_version(), dt.date.today().isoformat(), index_doc)
    store.put("index", index, cache.pack_bytes(index, [index_doc]))
    if key:
        doc["index"] = index
        store.put("registry", key, cache.pack(key, frames, doc, blobs))
        store.put("registry-index", key, cache.pack(key, {}, index))
        with contextlib.suppress(OSError):
            for kind, current in (("registry", key), ("registry-index", key), ("index", index)):
                store.keep_only(kind, current)  # one registry is current; its entries can be large
    return Registry(builder, problems, key, index, index_doc)


def _index_doc(builder: assemble.Builder) -> bytes:
    """What an article's rows may read of the registry, as canonical JSON (its sha256 keys every chunk)."""
    state = {k: v for k, v in vars(builder).items() if k not in _NOT_INDEXED}
    state["ids"] = {section: dict.fromkeys(ids) for section, ids in builder.ids.items()}  # membership only
    return json.dumps(cache.encode(state), ensure_ascii=False, separators=(",", ":")).encode()


def index_builder(doc: bytes, kinds: Sequence[assemble.Kind]) -> assemble.Builder:
    """A Builder holding only the registry's index: what every chunk is built against, in any process."""
    builder = assemble.Builder(kinds)
    state = cache.decode_json(doc)
    if not isinstance(state, dict) or set(state) != set(vars(builder)) - set(_NOT_INDEXED):
        raise cache.Invalid("another Builder")
    for k, v in state.items():
        setattr(builder, k, v)
    return builder


def _load_index(store: cache.Store, index: str, kinds: Sequence[assemble.Kind]) -> assemble.Builder:
    data = store.get("index", index)
    if data is None:
        raise cache.Invalid("the index is not in the store")
    parts = cache.unpack_bytes(data, index)
    if len(parts) != 1:
        raise cache.Invalid("not an index")
    raw = parts[0]
    if cache.digest("index", cache.code_version(), dt.date.today().isoformat(), raw) != index:
        raise cache.Invalid("the index does not match its key")
    return index_builder(raw, kinds)


def _parts(
    curation_dir: Path, store: cache.Store, workers: Workers | None
) -> Iterator[tuple[dict[str, Any] | None, list[Problem]]]:
    """Every registry file's document (None if refused) and problems, in reading order; parsed once per content."""
    main = curation_dir / curation.REGISTRY
    if not main.is_file():
        yield None, [Problem(f"build/{curation.REGISTRY}", check="missing file", message="the registry is missing")]
        return
    plan: list[tuple[Path, str, str | None, Any]] = []  # path, label, key, cached result (None: to parse)
    for path in curation.registry_paths(curation_dir):
        label = f"build/{path.relative_to(curation_dir).as_posix()}"
        key = None
        with contextlib.suppress(OSError):
            if not path.is_symlink():
                key = cache.digest("part", cache.code_version(), label, path.read_bytes())
        found = _cached_part(store, key)
        plan.append((path, label, key, found))
    cached = store.root is not None
    todo = [(str(curation_dir), str(path), label, key, cached) for path, label, key, found in plan if found is None]
    parallel = workers is not None and workers.n > 1 and len(todo) >= PARTS_PARALLEL_FROM
    # a worker caches the part itself and hands back the document as it parsed it (pickled between
    # this build's own processes, never stored): the parent, which makes the registry's rows from
    # the parts in order, neither decodes JSON nor writes entries
    parsed = workers.map(_part_task, todo) if parallel and workers is not None else None
    for path, label, key, found in plan:
        if found is not None:
            yield found
            continue
        if parsed is not None:
            yield next(parsed)
            continue
        result = curation.read_registry_file(curation_dir, path)
        packed = _pack_part(key, *result) if key and cached else None
        if key and packed is not None and _same_bytes(path, label, key):
            store.put("parts", key, packed)
        yield result


def _pack_part(key: str | None, doc: dict[str, Any] | None, problems: list[Problem]) -> bytes | None:
    if key is None or doc is None:
        return None  # refused files are read again (their problems may depend on more than their bytes)
    try:
        return cache.pack(key, {}, {"doc": cache.encode(doc), "problems": [cache.problem_doc(p) for p in problems]})
    except TypeError:
        return None


def _unpack_part(data: bytes, key: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    _, doc = cache.unpack(data, key, {})
    try:
        return doc["doc"], [cache.problem(p) for p in doc["problems"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise cache.Invalid(f"part: {exc}") from exc


def _cached_part(store: cache.Store, key: str | None) -> tuple[dict[str, Any] | None, list[Problem]] | None:
    data = store.get("parts", key) if key else None
    if data is None:
        return None
    try:
        found = _unpack_part(data, key or "")
    except cache.Invalid:
        return None
    return found if isinstance(found[0], dict) else None


def _same_bytes(path: Path, label: str, key: str) -> bool:
    """The file still has the bytes its key was made from (a file edited mid-build is not cached)."""
    try:
        return cache.digest("part", cache.code_version(), label, path.read_bytes()) == key
    except OSError:
        return False


class _Deferred(assemble.Builder):
    """A cached registry's Builder whose state (ids, parsed conflict records, indices: most of the entry)
    is decoded on first use, not when the entry is read.

    After one article changed, every kind's finish is usually replayed (whole/memo.py) and nothing
    reads that state: decoding it was the largest part of reading the registry (13 s at 50,000
    articles, estimated). A state that does not decode as this code's is made again from the
    registry's files (`rebuild`), never trusted.
    """

    def defer(self, raw: bytes, names: frozenset[str], rebuild: Callable[[], dict[str, Any]]) -> None:
        for name in names:
            delattr(self, name)
        self.__dict__["_deferred"] = (raw, names, rebuild)

    def __getattr__(self, name: str) -> Any:  # only for an attribute not set: a deferred one
        deferred = self.__dict__.get("_deferred")
        if deferred is None or name not in deferred[1]:
            raise AttributeError(name)
        self.load()
        return getattr(self, name)

    def load(self) -> None:
        deferred = self.__dict__.pop("_deferred", None)
        if deferred is None:
            return
        raw, names, rebuild = deferred
        try:
            state = cache.decode_json(raw)
            if not isinstance(state, dict) or set(state) != names:
                raise cache.Invalid("another Builder")
        except cache.Invalid:
            state = rebuild()
        for name in names:
            setattr(self, name, state[name])

    def _state(self) -> tuple[tuple[str, int, int], ...]:
        self.load()
        return super()._state()

    def fork(self) -> assemble.Builder:
        self.load()
        return super().fork()


def _fresh_state(curation_dir: Path, kinds: Sequence[assemble.Kind]) -> dict[str, Any]:
    """The registry's state made again from its files (a cached state that did not decode)."""
    reg = registry(curation_dir, kinds, cache.Store(None))
    if reg.builder is None:
        raise RuntimeError("the registry, read without the cache, has problems its cached entry did not")
    return {k: v for k, v in vars(reg.builder).items() if k not in _STATE_SKIPPED}


def _unpack_registry(
    data: bytes, key: str, kinds: Sequence[assemble.Kind], rebuild: Callable[[], dict[str, Any]]
) -> Registry:
    frames, doc, blobs = cache.unpack_blobs(data, key, _schemas())
    builder = _Deferred(kinds)
    names = set(vars(builder)) - set(_STATE_SKIPPED)
    eager, raw = doc["eager"], blobs.get("state")
    if (
        not isinstance(eager, dict)
        or raw is None
        or set(blobs) != {"state"}
        or set(doc["keys"]) != names
        or set(eager) != set(_EAGER)
    ):
        raise cache.Invalid("another Builder")
    for k, v in eager.items():
        setattr(builder, k, v)
    builder.defer(raw, frozenset(names - set(_EAGER)), rebuild)
    builder.problems = [cache.problem(p) for p in doc["built"]]
    builder.absorb(frames, _pairs(doc["pairs"], frames))
    index = doc["index"]
    if not isinstance(index, str):
        raise cache.Invalid("no index")
    return Registry(builder, [], key, index)


# -- the articles --------------------------------------------------------------------------------


def items(planned: Sequence[tuple[str, Seed, Path | None]], known: Known | None = None) -> list[Item]:
    """The articles to build, each with its curation file's sha256 (from `known`'s records where they hold)."""
    out = []
    for article_id, seed, path in planned:
        sha = None
        if path is not None:
            try:
                sha = known.hashed(path) if known is not None else hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                sha = None  # unreadable: the reader says so; never cached (below)
        out.append(Item(article_id, seed, path, sha))
    return out


def chunks(all_items: Sequence[Item]) -> list[list[Item]]:
    """Runs of articles; a chunk ends after an id whose hash says so (or at MAX_CHUNK)."""
    out: list[list[Item]] = []
    current: list[Item] = []
    for item in all_items:
        current.append(item)
        h = int.from_bytes(hashlib.sha256(item.article_id.encode()).digest()[:8], "big")
        if h % CHUNK == 0 or len(current) >= MAX_CHUNK:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out


def _chunk_key(index: str | None, chunk: Sequence[Item]) -> str | None:
    if index is None or any(i.path is not None and i.sha256 is None for i in chunk):
        return None
    fields = [f"{i.article_id}\0{i.seed.file_name}\0{i.seed.sha256}\0{i.sha256}" for i in chunk]
    return cache.digest(index, *fields)


def chunk_keys(index: str | None, runs: Sequence[Sequence[Item]]) -> list[str | None]:
    """The cache key of each chunk given the registry's index (None: not cacheable)."""
    return [_chunk_key(index, c) for c in runs]


_SPAN_TABLES = ("articles", "statements", "evidence")


def run_chunk(builder: assemble.Builder | None, chunk: Sequence[Item]) -> Chunk:
    """Read, check and build every article of `chunk`; nothing outside the chunk is changed."""
    out = Chunk()
    fork = builder.fork() if builder is not None else None
    sizes = _shared_sizes(fork) if fork is not None else {}
    names: set[str] = set()
    texts: dict[str, str] = {}
    for item in chunk:
        article, found = curation.read_article_or_missing(item.path, item.seed)
        out.read += found
        if article is None or fork is None or found:
            continue
        texts[item.article_id] = article.seed.text
        statement_spans = fork.article(article)
        marks, later = coverage.quotations(article, statement_spans)
        out.later += later
        out.marks.append(marks)
        names.update(n["name"] for n in article.doc.get("names") or [])
    if fork is not None:
        if grown := [k for k, n in _shared_sizes(fork).items() if sizes.get(k) != n]:
            # what an article adds must travel with its rows (cache, worker): rows and problems only
            raise RuntimeError(
                f"a record kind's article() changed Builder.{grown[0]}; the per-article stage keeps only "
                "rows (Builder.add) and problems: anything else must be derived in registry() or finish()"
            )
        out.frames = {name: frame for name, sink in fork.sinks.items() if (frame := sink.frame()).height}
        out.pairs = {name: cache.frame_pair(name, frame) for name, frame in out.frames.items()}
        out.built = fork.problems
        # the rows of these tables are the articles' own (finish() adds none): their spans are checked here
        schemas = {name: fork.sinks[name].schema for name in _SPAN_TABLES}
        own = {name: out.frames.get(name, pl.DataFrame(schema=schemas[name])) for name in _SPAN_TABLES}
        out.spans = spans.span_problems(own, texts)
    out.names = sorted(names)
    return out


_SCRATCH = ("kinds", "sinks", "problems", "published")  # per article, or the stage's own


def _shared_sizes(builder: assemble.Builder) -> dict[str, int]:
    """The size of every container the Builder shares with its forks (the registry's indices)."""
    return {k: len(v) for k, v in vars(builder).items() if k not in _SCRATCH and hasattr(v, "__len__")}


def _pack_chunk(key: str, c: Chunk) -> bytes:
    marks = bundle.marks_doc(c.marks)
    doc = {
        "read": [cache.problem_doc(p) for p in c.read],
        "built": [cache.problem_doc(p) for p in c.built],
        "later": [cache.problem_doc(p) for p in c.later],
        "marks": marks,
        "names": c.names,
        "spans": [cache.problem_doc(p) for p in c.spans],
        "pairs": {name: list(pair) for name, pair in c.pairs.items()},
    }
    return cache.pack(key, c.frames, doc)


def _pairs(doc: Any, frames: Mapping[str, pl.DataFrame]) -> dict[str, cache.Pair]:
    """The digests an entry keeps for each of its frames (Invalid unless one pair of strings per frame)."""
    if not isinstance(doc, dict) or set(doc) != set(frames):
        raise cache.Invalid("pairs")
    return {name: cache.pair_of(pair) for name, pair in doc.items()}


def _marks(doc: Any) -> list[coverage.Marks]:
    try:
        return [
            coverage.Marks(
                str(a),
                str(label),
                (int(body[0]), int(body[1])),
                [(int(x), int(y)) for x, y in excluded],
                [(int(x), int(y)) for x, y in dismissed],
                frozenset(str(n) for n in curated),
            )
            for a, label, body, excluded, dismissed, curated in doc
        ]
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise cache.Invalid(f"marks: {exc}") from exc


def _unpack_chunk(data: bytes, key: str, schemas: dict[str, dict[str, pl.DataType]]) -> Chunk:
    frames, doc = cache.unpack(data, key, schemas)
    try:
        return Chunk(
            frames,
            [cache.problem(p) for p in doc["read"]],
            [cache.problem(p) for p in doc["built"]],
            [cache.problem(p) for p in doc["later"]],
            _marks(doc["marks"]),
            [str(n) for n in doc["names"]],
            [cache.problem(p) for p in doc["spans"]],
            _pairs(doc["pairs"], frames),
        )
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise cache.Invalid(f"doc: {exc}") from exc


def articles(
    reg: Registry,
    runs: Sequence[Sequence[Item]],
    keys: Sequence[str | None],
    store: cache.Store,
    workers: Workers,
    on_article: Callable[[str], None] | None = None,
) -> list[Chunk]:
    """Every chunk's result, in article order: from the bundle, cached chunks read, the others computed
    (in parallel); the bundle written again when enough of the corpus differs from it (bundle.py)."""
    schemas = _schemas()
    results: list[Chunk | None] = [None] * len(runs)
    index = reg.index if reg.builder is not None else None
    held = bundle.read(store, index, schemas) if index is not None else None
    if held is not None:
        _from_bundle(held, keys, results)
    todo: list[int] = []
    for i, (run, key) in enumerate(zip(runs, keys, strict=True)):
        if results[i] is not None:
            if on_article:
                for item in run:
                    on_article(item.article_id)
            continue
        data = store.get("articles", key) if key else None
        if data is not None:
            with contextlib.suppress(cache.Invalid):  # not ours or damaged: computed again
                results[i] = _unpack_chunk(data, key, schemas)  # type: ignore[arg-type]
        if results[i] is None:
            todo.append(i)
        elif on_article:
            for item in run:
                on_article(item.article_id)
    cached = {i for i, r in enumerate(results) if r is not None}
    if not todo:
        _rebundle(store, index, held, keys, results, cached)
        return [r for r in results if r is not None]
    parallel = workers.n > 1 and len(todo) > 1 and sum(len(runs[i]) for i in todo) >= PARALLEL_FROM
    kept: set[int] = set()  # the chunks computed and cached
    if parallel and index is not None and not workers.share(store, "index", index, reg.index_doc):
        parallel = False  # an index the workers cannot be handed
    if parallel and (reg.builder is None or index is not None):
        answers = workers.map(_work, [(runs[i], keys[i], index) for i in todo])
        for i, (packed, raw) in zip(todo, answers, strict=True):
            result = _unpack_chunk(packed, keys[i] or "", schemas) if raw is None else raw
            if _take(results, i, result, packed if raw is None else None, keys[i], store, runs[i], on_article):
                kept.add(i)
    else:
        builder = _index_of(reg, store)
        for i in todo:
            result = run_chunk(builder, runs[i])
            packed = _pack_chunk(keys[i], result) if keys[i] and builder is not None else None
            if _take(results, i, result, packed, keys[i], store, runs[i], on_article):
                kept.add(i)
    _rebundle(store, index, held, keys, results, cached | kept)
    return [r for r in results if r is not None]


def _from_bundle(held: bundle.Bundle, keys: Sequence[str | None], results: list[Chunk | None]) -> None:
    """Every chunk the bundle holds under its exact key; a run of consecutive ones as one slice per table."""
    found = [held.at.get(key) if key else None for key in keys]
    i = 0
    while i < len(keys):
        first = found[i]
        if first is None:
            i += 1
            continue
        j = i + 1
        while j < len(keys) and found[j] == first + (j - i):
            j += 1
        frames, pairs = bundle.run_frames(held, first, first + (j - i))
        for k in range(i, j):
            r = held.records[first + (k - i)]
            results[k] = Chunk(
                frames if k == i else {},
                r[3],
                r[4],
                r[5],
                [],
                r[7],
                r[6],
                pairs if k == i else {},
                record=r,
                marks_text=r[8],
            )
        i = j


def _rebundle(
    store: cache.Store,
    index: str | None,
    held: bundle.Bundle | None,
    keys: Sequence[str | None],
    results: Sequence[Chunk | None],
    cached: set[int],
) -> None:
    """Write the bundle again when none is held or more than 1/REWRITE of the rows differ from it.

    `cached`: the chunks whose results are in the store (from the bundle, or an entry of their own)."""
    if index is None or store.root is None:
        return
    rows = [sum(f.height for f in r.frames.values()) if r is not None else 0 for r in results]
    taken = sum(n for r, n in zip(results, rows, strict=True) if r is not None and r.record is not None)
    differ = sum(rows) - taken + (held.rows - taken if held is not None else 0)
    if held is not None and differ * bundle.REWRITE <= sum(rows):
        return
    parts = []
    for i, r in enumerate(results):
        key = keys[i]
        if r is None or key is None or i not in cached:
            continue  # not cacheable: not bundled either
        if r.record is not None:
            prev = results[i - 1] if i else None
            if (
                held is not None
                and prev is not None
                and prev.record is not None
                and i - 1 in cached
                and held.at[key] == held.at[keys[i - 1] or ""] + 1
            ):  # of the previous chunk's run: its rows are in the slice of the run's first chunk
                parts[-1][1].append(r.record)
                continue
            parts.append((r.frames, [r.record]))
        else:
            parts.append((r.frames, [bundle.record(key, r.frames, r.pairs, r)]))
    with contextlib.suppress(OSError):
        bundle.write(store, index, parts)


def _index_of(reg: Registry, store: cache.Store) -> assemble.Builder | None:
    """The Builder every chunk is built against: the index (as in a worker), or the registry when it has none."""
    if reg.builder is None or reg.index is None:
        return reg.builder
    from pak_afghan_diplomacy.pipeline.article import records

    if reg.index_doc is not None:
        return index_builder(reg.index_doc, records.KINDS)
    try:
        return _load_index(store, reg.index, records.KINDS)
    except cache.Invalid:
        return reg.builder  # never reached when the store holds it (registry() checks); the same answers


def names(
    reg: Registry,
    runs: Sequence[Sequence[Item]],
    keys: Sequence[str | None],
    results: Sequence[Chunk],
    store: cache.Store,
    workers: Workers,
    texts: Mapping[str, str],
) -> list[Problem]:
    """The names pass (`coverage.names`) of every chunk, against every spelling curated anywhere.

    A chunk's result depends on its own marks and texts and on the set of known spellings, so it
    is cached under the chunk's key and that set's sha256: a rebuild in which no spelling changed
    checks only the chunks that changed.
    """
    assert reg.builder is not None
    curated = {n for r in results for n in r.names}
    known = coverage.spellings(reg.builder.canonical_names | curated)
    ordered = sorted(known)
    known_key = cache.digest("known", cache.code_version(), *ordered)
    found: list[list[Problem] | None] = [None] * len(results)
    todo: list[int] = []
    # every chunk's result in one entry too (as bundle.py keeps the rows), under the index and the spellings
    bkey = cache.digest("names", reg.index, known_key) if reg.index else None
    held = _names_bundle(store, bkey)
    for i, key in enumerate(keys):
        if key and key in held:
            found[i] = held[key]
            continue
        nkey = cache.digest(key, known_key) if key else None
        data = store.get("names", nkey) if nkey else None
        if data is not None:
            with contextlib.suppress(cache.Invalid, KeyError, TypeError, ValueError):
                _, doc = cache.unpack(data, nkey or "", {})
                found[i] = [cache.problem(p) for p in doc]
        if found[i] is None:
            todo.append(i)
    parallel = workers.n > 1 and len(todo) > 1 and sum(len(runs[i]) for i in todo) >= PARALLEL_FROM

    def marks_of(i: int) -> list[coverage.Marks]:
        try:
            return results[i].all_marks()
        except (cache.Invalid, ValueError):  # a bundle's marks that do not decode: made again, never trusted
            return run_chunk(_index_of(reg, store), runs[i]).marks

    if parallel and workers.share(store, "known", known_key, json.dumps(ordered, ensure_ascii=False).encode()):
        tasks = [(marks_of(i), {it.article_id: it.seed for it in runs[i]}, known_key) for i in todo]
        answers: Iterator[list[Problem]] = workers.map(_names_work, tasks)
    else:
        answers = (coverage.names(marks_of(i), texts, known) for i in todo)
    for i, problems in zip(todo, answers, strict=True):
        found[i] = problems
        if keys[i]:
            nkey = cache.digest(keys[i] or "", known_key)
            store.put("names", nkey, cache.pack(nkey, {}, [cache.problem_doc(p) for p in problems]))
    taken = sum(1 for key in keys if key and key in held)
    if (
        bkey
        and store.root is not None
        and (not held or (len(keys) - taken + len(held) - taken) * bundle.REWRITE > len(keys))
    ):
        doc = [
            [key, [cache.problem_doc(p) for p in f]]
            for key, f in zip(keys, found, strict=True)
            if key and f is not None
        ]
        with contextlib.suppress(OSError):
            store.put("names-bundle", bkey, cache.pack(bkey, {}, doc))
            store.keep_only("names-bundle", bkey)
    return [p for f in found for p in f or []]


def _names_bundle(store: cache.Store, key: str | None) -> dict[str, list[Problem]]:
    """Chunk key -> its names-pass problems, from the one entry of them all (empty: absent or not ours)."""
    data = store.get("names-bundle", key) if key else None
    if data is None:
        return {}
    try:
        _, doc = cache.unpack(data, key or "", {})
        out = {k: [cache.problem(p) for p in found] for k, found in doc}
        if not all(isinstance(k, str) for k in out) or len(out) != len(doc):
            return {}
        return out
    except (cache.Invalid, TypeError, ValueError):
        return {}


def plan(reg: Registry, planned: Sequence[tuple[str, Seed, Path | None]]) -> tuple[list[list[Item]], list[str | None]]:
    """The chunks of the articles, and the cache key of each (None: not cacheable)."""
    runs = chunks(items(planned))
    return runs, chunk_keys(reg.index, runs)


@contextlib.contextmanager
def _main_hidden() -> Iterator[None]:
    """Start workers without the caller's `__main__`: they need nothing of it, and a spawned worker
    would otherwise run a script's top level again (and a script that builds, build again)."""
    saved = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if saved is not None:
            sys.modules["__main__"] = saved


def _take(
    results: list[Chunk | None],
    i: int,
    result: Chunk,
    data: bytes | None,
    key: str | None,
    store: cache.Store,
    run: Sequence[Item],
    on_article: Callable[[str], None] | None,
) -> bool:
    """Take a computed chunk; True if it was cached (its curation files still have the bytes of its key)."""
    results[i] = result
    kept = bool(key and data is not None and _unchanged(run))
    if kept:
        store.put("articles", key, data)  # type: ignore[arg-type]
    if on_article:
        for item in run:
            on_article(item.article_id)
    return kept


def _unchanged(run: Sequence[Item]) -> bool:
    """Every curation file still has the bytes its key was made from (a file edited mid-build is not cached)."""
    for item in run:
        if item.path is None:
            continue
        try:
            if hashlib.sha256(item.path.read_bytes()).hexdigest() != item.sha256:
                return False
        except OSError:
            return False
    return True


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class Workers:
    """Worker processes, started on first need and shared by the registry's parts, the chunks and the names.

    What every task needs (the index, the known spellings) is not sent with each task: it is put
    in a store the workers read (the cache, or a temporary folder when the build has none), each
    worker loading it once per key. Results come back in task order; only a few tasks per worker
    are in flight, so the parent never holds every result at once.
    """

    IN_FLIGHT = 4  # tasks per worker

    def __init__(self, jobs: int | None, store: cache.Store):
        self.n = jobs or available_cores()
        self.store = store
        self._pool: ProcessPoolExecutor | None = None
        self._scratch: tempfile.TemporaryDirectory[str] | None = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
        if self._scratch is not None:
            self._scratch.cleanup()

    def _handoff(self) -> cache.Store:
        if self.store.root is not None:
            return self.store
        if self._scratch is None:
            self._scratch = tempfile.TemporaryDirectory(prefix="pad-workers-")
        return cache.Store(Path(self._scratch.name))

    def share(self, store: cache.Store, kind: str, key: str, raw: bytes | None) -> bool:
        """Make the entry `kind`/`key` readable by the workers (from `raw`, or as `store` holds it)."""
        handoff = self._handoff()
        if handoff.get(kind, key) is not None:
            return True
        if raw is None:
            data = store.get(kind, key)
        else:  # the index as the registry stage stores it; the known spellings as a JSON text in a doc
            data = cache.pack_bytes(key, [raw]) if kind == "index" else cache.pack(key, {}, {"raw": raw.decode()})
        if data is None:
            return False
        handoff.put(kind, key, data)
        return handoff.get(kind, key) is not None

    def map(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> Iterator[Any]:
        """fn(task) for every task, in a worker, yielded in task order."""
        if self._pool is None:
            root = self._handoff().root
            self._pool = ProcessPoolExecutor(
                self.n,
                mp_context=multiprocessing.get_context("spawn"),  # polars' threads make fork unsafe
                initializer=_init_worker,
                initargs=(str(root),),
            )
        return self._ordered(self._pool, fn, tasks)

    def _ordered(self, pool: ProcessPoolExecutor, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> Iterator[Any]:
        pending: collections.deque[Future[Any]] = collections.deque()
        rest = iter(tasks)
        with _main_hidden():  # the workers start here, on the first tasks
            for task in itertools.islice(rest, self.n * self.IN_FLIGHT):
                pending.append(pool.submit(fn, task))
        while pending:
            done = pending.popleft().result()
            for task in itertools.islice(rest, 1):
                pending.append(pool.submit(fn, task))
            yield done


# -- in a worker process ----------------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _init_worker(root: str) -> None:
    gc.disable()  # as in the parent (run._collector_paused): a worker lives for one build
    _WORKER["store"] = cache.Store(Path(root))


def _shared(kind: str, key: str) -> Any:
    """The entry the parent shared for this kind (loaded once per key)."""
    held = _WORKER.get(kind)
    if held is not None and held[0] == key:
        return held[1]
    from pak_afghan_diplomacy.pipeline.article import records

    store = _WORKER["store"]
    if kind == "index":
        value: Any = _load_index(store, key, records.KINDS)
    else:
        data = store.get(kind, key)
        if data is None:
            raise RuntimeError(f"the parent shared no {kind} {key}")
        _, doc = cache.unpack(data, key, {})
        value = set(json.loads(doc["raw"]))
    _WORKER[kind] = (key, value)
    return value


def _part_task(task: tuple[str, str, str, str | None, bool]) -> tuple[dict[str, Any] | None, list[Problem]]:
    """One registry part as read, cached here (when the build caches) if the file still has its key's bytes."""
    curation_dir, path, label, key, cached = task
    doc, problems = curation.read_registry_file(Path(curation_dir), Path(path))
    packed = _pack_part(key, doc, problems) if key and cached else None
    if key and packed is not None and _same_bytes(Path(path), label, key):
        _WORKER["store"].put("parts", key, packed)
    return doc, problems


def _work(task: tuple[Sequence[Item], str | None, str | None]) -> tuple[bytes, Chunk | None]:
    """One chunk: packed (the parent checks and caches it) or, when it cannot be cached, as it is."""
    run, key, index = task
    builder = _shared("index", index) if index is not None else None
    result = run_chunk(builder, run)
    if key and builder is not None:
        return _pack_chunk(key, result), None
    return b"", result


def _names_work(task: tuple[list[coverage.Marks], dict[str, Seed], str]) -> list[Problem]:
    marks, seeds, known_key = task
    texts = {aid: seed.text for aid, seed in seeds.items()}
    return coverage.names(marks, texts, _shared("known", known_key))
