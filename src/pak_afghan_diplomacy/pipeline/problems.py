"""Problems found by the build or by validation, and how they are shown to a person.

Every failure (a curation typo, a quote missing from its article, a schema check)
becomes a `Problem` naming where it is; the build collects them all, then stops
before publishing anything. The same formatter serves users validating their own frames.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True, order=True)
class Problem:
    """One located failure. `where` is a file (with `line`) or a table (with `row`)."""

    where: str
    line: int | None = None
    row: str | None = None
    field: str | None = None
    check: str = ""
    value: str | None = None
    message: str = ""


class BuildError(Exception):
    """Raised with every problem found; nothing has been published."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = sorted(set(problems), key=_sort_key)
        super().__init__(f"{len(self.problems)} problem(s)")


def _sort_key(p: Problem) -> tuple:
    return (p.where, p.line or 0, p.row or "", p.field or "", p.check, p.value or "", p.message)


# Characters refused in published text: C0 and C1 controls but tab, newline and carriage return
# (a seed saved on Windows has CRLF line ends), DEL, and those that reorder or hide text on
# screen: every format character (Unicode category Cf: bidi marks, embeddings, overrides and
# isolates, zero-width space and joiners, word joiner, soft hyphen, BOM, tag characters), line and
# paragraph separators, and the non-characters (U+FDD0-U+FDEF and the last two of every plane).
# FORMAT_CHARS is category Cf of Unicode 14 (Python 3.11) written out, so no import scans the
# code space; a test checks it against the running Python's `unicodedata`.
FORMAT_CHARS = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
NONCHARACTERS = "\ufdd0-\ufdef" + "".join(f"{chr(p * 0x10000 + 0xFFFE)}{chr(p * 0x10000 + 0xFFFF)}" for p in range(17))
_HIDING = "\x7f-\x9f\u2028\u2029" + FORMAT_CHARS + NONCHARACTERS
REFUSED_CHARS = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f{_HIDING}]")
_TERMINAL = re.compile(f"[\x00-\x08\x0b-\x1f{_HIDING}]")  # all of those, and CR, for a terminal
_SHOWN = re.compile(f"[\x00-\x1f{_HIDING}]")  # and newline and tab, for one table cell


def printable(text: object, *, newlines: bool = False) -> str:
    """`text` safe for a terminal: every control, escape and bidi character shown as an escape.

    A path or value from a hostile file must not move the cursor, recolour or reorder the screen.
    """
    s = str(text)
    pattern = _TERMINAL if newlines else _SHOWN
    return pattern.sub(lambda m: _escape(m.group()), s)


def _escape(ch: str) -> str:
    named = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}
    if ch in named:
        return named[ch]
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def char_at(text: str, i: int) -> str:
    """`U+200B at character 8 (ZERO WIDTH SPACE)`: where a character that cannot be seen is, and which."""
    import unicodedata

    ch = text[i]
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X} at character {i + 1}" + (f" ({name})" if name else "")


def _clip(text: str | None, width: int) -> str:
    if text is None:
        return ""
    text = printable(text)
    return text if len(text) <= width else text[: width - 1] + "…"


MESSAGE_WIDTH = 100  # characters of a message per line in the terminal table


def format_problems(problems: Iterable[Problem], *, limit: int = 50) -> str:
    """A compact table, grouped by file or table, capped at `limit` rows with a count of the rest."""
    items = sorted(problems, key=_sort_key)
    header = ("where", "line/row", "field", "check", "value", "message")
    rows = [
        (
            _clip(p.where, 200),
            str(p.line) if p.line is not None else (p.row or ""),
            _clip(p.field, 80),
            p.check,
            _clip(p.value, 40),
            printable(p.message),
        )
        for p in items[:limit]
    ]
    # the message is the advice: printed whole, wrapped at MESSAGE_WIDTH under its column, never cut
    wrapped = [textwrap.wrap(r[-1], MESSAGE_WIDTH, break_on_hyphens=False) or [""] for r in rows]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(header[:-1])]
    widths.append(max([len(header[-1])] + [len(w) for lines in wrapped for w in lines]))
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    indent = " " * (sum(widths[:-1]) + 2 * (len(widths) - 1))
    for r, message in zip(rows, wrapped, strict=True):
        lines.append("  ".join(c.ljust(w) for c, w in zip((*r[:-1], message[0]), widths, strict=True)).rstrip())
        lines += [indent + more for more in message[1:]]
    if len(items) > limit:
        lines.append(f"... and {len(items) - limit} more (write them all with --report PATH)")
    lines.append(f"{len(items)} problem(s)")
    return "\n".join(lines)


def _cell(value: object) -> object:
    """A report cell a spreadsheet will not run: OWASP's leading quote before =, +, -, @, tab, CR.

    Reports quote hostile input (values from bad files); unlike the published CSV, they need not
    round-trip, so the guidance applies as written.
    """
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def write_report(problems: Iterable[Problem], path: Path) -> None:
    """All problems as CSV or JSON (by the file's suffix), for CI."""
    items = [asdict(p) for p in sorted(problems, key=_sort_key)]
    if path.suffix.lower() == ".json":
        write_whole(path, (json.dumps(items, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
        return
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(Problem.__dataclass_fields__), lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: _cell(v) for k, v in item.items()} for item in items)
    write_whole(path, buf.getvalue().encode("utf-8"))


def write_whole(path: Path, data: bytes, staging: str = ".") -> None:
    """`data` into `path` whole or not at all: a temporary file beside it (named `staging`, the pid and
    the name, so a caller can clear what a killed run left), flushed, then renamed; a full disk
    leaves no empty or half-written file."""
    tmp = path.with_name(f"{staging}{os.getpid()}-{path.name}")
    try:
        with open(tmp, "xb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def key_text(values: Iterable[Any]) -> str:
    """A row's key as problems name it: the key's values joined by `|`."""
    return "|".join(str(v) for v in values)
