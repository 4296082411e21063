"""Steps of the whole that need not run again: a step remembered by the tables it actually read.

After one article changed, most of the whole's steps (a record kind's `finish`, the reconciling
checks, the cell checks) read only tables the change left as they were. Each such step is a
deterministic function of the code, the registry (both in `base`, the registry's key), the tables
it reads and, for the checks, the seed texts (in `base` too). Which tables it reads is recorded
while it runs (`Tracked`, a mapping that notes every key looked up, and every key when it is
iterated), as build systems with dynamic dependencies do; an entry keeps each table read with its
digest and what the step did (tables it set, rows it added to the Builder's sinks). The next build
finds the entry by the step's name and `base`, digests the tables the step read last time *as they
are now*, and replays the entry only if every digest matches: the step, given the same inputs,
would read the same tables and do the same. Only steps that found no problem are remembered (a
failing build reports afresh), and a step that changed anything else of the Builder is not
remembered at all. An entry that fails any check of `cache.py` reads as absent.
"""

from __future__ import annotations

import io
import json
import weakref
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from typing import Any

import polars as pl

from pak_afghan_diplomacy.pipeline.article import cache

_ABSENT = "-"  # the digest recorded for a key looked up and not found
Columns = Mapping[str, tuple[str, ...]]  # table -> the only columns a step reads of it


def _cut_name(name: str, columns: tuple[str, ...]) -> str:
    """The name a table cut to `columns` is recorded (and digested) under: `person_names[person_id,name]`."""
    return f"{name}[{','.join(columns)}]"


class Digests:
    """Table digests by (name, the frame object): each table is digested once per build.

    A frame is referred to weakly: the digests do not keep every version of a table alive (an id
    reused by a later frame finds its entry's frame gone, and that frame is digested afresh).
    """

    def __init__(self) -> None:
        self._seen: dict[tuple[str, int], tuple[weakref.ref[pl.DataFrame], str]] = {}
        self._pairs: dict[tuple[str, int], tuple[weakref.ref[pl.DataFrame], cache.Pair]] = {}

    def __call__(self, name: str, frame: pl.DataFrame) -> str:
        key = (name, id(frame))
        got = self._seen.get(key)
        if got is None or got[0]() is not frame:
            got = (weakref.ref(frame), cache.frame_digest(name, frame))
            self._seen[key] = got
        return got[1]

    def seed(self, name: str, frame: pl.DataFrame, pair: cache.Pair | None) -> None:
        """`frame`'s digests known from how it was made (its parts' pairs, `cache.concat_digest`): not computed."""
        if pair is None:
            return
        ref = weakref.ref(frame)
        self._seen[(name, id(frame))] = (ref, pair[0])
        self._pairs[(name, id(frame))] = (ref, pair)

    def pair(self, name: str, frame: pl.DataFrame) -> cache.Pair | None:
        got = self._pairs.get((name, id(frame)))
        return got[1] if got is not None and got[0]() is frame else None

    def dropped(self, name: str, full: pl.DataFrame, frame: pl.DataFrame) -> None:
        """`frame` is `full` without its origin columns: its digest is known where full's pair is."""
        if (pair := self.pair(name, full)) is not None:
            self._seen[(name, id(frame))] = (weakref.ref(frame), pair[1])


class Tracked(MutableMapping[str, pl.DataFrame]):
    """A view of `tables` that records the keys read before this step set them, and what it set.

    A table of `columns` is handed over cut to those columns (`cut(name, frame)` makes the cut) and
    recorded under its cut name: the step depends on those columns only, and a step that reads
    another column of it fails on it, loudly. Such a table is the step's to read, never to set.
    """

    def __init__(
        self,
        tables: MutableMapping[str, pl.DataFrame],
        columns: Columns | None = None,
        cut: Callable[[str, pl.DataFrame], pl.DataFrame] | None = None,
    ):
        self._tables = tables
        self._start = dict(tables)  # the values a read sees unless the step itself set the key
        self._columns = dict(columns or {})
        self._cut = cut or (lambda name, frame: frame.select(self._columns[name]))
        self.read: list[str] = []
        self.every = False  # iterated: the key set itself was read
        self.set: list[str] = []

    def __getitem__(self, name: str) -> pl.DataFrame:
        if name not in self.set and name not in self.read:
            self.read.append(name)
        if name in self._columns and name in self._tables:
            return self._cut(name, self._tables[name])
        return self._tables[name]

    def __setitem__(self, name: str, frame: pl.DataFrame) -> None:
        if name in self._columns:
            raise TypeError(f"{name} is handed to this step cut to the columns it reads: it may not set it")
        if name not in self.set:
            self.set.append(name)
        self._tables[name] = frame

    def __delitem__(self, name: str) -> None:
        raise TypeError("a step of the whole does not delete tables")

    def __iter__(self) -> Iterator[str]:
        self.every = True
        return iter(list(self._tables))

    def __len__(self) -> int:
        self.every = True
        return len(self._tables)

    def inputs(self, digests: Digests, prefix: str = "") -> dict[str, str]:
        """Each table read (every table, if the keys were iterated), with the digest it had when the step began;
        a table of `columns` by the digest of its cut, under its cut name."""
        names = list(self._start) if self.every else self.read
        out: dict[str, str] = {}
        for n in names:
            if n not in self._start:
                out[prefix + n] = _ABSENT
            elif n in self._columns:
                cut_name = _cut_name(n, self._columns[n])
                out[prefix + cut_name] = digests(cut_name, self._cut(n, self._start[n]))
            else:
                out[prefix + n] = digests(n, self._start[n])
        return out


def _keep_pair(sink: Any, frame: pl.DataFrame, pair: cache.Pair | None) -> None:
    """Tell a sink the digests of a chunk it now holds (a sink without `parts` digests its table whole)."""
    if pair is not None and isinstance(parts := getattr(sink, "parts", None), dict):
        parts[id(frame)] = pair


def _current(
    tables: Mapping[str, pl.DataFrame],
    digests: Digests,
    columns: Columns | None = None,
    cut: Callable[[str, pl.DataFrame], pl.DataFrame] | None = None,
) -> Callable[[str], str]:
    """The digest a recorded input has now; a cut name other than the one `columns` gives is no match."""
    cuts = {_cut_name(n, c): n for n, c in (columns or {}).items()}

    def now(name: str) -> str:
        if name in cuts and cut is not None:
            table = cuts[name]
            return digests(name, cut(table, tables[table])) if table in tables else _ABSENT
        if name in (columns or {}):
            return "cut"  # recorded whole, handed over cut now: not the same input
        return digests(name, tables[name]) if name in tables else _ABSENT

    return now


class Memo:
    """Entries of one build's whole; `base` None (nothing cacheable) or a store without a root: none."""

    def __init__(self, store: cache.Store, base: str | None, digests: Digests):
        self.store = store
        self.base = base
        self.digests = digests
        self.on = base is not None and store.root is not None
        self.used: set[str] = set()  # the keys of the entries this build looked up or wrote
        # (table, columns) -> (the table, its cut): each table cut once per build and version of it
        self._cuts: dict[tuple[str, tuple[str, ...]], tuple[weakref.ref[pl.DataFrame], pl.DataFrame]] = {}

    def cut(self, columns: Columns) -> Callable[[str, pl.DataFrame], pl.DataFrame]:
        """A table cut to the columns `columns` gives it, the same cut object for the same table (one digest)."""

        def cut(name: str, frame: pl.DataFrame) -> pl.DataFrame:
            key = (name, tuple(columns[name]))
            held = self._cuts.get(key)
            if held is None or held[0]() is not frame:
                held = (weakref.ref(frame), frame.select(key[1]))
                self._cuts[key] = held
            return held[1]

        return cut

    def _key(self, step: str) -> str:
        assert self.base is not None
        key = cache.digest("memo", step, self.base)
        self.used.add(key)
        return key

    def _entry(self, step: str) -> tuple[dict[str, Any], list[pl.DataFrame]] | None:
        key = self._key(step)
        data = self.store.get("memo", key)
        if data is None:
            return None
        try:
            head, *blobs = cache.unpack_bytes(data, key)
            doc = json.loads(head)
            schemas = doc["schemas"]
            doc["pairs"] = [cache.pair_of(p) for p in doc["pairs"]]
            if not isinstance(doc["reads"], dict) or not len(schemas) == len(doc["pairs"]) == len(blobs):
                return None
            frames = []
            for blob, schema in zip(blobs, schemas, strict=True):
                frame = pl.read_ipc_stream(io.BytesIO(blob))
                if [[c, str(t)] for c, t in frame.schema.items()] != schema:
                    return None
                frames.append(frame)
        except Exception:  # truncated, edited, foreign: whatever the readers make of it, rebuilt
            return None
        return doc, frames

    def _matches(self, doc: dict[str, Any], now: Callable[[str], str]) -> bool:
        try:
            return all(isinstance(d, str) and now(n) == d for n, d in doc["reads"].items())
        except (KeyError, TypeError):
            return False

    def _put(self, step: str, doc: dict[str, Any], frames: list[pl.DataFrame]) -> list[pl.DataFrame]:
        """Write the entry; returns `frames` as read back from it, the very frames a replay hands on.

        Equal tables can differ in memory (chunks, buffers) and so in their digests (`Digests`); a
        build that computed a step and one that replayed it thus go on with the same frames, and the
        digests that key the validated and rendered tables stay as they were.
        """
        key = self._key(step)
        names = [*doc["set"], *doc["added"]]
        pairs = [list(cache.frame_pair(n, f)) for n, f in zip(names, frames, strict=True)]
        doc = {**doc, "schemas": [[[c, str(t)] for c, t in f.schema.items()] for f in frames], "pairs": pairs}
        blobs = [json.dumps(doc, separators=(",", ":")).encode()]
        for frame in frames:
            buf = io.BytesIO()
            frame.write_ipc_stream(buf, compression="zstd")
            blobs.append(buf.getvalue())
        self.store.put("memo", key, cache.pack_bytes(key, blobs))
        back = [pl.read_ipc_stream(io.BytesIO(b)) for b in blobs[1:]]
        for n, f, p in zip(names, back, pairs, strict=True):
            self.digests.seed(n, f, (p[0], p[1]))
        return back

    # -- a record kind's finish ------------------------------------------------------------------
    def finish(
        self,
        step: str,
        frames: dict[str, pl.DataFrame],
        sinks: Mapping[str, Any],
        problems: list[Any],
        run: Callable[[MutableMapping[str, pl.DataFrame]], None],
        state: Callable[[], Any],
        columns: Columns | None = None,
    ) -> bool:
        """Run (or replay) one kind's `finish`, which may set tables and add rows to `sinks`.

        `state()` fingerprints the rest of the Builder; a step that changes it is not remembered.
        Returns False when the step changed that state (the steps after it then run as they are).
        `columns`: tables the step reads only some columns of (its kind's `READS`), handed to it cut
        to those and remembered by their digest, so an edit to another column leaves the step be.
        """
        if not self.on:
            run(frames)
            return True
        cut = self.cut(columns or {})
        got = self._entry(step)
        if got is not None:
            doc, stored = got
            whole = len(stored) == len(doc["set"]) + len(doc["added"])
            if whole and self._matches(doc, _current(frames, self.digests, columns, cut)):
                pairs = doc["pairs"]
                for name, frame, pair in zip(doc["set"], stored, pairs, strict=False):
                    frames[name] = frame
                    self.digests.seed(name, frame, pair)
                added = zip(doc["added"], stored[len(doc["set"]) :], pairs[len(doc["set"]) :], strict=True)
                for name, frame, pair in added:
                    sinks[name].flush()
                    sinks[name].chunks.append(frame)
                    _keep_pair(sinks[name], frame, pair)
                return True
        before_state, before_problems = state(), len(problems)
        for sink in sinks.values():
            sink.flush()
        held = {name: len(sink.chunks) for name, sink in sinks.items()}
        tracked = Tracked(frames, columns, cut)
        run(tracked)
        if state() != before_state:
            return False
        added: dict[str, pl.DataFrame] = {}
        for name, sink in sinks.items():
            sink.flush()
            if len(sink.chunks) > held[name]:
                new = sink.chunks[held[name] :]
                added[name] = new[0] if len(new) == 1 else pl.concat(new)
        if len(problems) == before_problems:
            doc = {"reads": tracked.inputs(self.digests), "set": tracked.set, "added": list(added)}
            back = self._put(step, doc, [frames[n] for n in tracked.set] + list(added.values()))
            for name, frame in zip(tracked.set, back, strict=False):
                frames[name] = frame
            for name, frame in zip(added, back[len(tracked.set) :], strict=True):
                sinks[name].chunks[held[name] :] = [frame]
                _keep_pair(sinks[name], frame, self.digests.pair(name, frame))
        return True

    # -- a check that only finds problems --------------------------------------------------------
    def check(
        self,
        step: str,
        tables: Mapping[str, Mapping[str, pl.DataFrame]],
        run: Callable[..., list[Any]],
    ) -> list[Any]:
        """Problems of `run(**views)`, each of `tables` handed to it as a Tracked view (keyword = its name);
        a check that found nothing with exactly the tables it reads now finds nothing again."""
        if not self.on:
            return run(**tables)

        def now(name: str) -> str:
            which, _, bare = name.partition(":")
            return _current(tables[which], self.digests)(bare)  # KeyError: not an entry of these views

        got = self._entry(step)
        if got is not None and not got[1] and self._matches(got[0], now):
            return []
        views = {which: Tracked(dict(t)) for which, t in tables.items()}
        found = run(**views)
        if not found:
            reads: dict[str, str] = {}
            for which, view in views.items():
                reads |= view.inputs(self.digests, f"{which}:")
            self._put(step, {"reads": reads, "set": [], "added": []}, [])
        return found
