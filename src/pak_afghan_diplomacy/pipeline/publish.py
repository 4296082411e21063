"""Step 5: publish the validated tables as a Frictionless Data Package, atomically.

Everything is written into a fresh folder beside `datasets/`, then exchanged with it in one
system call (`renameat2(RENAME_EXCHANGE)` on Linux), so the path `datasets/` names a complete
package at every instant, old or new; a build that fails or is killed anywhere leaves the
previous package as it was, and the next build clears what it left. A lock on the parent
folder keeps two builders from interleaving. The target must be empty or one of our packages:
nothing else is ever replaced. Bytes depend only on the data and the writer versions.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import io
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from pak_afghan_diplomacy._about import RELEASE_DATE, __version__
from pak_afghan_diplomacy.schema import MODELS
from pak_afghan_diplomacy.schema.frictionless import arrow_schema, describe, keys, table_schema

DESCRIPTOR = "datapackage.json"
PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
FORMATS = {
    # format -> (folder, resource-name suffix, mediatype)
    "parquet": ("parquet", "", "application/vnd.apache.parquet"),
    "csv": ("csv", "-csv", "text/csv"),
}


def sort_frame(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Rows by primary key, columns in schema order: output independent of curation order."""
    return frame.select(list(MODELS[name].to_schema().columns)).sort(keys(MODELS[name])["primary_key"])


def parquet_bytes(name: str, frame: pl.DataFrame) -> bytes:
    schema = arrow_schema(MODELS[name])
    # Columnar all the way (no Python row objects); the cast fixes Arrow types and nullability.
    table = pa.Table.from_arrays(
        [frame[c].to_arrow().cast(f.type) for c, f in zip(schema.names, schema, strict=True)], schema=schema
    )
    buf = io.BytesIO()
    pq.write_table(
        table,
        buf,
        compression="zstd",
        compression_level=9,
        use_dictionary=False,
        write_statistics=True,
        row_group_size=1_000_000,
        store_schema=True,
    )
    return buf.getvalue()


def csv_bytes(frame: pl.DataFrame) -> bytes:
    return frame.write_csv(include_header=True, line_terminator="\n", null_value="").encode("utf-8")


def _sources(articles: pl.DataFrame) -> list[dict[str, Any]]:
    out = []
    for r in articles.iter_rows(named=True):
        source = {"title": r["title"], "path": f"seeds/{r['source_file']}", "version": r["published_date"]}
        if r["publisher"]:
            source["publisher"] = r["publisher"]
        out.append(source)
    return out


def descriptor(frames: Mapping[str, pl.DataFrame], files: Mapping[str, bytes]) -> dict[str, Any]:
    resources = []
    for fmt, (folder, suffix, mediatype) in FORMATS.items():
        for name in MODELS:
            path = f"{folder}/{name}.{fmt}"
            data = files[path]
            resource: dict[str, Any] = {
                "name": f"{name}{suffix}",
                "type": "table",
                "title": f"{name} ({fmt.upper() if fmt == 'csv' else 'Parquet'})",
                "description": describe(name),
                "path": path,
                "format": fmt,
                "mediatype": mediatype,
                "bytes": len(data),
                "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
                "schema": table_schema(name, resource_suffix=suffix),
            }
            if fmt == "parquet":
                # frictionless-py 5 reads Parquet without its byte-counting loader and so reports
                # every declared size as wrong; the sha256 `hash` (checked by `validate`) stands.
                del resource["bytes"]
            if fmt == "csv":
                resource["encoding"] = "utf-8"
                resource["dialect"] = {"header": True, "delimiter": ",", "quoteChar": '"', "doubleQuote": True}
            resources.append(resource)
    return {
        "$schema": PROFILE,
        "name": "pak-afghan-diplomacy",
        "title": "Pakistan–Afghanistan diplomatic engagements",
        "description": (
            "Persons, roles, meetings and statements in Pakistan–Afghanistan diplomacy, curated from news "
            "articles. Every row points at the article and the exact characters that support it "
            "(code-point offsets into the seed text, see `evidence`). Each table is published twice: "
            "Parquet (resources named after the table) and CSV (the same name with `-csv`). "
            "Parquet resources carry their sha256 hash but no `bytes`: frictionless-py cannot measure Parquet sizes."
        ),
        "version": __version__,
        "created": f"{RELEASE_DATE}T00:00:00Z",
        "homepage": "https://pypi.org/project/pak-afghan-diplomacy/",
        "keywords": ["Pakistan", "Afghanistan", "diplomacy", "special envoy", "Taliban", "events", "quotations"],
        "licenses": [
            {
                "name": "CC-BY-4.0",
                "path": "https://creativecommons.org/licenses/by/4.0/",
                "title": "CC BY 4.0 for the curated tables; quoted article text remains its publishers'",
            }
        ],
        "contributors": [{"title": "pak-afghan-diplomacy contributors", "roles": ["creator"]}],
        "sources": _sources(frames["articles"]),
        "resources": resources,
    }


def render(frames: Mapping[str, pl.DataFrame]) -> dict[str, bytes]:
    """Every published file's bytes, keyed by path inside `datasets/`."""
    files: dict[str, bytes] = {}
    for name, frame in frames.items():
        ordered = sort_frame(name, frame)
        files[f"parquet/{name}.parquet"] = parquet_bytes(name, ordered)
        files[f"csv/{name}.csv"] = csv_bytes(ordered)
    desc = descriptor(frames, files)
    files[DESCRIPTOR] = (json.dumps(desc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return files


PUBLISHED = frozenset({DESCRIPTOR, *(folder for folder, _, _ in FORMATS.values())})


class OutputRefused(Exception):
    """The target of a build is not ours to replace; the message says why."""

    def __init__(self, out: Path, message: str):
        self.out = out
        super().__init__(f"{out}: {message}")


def check_target(out: Path) -> None:
    """Refuse `out` unless it is absent, an empty folder, or a package this project published.

    A package of ours holds `datapackage.json` (named pak-afghan-diplomacy) and only the
    folders we write: anything else there (a checkout, `build/`, a home folder) would be lost
    by the swap, so it is refused before anything is written.
    """
    if out.is_symlink():
        raise OutputRefused(out, "is a symbolic link; publish to a real folder")
    if not out.exists():
        return
    if not out.is_dir():
        raise OutputRefused(out, "is a file, not a folder; refusing to replace it")
    entries = sorted(p.name for p in out.iterdir())
    if not entries:
        return
    if DESCRIPTOR not in entries or not _ours(out / DESCRIPTOR):
        shown = ", ".join(entries[:5]) + (", ..." if len(entries) > 5 else "")
        raise OutputRefused(out, f"is not empty and is not a published package (holds {shown}); refusing to replace it")
    foreign = [name for name in entries if name not in PUBLISHED]
    if foreign:
        raise OutputRefused(
            out, f"holds {', '.join(foreign[:5])} besides the package; move it away or choose another folder"
        )


def _ours(path: Path) -> bool:
    try:
        desc = json.loads(path.read_bytes()[: 1 << 24])
    except (OSError, ValueError):
        return False
    return isinstance(desc, dict) and desc.get("name") == "pak-afghan-diplomacy"


def _checkpoint(step: str) -> None:
    """Called between filesystem steps of publication; the tests kill or fail the build here."""


def write_atomic(files: Mapping[str, bytes], out: Path, *, _fail_after: int | None = None) -> None:
    """Write `files` into `out`, replacing it whole or not at all.

    `_fail_after` simulates a crash after that many files (for the tests).
    """
    out = Path(os.path.abspath(out))
    for ancestor in out.parents:
        if ancestor.exists():
            if not ancestor.is_dir():
                raise NotADirectoryError(errno.ENOTDIR, "not a folder", str(ancestor))
            break
    out.parent.mkdir(parents=True, exist_ok=True)
    with _locked(out):
        _recover(out)
        check_target(out)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
        _checkpoint("staging made")
        try:
            staging.chmod(0o755)  # mkdtemp makes it private; the published folder is for everyone to read
            for i, (rel, data) in enumerate(sorted(files.items())):
                if _fail_after is not None and i >= _fail_after:
                    raise OSError(f"simulated failure after {i} files")
                target = staging / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                with open(target, "wb") as fh:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
                _checkpoint(f"wrote {rel}")
            _swap(staging, out)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        _fsync_dir(out.parent)


def _swap(staging: Path, out: Path) -> None:
    """Put `staging` at `out` in one step; the previous package, if any, is removed after."""
    if not out.exists() or not any(out.iterdir()):
        # Absent or empty: rename(2) onto it is atomic (it fails on a non-empty folder).
        os.replace(staging, out)
        _checkpoint("renamed into place")
        return
    if _exchange(staging, out):
        _checkpoint("exchanged")
        shutil.rmtree(staging, ignore_errors=True)  # now the previous package
        _checkpoint("previous removed")
        return
    # No atomic exchange here (not Linux, or a filesystem without it): two renames. A kill
    # between them leaves only `.<name>.old-*`, which the next build puts back (`_recover`).
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    os.rmdir(old)
    os.replace(out, old)
    try:
        _checkpoint("previous moved away")
        os.replace(staging, out)
    except BaseException:
        os.replace(old, out)
        raise
    _checkpoint("renamed into place")
    shutil.rmtree(old, ignore_errors=True)
    _checkpoint("previous removed")


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with renameat2(2); False where the platform cannot."""
    func = getattr(_libc(), "renameat2", None)
    if func is None:
        return False
    func.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if func(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False  # an old kernel, or a filesystem without RENAME_EXCHANGE
    raise OSError(err, os.strerror(err), str(b))


def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:  # pragma: no cover - no C library to ask
        return None


@contextlib.contextmanager
def _locked(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on the folder that holds `out`: one builder publishes there at a time.

    The lock is flock(2) on the parent folder itself, so it leaves no lock file behind and is
    released by the kernel when a builder dies.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: no lock, publication is still atomic per step
        yield
        return
    fd = os.open(out.parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _recover(out: Path) -> None:
    """Clear what a killed build left beside `out` (called under the lock).

    `.<name>.new-*` is an unfinished or already superseded staging folder: removed. `.<name>.old-*`
    is a complete previous package moved away by the two-rename fallback: put back if `out` is
    missing, else removed.
    """
    leftovers = sorted(out.parent.glob(f".{out.name}.new-*")) + sorted(out.parent.glob(f".{out.name}.old-*"))
    for path in leftovers:
        if not path.is_dir() or path.is_symlink():
            continue
        if path.name.startswith(f".{out.name}.old-") and not out.exists() and (path / DESCRIPTOR).is_file():
            os.replace(path, out)
            continue
        shutil.rmtree(path, ignore_errors=True)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
