"""Reading a downloaded package, which is untrusted input: bounded, and only regular files.

Shared by `validate` (verify), `info` and the loaders; imports nothing heavy.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path
from typing import Any

DESCRIPTOR = "datapackage.json"
# A downloaded package is untrusted: nothing is read without a bound, nothing that is not a regular file.
MAX_DESCRIPTOR_BYTES = 64 << 20
MAX_RESOURCE_BYTES = 1 << 30  # one table file; ours are far smaller
MAX_JSON_DEPTH = 32  # nesting of the descriptor (ours is 6 deep)


class Refused(ValueError):
    """A file of the package is not read at all: not a regular file inside it, or too large."""

    def __init__(self, path: Path, reason: str):
        self.path, self.reason = path, reason
        super().__init__(f"{path}: {reason}")


def read_regular(path: Path, limit: int, inside: Path | None = None) -> bytes:
    """The bytes of `path`, if it is a regular file (inside `inside`) of at most `limit` bytes.

    Opened without following a final symbolic link and without blocking, then checked on the open
    descriptor: a FIFO, a device (`/dev/zero`) or a socket is refused before one byte is read, and
    never more than `limit + 1` bytes are read, whatever the file claims. OSError for a missing file.
    """
    if inside is not None and not path.resolve().is_relative_to(inside.resolve()):
        raise Refused(path, "lies outside the package (a symbolic link or path leaving it)")
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Refused(path, "is a symbolic link; a package holds regular files") from None
        raise
    with os.fdopen(fd, "rb") as fh:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = (
                "a FIFO"
                if stat.S_ISFIFO(mode)
                else "a device"
                if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
                else ("a folder" if stat.S_ISDIR(mode) else "not a regular file")
            )
            raise Refused(path, f"is {kind}, not a regular file; not read")
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise Refused(path, f"holds more than {limit:,} bytes; not read further")
    return data


def load_descriptor(folder: Path) -> Any:
    """The parsed `datapackage.json` of `folder`: bounded in size and depth, a regular file.

    Raises OSError when there is no descriptor, `Refused` or ValueError (with a sentence) when
    it cannot be read as one.
    """
    path = folder / DESCRIPTOR
    raw = read_regular(path, MAX_DESCRIPTOR_BYTES)
    try:
        desc = json.loads(raw.decode("utf-8"))
    except RecursionError:
        raise Refused(path, f"nested more than {MAX_JSON_DEPTH} levels deep") from None
    if _depth(desc) > MAX_JSON_DEPTH:
        raise Refused(path, f"nested more than {MAX_JSON_DEPTH} levels deep")
    return desc


def _depth(value: Any) -> int:
    """How deeply lists and objects nest in `value`, counted without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (list, dict)):
            deepest = max(deepest, depth)
            if deepest > MAX_JSON_DEPTH:
                return deepest
            stack.extend((v, depth + 1) for v in (item.values() if isinstance(item, dict) else item))
    return deepest
