"""Every chunk's result in one entry: the unchanged chunks of a large corpus read at once.

A build of 50,000 articles that finds its chunks one entry each reads about 800 entries of about
ten small Arrow streams: most of a one-changed build. The bundle is one entry per registry index
(`cache.py`'s checks, keyed by the index) holding each table as ONE Arrow stream, the rows of every
chunk in order, and per chunk: its key, its number of rows in each table, its pairs of digests,
its problems and spellings, and its names-pass marks as a JSON text decoded only when that pass
must run for it. A build takes from it every chunk whose key it holds, as slices of those streams
(a run of consecutive chunks is one slice per table, keeping each chunk's pairs in order, so every
digest is the one the chunks' own entries give), and reads or computes only the others. It is
written again only when the rows not taken from it (or held by it and not used) exceed
1/REWRITE of the corpus, so a one-changed build does not write the whole corpus.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from pak_afghan_diplomacy.pipeline.article import cache

KIND = "bundle"
REWRITE = 8  # rewritten when more than 1/REWRITE of the rows differ from it
_FIELDS = 9  # key, counts, pairs, read, built, later, spans, names, marks


@dataclass
class Bundle:
    frames: dict[str, pl.DataFrame]
    records: list[list[Any]]  # per chunk, in order: [key, counts, pairs, read, built, later, spans, names, marks]
    at: dict[str, int]  # chunk key -> its position
    starts: dict[str, list[int]]  # table -> the first row of each chunk (and the end)

    @property
    def rows(self) -> int:
        return sum(f.height for f in self.frames.values())


def read(store: cache.Store, index: str, schemas: Mapping[str, Mapping[str, pl.DataType]]) -> Bundle | None:
    """The bundle of this index, or None (absent, damaged, another index or code: never trusted)."""
    data = store.get(KIND, index)
    if data is None:
        return None
    try:
        return _check(*cache.unpack(data, index, schemas))
    except (cache.Invalid, AttributeError, KeyError, TypeError, ValueError):
        return None


def _check(frames: dict[str, pl.DataFrame], doc: Any) -> Bundle:
    records = doc["chunks"]
    if not isinstance(records, list):
        raise cache.Invalid("chunks")
    at: dict[str, int] = {}
    starts: dict[str, list[int]] = {name: [0] for name in frames}
    for i, r in enumerate(records):
        if not isinstance(r, list) or len(r) != _FIELDS or not isinstance(r[0], str) or r[0] in at:
            raise cache.Invalid("a chunk")
        key, counts, pairs = r[0], r[1], r[2]
        if not isinstance(counts, dict) or not isinstance(pairs, dict) or set(counts) != set(pairs):
            raise cache.Invalid("counts")
        if not set(counts) <= set(frames) or not all(type(n) is int and n > 0 for n in counts.values()):
            raise cache.Invalid("counts")
        r[2] = {name: cache.pair_of(p) for name, p in pairs.items()}
        r[3:7] = [[cache.problem(p) for p in r[j]] for j in range(3, 7)]
        if not isinstance(r[7], list) or not all(isinstance(n, str) for n in r[7]) or not isinstance(r[8], str):
            raise cache.Invalid("names")
        for name, s in starts.items():
            s.append(s[-1] + counts.get(name, 0))
        at[key] = i
    if any(s[-1] != frames[name].height for name, s in starts.items()):
        raise cache.Invalid("rows")
    return Bundle(frames, records, at, starts)


def run_frames(bundle: Bundle, first: int, end: int) -> tuple[dict[str, pl.DataFrame], dict[str, list[cache.Pair]]]:
    """The rows of the chunks at positions first..end-1, one slice per table (zero-copy), and their pairs."""
    frames, pairs = {}, {}
    for name, s in bundle.starts.items():
        if n := s[end] - s[first]:
            frames[name] = bundle.frames[name].slice(s[first], n)
            pairs[name] = [r[2][name] for r in bundle.records[first:end] if name in r[2]]
    return frames, pairs


def record(key: str, frames: Mapping[str, pl.DataFrame], pairs: Mapping[str, cache.Pair], c: Any) -> list[Any]:
    """The record of a chunk (stage.Chunk `c`) as a bundle keeps it, its marks as one JSON text."""
    return [
        key,
        {name: f.height for name, f in frames.items() if f.height},
        {name: pairs[name] for name, f in frames.items() if f.height},
        c.read,
        c.built,
        c.later,
        c.spans,
        c.names,
        marks_text(c.marks),
    ]


def marks_doc(marks: Sequence[Any]) -> list[list[Any]]:
    """Names-pass marks (coverage.Marks) as plain JSON values: a chunk's entry and the bundle keep them so."""
    return [[m.article_id, m.label, list(m.body), m.excluded, m.dismissed, sorted(m.curated)] for m in marks]


def marks_text(marks: Sequence[Any]) -> str:
    return json.dumps(marks_doc(marks), ensure_ascii=False, separators=(",", ":"))


def write(store: cache.Store, index: str, parts: Sequence[tuple[dict[str, pl.DataFrame], list[list[Any]]]]) -> None:
    """The bundle of `parts` (each: rows of one or more chunks in order, and those chunks' records)."""
    pieces: dict[str, list[pl.DataFrame]] = {}
    records: list[list[Any]] = []
    for frames, recs in parts:
        for name, frame in frames.items():
            if frame.height:
                pieces.setdefault(name, []).append(frame)
        records += recs
    frames = {name: pl.concat(fs, rechunk=False) if len(fs) > 1 else fs[0] for name, fs in pieces.items()}
    doc = {
        "chunks": [
            [
                key,
                counts,
                {n: list(p) for n, p in pairs.items()},
                *[[cache.problem_doc(p) for p in r] for r in (read, built, later, spans)],
                names,
                marks,
            ]
            for key, counts, pairs, read, built, later, spans, names, marks in records
        ]
    }
    store.put(KIND, index, cache.pack(index, frames, doc))
    store.keep_only(KIND, index)
