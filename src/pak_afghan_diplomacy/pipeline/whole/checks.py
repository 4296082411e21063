"""Step 4: validate the tables: each against its pandera model, then across tables.

Cross-table checks are the ones a single frame cannot make: foreign keys resolve,
every span lies inside its article's body, and every quoted text is exactly the
seed's characters at its offsets.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandera.errors
import polars as pl

from pak_afghan_diplomacy.pipeline.article.spans import span_problems
from pak_afghan_diplomacy.pipeline.problems import Problem, key_text
from pak_afghan_diplomacy.pipeline.whole.wording import check_name, sentence
from pak_afghan_diplomacy.schema import MODELS
from pak_afghan_diplomacy.schema.frictionless import keys

Locate = Callable[[str, str], tuple[str, int | None] | None]


def _key_text(row: Mapping, primary_key: list[str]) -> str:
    return key_text(row.get(k) for k in primary_key)


def schema_problems(name: str, frame: pl.DataFrame, locate: Locate | None = None) -> list[Problem]:
    """Validate one frame against its model (lazily: every failure at once)."""
    model = MODELS[name]
    pk = keys(model)["primary_key"]
    try:
        model.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as err:
        return _from_failure_cases(name, frame, err.failure_cases, pk, locate)
    except pandera.errors.SchemaError as err:  # pragma: no cover - lazy=True raises SchemaErrors
        return [Problem(name, check="schema", message=str(err).splitlines()[0])]
    return _key_problems(name, frame, model, locate)


def _from_failure_cases(
    name: str, frame: pl.DataFrame, cases: pl.DataFrame, pk: list[str], locate: Locate | None
) -> list[Problem]:
    problems = []
    for case in cases.iter_rows(named=True):
        index = case.get("index")
        row_key, where, line = None, name, None
        if index is not None and 0 <= int(index) < frame.height and all(k in frame.columns for k in pk):
            row_key = _key_text(frame.row(int(index), named=True), pk)
            if locate and (origin := locate(name, row_key)):
                where, line = origin
        column = case.get("column")
        problems.append(
            Problem(
                where,
                line=line,
                row=row_key if line is None else f"{name}:{row_key}",
                field=column if where == name else f"{name}.{column}",
                check=check_name(case),
                value=None if case.get("failure_case") is None else str(case.get("failure_case")),
                message=f"{name}: {sentence(name, case)}" + (f" (row {row_key})" if row_key else ""),
            )
        )
    return problems


def _key_problems(name: str, frame: pl.DataFrame, model, locate: Locate | None) -> list[Problem]:
    """Primary and unique keys: no duplicates (pandera's `unique` covers single columns only)."""
    k = keys(model)
    problems = []
    for cols in [k["primary_key"], *k["unique"]]:
        if not set(cols) <= set(frame.columns):
            continue
        dup = frame.filter(frame.select(cols).is_duplicated())
        for row in dup.select(cols).unique(maintain_order=True).iter_rows(named=True):
            row_key = _key_text(row, cols)
            where, line = (locate(name, row_key) if locate else None) or (name, None)
            problems.append(
                Problem(
                    where,
                    line=line,
                    row=row_key,
                    field=",".join(cols),
                    check="duplicate key",
                    value=row_key,
                    message=f"{name}: more than one row with this key",
                )
            )
    return problems


def table_key_problems(name: str, frames: Mapping[str, pl.DataFrame]) -> list[Problem]:
    """The foreign keys of table `name` that resolve to no row of their target: it reads `name` and
    its targets only, so a build can skip it when none of them changed (`all_problems`'s `keyed`)."""
    problems = []
    model = MODELS[name]
    frame = frames[name]
    pk = keys(model)["primary_key"]
    for col, target, ref in keys(model)["foreign_keys"]:
        known = frames[target][ref]
        bad = frame.filter(pl.col(col).is_not_null() & ~pl.col(col).is_in(known.implode()))
        for row in bad.iter_rows(named=True):
            problems.append(
                Problem(
                    name,
                    row=_key_text(row, pk),
                    field=col,
                    check="foreign key",
                    value=str(row[col]),
                    message=f"no {target}.{ref} with this value",
                )
            )
    return problems


def all_problems(
    frames: Mapping[str, pl.DataFrame],
    texts: Mapping[str, str] | None,
    locate: Locate | None = None,
    spans: list[Problem] | None = None,
    valid: frozenset[str] = frozenset(),
    keyed: Callable[[str, Mapping[str, pl.DataFrame]], list[Problem]] = table_key_problems,
) -> list[Problem]:
    """Every table against its model, then foreign keys, then the spans (against the seed texts, where given).

    `spans`: the span problems already found (the build checks each chunk's rows in the per-article stage).
    `valid`: tables known to pass their model (the build remembers tables it validated, by content).
    `keyed(name, frames)`: each table's foreign-key problems (the build's remembers, by the digests of
    the tables it read, which tables' keys all resolved).
    """
    problems: list[Problem] = []
    for name in MODELS:
        if name not in frames:
            problems.append(Problem(name, check="missing table", message=f"table {name} is missing"))
            continue
        if name not in valid:
            problems += schema_problems(name, frames[name], locate)
    if problems:
        return problems
    for name in MODELS:
        problems += keyed(name, frames)
    problems += span_problems(frames, texts or {}) if spans is None else spans
    return problems
