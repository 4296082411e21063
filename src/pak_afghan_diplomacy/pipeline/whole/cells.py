"""Cells safe for spreadsheets and terminals: no formula triggers, no control or bidi characters.

A CSV cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is run as a formula by
spreadsheet programs (OWASP, "CSV Injection"). OWASP's remedy is to prefix such cells with a
quote, but the CSV must hold exactly the Parquet values, so the build refuses them instead:
no published text cell starts with one. Control characters (other than newline and tab) and the
bidirectional overrides and isolates can hide or reorder text on screen ("Trojan Source"), so
no published cell holds one either. `validate` makes the same check on a published package.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from pak_afghan_diplomacy.pipeline.problems import REFUSED_CHARS, Problem, key_text
from pak_afghan_diplomacy.pipeline.whole.checks import Locate
from pak_afghan_diplomacy.schema import MODELS
from pak_afghan_diplomacy.schema.frictionless import keys

FORMULA_START = "=+-@\t\r"
_FORMULA = "^[" + "".join(f"\\x{ord(c):02x}" for c in FORMULA_START) + "]"


_PATTERNS = (
    (_FORMULA, "formula", "starts with a character a spreadsheet runs as a formula (=, +, -, @, tab, CR)"),
    (REFUSED_CHARS.pattern, "control character", "holds a control or bidirectional-override character"),
)


def cell_problems(frames: Mapping[str, pl.DataFrame], locate: Locate | None = None) -> list[Problem]:
    """Every text cell that a spreadsheet would run, or that holds a control or bidi character.

    One pass over a table says which of its text columns hold any such cell (one query, not two
    per column); only those columns' rows are looked at again, to name each cell.
    """
    problems: list[Problem] = []
    for name, frame in frames.items():
        if name not in MODELS:
            continue
        pk = [c for c in keys(MODELS[name])["primary_key"] if c in frame.columns]
        text = [c for c in frame.columns if frame.schema[c] == pl.String]
        if not text or not frame.height:
            continue
        found = frame.select(
            pl.col(column).str.contains(pattern).any().alias(f"{i}:{j}")
            for i, column in enumerate(text)
            for j, (pattern, _, _) in enumerate(_PATTERNS)
        ).row(0)
        hits = iter(found)
        for column in text:
            for pattern, check, why in _PATTERNS:
                if not next(hits):
                    continue
                bad = frame.filter(pl.col(column).str.contains(pattern))
                for row in bad.select(list(dict.fromkeys([*pk, column]))).iter_rows(named=True):
                    row_key = key_text(row[k] for k in pk)
                    where, line = (locate(name, row_key) if locate else None) or (name, None)
                    value = row[column]
                    problems.append(
                        Problem(
                            where,
                            line=line,
                            row=row_key,
                            field=column,
                            check=check,
                            value=value[:40],
                            message=f"{why}{_position(value, pattern)}; edit the curated text",
                        )
                    )
    return problems


def _position(value: str, pattern: str) -> str:
    if pattern == _FORMULA:
        return ""
    m = REFUSED_CHARS.search(value)
    return f" (U+{ord(m.group()):04X} at character {m.start() + 1})" if m else ""
