"""What users look up beside the data: a table's description, and how to cite the dataset and its sources.

Everything comes from `datapackage.json`, which ships with the data: no pandera, no
pandas, nothing but the core install.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

# Tables that tie a record id to the articles it rests on: (table, id column).
_SOURCED = (
    ("evidence", "record_id"),
    ("statements", "statement_id"),
    ("meeting_sources", "meeting_id"),
    ("role_observations", "role_id"),
    ("person_names", "person_id"),
    ("articles", "article_id"),
)


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool
    description: str


@dataclass(frozen=True)
class TableDescription:
    """A table as the descriptor defines it; `print()` it for a readable page."""

    name: str
    description: str
    rows: int
    primary_key: list[str]
    foreign_keys: list[tuple[str, str, str]]
    columns: list[Column] = field(default_factory=list)

    def __str__(self) -> str:
        width = max(len(c.name) for c in self.columns)
        lines = [f"{self.name}: {self.description}", f"{self.rows} rows; key ({', '.join(self.primary_key)})", ""]
        for c in self.columns:
            need = "required" if c.required else "nullable"
            lines.append(f"  {c.name:<{width}}  {c.type:<8} {need:<9} {c.description}")
        if self.foreign_keys:
            lines.append("")
            lines += [f"  {col} -> {table}.{ref}" for col, table, ref in self.foreign_keys]
        return "\n".join(lines)


def _resource(package: dict[str, Any], name: str) -> dict[str, Any]:
    for r in package["resources"]:
        if r["name"] == name and r["format"] == "parquet":
            return r
    known = [r["name"] for r in package["resources"] if r["format"] == "parquet"]
    raise KeyError(f"no table {name!r}; tables are: {', '.join(known)}")


def describe(package: dict[str, Any], name: str, rows: int) -> TableDescription:
    r = _resource(package, name)
    schema = r["schema"]
    return TableDescription(
        name=name,
        description=r.get("description", ""),
        rows=rows,
        primary_key=list(schema.get("primaryKey", [])),
        foreign_keys=[
            (fk["fields"][0], fk["reference"]["resource"], fk["reference"]["fields"][0])
            for fk in schema.get("foreignKeys", [])
        ],
        columns=[
            Column(f["name"], f["type"], bool(f.get("constraints", {}).get("required")), f.get("description", ""))
            for f in schema["fields"]
        ],
    )


@dataclass(frozen=True)
class Citation:
    """The dataset's citation, and the articles the cited records rest on."""

    text: str
    bibtex: str
    articles: list[dict[str, Any]]
    sha256: str | None = None  # of the cited package's datapackage.json: compare with the CHANGELOG's

    def __str__(self) -> str:
        lines = [self.text]
        if self.articles:
            lines += ["", "Sources:"]
            for a in self.articles:
                where = a["url"] or f"seeds/{a['source_file']}"
                by = f"{a['publisher']}, " if a["publisher"] else ""
                lines.append(f"  {by}“{a['title']}”, {a['published_date']}. {where}")
        return "\n".join(lines)


def cite(package: dict[str, Any], load: Any, record_ids: Iterable[str], sha256: str | None = None) -> Citation:
    """Citation text and BibTeX from the descriptor; with record ids, the articles behind them.

    `sha256` (of the descriptor's bytes) goes into the text, so a citation pins the exact release.
    """
    import polars as pl

    title, version = package["title"], package["version"]
    year = str(package.get("created", ""))[:4]
    authors = " and ".join(c["title"] for c in package.get("contributors", [])) or package["name"]
    text = f"{authors}, “{title}”, version {version} ({year}). Data package `{package['name']}`, licence CC BY 4.0."
    if sha256:
        text += f" datapackage.json sha256 {sha256}."
    bibtex = (
        f"@misc{{{package['name'].replace('-', '_')}_{version.replace('.', '_')},\n"
        f"  author = {{{{{authors}}}}},\n  title = {{{title}}},\n  year = {{{year}}},\n"
        f"  version = {{{version}}},\n  note = {{Data package {package['name']}, CC BY 4.0}}\n}}"
    )
    ids = list(dict.fromkeys(record_ids))
    articles: list[dict[str, Any]] = []
    if ids:
        found: set[str] = set()
        for table, column in _SOURCED:
            frame = load(table)
            found |= set(frame.filter(pl.col(column).is_in(ids))["article_id"].to_list())
        unknown = [i for i in ids if not _known(load, i)]
        if unknown:
            raise KeyError(f"no record with id {', '.join(map(repr, unknown))}")
        cols = ["article_id", "title", "publisher", "published_date", "url", "source_file"]
        frame = load("articles").filter(pl.col("article_id").is_in(sorted(found))).sort("article_id")
        articles = frame.select([c for c in cols if c in frame.columns]).to_dicts()
        for a in articles:
            a.setdefault("url", None)
    return Citation(text, bibtex, articles, sha256)


def _known(load: Any, record_id: str) -> bool:
    import polars as pl

    checks = (*_SOURCED, ("meetings", "meeting_id"), ("persons", "person_id"), ("roles", "role_id"))
    return any(load(t).filter(pl.col(c) == record_id).height for t, c in checks)
