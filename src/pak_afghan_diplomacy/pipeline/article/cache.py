"""The build's on-disk cache (`.cache/` of the checkout): entries that are checked, never trusted.

An entry is the result of a pure step (a registry part, the registry stage, a chunk of articles, a
chunk's names pass, a table validated or rendered) stored under the
sha256 of everything it depends on, the code included (`code_version`), so an entry made by other
code or other inputs is never looked up at all. Its format cannot execute anything: a JSON header
line (format, key, the sha256 of the payload, the length of each part), then the parts: tables as
Arrow IPC streams, everything else as JSON. A file that fails any check (truncated, edited, another key,
another schema) reads as absent and is rebuilt; the cache is safe to delete at any time.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import json
import os
import tempfile
from collections.abc import Collection, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

import polars as pl

from pak_afghan_diplomacy.pipeline.problems import Problem
from pak_afghan_diplomacy.pipeline.read.yamlfile import LineDict, LineList

FORMAT = 1
MAX_HEADER = 1 << 20  # a header line longer than this is not ours
_PACKAGE = Path(__file__).resolve().parents[2]  # src/pak_afghan_diplomacy
_LIBRARIES = ("polars", "pyarrow", "pyyaml", "rapidfuzz", "pandera")


class Invalid(ValueError):
    """A cache entry that is not exactly what this code would have written: ignore it, rebuild."""


@functools.cache
def code_version() -> str:
    """sha256 of every .py file of the package (path and bytes) and of the libraries that shape rows.

    Any edit to the code, a merge included, changes it, so no entry written by other code is reused.
    """
    h = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*.py")):
        h.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    for lib in _LIBRARIES:
        try:
            h.update(f"{lib}={metadata.version(lib)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{lib}=\0".encode())
    return h.hexdigest()


def digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for p in parts:
        b = p.encode() if isinstance(p, str) else p
        h.update(len(b).to_bytes(8, "little") + b)
    return h.hexdigest()


# -- entries ---------------------------------------------------------------------------------


def pack(key: str, frames: Mapping[str, pl.DataFrame], doc: Any, blobs: Mapping[str, bytes] | None = None) -> bytes:
    """One entry: `frames` (non-empty ones only) as Arrow IPC streams and `doc` (plain JSON values) as JSON;
    `blobs`: byte strings kept as they are (a JSON text decoded only when needed), read by `unpack_blobs`."""
    parts: list[tuple[str, bytes]] = []
    for name, frame in frames.items():
        if frame.height:
            buf = io.BytesIO()
            frame.write_ipc_stream(buf, compression="zstd")
            parts.append((name, buf.getvalue()))
    parts += [(BLOB + name, b) for name, b in (blobs or {}).items()]
    parts.append(("", json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()))
    payload = b"".join(b for _, b in parts)
    header = {
        "format": FORMAT,
        "key": key,
        "sha256": hashlib.sha256(payload).hexdigest(),
        "parts": [[name, len(b)] for name, b in parts],
    }
    return json.dumps(header).encode() + b"\n" + payload


def _header(data: bytes, key: str) -> tuple[dict[str, Any], memoryview]:
    """The JSON header of an entry written under `key` and the payload after it; Invalid for anything else."""
    end = data.find(b"\n", 0, MAX_HEADER)
    if end == -1:
        raise Invalid("no header")
    try:
        header = json.loads(data[:end])
    except ValueError as exc:
        raise Invalid("header not JSON") from exc
    if not isinstance(header, dict) or header.get("format") != FORMAT or header.get("key") != key:
        raise Invalid("another format or key")
    return header, memoryview(data)[end + 1 :]


BLOB = "#"  # the names of an entry's blobs begin with this, which no table's does


def unpack(
    data: bytes, key: str, schemas: Mapping[str, Mapping[str, pl.DataType]]
) -> tuple[dict[str, pl.DataFrame], Any]:
    """The frames and doc of an entry written by `pack` under `key`, without blobs; Invalid for anything else.

    Each frame must have exactly the schema in `schemas` for its name.
    """
    frames, doc, blobs = unpack_blobs(data, key, schemas)
    if blobs:
        raise Invalid("blobs where none are read")
    return frames, doc


def unpack_blobs(
    data: bytes, key: str, schemas: Mapping[str, Mapping[str, pl.DataType]]
) -> tuple[dict[str, pl.DataFrame], Any, dict[str, bytes]]:
    """The frames, doc and blobs of an entry written by `pack` under `key`; Invalid for anything else."""
    header, payload = _header(data, key)
    if hashlib.sha256(payload).hexdigest() != header.get("sha256"):
        raise Invalid("payload does not match its sha256")
    parts = header.get("parts")
    if not isinstance(parts, list) or not parts or parts[-1][0] != "":
        raise Invalid("parts")
    frames: dict[str, pl.DataFrame] = {}
    blobs: dict[str, bytes] = {}
    at = 0
    try:
        for name, size in parts[:-1]:
            if isinstance(name, str) and name.startswith(BLOB) and name[1:] not in blobs:
                blobs[name[1:]] = bytes(payload[at : at + size])
                at += size
                continue
            if name not in schemas or name in frames:
                raise Invalid(f"unknown table {name!r}")
            frame = pl.read_ipc_stream(io.BytesIO(payload[at : at + size]))
            if frame.schema != pl.Schema(schemas[name]):
                raise Invalid(f"{name}: another schema")
            frames[name] = frame
            at += size
        doc = decode_json(bytes(payload[at : at + parts[-1][1]]))
    except Invalid:
        raise
    except Exception as exc:  # a malformed part, whatever the reader makes of it
        raise Invalid(f"unreadable part: {exc}") from exc
    return frames, doc, blobs


def pack_bytes(key: str, parts: list[bytes]) -> bytes:
    """An entry of opaque byte strings (a rendered file, ...), checked like any other."""
    payload = b"".join(parts)
    header = {
        "format": FORMAT,
        "key": key,
        "sha256": hashlib.sha256(payload).hexdigest(),
        "bytes": [len(b) for b in parts],
    }
    return json.dumps(header).encode() + b"\n" + payload


def unpack_bytes(data: bytes, key: str) -> list[bytes]:
    """The parts of an entry written by `pack_bytes` under `key`; Invalid for anything else."""
    header, payload = _header(data, key)
    sizes = header.get("bytes")
    if not isinstance(sizes, list) or not all(type(n) is int and n >= 0 for n in sizes) or sum(sizes) != len(payload):
        raise Invalid("parts")
    if hashlib.sha256(payload).hexdigest() != header.get("sha256"):
        raise Invalid("payload does not match its sha256")
    out, at = [], 0
    for n in sizes:
        out.append(bytes(payload[at : at + n]))
        at += n
    return out


def frame_digest(name: str, frame: pl.DataFrame) -> str:
    """sha256 of a table's name, its exact content (Arrow IPC, schema included) and the code.

    Equal digests mean equal tables, so what was derived from one (its validation, its published
    bytes) holds for the other; unequal digests may still be equal tables (another chunk layout),
    which only costs the work again.
    """
    sink = _Hashing()
    sink.h.update(digest("table", code_version(), name).encode())
    frame.write_ipc(sink, compression="uncompressed")  # hashed as written: no copy of the table held
    return sink.h.hexdigest()


ORIGINS = ("_where", "_line")  # the rows' origin columns, dropped from the published tables

Pair = tuple[str, str]  # a part's digests: with its origin columns, and without them


def frame_pair(name: str, frame: pl.DataFrame) -> Pair:
    """The digests of a part of a table (a chunk's rows, the registry's, a step's), with and without origins.

    Computed once, where the part is made, and kept with it (in its cache entry): the digest of a
    whole table is then `concat_digest` of its parts' pairs, not a pass over every row of it.
    """
    return frame_digest(name, frame), frame_digest(name, frame.drop(ORIGINS, strict=False))


def pair_of(value: Any) -> Pair:
    """A pair of digests as an entry stores it (a list of two strings); Invalid if it is anything else."""
    if not isinstance(value, list) or len(value) != 2 or not all(isinstance(d, str) for d in value):
        raise Invalid("pairs")
    return value[0], value[1]


def concat_digest(name: str, parts: list[Pair], which: int) -> str:
    """The digest of the concatenation, in this order, of parts with these pairs (which 0: with origins).

    Equal digests mean equal parts in the same order, so equal tables; the same table cut into other
    parts has another digest, which only costs the work again."""
    return digest("concat", str(which), code_version(), name, *[p[which] for p in parts])


class _Hashing(io.RawIOBase):
    """A write-only file that keeps only the sha256 of what is written to it."""

    def __init__(self) -> None:
        self.h = hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        self.h.update(b)
        return len(b)


class Store:
    """Entries under `root/<kind>/<key[:2]>/<key>`; with root None, a store that holds nothing."""

    def __init__(self, root: Path | None):
        self.root = root

    def _path(self, kind: str, key: str) -> Path:
        assert self.root is not None
        return self.root / kind / key[:2] / key

    def get(self, kind: str, key: str) -> bytes | None:
        if self.root is None:
            return None
        try:
            return self._path(kind, key).read_bytes()
        except OSError:
            return None

    def keep_only(self, kind: str, key: str | Collection[str]) -> None:
        """Remove every entry of `kind` but `key`'s (or those of the keys given): kinds whose entries are
        large and whose current ones are known."""
        if self.root is None:
            return
        keep = {key} if isinstance(key, str) else set(key)
        for path in (self.root / kind).glob("*/*"):
            if path.name not in keep and path.is_file() and not path.is_symlink():
                path.unlink(missing_ok=True)

    def put(self, kind: str, key: str, data: bytes) -> None:
        """Write atomically (a reader sees the whole entry or none); a cache that cannot be written is skipped."""
        if self.root is None:
            return
        path = self._path(kind, key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            return


# -- plain values <-> JSON --------------------------------------------------------------------
# The registry stage's state (ids, indices, the parsed conflict records with their lines) is made
# of a few kinds of values. Lists and dicts with text keys are JSON arrays and objects; every other
# kind is an object tagged by its key "$", turned back by `json.loads`'s object hook (in C but for
# the hook, which matters for a state of a million values). Anything else is refused (TypeError),
# so a state this code does not know how to write is not cached at all.


def encode(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, LineDict | LineList):
        items = _mapping(value) if isinstance(value, LineDict) else [encode(v) for v in value]
        return {
            "$": "ld" if isinstance(value, LineDict) else "ll",
            "v": items,
            "line": value.line,
            "lines": value.lines,
            "source": getattr(value, "source", None),
        }
    if type(value) is dict:
        return _mapping(value)
    if type(value) is list:
        return [encode(v) for v in value]
    if type(value) is tuple:
        return {"$": "t", "v": [encode(v) for v in value]}
    if type(value) in (set, frozenset):
        items = sorted(value, key=lambda v: (type(v).__name__, str(v)))
        return {"$": "s" if type(value) is set else "f", "v": [encode(v) for v in items]}
    if type(value) is dt.date:
        return {"$": "date", "v": value.isoformat()}
    if type(value) is Problem:
        return {"$": "p", "v": problem_doc(value)}
    raise TypeError(f"cannot cache a {type(value).__name__}")


_PLAIN = (type(None), bool, int, float, str)


def _mapping(value: dict) -> Any:
    if all(type(k) is str for k in value) and "$" not in value:
        # a map of many like values (ids -> None, meeting -> its participants, post -> its wordings) is
        # one tagged object, turned back by one comprehension, not by the object hook once per value
        if value and all(v is None for v in value.values()):
            return {"$": "dn", "v": list(value)}
        kinds = {type(v) for v in value.values()}
        if value and kinds <= {frozenset} and all(type(x) is str for v in value.values() for x in v):
            return {"$": "df", "v": {k: sorted(v) for k, v in value.items()}}
        if value and kinds <= {tuple} and all(type(x) in _PLAIN for v in value.values() for x in v):
            return {"$": "dt", "v": {k: list(v) for k, v in value.items()}}
        return {k: encode(v) for k, v in value.items()}
    return {"$": "d", "v": [[encode(k), encode(v)] for k, v in value.items()]}


def decode_json(data: bytes | str) -> Any:
    """`json.loads` of what `encode` made, every tagged value turned back."""
    try:
        return json.loads(data, object_hook=_untag)
    except (AttributeError, KeyError, TypeError, ValueError, RecursionError) as exc:  # a tag of another shape
        raise Invalid(f"doc: {exc}") from exc


def _untag(obj: dict[str, Any]) -> Any:
    tag = obj.get("$")
    if tag is None:
        return obj
    v = obj["v"]
    if tag in ("ld", "ll"):
        out: Any
        if tag == "ld":
            out = LineDict(v if isinstance(v, dict) else {_hashable(k): x for k, x in v})
            out.lines = dict(obj["lines"])
        else:
            out = LineList(v)
            out.lines = list(obj["lines"])
        out.line = obj["line"]
        if obj["source"] is not None:
            out.source = obj["source"]
        return out
    if tag == "dn":
        return dict.fromkeys(v)
    if tag == "df":
        return {k: frozenset(x) for k, x in v.items()}
    if tag == "dt":
        return {k: tuple(x) for k, x in v.items()}
    if tag == "d":
        return {_hashable(k): x for k, x in v}
    if tag == "t":
        return tuple(v)
    if tag == "s":
        return {_hashable(x) for x in v}
    if tag == "f":
        return frozenset(_hashable(x) for x in v)
    if tag == "date":
        return dt.date.fromisoformat(v)
    if tag == "p":
        return problem(v)
    raise Invalid(f"unknown tag {tag!r}")


def _hashable(value: Any) -> Any:
    hash(value)  # a list where a key should be: not ours
    return value


_PROBLEM_FIELDS = ("where", "line", "row", "field", "check", "value", "message")


def problem_doc(p: Problem) -> list[Any]:
    return [getattr(p, f) for f in _PROBLEM_FIELDS]


def problem(doc: Any) -> Problem:
    where, line, row, fieldname, check, value, message = doc
    if not (
        isinstance(where, str)
        and (line is None or type(line) is int)
        and all(x is None or isinstance(x, str) for x in (row, fieldname, value))
        and isinstance(check, str)
        and isinstance(message, str)
    ):
        raise Invalid("not a problem")
    return Problem(where, line=line, row=row, field=fieldname, check=check, value=value, message=message)
