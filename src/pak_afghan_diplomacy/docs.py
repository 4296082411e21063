"""Generate the repository's `schema/` folder from the table models.

`schema/<table>.json` is each table's Frictionless Table Schema (for users outside
Python) and `schema/README.md` the data dictionary. Both are derived, never edited
by hand: `make schema` rewrites them and a test fails when they are stale.

    python -m pak_afghan_diplomacy.docs schema [ROOT]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pak_afghan_diplomacy.schema import MODELS
from pak_afghan_diplomacy.schema.frictionless import describe, keys, table_schema


def _constraint_text(field: dict) -> str:
    c = field.get("constraints", {})
    parts = []
    if c.get("required"):
        parts.append("required")
    if c.get("unique"):
        parts.append("unique")
    if "enum" in c:
        parts.append("one of " + ", ".join(f"`{v}`" for v in c["enum"]))
    if "pattern" in c:
        parts.append(f"pattern `{c['pattern']}`")
    if "minimum" in c:
        parts.append(f"≥ {c['minimum']}")
    return "; ".join(parts)


def _examples(name: str) -> dict[str, str]:
    """The first non-null value of each column in the published table (rows in key order)."""
    import polars as pl

    import pak_afghan_diplomacy as pad

    try:
        frame = pad.load(name)  # type: ignore[arg-type]
    except (FileNotFoundError, KeyError):
        return {}
    out = {}
    for col in frame.columns:
        values = frame.get_column(col).drop_nulls()
        if len(values):
            text = str(values[0]).lower() if values.dtype == pl.Boolean else str(values[0])
            out[col] = text if len(text) <= 40 else text[:39] + "…"
    return out


def dictionary() -> str:
    """The data dictionary: every table and column, its type, constraints, description, example and joins."""
    lines = [
        "# Data dictionary",
        "",
        "Generated from the table models in `src/pak_afghan_diplomacy/schema/tables.py` (examples: the first",
        "value in the published table) by `make schema`, which `make data` runs;",
        "do not edit. Dates are reduced ISO 8601 strings (`2024`, `2024-12`, `2024-12-23`) unless typed `date`;",
        "offsets are code-point offsets into the seed text (`text[char_start:char_end]`).",
        "",
        "**Reading the CSV files:** coded columns are text. A reader that guesses types turns `cameo_code`",
        '"040" into the number 40 and ids such as `2024` into numbers: read with the types below',
        "(`pl.read_csv(path, schema=pad.csv_schema(name))`; pandas: `dtype=str, keep_default_na=False`).",
        "An empty cell is null.",
        "",
        "| table | rows are | primary key |",
        "|---|---|---|",
    ]
    for name, model in MODELS.items():
        lines.append(f"| [`{name}`](#{name}) | {describe(name)} | `{', '.join(keys(model)['primary_key'])}` |")
    for name, model in MODELS.items():
        schema = table_schema(name)
        lines += ["", f"## {name}", "", describe(name), ""]
        examples = _examples(name)
        lines += ["| column | type | constraints | description | example |", "|---|---|---|---|---|"]
        for f in schema["fields"]:
            desc = f["description"].replace("|", "\\|")
            constraint = _constraint_text(f).replace("|", "\\|")
            example = examples.get(f["name"], "").replace("|", "\\|").replace("`", "'")
            example = f"`{example}`" if example else ""
            lines.append(f"| `{f['name']}` | {f['type']} | {constraint} | {desc} | {example} |")
        fks = keys(model)["foreign_keys"]
        if fks:
            lines += ["", "Joins: " + "; ".join(f"`{c}` → [`{t}`](#{t}).`{r}`" for c, t, r in fks) + "."]
    return "\n".join(lines) + "\n"


def render() -> dict[str, str]:
    """Path inside `schema/` -> text."""
    out = {f"{name}.json": json.dumps(table_schema(name), ensure_ascii=False, indent=2) + "\n" for name in MODELS}
    out["README.md"] = dictionary()
    return out


def write(root: Path) -> None:
    folder = root / "schema"
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.json"):
        if old.name not in render():
            old.unlink()
    for rel, text in render().items():
        (folder / rel).write_text(text, encoding="utf-8")


if __name__ == "__main__":  # pragma: no cover
    if len(sys.argv) < 2 or sys.argv[1] != "schema":
        sys.exit(__doc__)
    write(Path(sys.argv[2]) if len(sys.argv) > 2 else Path.cwd())
