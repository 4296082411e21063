"""Export the package to SQLite, for Datasette and any SQL client.

The DDL is derived from the table models, like every other view of the schema:
types, NOT NULL, primary, unique and foreign keys, and each column's description
as a comment in the CREATE TABLE text. `_tables` and `_columns` repeat the
descriptions as rows, for clients that do not show DDL. Only the standard
library's sqlite3 is needed.
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from pak_afghan_diplomacy.schema import MODELS
from pak_afghan_diplomacy.schema.frictionless import describe, keys, table_schema

_SQL_TYPES = {"string": "TEXT", "integer": "INTEGER", "boolean": "INTEGER", "date": "TEXT"}


def ddl(name: str) -> str:
    """CREATE TABLE for one table, with keys and column descriptions."""
    schema = table_schema(name)
    k = keys(MODELS[name])
    parts = []
    for f in schema["fields"]:
        c = f.get("constraints", {})
        sql_type = _SQL_TYPES[f["type"]]
        check = f" CHECK ({f['name']} IN (0, 1))" if f["type"] == "boolean" else ""
        null = " NOT NULL" if c.get("required") else ""
        parts.append(f"  {f['name']} {sql_type}{null}{check}, -- {f['description']}")
    constraints = [f"  PRIMARY KEY ({', '.join(k['primary_key'])})"]
    constraints += [f"  UNIQUE ({', '.join(u)})" for u in k["unique"]]
    constraints += [f"  FOREIGN KEY ({col}) REFERENCES {t} ({ref})" for col, t, ref in k["foreign_keys"]]
    body = "\n".join(parts) + "\n" + ",\n".join(constraints)
    return f"-- {describe(name)}\nCREATE TABLE {name} (\n{body}\n)"


def to_sqlite(target: Path) -> dict[str, int]:
    """Write every table to a new SQLite file at `target` (replaced whole). Returns row counts."""
    import pak_afghan_diplomacy as pad

    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, prefix=f".{target.name}.", delete=False) as tmp:
        staging = Path(tmp.name)
    counts: dict[str, int] = {}
    try:
        con = sqlite3.connect(staging)
        try:
            # Keys are checked once, after every row is in (a meeting may be part of a later row's visit).
            con.execute("CREATE TABLE _tables (table_name TEXT PRIMARY KEY, description TEXT NOT NULL)")
            con.execute(
                "CREATE TABLE _columns (table_name TEXT NOT NULL REFERENCES _tables (table_name), "
                "column_name TEXT NOT NULL, type TEXT NOT NULL, required INTEGER NOT NULL, "
                "description TEXT NOT NULL, PRIMARY KEY (table_name, column_name))"
            )
            for name in MODELS:  # referenced tables come first
                con.execute(ddl(name))
                con.execute("INSERT INTO _tables VALUES (?, ?)", (name, describe(name)))
                for f in table_schema(name)["fields"]:
                    required = int(f.get("constraints", {}).get("required", False))
                    con.execute(
                        "INSERT INTO _columns VALUES (?, ?, ?, ?, ?)",
                        (name, f["name"], f["type"], required, f["description"]),
                    )
                frame = pad.load(name)
                rows = [
                    tuple(v.isoformat() if hasattr(v, "isoformat") else v for v in row) for row in frame.iter_rows()
                ]
                marks = ", ".join("?" * frame.width)
                con.executemany(f"INSERT INTO {name} ({', '.join(frame.columns)}) VALUES ({marks})", rows)
                counts[name] = len(rows)
            bad = con.execute("PRAGMA foreign_key_check").fetchall()
            if bad:
                raise ValueError(f"foreign keys do not resolve: {bad[:5]}")
            con.commit()
        finally:
            con.close()
        staging.replace(target)
    except BaseException:
        staging.unlink(missing_ok=True)
        raise
    return counts
