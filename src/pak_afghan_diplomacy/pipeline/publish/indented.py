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
        if not value:
            out.append("{}")
            return
        inner = "\n" + "  " * (level + 1)
        out.append("{")
        first = True
        for key, item in value.items():
            if type(key) is not str:
                raise TypeError("a key that is not text")
            out.append(inner if first else "," + inner)
            first = False
            out.append(_ESCAPE(key))
            out.append(": ")
            if isinstance(item, dict | list):
                _write(item, level + 1, out)
            else:
                out.append(_scalar(item))
        out.append("\n" + "  " * level + "}")
    elif isinstance(value, list):
        if not value:
            out.append("[]")
            return
        inner = "\n" + "  " * (level + 1)
        out.append("[")
        first = True
        for item in value:
            out.append(inner if first else "," + inner)
            first = False
            if isinstance(item, dict | list):
                _write(item, level + 1, out)
            else:
                out.append(_scalar(item))
        out.append("\n" + "  " * level + "]")
    else:
        out.append(_scalar(value))
