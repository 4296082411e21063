"""The build: seeds -> curation -> tables -> validation -> publication.

Each step is a module named for what it does; `build()` runs them in order and
publishes only when every check has passed.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pak_afghan_diplomacy.pipeline.article import cache as article_cache
from pak_afghan_diplomacy.pipeline.article import coverage, records, stage
from pak_afghan_diplomacy.pipeline.problems import BuildError, Problem
from pak_afghan_diplomacy.pipeline.publish import render as publish
from pak_afghan_diplomacy.pipeline.read import curation, seeds
from pak_afghan_diplomacy.pipeline.whole import cells, checks, reconcile
from pak_afghan_diplomacy.schema import MODELS
from pak_afghan_diplomacy.schema.frictionless import polars_schema


@dataclass(frozen=True)
class Layout:
    """Where a checkout keeps its inputs and its published package."""

    root: Path

    @property
    def seeds(self) -> Path:
        return self.root / "seeds"

    @property
    def curation(self) -> Path:
        return self.root / "build"

    @property
    def datasets(self) -> Path:
        return self.root / "datasets"


CACHE = ".cache"  # under the checkout's root; ignored by git, safe to delete
DESCRIPTOR_PATH = publish.DESCRIPTOR


def make_tables(
    layout: Layout,
    progress: Callable[[int], Callable[[str], None]] | None = None,
    *,
    jobs: int | None = None,
    cache: bool = True,
) -> tuple[dict[str, pl.DataFrame], Mapping[str, str]]:
    """Read, assemble and validate; raise BuildError with every problem found.

    Two stages. Per article (`article/stage.py`): the registry once, then each article read,
    checked against the spec and its seed, turned into rows and checked for uncurated quotations,
    independently of the others, cached under `.cache/` and spread over `jobs` processes (default:
    every core). Then the whole: the assembled rows reconciled, checked across records and
    articles, and validated. Problems of reading (files, YAML, spec, body) are all collected first;
    only when there are none do the reference, coverage and table checks count. `progress(total)`
    may return a callback, called once per article done.
    """
    frames, texts, _ = _tables(layout, progress, jobs, cache)
    return frames, texts


def _tables(
    layout: Layout, progress: Callable[[int], Callable[[str], None]] | None, jobs: int | None, use_cache: bool
) -> tuple[dict[str, pl.DataFrame], Mapping[str, str], str | None]:
    """The tables, their texts, and the key of the whole (None: not cacheable)."""
    try:
        with _collector_paused():
            return _make_tables(layout, progress, jobs, _store(layout, use_cache))
    except seeds.SeedChanged as exc:
        raise BuildError(
            [Problem(f"seeds/{exc}", check="sha256", message="bytes changed during the build; seeds are never edited")]
        ) from None


def _store(layout: Layout, use_cache: bool) -> article_cache.Store:
    return article_cache.Store(layout.root / CACHE if use_cache else None)


def _make_tables(
    layout: Layout,
    progress: Callable[[int], Callable[[str], None]] | None,
    jobs: int | None,
    store: article_cache.Store,
) -> tuple[dict[str, pl.DataFrame], Mapping[str, str], str | None]:
    found_seeds, problems = seeds.read_seeds(layout.seeds)
    present = {p.stem for p in layout.seeds.glob("*.txt")}
    tick = progress(len(found_seeds)) if progress else None
    reg = stage.registry(layout.curation, records.KINDS, store)
    problems += reg.problems
    orphans, planned = curation.plan(layout.curation, found_seeds, present)
    problems += orphans
    runs, keys = stage.plan(reg, planned)
    texts = seeds.Texts(found_seeds)
    whole = None
    if not problems and reg.key and all(keys):
        # every article's result and the registry's are keyed: so are the checked tables they make
        whole = article_cache.digest("whole", reg.key, *[k for k in keys if k])
        if (frames := _cached_whole(store, whole)) is not None:
            return frames, texts, whole
    results = stage.articles(reg, runs, keys, store, jobs, tick)
    for r in results:
        problems += r.read
    builder = reg.builder
    if builder is None or problems:
        raise BuildError(problems)
    marks: list[coverage.Marks] = []
    names: set[str] = set()
    later: list[Problem] = []  # reported only when reading found nothing wrong
    for r in results:
        builder.absorb(r.frames)
        builder.problems += r.built
        later += r.later
        marks += r.marks
        names.update(r.names)
    del results
    tables = builder.finish()
    problems = builder.problems + later
    problems += coverage.names(marks, texts, coverage.spellings(builder.canonical_names | names))
    problems += reconcile.problems(tables, builder.distinct, texts)
    if problems:
        raise BuildError(problems)
    problems += checks.all_problems(tables.frames, texts, locate=tables.locate)
    problems += cells.cell_problems(tables.frames, tables.locate)
    if problems:
        raise BuildError(problems)
    if whole:
        store.put("whole", whole, article_cache.pack(whole, tables.frames, {}))
    return tables.frames, texts, whole


def _cached_whole(store: article_cache.Store, key: str) -> dict[str, pl.DataFrame] | None:
    """The checked tables of a build with exactly these inputs and this code, if the cache has them whole."""
    data = store.get("whole", key)
    if data is None:
        return None
    try:
        frames, _ = article_cache.unpack(data, key, {name: polars_schema(MODELS[name]) for name in MODELS})
    except article_cache.Invalid:
        return None
    empty = {name: pl.DataFrame(schema=polars_schema(MODELS[name])) for name in MODELS if name not in frames}
    return {name: frames[name] if name in frames else empty[name] for name in MODELS}


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while the build allocates millions of small objects.

    The build makes no reference cycles worth collecting; with the collector running, its passes
    over an ever larger heap made reading the curation cost more per article as the corpus grew.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def build(
    layout: Layout,
    out: Path | None = None,
    progress: Callable[[int], Callable[[str], None]] | None = None,
    *,
    jobs: int | None = None,
    cache: bool = True,
) -> dict[str, int]:
    """Build and publish into `out` (default: the checkout's datasets/). Returns row counts.

    A target that is not ours to replace is refused before any work (and again under the lock).
    A target that already holds, file for file (every sha256 checked), the package these inputs
    and this code publish is left as it is.
    """
    target = out or layout.datasets
    for inputs in (layout.seeds, layout.curation):  # the inputs are never written, not even below them
        if target.resolve().is_relative_to(inputs.resolve()):
            raise publish.OutputRefused(
                target, f"lies inside {inputs.name}/, which a build never writes: refusing to publish there"
            )
    publish.check_target(target)
    frames, _, whole = _tables(layout, progress, jobs, cache)
    store = _store(layout, cache)
    if not (whole and _in_place(store, whole, target)):
        publish.write_atomic(publish.render_files(frames), target)
        if whole:
            with contextlib.suppress(OSError):
                descriptor = (target / publish.DESCRIPTOR).read_bytes()
                store.put("published", whole, article_cache.pack(whole, {}, hashlib.sha256(descriptor).hexdigest()))
    if whole:  # the whole corpus's entries are large and only the latest is of use: the cache stays bounded
        with contextlib.suppress(OSError):
            for kind in ("whole", "published"):
                store.keep_only(kind, whole)
    return {name: frame.height for name, frame in frames.items()}


def _in_place(store: article_cache.Store, key: str, target: Path) -> bool:
    """`target` holds the package published for `key`: its descriptor, and every file it lists with its sha256."""
    data = store.get("published", key)
    if data is None:
        return False
    try:
        _, expected = article_cache.unpack(data, key, {})
        descriptor = (target / publish.DESCRIPTOR).read_bytes()
        if hashlib.sha256(descriptor).hexdigest() != expected:
            return False
        listed = {DESCRIPTOR_PATH: None} | {
            r["path"]: r["hash"].removeprefix("sha256:") for r in json.loads(descriptor)["resources"]
        }
        present = {p.relative_to(target).as_posix() for p in target.rglob("*") if not p.is_dir()}
        if present != set(listed):
            return False
        for path, sha in listed.items():
            if sha is not None and hashlib.sha256((target / path).read_bytes()).hexdigest() != sha:
                return False
    except (article_cache.Invalid, OSError, ValueError, KeyError, TypeError, AttributeError):
        return False
    return True
