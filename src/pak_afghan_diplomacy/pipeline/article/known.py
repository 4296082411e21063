"""The sha256 of files a build read before, trusted from a stat record as git's index does.

Every build needs the sha256 of every seed and curation file (the cache keys, the seeds' pins);
reading and hashing 100,000 files is most of what a build with nothing changed would do. So a
record per file is kept in `.cache/` (path, size, mtime_ns, ctime_ns, inode, device -> sha256),
and a file whose stat today is exactly its record's is not read again.

The trust rule (git's "racy" rule, taken at the moment a file is looked at): a file's mtime and
ctime are set from a coarse clock, so a file changed within the same tick as the moment we stat
and read it can be changed again later with the very same stat. A record is therefore written
only for a file whose mtime and ctime are both older than the moment it was stat'ed by more than
`RACY_NS` (more than any filesystem's timestamp granularity): a later change stamps it with a
time after that moment, so its stat differs from the record. A file changed that recently is
hashed again on every build until it has aged. The ctime cannot be set by a user (`touch -d`
sets mtime only), so restoring a file's mtime does not make a rewritten file look unchanged.
The stat is taken on the open file before it is read: a change during the read leaves a record
that no longer matches. The records are one cache entry (its sha256 checked like any other); a
damaged or foreign one is ignored, and every file is hashed again.

The published package's files have records of their own (`PACKAGE`), under the same rule: a file
of the package in place is hashed (as it is read, never held whole) when its stat is not its
record's. A file the build itself wrote is recorded with the sha256 of the bytes written, not read
back, only if its stat after publication is exactly the one taken on the open file once those
bytes were synced (nothing touched it since, but within one tick of the clock) and it has aged
past `RACY_NS`; a file linked from the previous package is not (the link moved its ctime).

The inputs as a whole (`Inputs`): one listing of seeds/, build/ and build/registry/ (every entry's
name and lstat), taken before anything is read and hashed with the code's version and the date,
keys the whole's key that a build computed from them. A build whose listing hashes the same takes
that key without reading the pins, planning the articles or asking a record per file: every entry
has the very stat it had then, and the entry is written only when every entry had aged past
`RACY_NS` at that moment (the same rule as a record's, for the same reason), so no file can have
changed since without changing its stat. A file added, removed, renamed or rewritten changes the
listing, and the build goes the long way (records per file, as above). A listing with a symbolic link
in it is never kept: the link's own stat does not move when what it points at is rewritten.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import stat
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pak_afghan_diplomacy.pipeline.article import cache

RACY_NS = 2_000_000_000  # FAT's 2 s is the coarsest timestamp in use
_KIND, _KEY = "stat", "records-v1" + "0" * 54  # one entry; keys are 64 characters
# The published package's files have records of their own (`run._in_place`, publication's links):
# a build that does not look at the package keeps the inputs' records without dropping these.
PACKAGE = "package-v1" + "0" * 54


def _stat_of(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev]


def _aged(st: os.stat_result, seen: int) -> list[int] | None:
    """The stat to record of a file stat'ed at `seen` (None: changed too recently to be trusted later)."""
    return None if max(st.st_mtime_ns, st.st_ctime_ns) >= seen - RACY_NS else _stat_of(st)


class Known:
    """Records of this checkout's files; with `store` holding nothing, every file is read and hashed."""

    def __init__(self, store: cache.Store, key: str = _KEY, listed: Mapping[str, os.stat_result] | None = None):
        self.store = store
        self.key = key
        # the inputs listing's lstat of each entry (`Inputs.stats`), taken before anything was read:
        # asked of a path it holds, a record is compared with that stat instead of one taken again
        self.listed = listed or {}
        self.records: dict[str, list[Any]] = {}
        self.seen: set[str] = set()  # the paths this build asked about: the records kept
        self.changed = False
        data = store.get(_KIND, key)
        if data is None:
            return
        try:
            (doc,) = cache.unpack_bytes(data, key)
            records = json.loads(doc)
            if isinstance(records, dict):
                self.records = records  # each record's shape is checked when it is used (`sha256`)
        except (cache.Invalid, ValueError):
            pass

    def sha256(self, path: Path | str, st: os.stat_result | None = None) -> str | None:
        """The file's sha256 if its record still holds (its stat unchanged), else None: read it.

        `st`: the file's stat (not following links) when the caller has it already (a directory
        listing's entry); otherwise the inputs listing's, when it holds the path (the whole's key is
        a function of that listing: a file changed since it was listed is read by the next build,
        whose listing differs), else it is taken here."""
        key = str(path)
        self.seen.add(key)
        rec = self.records.get(key)
        if type(rec) is not list or len(rec) != 6 or type(rec[5]) is not str:
            return None  # none, or not one this code writes
        if st is None and (st := self.listed.get(key)) is None:
            try:
                st = os.stat(path, follow_symlinks=False)
            except OSError:
                return None
        return rec[5] if _stat_of(st) == rec[:5] else None  # equal values: a record of this very stat

    def read(self, path: Path) -> tuple[bytes, list[int] | None]:
        """The file's bytes and its stat as taken before reading (None: too recent to be recorded)."""
        seen = time.time_ns()
        with open(path, "rb") as fh:
            st = os.fstat(fh.fileno())
            data = fh.read()
        return data, _aged(st, seen)

    def streamed(self, path: Path, st: os.stat_result | None = None) -> str:
        """As `hashed`, for a large file: hashed as it is read, never held whole."""
        sha = self.sha256(path, st)
        if sha is None:
            seen = time.time_ns()
            with open(path, "rb") as fh:
                stat = os.fstat(fh.fileno())
                sha = hashlib.file_digest(fh, "sha256").hexdigest()
            self.note(path, _aged(stat, seen), sha)
        return sha

    def wrote(self, path: Path, written: tuple[int, ...], sha256: str) -> None:
        """Record a file this build wrote with bytes of `sha256`, if it is still as `written` (its stat,
        taken on the open file just after the bytes were written and synced) and has aged: the file
        is stat'ed now, as `read` does before reading, and the same racy rule applies."""
        seen = time.time_ns()
        try:
            st = os.stat(path, follow_symlinks=False)
        except OSError:
            return
        if tuple(_stat_of(st)) == tuple(written) and (stat := _aged(st, seen)) is not None:
            self.note(path, stat, sha256)

    def note(self, path: Path, stat: list[int] | None, sha256: str) -> None:
        """Remember the sha256 of what `read` gave (nothing, for a file too recent to trust)."""
        key = str(path)
        self.seen.add(key)
        if stat is None:
            # nothing to record; a record of this path is left as it is: the file was read because its
            # stat is not that record's (its ctime has moved on since), so the record cannot hold again,
            # and the records are not written again for it (after one file was edited, none are)
            return
        rec = [*stat, sha256]
        if self.records.get(key) != rec:
            self.records[key] = rec
            self.changed = True

    def hashed(self, path: Path, st: os.stat_result | None = None) -> str:
        """The file's sha256, from its record or read and hashed (and noted); `st` as for `sha256`."""
        sha = self.sha256(path, st)
        if sha is None:
            data, stat = self.read(path)
            sha = hashlib.sha256(data).hexdigest()
            self.note(path, stat, sha)
        return sha

    def save(self) -> None:
        """Write the records of the files this build asked about, when they changed."""
        gone = set(self.records) - self.seen
        for key in gone:
            del self.records[key]
        if self.changed or gone:
            doc = json.dumps(self.records, separators=(",", ":")).encode()
            self.store.put(_KIND, self.key, cache.pack_bytes(self.key, [doc]))
            self.changed = False


_INPUTS = "inputs"  # the kind of the inputs' entries: listing digest -> the whole's key and the article ids


@dataclass(frozen=True)
class Inputs:
    """The digest of a listing of the input folders, and whether every entry had aged when it was taken."""

    digest: str
    aged: bool
    # each listed entry's lstat by its path (`str(folder / name)`): the records are compared with these
    stats: Mapping[str, os.stat_result] = field(default_factory=dict, compare=False, repr=False)

    def whole(self, store: cache.Store) -> tuple[str, list[str]] | None:
        """The whole's key and the article ids of a build that listed exactly these inputs (None: none did)."""
        data = store.get(_INPUTS, self.digest)
        if data is None:
            return None
        try:
            key, ids = cache.unpack_bytes(data, self.digest)
            whole = key.decode("ascii")
        except (cache.Invalid, ValueError):
            return None
        if len(whole) != 64 or any(c not in "0123456789abcdef" for c in whole):
            return None
        return whole, ids.decode("utf-8").split("\n") if ids else []

    def remember(self, store: cache.Store, whole: str, ids: Sequence[str]) -> None:
        """Keep `whole` (and the article ids, for the progress bar) under this listing, if it can be trusted later."""
        if self.aged and store.root is not None:
            parts = [whole.encode("ascii"), "\n".join(ids).encode("utf-8")]
            store.put(_INPUTS, self.digest, cache.pack_bytes(self.digest, parts))
            with contextlib.suppress(OSError):
                store.keep_only(_INPUTS, self.digest)  # only the latest listing is of use


def inputs(folders: Sequence[Path]) -> Inputs:
    """One listing of `folders` (each entry's name, mode, size, mtime, ctime, inode and device, not
    following links), with the code's version and today's date: what a build's key is a function of."""
    seen = time.time_ns()
    h = hashlib.sha256()
    h.update(f"{cache.code_version()}\0{dt.date.today().isoformat()}\0".encode())
    newest, linked = 0, False
    stats: dict[str, os.stat_result] = {}
    for folder in folders:
        h.update(os.fsencode(folder) + b"\0")
        try:
            entries = _entries(folder)
        except OSError as exc:
            h.update(f"unlisted {exc.errno}\n".encode())
            continue
        entries.sort(key=_name)
        lines = []
        prefix = os.path.join(folder, "")
        for name, st in entries:
            stats[prefix + name] = st
            if stat.S_ISLNK(st.st_mode):
                linked = True
            lines.append(f"{name}\0{st.st_mode} {st.st_size} {st.st_mtime_ns} {st.st_ctime_ns} {st.st_ino} {st.st_dev}")
            newest = max(newest, st.st_mtime_ns, st.st_ctime_ns)
        h.update("\n".join(lines).encode("utf-8", "surrogateescape") + b"\n\0")
    return Inputs(h.hexdigest(), newest < seen - RACY_NS and not linked, stats)


def _name(entry: tuple[str, os.stat_result]) -> str:
    return entry[0]


def _entries(folder: Path) -> list[tuple[str, os.stat_result]]:
    """(name, lstat) of every entry of `folder`; OSError if any cannot be had (the folder counts as unlisted)."""
    with os.scandir(folder) as found:
        return [(e.name, e.stat(follow_symlinks=False)) for e in found]
