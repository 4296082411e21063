"""Step 1: read the seed articles and refuse any whose bytes are not the pinned ones.

Seeds are `seeds/<article_id>.txt`, UTF-8, never edited; `seeds/SHA256SUMS` pins
each (the format `sha256sum -c` reads).
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pak_afghan_diplomacy.pipeline.problems import Problem

PINS = "SHA256SUMS"
_ARTICLE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_PIN_LINE = re.compile(r"^([0-9a-f]{64}) [ *](\S+)$")


@dataclass(frozen=True)
class Seed:
    """A checked seed. Its text is read again when asked for (a few recent ones are cached):
    a build holds at most a handful of article texts at once, not the whole corpus."""

    article_id: str
    file_name: str
    folder: Path  # seeds/: a path object per seed is made only when asked for (a build asks for few)
    sha256: str

    @property
    def path(self) -> Path:
        return self.folder / self.file_name

    @property
    def text(self) -> str:
        return _text(self.path, self.sha256)


@functools.lru_cache(maxsize=16)
def _text(path: Path, sha256: str) -> str:
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise SeedChanged(path.name)
    return data.decode("utf-8")


class SeedChanged(RuntimeError):
    """A seed's bytes changed after they were checked (during the build)."""


class Texts(Mapping[str, str]):
    """Article id -> seed text, read on demand."""

    def __init__(self, seeds: Mapping[str, Seed]):
        self.seeds = seeds

    def __getitem__(self, article_id: str) -> str:
        return self.seeds[article_id].text

    def __iter__(self) -> Iterator[str]:
        return iter(self.seeds)

    def __len__(self) -> int:
        return len(self.seeds)


def read_pins(seeds_dir: Path) -> tuple[dict[str, str], list[Problem]]:
    """File name -> pinned sha256."""
    label = f"seeds/{PINS}"
    path = seeds_dir / PINS
    if path.is_dir():
        return {}, [Problem(label, check="not a file", message="is a folder; expected the file of pinned hashes")]
    if not path.is_file():
        return {}, [Problem(label, check="missing file", message="the seed hashes are not pinned")]
    try:
        data = path.read_bytes()
    except OSError as exc:
        return {}, [Problem(label, check="readable", message=f"cannot read: {exc.strerror or exc}")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        message = f"not UTF-8: {exc.reason} at byte {exc.start}"
        return {}, [Problem(label, line=line, check="encoding", message=message)]
    pins: dict[str, str] = {}
    first_line: dict[str, int] = {}
    problems: list[Problem] = []
    for n, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        m = _PIN_LINE.match(raw)
        if not m:
            problems.append(
                Problem(label, line=n, check="format", value=raw[:60], message="expected '<sha256>  <file name>'")
            )
            continue
        digest, name = m.groups()
        if "/" in name or "\\" in name or name.startswith("."):
            problems.append(
                Problem(
                    label,
                    line=n,
                    field="file",
                    check="path",
                    value=name,
                    message="a seed is named by its file name inside seeds/, no paths",
                )
            )
            continue
        if name in pins:
            # `sha256sum -c` checks every line; keeping one would hide a wrong pin.
            problems.append(
                Problem(
                    label,
                    line=n,
                    field="file",
                    check="duplicate pin",
                    value=name,
                    message=f"pinned again (first on line {first_line[name]}); keep one line per seed",
                )
            )
            continue
        pins[name] = digest
        first_line[name] = n
    return pins, problems


def _listing(seeds_dir: Path) -> dict[str, os.DirEntry[str]]:
    """The entries of seeds/ by name, from one directory read (an absent or unreadable folder: none).

    A `DirEntry` knows whether it is a link, a folder or a file from the directory itself, and
    stats the file once when asked: a seed costs one system call, not one per path check.
    """
    try:
        with os.scandir(seeds_dir) as entries:
            return {e.name: e for e in entries}
    except OSError:
        return {}


def _kind(entry: os.DirEntry[str] | None) -> str:
    """'link', 'folder', 'file' or 'missing' (anything else that is not a regular file counts as missing)."""
    if entry is None:
        return "missing"
    try:
        if entry.is_symlink():
            return "link"
        if entry.is_dir():
            return "folder"
        return "file" if entry.is_file() else "missing"
    except OSError:
        return "missing"


def read_seeds(seeds_dir: Path, known: Any = None) -> tuple[dict[str, Seed], list[Problem]]:
    """Every pinned seed, checked: present, a regular file inside seeds/, hash, UTF-8, not empty.

    `known` (article/known.py) gives the sha256 of a seed whose stat is as when it last passed
    every check here, so that seed is not read again; the others are read and, passing, noted.
    The folder is read once (`_listing`): a pinned name is a plain file name (`read_pins` refuses
    paths and names starting with a dot), so the entry of that name, unless it is a link, is a
    file inside seeds/ without resolving its path.
    """
    pins, problems = read_pins(seeds_dir)
    seeds: dict[str, Seed] = {}
    by_digest: dict[str, Seed] = {}
    listing = _listing(seeds_dir)
    prefix = os.path.join(seeds_dir, "")  # str(seeds_dir / name) is prefix + name: the records' key
    on_disk = {name for name in listing if name.endswith(".txt")}
    for name in sorted(on_disk - set(pins)):
        problems.append(Problem(f"seeds/{name}", check="unpinned", message=f"seed has no line in seeds/{PINS}"))
    for name, digest in sorted(pins.items()):
        label = f"seeds/{name}"
        if not name.endswith(".txt") or not _ARTICLE_ID.match(name.removesuffix(".txt")):
            problems.append(
                Problem(label, check="name", value=name, message="expected <article_id>.txt with a lower-case id")
            )
            continue
        entry = listing.get(name)
        kind = _kind(entry)
        if kind == "link":
            problems.append(Problem(label, check="path", message="seeds must be regular files inside seeds/"))
            continue
        if kind == "folder":
            problems.append(Problem(label, check="not a file", message="is a folder; a seed is a text file"))
            continue
        if kind == "missing":
            problems.append(Problem(label, check="missing file", message=f"pinned in {PINS} but not present"))
            continue
        if known is not None and entry is not None:
            key = prefix + name
            try:
                # the inputs listing's stat of it when the build took one (article/known.py), else this entry's
                sha = known.sha256(key, known.listed.get(key) or entry.stat(follow_symlinks=False))
            except OSError:
                sha = None
            if sha == digest and sha not in by_digest:
                article_id = name.removesuffix(".txt")
                seeds[article_id] = by_digest[sha] = Seed(article_id, name, seeds_dir, sha)
                continue  # the very bytes that passed every check below when noted (the twin check: by_digest)
        path = seeds_dir / name
        stat = None
        try:
            data, stat = known.read(path) if known is not None else (path.read_bytes(), None)
        except OSError as exc:
            problems.append(Problem(label, check="readable", message=f"cannot read: {exc.strerror or exc}"))
            continue
        actual = hashlib.sha256(data).hexdigest()
        if actual != digest:
            problems.append(
                Problem(
                    label,
                    check="sha256",
                    value=actual,
                    message=f"bytes changed: pinned {digest}; seeds are never edited",
                )
            )
            continue
        if not data:
            problems.append(Problem(label, check="empty", message="the seed file is empty"))
            continue
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(Problem(label, check="encoding", message=f"not UTF-8: {exc.reason} at byte {exc.start}"))
            continue
        article_id = name.removesuffix(".txt")
        if twin := by_digest.get(actual):
            # one article added twice would count as a second source of everything it reports
            problems.append(
                Problem(label, check="duplicate seed", message=f"the same bytes as seeds/{twin.file_name}: remove one")
            )
            continue
        seeds[article_id] = by_digest[actual] = Seed(article_id, name, seeds_dir, actual)
        if known is not None:
            known.note(path, stat, actual)
    return seeds, problems
