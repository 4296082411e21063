"""Put a package's files in place in one step, and never replace anything that is not ours.

Everything is written into a fresh folder beside the target, then exchanged with it in one
system call (`renameat2(RENAME_EXCHANGE)` on Linux), so the target names a complete package
at every instant, old or new; where the platform has no exchange, two renames, with a kill
between them repaired by the next build. Whatever a failed or killed build left is cleared
by the next one. A lock on the parent folder keeps two builders from interleaving. The target
must be absent, empty, or one of our packages: nothing else is ever replaced.

This module imports nothing heavy, so a process that only publishes starts fast.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import json
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

DESCRIPTOR = "datapackage.json"
# What a published package holds at its top (`publish.render` writes nothing else; a test checks).
PUBLISHED = frozenset({DESCRIPTOR, "csv", "parquet"})
# What file browsers leave in a folder someone opened: not the user's work, dropped with the old package.
BROWSER_LITTER = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})


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
    foreign = [name for name in entries if name not in PUBLISHED | BROWSER_LITTER]
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


@dataclass(frozen=True)
class InPlace:
    """A file the package in place holds with exactly the bytes to publish: linked, neither read nor written.

    Whoever makes one has checked the file (its sha256, from a stat record or read) with the stat
    `st` (size, mtime_ns, ctime_ns, inode, device, as `os.lstat` gave them). It is linked into the
    staging folder only if its stat is still that one, and the link is the same inode of the same
    size and mtime after; otherwise `data()` makes the bytes and they are written as any other file.
    """

    size: int
    sha256: str
    st: tuple[int, int, int, int, int]
    data: Callable[[], bytes]


@dataclass
class Streamed:
    """A file made by `write(path)` straight into the staging folder (a table's CSV, never held whole in
    memory); once written and synced it is read back for its `size` and `sha256`."""

    write: Callable[[Path], None]
    size: int = -1
    sha256: str = ""


def stat_of(st: os.stat_result) -> tuple[int, int, int, int, int]:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


def _checkpoint(step: str) -> None:
    """Called between filesystem steps of publication; the tests kill or fail the build here."""


def write_atomic(
    files: Mapping[str, bytes] | Iterable[tuple[str, bytes | InPlace | Streamed]],
    out: Path,
    *,
    _fail_after: int | None = None,
) -> dict[str, tuple[int, int, int, int, int]]:
    """Write `files` into `out`, replacing it whole or not at all.

    `files` is a mapping (written in path order) or a stream of (path, bytes) pairs, written as
    they come, so that a package need not be held in memory whole; in a stream, an `InPlace`
    stands for a file of the package in place to be linked, a `Streamed` for a file written by
    its own writer. `_fail_after` simulates a crash
    after that many files (for the tests). Returns the stat of every file written (not linked),
    taken on the open file once its bytes were synced.
    """
    written: dict[str, tuple[int, int, int, int, int]] = {}
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
            items = sorted(files.items()) if isinstance(files, Mapping) else files
            folders = {staging}
            for i, (rel, data) in enumerate(items):
                if _fail_after is not None and i >= _fail_after:
                    raise OSError(f"simulated failure after {i} files")
                target = staging / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                folders.add(target.parent)
                if isinstance(data, InPlace):
                    if _link_in_place(out, rel, data, target):
                        _checkpoint(f"wrote {rel}")
                        continue
                    data = data.data()
                if isinstance(data, Streamed):
                    data.write(target)
                    with open(target, "rb") as fh:
                        os.fsync(fh.fileno())
                        written[rel] = stat_of(os.fstat(fh.fileno()))
                        data.sha256 = hashlib.file_digest(fh, "sha256").hexdigest()
                        data.size = fh.tell()
                elif not _link_same(out, rel, data, target):
                    with open(target, "wb") as fh:
                        fh.write(data)
                        fh.flush()
                        os.fsync(fh.fileno())
                        written[rel] = stat_of(os.fstat(fh.fileno()))
                _checkpoint(f"wrote {rel}")
            for folder in folders:  # the names in staging (a linked file's bytes are on disk already)
                _fsync_dir(folder)
            _swap(staging, out)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        _fsync_dir(out.parent)
    return written


def _link_same(out: Path, rel: str, data: bytes, target: Path) -> bool:
    """Link `target` to the file the package in place already holds with exactly `data`, if it holds one.

    A rebuild after one article changed publishes mostly the bytes already in place: those files
    are not written and synced again. Only a regular file with no other name (`st_nlink` 1: no
    link a user made elsewhere, which an edit there would change) and the very same bytes is
    linked; the file was synced when it was written, so staging still holds the whole package.
    """
    published = out / rel
    st = own_file(out, rel)  # not reached through a link, regular, no other name
    if st is None or st.st_size != len(data):
        return False
    try:
        if published.read_bytes() != data:
            return False
        os.link(published, target, follow_symlinks=False)
    except OSError:
        return False
    return True


def own_file(out: Path, rel: str) -> os.stat_result | None:
    """The lstat of the package's own file `rel` in `out`: a regular file with no other name, not reached
    through a link (None: anything else)."""
    published = out / rel
    try:
        if os.path.realpath(published) != os.path.join(os.path.realpath(out), rel):
            return None
        st = published.lstat()
    except OSError:
        return None
    return st if stat.S_ISREG(st.st_mode) and st.st_nlink == 1 else None


def _link_in_place(out: Path, rel: str, item: InPlace, target: Path) -> bool:
    """Link `target` to the file in place that `item` checked, if it is still that file (stat unchanged)."""
    st = own_file(out, rel)
    if st is None or stat_of(st) != item.st or st.st_size != item.size:
        return False
    try:
        os.link(out / rel, target, follow_symlinks=False)
        linked = target.lstat()  # the same inode, untouched (a link moves only its ctime)
        if (linked.st_ino, linked.st_dev, linked.st_size, linked.st_mtime_ns) != (
            st.st_ino,
            st.st_dev,
            st.st_size,
            st.st_mtime_ns,
        ):
            target.unlink()
            return False
    except OSError:
        with contextlib.suppress(OSError):
            target.unlink()
        return False
    return True


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
    if not sys.platform.startswith("linux"):
        return None  # renameat2 is Linux's; elsewhere the two-rename fallback
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
