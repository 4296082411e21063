"""Check a user's own CSV or Parquet file against one of our tables: every failure, each with its line.

`validate --table` runs this. The file is read as text and cast column by column without stopping,
so a bad date on one line does not hide a bad number on the next; then the model's checks, the
cell checks the build applies (formulas, control and bidi characters), the table's keys, and its
foreign keys (within the user's file where a table refers to itself, else against the published
tables) each report every row that fails, by CSV line (or Parquet row) and column, in a sentence.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pandera.errors
import polars as pl

from pak_afghan_diplomacy.pipeline.problems import Problem, key_text
from pak_afghan_diplomacy.pipeline.publish.verify import compressed
from pak_afghan_diplomacy.pipeline.whole import cells
from pak_afghan_diplomacy.pipeline.whole.wording import check_name, sentence
from pak_afghan_diplomacy.schema import MODELS
from pak_afghan_diplomacy.schema.frictionless import keys, polars_schema

_KINDS = {pl.Int64: "a whole number", pl.Date: "a date (YYYY-MM-DD)", pl.Boolean: "true or false"}


class _Rows:
    """Where each row of the user's file is: a CSV line, or a Parquet row number."""

    def __init__(self, path: Path, lines: list[int] | None):
        self.path, self.lines = str(path), lines

    def problem(self, index: int | None, **fields: Any) -> Problem:
        if index is None:
            return Problem(self.path, **fields)
        if self.lines is None:
            return Problem(self.path, row=f"row {index + 1}", **fields)
        return Problem(self.path, line=self.lines[index], **fields)

    def where(self, index: int) -> str:
        return f"line {self.lines[index]}" if self.lines is not None else f"row {index + 1}"


def check_file(name: str, path: Path, data: bytes, load: Any) -> tuple[list[Problem], int]:
    """Every problem of `data` (the bytes of `path`) as table `name`, and its number of rows."""
    kind = compressed(data)
    if kind:
        return [Problem(str(path), check="readable", message=f"the file is {kind}-compressed; decompress it first")], 0
    parquet = path.suffix.lower() in (".parquet", ".pq")
    read = _read_parquet(path, data) if parquet else _read_csv(path, data)
    if isinstance(read, Problem):
        return [read], 0
    frame, rows, problems = read
    wanted = polars_schema(MODELS[name])
    missing = [c for c in wanted if c not in frame.columns]
    problems += [
        rows.problem(None, field=c, check="column", message=f"column {c} is missing: {name} needs it") for c in missing
    ]
    problems += [
        rows.problem(None, field=c, check="column", message=f"column {c} is not a column of {name}")
        for c in frame.columns
        if c not in wanted
    ]
    text = frame.select([pl.col(c).cast(pl.String) for c in wanted if c in frame.columns])
    problems += _cell_problems(name, text, rows)
    typed, failed = _cast(text, wanted, rows, problems)
    typed = typed.with_columns([pl.lit(None, dtype=wanted[c]).alias(c) for c in missing]).select(list(wanted))
    skip = failed | {(i, c) for c in missing for i in range(typed.height)}
    problems += _model_problems(name, typed, rows, skip)
    present = [c for c in wanted if c not in missing]
    problems += _key_problems(name, typed, rows, present)
    problems += _foreign_key_problems(name, typed, rows, load, present)
    return problems, frame.height


def _read_csv(path: Path, data: bytes) -> tuple[pl.DataFrame, _Rows, list[Problem]] | Problem:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Problem(str(path), check="encoding", message=f"not UTF-8 text: {exc.reason} at byte {exc.start}")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return Problem(str(path), line=1, check="header", message="the file is empty: expected a header line")
    except csv.Error as exc:
        return Problem(str(path), line=1, check="csv", message=f"not CSV: {exc}")
    problems: list[Problem] = []
    records, lines = [], []
    start = reader.line_num + 1
    try:
        for record in reader:
            if record == []:  # a blank line
                start = reader.line_num + 1
                continue
            if len(record) != len(header):
                problems.append(
                    Problem(
                        str(path),
                        line=start,
                        check="csv",
                        message=f"{len(record)} fields where the header has {len(header)}; the line is skipped",
                    )
                )
            else:
                records.append([None if v == "" else v for v in record])
                lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        problems.append(Problem(str(path), line=reader.line_num, check="csv", message=f"not CSV: {exc}"))
    dupes = sorted({c for c in header if header.count(c) > 1})
    if dupes:
        return Problem(str(path), line=1, check="header", message=f"the header repeats {', '.join(dupes)}")
    frame = pl.DataFrame(records, schema={c: pl.String for c in header}, orient="row")
    return frame, _Rows(path, lines), problems


def _read_parquet(path: Path, data: bytes) -> tuple[pl.DataFrame, _Rows, list[Problem]] | Problem:
    try:
        frame = pl.read_parquet(io.BytesIO(data))
    except Exception as exc:
        return Problem(str(path), check="readable", message=f"cannot read as Parquet: {str(exc).splitlines()[0]}")
    return frame, _Rows(path, None), []


def _cast(
    text: pl.DataFrame, wanted: dict[str, pl.DataType], rows: _Rows, problems: list[Problem]
) -> tuple[pl.DataFrame, set[tuple[int, str]]]:
    """Each column in its type, every cell that does not convert a problem (and null, so checks go on)."""
    columns, failed = [], set()
    for c in text.columns:
        dtype = wanted[c]
        raw = text[c]
        if dtype == pl.String:
            columns.append(raw)
            continue
        if dtype == pl.Date:
            typed = raw.str.strip_chars().str.to_date("%Y-%m-%d", strict=False)
        elif dtype == pl.Boolean:
            lowered = raw.str.strip_chars().str.to_lowercase()
            typed = lowered.replace_strict({"true": True, "false": False}, default=None, return_dtype=pl.Boolean)
        else:
            typed = raw.str.strip_chars().cast(dtype, strict=False)
        bad = (raw.is_not_null() & typed.is_null()).arg_true().to_list()
        for i in bad:
            failed.add((i, c))
            problems.append(
                rows.problem(
                    i,
                    field=c,
                    check="type",
                    value=raw[i][:40],
                    message=f"{c}: {raw[i][:40]!r} is not {_KINDS.get(dtype, str(dtype))}",
                )
            )
        columns.append(typed.alias(c))
    return pl.DataFrame(columns), failed


def _model_problems(name: str, frame: pl.DataFrame, rows: _Rows, skip: set[tuple[int, str]]) -> list[Problem]:
    try:
        MODELS[name].validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as err:
        cases = err.failure_cases
    else:
        return []
    broken = {i for i, _ in skip}
    problems = []
    for case in cases.iter_rows(named=True):
        check = check_name(case)
        if check == "field_uniqueness":  # the key check below names the value and the lines
            continue
        index = case.get("index")
        index = int(index) if index is not None and 0 <= int(index) < frame.height else None
        column = case.get("column")
        if index is not None and (
            (index, column) in skip or (case.get("schema_context") == "DataFrameSchema" and index in broken)
        ):
            continue  # reported already: an unreadable cell (a rule over its row follows) or a missing column
        value = case.get("failure_case")
        problems.append(
            rows.problem(
                index,
                field=column,
                check=check,
                value=None if value is None else str(value)[:40],
                message=sentence(name, case),
            )
        )
    return problems


def _cell_problems(name: str, text: pl.DataFrame, rows: _Rows) -> list[Problem]:
    """The build's cell checks (formulas, control and bidi characters), located by line.

    They name a row by its key; so the key columns are checked on their own (located by value), and
    the other columns with the row's position in place of the key (located exactly).
    """
    pk = [c for c in keys(MODELS[name])["primary_key"] if c in text.columns]
    problems = []
    numbered = text.with_columns([pl.int_range(pl.len()).cast(pl.String).alias(k) for k in pk])
    for p in cells.cell_problems({name: numbered}):
        if p.field not in pk:
            problems.append(
                rows.problem(
                    int((p.row or "0").split("|")[0]), field=p.field, check=p.check, value=p.value, message=p.message
                )
            )
    by_key: dict[str, list[int]] = {}
    for i, row in enumerate(text.select(pk).iter_rows()):
        by_key.setdefault(key_text(row), []).append(i)
    for p in cells.cell_problems({name: text.select(pk)}):
        for i in by_key.get(p.row or "", []):
            problems.append(rows.problem(i, field=p.field, check=p.check, value=p.value, message=p.message))
    return problems


def _key_problems(name: str, frame: pl.DataFrame, rows: _Rows, present: list[str]) -> list[Problem]:
    """Every row repeating a key another row already has, naming the value and that row's line."""
    k = keys(MODELS[name])
    problems = []
    for cols in [k["primary_key"], *k["unique"]]:
        if not set(cols) <= set(present):
            continue
        first: dict[tuple, int] = {}
        for i, values in enumerate(frame.select(cols).iter_rows()):
            if any(v is None for v in values):
                continue
            if values in first:
                value = key_text(values)
                problems.append(
                    rows.problem(
                        i,
                        field=",".join(cols),
                        check="duplicate key",
                        value=value[:40],
                        message=f"{' and '.join(cols)} {value!r} is already on {rows.where(first[values])}",
                    )
                )
            else:
                first[values] = i
    return problems


def _foreign_key_problems(name: str, frame: pl.DataFrame, rows: _Rows, load: Any, present: list[str]) -> list[Problem]:
    """References must resolve: to the user's own rows where the table refers to itself, else to ours."""
    problems = []
    for col, target, ref in keys(MODELS[name])["foreign_keys"]:
        if col not in present:
            continue
        published = set(load(target, columns=[ref])[ref].to_list())
        # A table referring to itself is checked within the file, as a Table Schema says: the file is
        # the table. A reference to another table resolves against the published one.
        known = set(frame[ref].drop_nulls().to_list()) if target == name else published
        for i, value in enumerate(frame[col].to_list()):
            if value is None or value in known:
                continue
            shown = str(value)[:40]
            if target != name:
                message = f"{col}: no {target}.{ref} {shown!r} in the published {target}"
            elif value in published:
                message = f"{col}: no row of your file has {ref} {shown!r} (the published {target} does: add that row)"
            else:
                message = f"{col}: no row of your file has {ref} {shown!r}"
            problems.append(rows.problem(i, field=col, check="foreign key", value=shown, message=message))
    return problems
