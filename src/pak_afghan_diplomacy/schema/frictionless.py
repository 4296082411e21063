"""Derive each table's Frictionless Table Schema and Arrow schema from its pandera model.

pandera has no Table Schema exporter, so this is the one converter; a test checks
that what it writes agrees with the models field by field.
"""

from __future__ import annotations

from typing import Any

import polars as pl
import pyarrow as pa

from pak_afghan_diplomacy.schema import MODELS
from pak_afghan_diplomacy.schema.tables import Table

_TYPES: dict[type[pl.DataType], tuple[str, pa.DataType]] = {
    pl.String: ("string", pa.string()),
    pl.Int64: ("integer", pa.int64()),
    pl.Boolean: ("boolean", pa.bool_()),
    pl.Date: ("date", pa.date32()),
}


def _polars_type(dtype: Any) -> type[pl.DataType]:
    inner = getattr(dtype, "type", dtype)  # pandera wraps polars dtypes
    for base in _TYPES:
        if inner == base or isinstance(inner, base):
            return base
    raise TypeError(f"no Table Schema type for {dtype!r}")


def polars_schema(model: type[Table]) -> dict[str, pl.DataType]:
    """Column name -> polars dtype, in schema order."""
    return {name: _polars_type(col.dtype)() for name, col in model.to_schema().columns.items()}


def arrow_schema(model: type[Table]) -> pa.Schema:
    """The Arrow schema Parquet files are written with, nullability included."""
    cols = model.to_schema().columns
    # Each column's description travels in the file itself, for readers that show Arrow field metadata.
    return pa.schema(
        [
            pa.field(n, _TYPES[_polars_type(c.dtype)][1], nullable=c.nullable, metadata={"description": c.description})
            for n, c in cols.items()
        ],
        metadata={"description": " ".join((model.__doc__ or "").split())},
    )


def _constraints(column: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if not column.nullable:
        out["required"] = True
    if column.unique:
        out["unique"] = True
    for check in column.checks:
        stats = check.statistics
        if check.name == "isin":
            out["enum"] = list(stats["allowed_values"])
        elif check.name == "str_matches":
            out["pattern"] = stats["pattern"]
        elif check.name == "greater_than_or_equal_to":
            out["minimum"] = stats["min_value"]
        elif check.name == "less_than_or_equal_to":
            out["maximum"] = stats["max_value"]
        elif check.name == "str_length":
            if stats.get("min_value") is not None:
                out["minLength"] = stats["min_value"]
            if stats.get("max_value") is not None:
                out["maxLength"] = stats["max_value"]
        else:  # pragma: no cover - a new check kind must be mapped here
            raise ValueError(f"check {check.name!r} has no Table Schema equivalent")
    return out


def keys(model: type[Table]) -> dict[str, Any]:
    """Primary, unique and foreign keys declared in the model's Config.metadata."""
    meta = model.Config.metadata or {}
    return {
        "primary_key": list(meta["primary_key"]),
        "unique": [list(u) for u in meta.get("unique", [])],
        "foreign_keys": [tuple(fk) for fk in meta.get("foreign_keys", [])],
    }


def table_schema(name: str, *, resource_suffix: str = "") -> dict[str, Any]:
    """The Frictionless Table Schema of table `name`.

    `resource_suffix` names the resources foreign keys point at, so that the CSV
    resources reference CSV resources and the Parquet ones Parquet.
    """
    model = MODELS[name]
    fields = []
    for col_name, col in model.to_schema().columns.items():
        field: dict[str, Any] = {
            "name": col_name,
            "type": _TYPES[_polars_type(col.dtype)][0],
            "description": col.description,
        }
        if constraints := _constraints(col):
            field["constraints"] = constraints
        fields.append(field)
    k = keys(model)
    schema: dict[str, Any] = {
        "fields": fields,
        "missingValues": [""],
        "primaryKey": k["primary_key"],
    }
    if k["unique"]:
        schema["uniqueKeys"] = k["unique"]
    if k["foreign_keys"]:
        schema["foreignKeys"] = [
            {"fields": [col], "reference": {"resource": target + resource_suffix, "fields": [ref]}}
            for col, target, ref in k["foreign_keys"]
        ]
    return schema


def describe(name: str) -> str:
    """The table's one-line description (the model's docstring)."""
    return " ".join((MODELS[name].__doc__ or "").split())
