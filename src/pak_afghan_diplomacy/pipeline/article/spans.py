"""The span check: every quoted span lies in its article's body and is the seed's characters there.

Per article (the per-article stage runs it on each chunk's own rows) and on a whole package
(`whole/checks.py`, `validate`), so it lives with the per-article stage that both can reach.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from pak_afghan_diplomacy.pipeline.problems import Problem, key_text
from pak_afghan_diplomacy.schema import MODELS
from pak_afghan_diplomacy.schema.frictionless import keys


def span_problems(frames: Mapping[str, pl.DataFrame], texts: Mapping[str, str]) -> list[Problem]:
    """Every (char_start, char_end, text) lies in its article's body and, with its seed, is the seed's characters.

    The bounds are checked without seeds too (the body span is in `articles`): an evidence span
    100,000 characters past the text is caught by `validate` on a bare download.
    """
    bodies = {r["article_id"]: (r["body_start"], r["body_end"]) for r in frames["articles"].iter_rows(named=True)}
    problems = []
    for name in ("statements", "evidence"):
        pk = keys(MODELS[name])["primary_key"]
        for row in frames[name].iter_rows(named=True):
            art, a, b = row["article_id"], row["char_start"], row["char_end"]
            key = key_text(row.get(k) for k in pk)
            if art not in bodies:
                continue  # reported as a foreign key problem
            lo, hi = bodies[art]
            if not (lo <= a <= b <= hi):
                problems.append(
                    Problem(
                        name,
                        row=key,
                        field="char_start",
                        check="inside body",
                        value=f"{a}-{b}",
                        message=f"span outside the body {lo}-{hi} of {art}",
                    )
                )
            elif art in texts and texts[art][a:b] != row["text"]:
                problems.append(
                    Problem(
                        name,
                        row=key,
                        field="text",
                        check="equals seed text",
                        value=row["text"],
                        message=f"not the seed's characters at {a}-{b}",
                    )
                )
    for row in frames["articles"].iter_rows(named=True):
        text = texts.get(row["article_id"])
        if text is not None and row["text_length"] != len(text):
            problems.append(
                Problem(
                    "articles",
                    row=row["article_id"],
                    field="text_length",
                    check="equals seed",
                    value=str(row["text_length"]),
                    message=f"the seed has {len(text)} code points",
                )
            )
    return problems
