"""Persons and their spellings: the registry's canonical name, and each form an article prints."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Any

import polars as pl

from pak_afghan_diplomacy.pipeline.problems import char_at
from pak_afghan_diplomacy.pipeline.read.curation import Article
from pak_afghan_diplomacy.pipeline.read.origin import line_of, source_of

if TYPE_CHECKING:
    from pak_afghan_diplomacy.pipeline.article.assemble import Builder


def fold(name: str) -> str:
    """A name as compared for duplicates: NFKC (fullwidth, ligatures) and case folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def scripts(name: str) -> set[str]:
    """The scripts of a name's letters (`LATIN`, `CYRILLIC`, ...), from their Unicode names."""
    return {unicodedata.name(ch, "?").split()[0] for ch in name if ch.isalpha()}


def mixed_script(b: Builder, name: str, where: str, line: int | None, fieldname: str) -> None:
    """A name mixing Latin with Cyrillic or Greek letters is a homoglyph (`Іshaq` with a Cyrillic І)."""
    found = scripts(name)
    if len(found & {"LATIN", "CYRILLIC", "GREEK"}) > 1:
        odd = next(
            (i for i, ch in enumerate(name) if ch.isalpha() and not unicodedata.name(ch, "").startswith("LATIN")), 0
        )
        b.problem(
            where,
            line,
            fieldname,
            "mixed scripts",
            name,
            f"{char_at(name, odd)} among {', '.join(sorted(found))} letters: a look-alike letter? retype the name",
        )


def registry(b: Builder, records: dict[str, dict[str, Any]]) -> None:
    b.canonical_names.update(p["name"] for p in records["persons"].values())
    for i, (pid, p) in enumerate(records["persons"].items()):
        mixed_script(b, p["name"], source_of(p), line_of(p, "name"), f"persons[{i}].name")
        key = fold(p["name"])
        if key in b.person_keys:
            other, src, line, noted = b.person_keys[key]
            if not (noted and p.get("note")):
                b.problem(
                    source_of(p),
                    line_of(p, "name"),
                    f"persons[{i}].name",
                    "duplicate person",
                    p["name"],
                    f"the same name as {other} ({src} line {line}): one person, one id; "
                    "two persons of one name each need a note telling them apart",
                )
        else:
            b.person_keys[key] = (pid, source_of(p), line_of(p, "name"), bool(p.get("note")))
        b.add("persons", {"person_id": pid, "name": p["name"]}, source_of(p), line_of(p))
        b.add(
            "person_names",
            {
                "name_id": f"{pid}:canonical:{p['name']}",
                "person_id": pid,
                "name": p["name"],
                "article_id": None,
                "inferred": False,
                "note": p.get("note"),
            },
            source_of(p),
            line_of(p),
        )


def article(b: Builder, a: Article) -> None:
    for i, n in enumerate(a.doc.get("names") or []):
        f = f"names[{i}]"
        if not b.ref("persons", n["person"], a.label, line_of(n, "person"), f"{f}.person"):
            continue
        mixed_script(b, n["name"], a.label, line_of(n, "name"), f"{f}.name")
        spans = b.spans(a, n, f"{f}.evidence")
        for s in spans:
            if n["name"] not in s.text:
                b.problem(
                    a.label,
                    line_of(n, "evidence"),
                    f"{f}.evidence",
                    "name not in quote",
                    s.text,
                    f"the quote must contain the name {n['name']!r} as printed",
                )
        b.add(
            "person_names",
            {
                "name_id": f"{n['person']}:{a.article_id}:{n['name']}",
                "person_id": n["person"],
                "name": n["name"],
                "article_id": a.article_id,
                "inferred": bool(n.get("inferred", False)),
                "note": n.get("note"),
            },
            a.label,
            line_of(n),
        )
        b.evidence("persons", n["person"], a, spans, line_of(n))


def finish(b: Builder, frames: dict[str, pl.DataFrame]) -> None:
    """Nothing across articles."""
