"""The build: seeds -> curation -> tables -> validation -> publication.

Each step is a module named for what it does; `build()` runs them in order and
publishes only when every check has passed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pak_afghan_diplomacy.pipeline import assemble, checks, coverage, curation, publish, seeds
from pak_afghan_diplomacy.pipeline.problems import BuildError, Problem


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
) -> tuple[dict[str, pl.DataFrame], dict[str, str]]:
    """Read, assemble and validate; raise BuildError with every problem found.

    `progress(total)` may return a callback, called once per article read.
    """
    found_seeds, problems = seeds.read_seeds(layout.seeds)
    present = {p.stem for p in layout.seeds.glob("*.txt")}
    tick = progress(len(found_seeds)) if progress else None
    cur, found = curation.read(layout.curation, found_seeds, present, tick)
    problems += found
    if cur is None or problems:
        raise BuildError(problems)
    tables, found = assemble.assemble(cur)
    problems += found
    statement_spans: dict[str, list[tuple[int, int]]] = {}
    for row in tables.frames["statements"].iter_rows(named=True):
        statement_spans.setdefault(row["article_id"], []).append((row["char_start"], row["char_end"]))
    problems += coverage.uncovered(cur, statement_spans)
    if problems:
        raise BuildError(problems)
    texts = {a: s.text for a, s in found_seeds.items()}
    problems += checks.all_problems(tables.frames, texts, locate=lambda t, k: tables.origins.get((t, k)))
    if problems:
        raise BuildError(problems)
    return tables.frames, texts


def build(
    layout: Layout, out: Path | None = None, progress: Callable[[int], Callable[[str], None]] | None = None
) -> dict[str, int]:
    """Build and publish into `out` (default: the checkout's datasets/). Returns row counts."""
    frames, _ = make_tables(layout, progress)
    publish.write_atomic(publish.render(frames), out or layout.datasets)
    return {name: frame.height for name, frame in frames.items()}


__all__ = ["BuildError", "Layout", "Problem", "build", "make_tables"]
