"""The build: seeds -> curation -> tables -> validation -> publication.

Each step is a module named for what it does; `build()` runs them in order and
publishes only when every check has passed.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
import hashlib
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pak_afghan_diplomacy.pipeline.article import assemble, records, stage
from pak_afghan_diplomacy.pipeline.article import cache as article_cache
from pak_afghan_diplomacy.pipeline.article import known as article_known
from pak_afghan_diplomacy.pipeline.problems import BuildError, Problem
from pak_afghan_diplomacy.pipeline.publish import render as publish
from pak_afghan_diplomacy.pipeline.read import curation, seeds
from pak_afghan_diplomacy.pipeline.whole import cells, checks, memo, reconcile
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
    assert frames is not None
    return frames, texts


def _tables(
    layout: Layout,
    progress: Callable[[int], Callable[[str], None]] | None,
    jobs: int | None,
    use_cache: bool,
    settled: Callable[[str], bool] | None = None,
    digest_of: memo.Digests | None = None,
    keep_whole: bool = True,
) -> tuple[dict[str, pl.DataFrame] | None, Mapping[str, str], str | None]:
    """The tables, their texts, and the key of the whole (None: not cacheable).

    No tables (None) when `settled(key of the whole)` says the caller needs none: the package
    these inputs make is already where it is wanted, so the cached tables are not even read.
    `digest_of` keeps the tables' digests for the caller (each table is digested once a build).
    `keep_whole`: the checked tables made are kept whole in the cache (see `_make_tables`).
    """
    try:
        with _collector_paused():
            store = _store(layout, use_cache)
            return _make_tables(layout, progress, jobs, store, settled, digest_of, keep_whole)
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
    settled: Callable[[str], bool] | None = None,
    digest_of: memo.Digests | None = None,
    keep_whole: bool = True,
) -> tuple[dict[str, pl.DataFrame] | None, Mapping[str, str], str | None]:
    """As `_tables`. The whole entry (every checked table, one Arrow stream each) is written only with
    `keep_whole`: a build that publishes passes False, since its package, once in place, is what the
    next build with these inputs finds (`settled`) without the tables; a build whose package is not
    in place then takes the long way (every chunk and step from the cache) to a cold build's bytes.
    """
    digest_of = digest_of or memo.Digests()
    listed = _listed(layout, store, settled)
    if listed and (found := listed.whole(store)) and settled and settled(found[0]):
        # every input folder lists as when a build made that key, and its package is in place: nothing to read
        tick = progress(len(found[1])) if progress else None
        for article_id in found[1] if tick else ():
            tick(article_id)
        return None, seeds.Texts({}), found[0]
    # the sha256 of files whose stat (the listing's, when taken) is as when they were hashed
    known = article_known.Known(store, listed=listed.stats if listed else None)
    found_seeds, problems = seeds.read_seeds(layout.seeds, known)
    present = _stems(layout.seeds)
    tick = progress(len(found_seeds)) if progress else None
    orphans, planned = curation.plan(layout.curation, found_seeds, present)
    problems += orphans
    runs = stage.chunks(stage.items(planned, known))
    texts = seeds.Texts(found_seeds)
    reg_key = stage.registry_key(layout.curation, known)
    known.save()
    noted: set[str] = set()

    def note(key: str | None) -> None:
        """Keep `key` under the listing (once: the key the cached index gives is usually the registry's)."""
        if key and listed and key not in noted:
            noted.add(key)
            listed.remember(store, key, [i.article_id for run in runs for i in run])

    if not problems and (index := stage.cached_index(store, reg_key)):
        # nothing read yet: a build with exactly these inputs and this code may have left its tables whole
        known = _whole_key(reg_key, stage.chunk_keys(index, runs))
        note(known)
        in_place = bool(known and settled and settled(known))
        if known and (in_place or (frames := _cached_whole(store, known, digest_of)) is not None):
            if tick:
                for item in (i for run in runs for i in run):
                    tick(item.article_id)
            return (None if in_place else frames), texts, known
    with stage.Workers(jobs, store) as workers:
        reg = stage.registry(layout.curation, records.KINDS, store, workers, reg_key)
        problems += reg.problems
        _give_back()  # the parts' documents, parsed and handed over
        keys = stage.chunk_keys(reg.index, runs)
        whole = _whole_key(reg.key, keys) if not problems else None
        note(whole)
        if whole and (frames := _cached_whole(store, whole, digest_of)) is not None:
            return frames, texts, whole
        results = stage.articles(reg, runs, keys, store, workers, tick)
        for r in results:
            problems += r.read
        builder = reg.builder
        if builder is None or problems:
            raise BuildError(problems)
        names = stage.names(reg, runs, keys, results, store, workers, texts)
    later: list[Problem] = []  # reported only when reading found nothing wrong
    # the registry makes no rows of these tables, so the chunks' span checks are all of them
    spans: list[Problem] | None = (
        [] if not any(builder.sinks[t].chunks or builder.sinks[t].buffer for t in stage._SPAN_TABLES) else None
    )
    for r in results:
        builder.absorb(r.frames, r.pairs)
        builder.problems += r.built
        later += r.later
        if spans is not None:
            spans += r.spans
    del results
    _give_back()
    remembered = memo.Memo(store, reg.key, digest_of)
    tables = builder.finish(remembered)
    problems = builder.problems + later + names
    distinct = builder.distinct
    # the registry's state (ids, parsed conflict records, indices) and the rows' sinks are of no more
    # use: only the tables and their origins go on, so the whole's peak is not the registry's too
    reg.builder = None
    del builder
    _give_back()
    # the checks read the seed texts too: remembered under the registry's key and every seed's sha256
    pinned = article_cache.digest("seeds", *[f"{a}={s.sha256}" for a, s in sorted(found_seeds.items())])
    checked = memo.Memo(store, article_cache.digest(reg.key, pinned) if reg.key else None, digest_of)
    for step, run, columns in reconcile.steps(distinct, texts):
        problems += checked.check(
            f"reconcile:{step}",
            {"frames": reconcile.cut(tables.frames, columns), "origins": tables.origins},
            lambda frames, origins, run=run: run(assemble.Tables(frames, origins)),
        )
    if problems:
        raise BuildError(problems)
    digests = {name: digest_of(name, frame) for name, frame in tables.frames.items()}
    valid = frozenset(name for name, d in digests.items() if _validated(store, d))

    def keyed(name: str, frames: Mapping[str, pl.DataFrame]) -> list[Problem]:
        """A table's foreign keys, checked again only when it or a table it points at changed."""
        return checked.check(f"keys:{name}", {"frames": frames}, lambda frames: checks.table_key_problems(name, frames))

    problems += checks.all_problems(tables.frames, texts, locate=tables.locate, spans=spans, valid=valid, keyed=keyed)
    for name, frame in tables.frames.items():  # each table on its own: a changed table is checked again
        problems += checked.check(
            f"cells:{name}", {"frames": {name: frame}}, lambda frames: cells.cell_problems(frames, tables.locate)
        )
    if problems:
        raise BuildError(problems)
    for d in digests.values():  # each table passed its model: a table with the same content will
        store.put("valid", d, article_cache.pack_bytes(d, []))
    with contextlib.suppress(OSError):
        store.keep_only("valid", digests.values())
    with contextlib.suppress(OSError):  # entries of other registries or code are of no more use
        store.keep_only("memo", remembered.used | checked.used)
    if whole and keep_whole:
        # with each table's digest: a build that takes the tables from here finds what was rendered of them
        store.put("whole", whole, article_cache.pack(whole, tables.frames, digests))
    return tables.frames, texts, whole


def _listed(
    layout: Layout, store: article_cache.Store, settled: Callable[[str], bool] | None
) -> article_known.Inputs | None:
    """The input folders listed before anything is read (`article/known.py`), when a cached build can use it."""
    if store.root is None or settled is None:
        return None
    return article_known.inputs((layout.seeds, layout.curation, layout.curation / curation.REGISTRY_PARTS))


def _stems(folder: Path) -> set[str]:
    """The stems of the `*.txt` names in `folder` (as `glob("*.txt")` gives them), from one directory read."""
    try:
        names = os.listdir(folder)
    except OSError:
        return set()
    return {os.path.splitext(n)[0] for n in names if n.endswith(".txt")}


def _validated(store: article_cache.Store, digest: str) -> bool:
    """A table with this digest passed its model before (an entry written for exactly that, checked)."""
    data = store.get("valid", digest)
    if data is None:
        return False
    try:
        return article_cache.unpack_bytes(data, digest) == []
    except article_cache.Invalid:
        return False


def _whole_key(registry_key: str | None, keys: list[str | None]) -> str | None:
    """The checked tables' key: every article's result and the registry's are keyed, so are they."""
    if registry_key is None or not all(keys):
        return None
    return article_cache.digest("whole", registry_key, *[k for k in keys if k])


def _cached_whole(
    store: article_cache.Store, key: str, digest_of: memo.Digests | None = None
) -> dict[str, pl.DataFrame] | None:
    """The checked tables of a build with exactly these inputs and this code, if the cache has them whole
    (each table's digest, as the build that made them had it, given to `digest_of`)."""
    data = store.get("whole", key)
    if data is None:
        return None
    try:
        frames, digests = article_cache.unpack(data, key, {name: polars_schema(MODELS[name]) for name in MODELS})
        if not isinstance(digests, dict) or set(digests) != set(MODELS):
            return None
        if not all(isinstance(d, str) for d in digests.values()):
            return None
    except article_cache.Invalid:
        return None
    empty = {name: pl.DataFrame(schema=polars_schema(MODELS[name])) for name in MODELS if name not in frames}
    out = {name: frames[name] if name in frames else empty[name] for name in MODELS}
    if digest_of is not None:
        for name, frame in out.items():
            digest_of.seed(name, frame, (digests[name], digests[name]))
    return out


def _give_back() -> None:
    """Return the C heap's free pages to the system (glibc only; elsewhere nothing).

    Python frees the objects of a stage (the parts' documents, the chunks' rows handed over,
    the registry's state) into the C heap, which keeps them; the tables that follow live in
    polars' own allocator and cannot reuse them, so without this they add to the build's peak.
    """
    with contextlib.suppress(OSError, AttributeError):
        _libc().malloc_trim(0)


@functools.cache
def _libc() -> ctypes.CDLL:
    if not sys.platform.startswith("linux"):
        raise OSError("not glibc")
    return ctypes.CDLL("libc.so.6")


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
    and this code publish is left as it is. The package's files enter by their sha256 from stat
    records (`article/known.py`, records of their own: the same racy rule as the inputs'), so a
    file in place whose stat is as when it was hashed is not read again.
    """
    target = out or layout.datasets
    for inputs in (layout.seeds, layout.curation):  # the inputs are never written, not even below them
        if target.resolve().is_relative_to(inputs.resolve()):
            raise publish.OutputRefused(
                target, f"lies inside {inputs.name}/, which a build never writes: refusing to publish there"
            )
    publish.check_target(target)
    store = _store(layout, cache)
    package = article_known.Known(store, article_known.PACKAGE)
    in_place: dict[str, dict[str, int]] = {}

    def settled(key: str) -> bool:
        if key not in in_place and (counts := _in_place(store, key, target, package)) is not None:
            in_place[key] = counts
        return key in in_place

    digest_of = memo.Digests()
    try:
        frames, _, whole = _tables(layout, progress, jobs, cache, settled, digest_of, keep_whole=False)
        if frames is None:  # the package of exactly these inputs and this code is in place: nothing to do
            assert whole is not None
            counts = in_place[whole]
        elif whole and settled(whole):
            counts = {name: frame.height for name, frame in frames.items()}
        else:
            files: dict[str, str] = {}
            written = publish.write_atomic(_render(frames, store, digest_of, target, package, files), target)
            counts = {name: frame.height for name, frame in frames.items()}
            with contextlib.suppress(OSError):
                files[DESCRIPTOR_PATH] = hashlib.sha256((target / publish.DESCRIPTOR).read_bytes()).hexdigest()
            for rel, stat in (written or {}).items():  # what this build wrote, recorded if still as written
                if rel in files:
                    package.wrote(target / rel, stat, files[rel])
            if whole and DESCRIPTOR_PATH in files:
                sha = files.pop(DESCRIPTOR_PATH)
                doc = {"sha256": sha, "counts": counts, "files": files}
                store.put("published", whole, article_cache.pack(whole, {}, doc))
    finally:
        with contextlib.suppress(OSError):
            package.save()
    if whole:  # the whole corpus's entries are large and only the latest is of use: the cache stays bounded
        with contextlib.suppress(OSError):
            for kind in ("whole", "published"):
                store.keep_only(kind, whole)
    return counts


def _render(
    frames: Mapping[str, pl.DataFrame],
    store: article_cache.Store,
    digest_of: memo.Digests,
    target: Path,
    package: article_known.Known,
    files: dict[str, str],
) -> Iterator[tuple[str, bytes | publish.InPlace | publish.Streamed]]:
    """The package's files (CSV streamed into its file); a table rendered before (same digest) is not rendered again.

    A rendered table's entry keeps the size and sha256 of its two files, not their bytes: the
    package in place holds them. Where it still does (the sha256 from the file's stat record, or
    read), the file is linked into the new package; where it does not, the table is rendered again.
    `files` is given every file's sha256 (the published entry keeps them for `_in_place`).
    """
    digests = {name: digest_of(name, frame) for name, frame in frames.items()} if store.root else {}

    def in_place(rel: str, size: int, sha: str, remake: Callable[[], bytes]) -> publish.InPlace | None:
        path = target / rel
        st = publish.own_file(target, rel)
        if st is None or st.st_size != size:
            return None
        try:
            if package.streamed(path, st) != sha:
                return None
        except OSError:
            return None
        return publish.InPlace(size, sha, publish.stat_of(st), remake)

    def earlier(name: str, frame: pl.DataFrame) -> tuple[publish.InPlace, publish.InPlace] | None:
        key = digests.get(name)
        data = store.get("rendered", key) if key else None
        if data is None or key is None:
            return None
        try:
            _, doc = article_cache.unpack(data, key, {})
            (psize, psha), (csize, csha) = doc["parquet"], doc["csv"]
            if not all(type(n) is int for n in (psize, csize)) or not all(isinstance(h, str) for h in (psha, csha)):
                return None
        except (article_cache.Invalid, ValueError, KeyError, TypeError):
            return None
        parquet = in_place(f"parquet/{name}.parquet", psize, psha, lambda: publish.table_files(name, frame)[0])
        csv = in_place(f"csv/{name}.csv", csize, csha, lambda: publish.table_files(name, frame)[1])
        return None if parquet is None or csv is None else (parquet, csv)

    def made(name: str, parquet: tuple[int, str], csv: tuple[int, str]) -> None:
        if key := digests.get(name):
            store.put("rendered", key, article_cache.pack(key, {}, {"parquet": list(parquet), "csv": list(csv)}))

    sums: dict[str, tuple[int, str]] = {}
    yield from publish.render_files(frames, earlier, made, stream=True, sums=sums)
    files.update((rel, sha) for rel, (_, sha) in sums.items() if rel != publish.DESCRIPTOR)
    with contextlib.suppress(OSError):
        store.keep_only("rendered", digests.values())  # the current package's tables only


def _in_place(
    store: article_cache.Store, key: str, target: Path, package: article_known.Known
) -> dict[str, int] | None:
    """The row counts of the package published for `key`, if `target` holds it: its descriptor, and every
    file it lists with its sha256 (None: not in place). Each file's sha256 comes from its stat record
    where it holds (else it is read); the files and their sha256 are the published entry's, which
    lists what the descriptor of that sha256 lists."""
    data = store.get("published", key)
    if data is None:
        return None
    try:
        _, doc = article_cache.unpack(data, key, {})
        expected, counts, files = doc["sha256"], doc["counts"], doc["files"]
        if set(counts) != set(MODELS) or not all(type(n) is int for n in counts.values()):
            return None
        if not isinstance(files, dict) or not all(isinstance(h, str) for h in files.values()):
            return None
        listed = {DESCRIPTOR_PATH: expected} | files
        present = {p.relative_to(target).as_posix() for p in target.rglob("*") if not p.is_dir()}
        if present != set(listed):
            return None
        for path, sha in listed.items():
            st = publish.own_file(target, path)
            if st is None or package.streamed(target / path, st) != sha:
                return None
    except (article_cache.Invalid, OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return {name: counts[name] for name in MODELS}
