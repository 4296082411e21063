"""Persons and their spellings: the registry's canonical name, and each form an article prints."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl

from pak_afghan_diplomacy.pipeline.read.curation import Article
from pak_afghan_diplomacy.pipeline.read.origin import line_of, source_of

if TYPE_CHECKING:
    from pak_afghan_diplomacy.pipeline.article.assemble import Builder


def registry(b: Builder, records: dict[str, dict[str, Any]]) -> None:
    b.canonical_names.update(p["name"] for p in records["persons"].values())
    for pid, p in records["persons"].items():
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
