"""The per-article stage: the registry once, then every article on its own, cached and on all cores.

Given the registry, an article's result (its rows, its problems, what the names pass needs of
it) depends on nothing but its curation file, its seed and the code. So the registry's result is
made once (or read from the cache), and the articles are cut into chunks whose results are cached
under the sha256 of exactly those inputs (`cache.py`). Chunks not in the cache are computed in
worker processes (`concurrent.futures`, one per core; results taken in chunk order, so the
assembled tables are the same whatever finishes first, and the same as in one process).

Chunk boundaries are set by the article ids themselves (an id whose hash ends a chunk), so adding
or removing an article changes one chunk, not every chunk after it. What a record kind's
`article()` does is not this module's business: it runs `Builder.article`, which calls every kind.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import multiprocessing
import os
import sys
import types
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from pak_afghan_diplomacy.pipeline.article import assemble, cache, coverage
from pak_afghan_diplomacy.pipeline.problems import Problem
from pak_afghan_diplomacy.pipeline.read import curation
from pak_afghan_diplomacy.pipeline.read.seeds import Seed

CHUNK = 128  # articles per chunk, on average: a chunk is the unit of caching and of work
MAX_CHUNK = 4 * CHUNK
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
    payload: bytes | None = None  # the packed entry, handed to worker processes


@dataclass
class Chunk:
    """What a run of articles adds: rows (with `_where`, `_line`), problems by phase, names-pass marks."""

    frames: dict[str, pl.DataFrame] = field(default_factory=dict)
    read: list[Problem] = field(default_factory=list)  # reading: files, YAML, spec, body
    built: list[Problem] = field(default_factory=list)  # the record kinds' checks
    later: list[Problem] = field(default_factory=list)  # coverage of quotations
    marks: list[coverage.Marks] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # spellings curated in these articles


def _schemas() -> dict[str, dict[str, pl.DataType]]:
    return {name: dict(sink.schema) for name, sink in assemble.Builder(()).sinks.items()}


# -- the registry --------------------------------------------------------------------------------


def registry(curation_dir: Path, kinds: Sequence[assemble.Kind], store: cache.Store) -> Registry:
    """The registry's rows and indices, from the cache when every registry file and the code are unchanged."""
    key = _registry_key(curation_dir)
    if key is not None and (data := store.get("registry", key)) is not None:
        try:
            return _unpack_registry(data, key, kinds)
        except (cache.Invalid, AttributeError, KeyError, TypeError, ValueError):
            pass  # not ours or damaged: rebuilt below
    builder = assemble.Builder(kinds)
    problems: list[Problem] = []

    def files() -> Iterator[dict]:
        for doc, found in curation.registry_files(curation_dir):
            problems.extend(found)
            if doc is not None and not found:
                yield doc

    builder.registry(files())
    if problems:
        return Registry(None, problems)
    frames = {name: sink.frame() for name, sink in builder.sinks.items()}
    state = {k: v for k, v in vars(builder).items() if k not in _STATE_SKIPPED}
    try:
        doc = {"built": [cache.problem_doc(p) for p in builder.problems], "state": cache.encode(state)}
    except TypeError:  # a kind keeps a value the cache cannot write: build without caching the registry
        return Registry(builder, problems)
    payload = cache.pack(key, frames, doc) if key else None
    if key and payload:
        store.put("registry", key, payload)
        with contextlib.suppress(OSError):
            store.keep_only("registry", key)  # one registry is current; its entry can be large
    return Registry(builder, problems, key, payload)


def _registry_key(curation_dir: Path) -> str | None:
    # the date too: a check compares publication dates with today, so no result outlives its day
    parts: list[str | bytes] = [cache.code_version(), dt.date.today().isoformat()]
    for path in curation.registry_paths(curation_dir):
        try:
            if path.is_symlink() or not path.is_file():
                return None  # a problem the reader reports; nothing to cache
            parts += [path.name if path.parent == curation_dir else f"registry/{path.name}", path.read_bytes()]
        except OSError:
            return None
    return cache.digest(*parts)


def _unpack_registry(data: bytes, key: str, kinds: Sequence[assemble.Kind]) -> Registry:
    frames, doc = cache.unpack(data, key, _schemas())
    builder = assemble.Builder(kinds)
    state = doc["state"]
    if not isinstance(state, dict) or set(state) != set(vars(builder)) - set(_STATE_SKIPPED):
        raise cache.Invalid("another Builder")
    for k, v in state.items():
        setattr(builder, k, v)
    builder.problems = [cache.problem(p) for p in doc["built"]]
    builder.absorb(frames)
    return Registry(builder, [], key, data)


# -- the articles --------------------------------------------------------------------------------


def items(planned: Sequence[tuple[str, Seed, Path | None]]) -> list[Item]:
    out = []
    for article_id, seed, path in planned:
        sha = None
        if path is not None:
            try:
                sha = hashlib.sha256(path.read_bytes()).hexdigest()
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


def _chunk_key(reg: Registry, chunk: Sequence[Item]) -> str | None:
    if reg.key is None or any(i.path is not None and i.sha256 is None for i in chunk):
        return None
    fields = [f"{i.article_id}\0{i.seed.file_name}\0{i.seed.sha256}\0{i.sha256}" for i in chunk]
    return cache.digest(reg.key, *fields)


def run_chunk(builder: assemble.Builder | None, chunk: Sequence[Item]) -> Chunk:
    """Read, check and build every article of `chunk`; nothing outside the chunk is changed."""
    out = Chunk()
    fork = builder.fork() if builder is not None else None
    sizes = _shared_sizes(fork) if fork is not None else {}
    names: set[str] = set()
    for item in chunk:
        article, found = curation.read_article_or_missing(item.path, item.seed)
        out.read += found
        if article is None or fork is None or found:
            continue
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
        out.built = fork.problems
    out.names = sorted(names)
    return out


_SCRATCH = ("kinds", "sinks", "problems", "published")  # per article, or the stage's own


def _shared_sizes(builder: assemble.Builder) -> dict[str, int]:
    """The size of every container the Builder shares with its forks (the registry's indices)."""
    return {k: len(v) for k, v in vars(builder).items() if k not in _SCRATCH and hasattr(v, "__len__")}


def _pack_chunk(key: str, c: Chunk) -> bytes:
    marks = [[m.article_id, m.label, list(m.body), m.excluded, m.dismissed, sorted(m.curated)] for m in c.marks]
    doc = {
        "read": [cache.problem_doc(p) for p in c.read],
        "built": [cache.problem_doc(p) for p in c.built],
        "later": [cache.problem_doc(p) for p in c.later],
        "marks": marks,
        "names": c.names,
    }
    return cache.pack(key, c.frames, doc)


def _unpack_chunk(data: bytes, key: str, schemas: dict[str, dict[str, pl.DataType]]) -> Chunk:
    frames, doc = cache.unpack(data, key, schemas)
    try:
        marks = [
            coverage.Marks(
                str(a),
                str(label),
                (int(body[0]), int(body[1])),
                [(int(x), int(y)) for x, y in excluded],
                [(int(x), int(y)) for x, y in dismissed],
                frozenset(str(n) for n in curated),
            )
            for a, label, body, excluded, dismissed, curated in doc["marks"]
        ]
        return Chunk(
            frames,
            [cache.problem(p) for p in doc["read"]],
            [cache.problem(p) for p in doc["built"]],
            [cache.problem(p) for p in doc["later"]],
            marks,
            [str(n) for n in doc["names"]],
        )
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise cache.Invalid(f"doc: {exc}") from exc


def plan(reg: Registry, planned: Sequence[tuple[str, Seed, Path | None]]) -> tuple[list[list[Item]], list[str | None]]:
    """The chunks of the articles, and the cache key of each (None: not cacheable)."""
    runs = chunks(items(planned))
    return runs, [_chunk_key(reg, c) for c in runs]


def articles(
    reg: Registry,
    runs: Sequence[Sequence[Item]],
    keys: Sequence[str | None],
    store: cache.Store,
    jobs: int | None = None,
    on_article: Callable[[str], None] | None = None,
) -> list[Chunk]:
    """Every chunk's result, in article order: cached chunks read, the others computed (in parallel)."""
    schemas = _schemas()
    results: list[Chunk | None] = [None] * len(runs)
    todo: list[int] = []
    for i, (run, key) in enumerate(zip(runs, keys, strict=True)):
        data = store.get("articles", key) if key else None
        if data is not None:
            with contextlib.suppress(cache.Invalid):  # not ours or damaged: computed again
                results[i] = _unpack_chunk(data, key, schemas)  # type: ignore[arg-type]
        if results[i] is None:
            todo.append(i)
        elif on_article:
            for item in run:
                on_article(item.article_id)
    workers = min(jobs or available_cores(), len(todo))
    if sum(len(runs[i]) for i in todo) < PARALLEL_FROM or (reg.builder is not None and reg.payload is None):
        workers = 1  # too little to share out, or a registry the workers cannot be handed
    done: Iterator[tuple[int, Chunk, bytes | None]]
    if workers < 2:
        done = ((i, *_compute(reg.builder, runs[i], keys[i])) for i in todo)
        for i, result, data in done:
            _take(results, i, result, data, keys[i], store, runs[i], on_article)
    else:
        context = multiprocessing.get_context("spawn")  # polars' threads make fork unsafe
        with ProcessPoolExecutor(
            workers, mp_context=context, initializer=_init_worker, initargs=(reg.key, reg.payload)
        ) as pool:
            with _main_hidden():  # the workers start here, on the first tasks
                answers = pool.map(_work, [(runs[i], keys[i]) for i in todo])
            for i, (packed, read_only) in zip(todo, answers, strict=True):
                result = _unpack_chunk(packed, keys[i] or "", schemas) if read_only is None else read_only
                _take(results, i, result, packed if read_only is None else None, keys[i], store, runs[i], on_article)
    return [r for r in results if r is not None]


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


def _compute(builder: assemble.Builder | None, run: Sequence[Item], key: str | None) -> tuple[Chunk, bytes | None]:
    result = run_chunk(builder, run)
    return result, (_pack_chunk(key, result) if key and builder is not None else None)


def _take(
    results: list[Chunk | None],
    i: int,
    result: Chunk,
    data: bytes | None,
    key: str | None,
    store: cache.Store,
    run: Sequence[Item],
    on_article: Callable[[str], None] | None,
) -> None:
    results[i] = result
    if key and data is not None and _unchanged(run):
        store.put("articles", key, data)
    if on_article:
        for item in run:
            on_article(item.article_id)


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


# -- in a worker process ----------------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _init_worker(key: str | None, payload: bytes | None) -> None:
    from pak_afghan_diplomacy.pipeline.article import records

    gc.disable()  # as in the parent (run._collector_paused): a worker lives for one build
    _WORKER["builder"] = _unpack_registry(payload, key, records.KINDS).builder if payload and key else None


def _work(task: tuple[Sequence[Item], str | None]) -> tuple[bytes, Chunk | None]:
    """One chunk: packed (the parent checks and caches it) or, when it cannot be cached, as it is."""
    run, key = task
    builder = _WORKER["builder"]
    result = run_chunk(builder, run)
    if key and builder is not None:
        return _pack_chunk(key, result), None
    return b"", result
