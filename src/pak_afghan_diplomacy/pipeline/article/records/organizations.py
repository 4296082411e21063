"""Organizations, and the vocabulary of posts (one name per post, with the wordings sources print)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl

from pak_afghan_diplomacy.pipeline.read.curation import Article
from pak_afghan_diplomacy.pipeline.read.origin import line_of, source_of

if TYPE_CHECKING:
    from pak_afghan_diplomacy.pipeline.article.assemble import Builder


def registry(b: Builder, records: dict[str, dict[str, Any]]) -> None:
    for i, (oid, o) in enumerate(records["organizations"].items()):
        b.country(o, "country", source_of(o), f"organizations[{i}].country")
        b.add(
            "organizations",
            {
                "organization_id": oid,
                "name": o["name"],
                "country": o.get("country"),
                "classification": o["classification"],
                "note": o.get("note"),
            },
            source_of(o),
            line_of(o),
        )
    for i, (pid, p) in enumerate(records["posts"].items()):
        b.posts[pid] = p["title"]
        wordings = [p["title"]]
        b.add(
            "posts",
            {"post_id": pid, "title": p["title"], "holders": p.get("holders") or "one", "note": p.get("note")},
            source_of(p),
            line_of(p),
        )
        aliases = p.get("aliases") or []
        for j, alias in enumerate(aliases):
            line = aliases.lines[j] if j < len(getattr(aliases, "lines", [])) else line_of(p, "aliases")
            if not isinstance(alias, str) or not alias.strip():
                b.problem(source_of(p), line, f"posts[{i}].aliases[{j}]", "type", alias, "expected non-empty text")
                continue
            if alias.casefold() in {w.casefold() for w in wordings}:
                b.problem(source_of(p), line, f"posts[{i}].aliases[{j}]", "duplicate", alias, "listed twice")
                continue
            wordings.append(alias)
            b.add("post_aliases", {"post_id": pid, "alias": alias}, source_of(p), line)
        b.post_wordings[pid] = tuple(wordings)


def article(b: Builder, a: Article) -> None:
    """Articles give evidence for roles, not for organizations or posts."""


def finish(b: Builder, frames: dict[str, pl.DataFrame]) -> None:
    """Nothing across articles."""
