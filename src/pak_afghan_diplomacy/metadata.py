"""What users look up beside the data: a table's description, and how to cite the dataset and its sources.

Everything comes from `datapackage.json`, which ships with the data: no pandera, no
pandas, nothing but the core install.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


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

    def _repr_markdown_(self) -> str:
        """A notebook shows the table's page as Markdown."""

        def cell(text: str) -> str:
            return text.replace("|", "\\|").replace("\n", " ")

        lines = [
            f"**{self.name}** — {cell(self.description)}",
            "",
            f"{self.rows} rows; key ({', '.join(self.primary_key)})",
        ]
        lines += ["", "| column | type | required | meaning |", "|---|---|---|---|"]
        lines += [
            f"| `{c.name}` | {c.type} | {'yes' if c.required else 'no'} | {cell(c.description)} |" for c in self.columns
        ]
        if self.foreign_keys:
            lines += ["", "Foreign keys: " + ", ".join(f"`{c}` → `{t}.{r}`" for c, t, r in self.foreign_keys)]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        e = html.escape
        rows = "".join(
            f"<tr><td><code>{e(c.name)}</code></td><td>{e(c.type)}</td><td>{'yes' if c.required else 'no'}</td>"
            f"<td>{e(c.description)}</td></tr>"
            for c in self.columns
        )
        keys = "".join(f"<li><code>{e(c)}</code> → <code>{e(t)}.{e(r)}</code></li>" for c, t, r in self.foreign_keys)
        return (
            f"<p><b>{e(self.name)}</b> — {e(self.description)}</p>"
            f"<p>{self.rows} rows; key ({e(', '.join(self.primary_key))})</p>"
            f"<table><thead><tr><th>column</th><th>type</th><th>required</th><th>meaning</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>" + (f"<p>Foreign keys:</p><ul>{keys}</ul>" if keys else "")
        )


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
    """The dataset's citation, and the articles the cited records rest on (title, publisher, date, URL)."""

    text: str
    bibtex: str
    articles: list[dict[str, Any]]
    sha256: str | None = None  # of the cited package's datapackage.json: compare with the CHANGELOG's

    def __str__(self) -> str:
        lines = [self.text]
        if self.articles:
            lines += ["", "Sources:"]
            for a in self.articles:
                where = a.get("url") or "(no URL recorded)"
                by = f"{a['publisher']}, " if a.get("publisher") else ""
                lines.append(f"  {by}“{a['title']}”, {a['published_date']}. {where}")
        return "\n".join(lines)


def _id_tables(package: dict[str, Any]) -> dict[str, str]:
    """Each table with a one-column primary key: table -> key column (the record kinds one can cite)."""
    out = {}
    for r in package["resources"]:
        if r["format"] == "parquet":
            key = r["schema"].get("primaryKey", [])
            if len(key) == 1:
                out[r["name"]] = key[0]
    return out


def _referencing(package: dict[str, Any]) -> dict[str, list[tuple[str, str, str]]]:
    """table -> [(referencing table, its column, the referenced column)], from the foreign keys."""
    out: dict[str, list[tuple[str, str, str]]] = {}
    for r in package["resources"]:
        if r["format"] != "parquet":
            continue
        for fk in r["schema"].get("foreignKeys", []):
            out.setdefault(fk["reference"]["resource"], []).append(
                (r["name"], fk["fields"][0], fk["reference"]["fields"][0])
            )
    return out


def sources_of(package: dict[str, Any], load: Any, record_id: str) -> set[str] | None:
    """The article ids a record rests on, or None when no table has a record with this id.

    Found in the record's own row (`article_id`), in `evidence` for it, and in the rows that refer to it
    (a meeting's `meeting_sources`, a person's `person_names`), following references two steps (an
    organization's roles, then their observations), so any record kind, present or future, is covered.
    """
    import polars as pl

    tables = _id_tables(package)
    referencing = _referencing(package)
    found: set[str] = set()
    hit = False
    for table, key in tables.items():
        frame = load(table)
        rows = frame.filter(pl.col(key) == record_id)
        if not rows.height:
            continue
        hit = True
        frontier = [(table, rows)]
        for _ in range(3):
            following = []
            for name, part in frontier:
                if "article_id" in part.columns:
                    found |= set(part["article_id"].drop_nulls().to_list())
                for other, column, ref in referencing.get(name, []):
                    if other == name or ref not in part.columns:
                        continue
                    values = part[ref].drop_nulls().unique().to_list()
                    more = load(other).filter(pl.col(column).is_in(values))
                    if more.height:
                        following.append((other, more))
            frontier = following
        if "evidence" in [r["name"] for r in package["resources"]]:
            ev = load("evidence").filter((pl.col("record_table") == table) & (pl.col("record_id") == record_id))
            found |= set(ev["article_id"].drop_nulls().to_list())
    return found if hit else None


def cite(package: dict[str, Any], load: Any, record_ids: Iterable[str], sha256: str | None = None) -> Citation:
    """Citation text and BibTeX from the descriptor; with record ids of any kind, the articles behind them.

    `sha256` (of the descriptor's bytes) goes into the text, so a citation pins the exact release.
    """
    import polars as pl

    title, version = package["title"], package["version"]
    year = str(package.get("created", ""))[:4]
    authors = " and ".join(c["title"] for c in package.get("contributors", [])) or package["name"]
    licence = package.get("licenses", [{}])[0].get("name", "CC-BY-4.0")
    text = f"{authors}, “{title}”, version {version} ({year}). Data package `{package['name']}`, licence {licence}."
    url = package.get("homepage")
    if url:
        text += f" {url}"
    if sha256:
        text += f" datapackage.json sha256 {sha256}."
    bibtex = (
        f"@misc{{{package['name'].replace('-', '_')}_{version.replace('.', '_')},\n"
        f"  author = {{{{{authors}}}}},\n  title = {{{title}}},\n  year = {{{year}}},\n"
        f"  version = {{{version}}},\n  note = {{Data package {package['name']}, {licence}}}"
        + (f",\n  url = {{{url}}}" if url else "")
        + "\n}"
    )
    ids = list(dict.fromkeys(record_ids))
    articles: list[dict[str, Any]] = []
    if ids:
        found: set[str] = set()
        unknown = []
        for record_id in ids:
            sources = sources_of(package, load, record_id)
            if sources is None:
                unknown.append(record_id)
            else:
                found |= sources
        if unknown:
            raise KeyError(f"no record with id {', '.join(map(repr, unknown))}")
        cols = ["article_id", "title", "publisher", "published_date", "url", "accessed"]
        frame = load("articles").filter(pl.col("article_id").is_in(sorted(found))).sort("article_id")
        articles = frame.select([c for c in cols if c in frame.columns]).to_dicts()
        for a in articles:
            a.setdefault("url", None)
    return Citation(text, bibtex, articles, sha256)


def search(load: Any, text: str, limit: int, min_score: float) -> Any:
    """Fuzzy matches of `text` against person spellings and post wordings, best first (see `pad.search`)."""
    import polars as pl
    from rapidfuzz import fuzz, process, utils

    candidates: list[tuple[str, str, str, str]] = []  # (kind, id, canonical name, wording matched)
    persons = dict(load("persons").select("person_id", "name").iter_rows())
    candidates += [("person", pid, name, name) for pid, name in persons.items()]
    candidates += [
        ("person", pid, persons.get(pid, pid), name)
        for pid, name in load("person_names").select("person_id", "name").iter_rows()
    ]
    posts = dict(load("posts").select("post_id", "title").iter_rows())
    candidates += [("post", pid, title, title) for pid, title in posts.items()]
    candidates += [
        ("post", pid, posts.get(pid, pid), alias)
        for pid, alias in load("post_aliases").select("post_id", "alias").iter_rows()
    ]

    def fold(value: str) -> str:  # case, punctuation and accents ignored: "Karimí" finds "Karimi"
        decomposed = unicodedata.normalize("NFKD", value)
        return utils.default_process("".join(ch for ch in decomposed if not unicodedata.combining(ch)))

    # Each wording is compared whole and word by word (words of four letters or more), so that a
    # misspelt surname alone ("Kair") finds its person as well as a misspelt full name does.
    compared: list[tuple[int, str]] = []
    for i, c in enumerate(candidates):
        compared.append((i, c[3]))
        compared += [(i, word) for word in c[3].split() if len(word) >= 4]
    scored = process.extract(
        text,
        [w for _, w in compared],
        scorer=fuzz.WRatio,
        processor=fold,
        limit=None,
        score_cutoff=min_score,
    )
    best: dict[tuple[str, str], tuple[float, str, str]] = {}
    for _, score, index in scored:
        kind, rid, name, wording = candidates[compared[index][0]]
        if (kind, rid) not in best or score > best[(kind, rid)][0]:
            best[(kind, rid)] = (score, name, wording)
    rows = sorted(((k, r, n, w, s) for (k, r), (s, n, w) in best.items()), key=lambda row: (-row[4], row[0], row[1]))
    return pl.DataFrame(
        rows[:limit],
        schema={"kind": pl.String, "id": pl.String, "name": pl.String, "matched": pl.String, "score": pl.Float64},
        orient="row",
    )
