"""A schema failure in words a person can act on: never a regular expression.

pandera reports a failed check by its name (`str_matches('^(?:\\d{4}…')`, `date_within_…`);
this turns each into a sentence from the check's own kind, parameters and description, so a
new check of the models gets a readable message without being listed here.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pak_afghan_diplomacy import dates
from pak_afghan_diplomacy.schema import MODELS, tables

# What each value pattern of the models means, in words.
FORMS = {
    tables.REDUCED_DATE: "a reduced ISO date: 2024, 2024-12 or 2024-12-23",
    tables.DATE_OR_INTERVAL: "a reduced ISO date (2024, 2024-12, 2024-12-23) or an interval a/b, `..` for an open end",
    tables.SLUG: "a readable identifier in lower case, digits and - / . (such as mohammad-sadiq)",
    tables.ARTICLE_ID: "an article identifier in lower case, digits, - and _",
    tables.SHA256: "64 lower-case hexadecimal digits",
    tables.ISO3: "a three-letter ISO 3166-1 country code such as PAK",
    tables.ISO639_1: "a two-letter ISO 639-1 language code such as en",
    tables.URL: "an http(s) address without spaces",
    r"^\d{3,4}$": "a code of 3 or 4 digits, written as text (040)",
}


def _value(v: Any) -> str:
    return "null" if v is None else repr(v) if isinstance(v, str) else str(v)


def column_sentence(table: str, column: str, check_number: int | None, value: Any) -> str:
    """A failed column check of `table`, by the check's kind and parameters."""
    cols = MODELS[table].to_schema().columns
    check = None
    if column in cols and check_number is not None and 0 <= check_number < len(cols[column].checks):
        check = cols[column].checks[check_number]
    kind = check.name if check is not None else ""
    stats = check.statistics if check is not None else {}
    v = _value(value)
    if kind == "str_matches":
        return f"{column} {v} is not {FORMS.get(stats['pattern'], 'in the form this column takes')}"
    if kind == "isin":
        return f"{column} {v} is not one of: {', '.join(map(str, stats['allowed_values']))}"
    if kind == "greater_than_or_equal_to":
        return f"{column} {v} is below its minimum {stats['min_value']}"
    if kind == "less_than_or_equal_to":
        return f"{column} {v} is above its maximum {stats['max_value']}"
    if kind == "str_length":
        return f"{column} is empty text: leave the cell empty (null) or write a value"
    if kind == "unique" or value == "unique":
        return f"{column} {v} appears on more than one row"
    if value == "not_nullable" or kind == "not_nullable":
        return f"{column} is empty but required"
    return f"{column} {v} fails {kind or 'its check'}"


def frame_sentence(table: str, name: str, check_number: int | None, row_json: Any) -> str:
    """A failed check across columns: named by its pattern (`x_is_a_calendar_date`, `x_within_a_b`,
    `a_not_after_b`), else by the check's own description."""
    try:
        row = json.loads(row_json) if isinstance(row_json, str) else {}
    except ValueError:
        row = {}
    if m := re.fullmatch(r"(\w+)_is_a_calendar_date", name):
        col = m.group(1)
        return f"{col} {_value(row.get(col))} is not a calendar date"
    if m := re.fullmatch(r"(\w+?)_within_(\w+?earliest)_(\w+?latest)", name):
        col, lo, hi = m.groups()
        value, have = row.get(col), f"{lo}..{hi} {row.get(lo) or '..'}..{row.get(hi) or '..'}"
        if not isinstance(value, str) or dates.check(value):
            return f"{col} {_value(value)} is no valid date, so {have} cannot be its bounds"
        first, last = (d.isoformat() if d else ".." for d in dates.bounds(value))
        inside = dates.inside(dates.bounds(value), _bounds(row.get(lo), row.get(hi)))
        if inside:
            return f"{have} are not the first and last day {col} {_value(value)} allows ({first}..{last})"
        return f"{col} {_value(value)} lies outside {have}"
    if m := re.fullmatch(r"(\w+)_not_after_(\w+)", name):
        a, b = m.groups()
        return f"{a} {_value(row.get(a))} is after {b} {_value(row.get(b))}"
    checks = MODELS[table].to_schema().checks
    described = checks[check_number].description if check_number is not None and check_number < len(checks) else ""
    return f"breaks the rule {name}" + (f": {described}" if described else "")


def _bounds(lo: Any, hi: Any) -> dates.Bounds:
    def day(v: Any):
        return dates.bounds(v)[0] if isinstance(v, str) and not dates.check(v) else None

    return day(lo), day(hi)


def check_name(case: dict[str, Any]) -> str:
    """The check's name without its parameters (`str_matches`, not the pattern)."""
    return str(case.get("check")).split("(")[0]


def sentence(table: str, case: dict[str, Any]) -> str:
    """The sentence for one row of pandera's `failure_cases`."""
    column, check = case.get("column"), str(case.get("check"))
    number = case.get("check_number")
    if case.get("schema_context") == "DataFrameSchema":
        return frame_sentence(table, check, number, case.get("failure_case"))
    if check.startswith("dtype("):
        return f"{column} has the wrong type: expected {check.removeprefix('dtype(').rstrip(')')}"
    if check == "column_in_dataframe":
        return f"column {case.get('failure_case')} is missing"
    if check == "column_in_schema":
        return f"column {case.get('failure_case')} is not a column of {table}"
    if check in ("not_nullable", "field_uniqueness"):
        return column_sentence(table, column, None, "not_nullable" if check == "not_nullable" else "unique")
    return column_sentence(table, column, number, case.get("failure_case"))
