"""Export the package to SQLite, for Datasette and any SQL client.

Everything is derived from `datapackage.json`, which ships with the data, so the core
install (polars and pyarrow) is enough: types, NOT NULL, primary, unique and foreign
keys, and each column's description as a comment in the CREATE TABLE text. `_tables`
and `_columns` repeat the descriptions as rows, views answer the common questions, and
a Datasette `metadata.json` is written beside the database. Only the standard library's
sqlite3 is needed.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

_SQL_TYPES = {"string": "TEXT", "integer": "INTEGER", "boolean": "INTEGER", "date": "TEXT"}

# Views for the questions most users ask first.
VIEWS = {
    "meetings_with_participants": """
        SELECT m.meeting_id, m.date, m.date_earliest, m.date_latest, m.city, m.country, m.kind, m.part_of,
               p.side, p.participation, coalesce(pe.name, p.unnamed) AS participant,
               (SELECT group_concat(r.title, '; ') FROM roles r WHERE r.person_id = p.person_id) AS posts
        FROM meetings m JOIN meeting_participants p USING (meeting_id)
        LEFT JOIN persons pe ON pe.person_id = p.person_id""",
    "statements_with_speakers": """
        SELECT s.statement_id, s.article_id, s.attribution_kind, pe.name AS speaker,
               o.name AS speaker_organization, s.text, s.mode, s.setting, s.reported_via,
               s.meeting_id, s.about_meeting_id, s.date,
               EXISTS (SELECT 1 FROM conflict_records c
                       WHERE c.record_table = 'statements' AND c.record_id = s.statement_id) AS disputed
        FROM statements s LEFT JOIN persons pe ON pe.person_id = s.speaker_id
        LEFT JOIN organizations o ON o.organization_id = s.speaker_organization_id""",
    "persons_with_spellings": """
        SELECT pe.person_id, pe.name, group_concat(DISTINCT n.name) AS spellings
        FROM persons pe JOIN person_names n USING (person_id) GROUP BY pe.person_id, pe.name""",
}


def _resources(package: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in package["resources"] if r["format"] == "parquet"]


def ddl(resource: dict[str, Any]) -> str:
    """CREATE TABLE for one resource of the descriptor, with keys and column descriptions."""
    schema = resource["schema"]
    parts = []
    for f in schema["fields"]:
        c = f.get("constraints", {})
        sql_type = _SQL_TYPES[f["type"]]
        check = f" CHECK ({f['name']} IN (0, 1))" if f["type"] == "boolean" else ""
        null = " NOT NULL" if c.get("required") else ""
        parts.append(f"  {f['name']} {sql_type}{null}{check}, -- {f.get('description', '')}")
    constraints = [f"  PRIMARY KEY ({', '.join(schema['primaryKey'])})"]
    constraints += [f"  UNIQUE ({', '.join(u)})" for u in schema.get("uniqueKeys", [])]
    constraints += [
        f"  FOREIGN KEY ({fk['fields'][0]}) REFERENCES {fk['reference']['resource']} ({fk['reference']['fields'][0]})"
        for fk in schema.get("foreignKeys", [])
    ]
    body = "\n".join(parts) + "\n" + ",\n".join(constraints)
    return f"-- {resource.get('description', '')}\nCREATE TABLE {resource['name']} (\n{body}\n)"


def datasette_metadata(package: dict[str, Any], database: str) -> dict[str, Any]:
    """Datasette's metadata.json: title, licence, source, the articles, every column described."""
    licence = package["licenses"][0]
    sources = "\n".join(f"- {s['title']} ({s['path']})" for s in package.get("sources", []))
    tables = {
        r["name"]: {
            "description": r.get("description", ""),
            "columns": {f["name"]: f.get("description", "") for f in r["schema"]["fields"]},
        }
        for r in _resources(package)
    }
    for view in VIEWS:
        tables[view] = {"description": f"View: {view.replace('_', ' ')}."}
    return {
        "title": package["title"],
        "description": package.get("description", ""),
        "license": licence.get("name"),
        "license_url": licence.get("path"),
        "source": f"{package['name']} {package['version']}",
        "databases": {database: {"source": "Articles: " + sources if sources else "", "tables": tables}},
    }


def to_sqlite(target: Path) -> dict[str, int]:
    """Write every table to a new SQLite file at `target` (replaced whole), and Datasette's
    `<target stem>.metadata.json` beside it. Returns row counts."""
    import pak_afghan_diplomacy as pad

    package = pad.datapackage()
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
            for resource in _resources(package):  # referenced tables come first
                name = resource["name"]
                con.execute(ddl(resource))
                con.execute("INSERT INTO _tables VALUES (?, ?)", (name, resource.get("description", "")))
                for f in resource["schema"]["fields"]:
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
            for view, sql in VIEWS.items():
                con.execute(f"CREATE VIEW {view} AS {sql.strip()}")
            bad = con.execute("PRAGMA foreign_key_check").fetchall()
            if bad:
                raise ValueError(f"foreign keys do not resolve: {bad[:5]}")
            con.commit()
        finally:
            con.close()
        staging.replace(target)
        meta = target.with_name(f"{target.stem}.metadata.json")
        meta.write_text(json.dumps(datasette_metadata(package, target.stem), ensure_ascii=False, indent=2) + "\n")
    except BaseException:
        staging.unlink(missing_ok=True)
        raise
    return counts
