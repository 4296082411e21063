"""The build: seeds -> curation -> tables -> validation -> publication.

Each step is a module named for what it does; `build()` runs them in order and
publishes only when every check has passed.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pak_afghan_diplomacy.pipeline.article import assemble, coverage, records
from pak_afghan_diplomacy.pipeline.problems import BuildError, Problem
from pak_afghan_diplomacy.pipeline.publish import render as publish
from pak_afghan_diplomacy.pipeline.read import curation, seeds
from pak_afghan_diplomacy.pipeline.whole import cells, checks, reconcile


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


def make_tables(
    layout: Layout, progress: Callable[[int], Callable[[str], None]] | None = None
) -> tuple[dict[str, pl.DataFrame], Mapping[str, str]]:
    """Read, assemble and validate; raise BuildError with every problem found.

    Registry files and articles stream through one at a time (read, check, turn into rows,
    drop), and seed texts are read when needed, so memory grows with the tables, not with
    the parsed curation or the corpus text. Problems of reading (files, YAML, spec, body)
    are all collected first; only when there are none do the reference, coverage and table
    checks count. `progress(total)` may return a callback, called once per article read.
    """
    try:
        with _collector_paused():
            return _make_tables(layout, progress)
    except seeds.SeedChanged as exc:
        raise BuildError(
            [Problem(f"seeds/{exc}", check="sha256", message="bytes changed during the build; seeds are never edited")]
        ) from None


def _make_tables(
    layout: Layout, progress: Callable[[int], Callable[[str], None]] | None
) -> tuple[dict[str, pl.DataFrame], Mapping[str, str]]:
    found_seeds, problems = seeds.read_seeds(layout.seeds)
    present = {p.stem for p in layout.seeds.glob("*.txt")}
    tick = progress(len(found_seeds)) if progress else None
    builder: assemble.Builder | None = assemble.Builder(records.KINDS)
    registry_problems: list[Problem] = []

    def registry_files() -> Iterator[dict]:
        for doc, found in curation.registry_files(layout.curation):
            registry_problems.extend(found)
            if doc is not None and not found:
                yield doc

    builder.registry(registry_files())
    problems += registry_problems
    if registry_problems:
        builder = None
    marks: list[coverage.Marks] = []
    names: set[str] = set()
    later: list[Problem] = []  # reported only when reading found nothing wrong
    for article, found in curation.articles(layout.curation, found_seeds, present, tick):
        problems += found
        if article is None or builder is None or problems:
            continue
        statement_spans = builder.article(article)
        m, found = coverage.quotations(article, statement_spans)
        later += found
        marks.append(m)
        names.update(n["name"] for n in article.doc.get("names") or [])
    if builder is None or problems:
        raise BuildError(problems)
    tables = builder.finish()
    texts = seeds.Texts(found_seeds)
    problems = builder.problems + later
    problems += coverage.names(marks, texts, coverage.spellings(builder.canonical_names | names))
    problems += reconcile.problems(tables, builder.distinct, texts)
    if problems:
        raise BuildError(problems)
    problems += checks.all_problems(tables.frames, texts, locate=tables.locate)
    problems += cells.cell_problems(tables.frames, tables.locate)
    if problems:
        raise BuildError(problems)
    return tables.frames, texts


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
    layout: Layout, out: Path | None = None, progress: Callable[[int], Callable[[str], None]] | None = None
) -> dict[str, int]:
    """Build and publish into `out` (default: the checkout's datasets/). Returns row counts.

    A target that is not ours to replace is refused before any work (and again under the lock).
    """
    target = out or layout.datasets
    for inputs in (layout.seeds, layout.curation):  # the inputs are never written, not even below them
        if target.resolve().is_relative_to(inputs.resolve()):
            raise publish.OutputRefused(
                target, f"lies inside {inputs.name}/, which a build never writes: refusing to publish there"
            )
    publish.check_target(target)
    frames, _ = make_tables(layout, progress)
    publish.write_atomic(publish.render(frames), target)
    return {name: frame.height for name, frame in frames.items()}
