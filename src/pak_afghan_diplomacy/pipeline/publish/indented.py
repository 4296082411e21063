"""`json.dumps(value, ensure_ascii=False, indent=2)`, the same text, without the standard library's
pure-Python encoder.

With `indent`, the standard library's `json` falls back from its C encoder to a generator per
nesting level, one `yield` per token: the descriptor lists every source, so at 50,000 articles that
was most of publication's time after one article changed. This writes the same text from the
same plain values (dicts with text keys, lists, text, int, float, bool, None), each string
escaped by the C escaper `json` itself uses; any other value is refused (TypeError), and `dumps`
then leaves the whole value to `json.dumps`, so the text never differs.
"""

from __future__ import annotations

import json
import json.encoder
from collections.abc import Iterator
from typing import Any

_ESCAPE = json.encoder.encode_basestring  # the C escaper (ensure_ascii=False), as json.dumps uses
_INF = float("inf")


def dumps(value: Any) -> str:
    """The text `json.dumps(value, ensure_ascii=False, indent=2)` gives."""
    try:
        out: list[str] = []
        _write(value, 0, out)
        return "".join(out)
    except (TypeError, RecursionError):
        return json.dumps(value, ensure_ascii=False, indent=2)


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return _ESCAPE(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        if value != value:
            return "NaN"
        if value == _INF:
            return "Infinity"
        if value == -_INF:
            return "-Infinity"
        return float.__repr__(value)
    raise TypeError(type(value).__name__)


def _write(value: Any, level: int, out: list[str]) -> None:
    if isinstance(value, dict):
        _members(((_key(k) + ": ", v) for k, v in value.items()), "{", "}", level, out)
    elif isinstance(value, list):
        _members((("", v) for v in value), "[", "]", level, out)
    else:
        out.append(_scalar(value))


def _key(key: Any) -> str:
    if type(key) is not str:
        raise TypeError("a key that is not text")
    return _ESCAPE(key)


def _members(members: Iterator[tuple[str, Any]], opening: str, closing: str, level: int, out: list[str]) -> None:
    """An object's or an array's members (each its key's text, or none, and its value), one a line."""
    inner = "\n" + "  " * (level + 1)
    at = len(out)
    out.append(opening)
    for prefix, item in members:
        out.append(inner if len(out) == at + 1 else "," + inner)
        out.append(prefix)
        if isinstance(item, dict | list):
            _write(item, level + 1, out)
        else:
            out.append(_scalar(item))
    if len(out) == at + 1:
        out[at] = opening + closing  # empty: `{}`, `[]`
    else:
        out.append("\n" + "  " * level + closing)
