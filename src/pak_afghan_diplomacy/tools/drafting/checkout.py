"""Drafting in a checkout: the context from `build/`, and a draft of an article already curated."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from pak_afghan_diplomacy import dates
from pak_afghan_diplomacy.pipeline.problems import BuildError, Problem
from pak_afghan_diplomacy.pipeline.read import curation, yamlfile
from pak_afghan_diplomacy.pipeline.read.seeds import read_seeds
from pak_afghan_diplomacy.tools.drafting import render
from pak_afghan_diplomacy.tools.drafting.model import Context, Extractor
from pak_afghan_diplomacy.tools.drafting.rules import RuleBasedExtractor


def spellings(curation_dir: Path, registry: dict[str, list[Any]], skip: str | None = None) -> dict[str, str]:
    """Every spelling curated in an article file (and every registry name) -> person id."""
    found = {p["name"]: p["id"] for p in registry.get("persons") or []}
    for path in sorted(curation_dir.glob("*.yaml")):
        if path.name == curation.REGISTRY or path.stem == skip:
            continue
        doc, problems = yamlfile.load(path, path.name)
        for n in (doc or {}).get("names") or [] if not problems else []:
            if isinstance(n, dict) and isinstance(n.get("name"), str) and isinstance(n.get("person"), str):
                found.setdefault(n["name"], n["person"])
    return found


def context(curation_dir: Path, published: str | None = None, excluded: tuple[tuple[int, int], ...] = ()) -> Context:
    """The registry (empty when it does not read cleanly) and known spellings, for drafting."""
    registry, _ = curation.read_registry(curation_dir)
    registry = registry or {}
    bounds: tuple[dt.date, dt.date | None] | None = None
    if published and dates.check(published) is None:
        lo, hi = dates.bounds(published)
        bounds = (lo, hi) if lo else None  # open at its end ("2024-12-23/.."): dates read from its first day on
    return Context(registry, spellings(curation_dir, registry), bounds, published if bounds else None, excluded)


def printed_publication(text: str, lines: int = 15) -> tuple[str, str] | None:
    """A publication date printed near the top (“Updated 3 May 2031”, a dateline with its year, or with the
    year a body date gives): (ISO date, the printed words). See `published.propose` for its basis and note."""
    from pak_afghan_diplomacy.tools.drafting import published

    found = published.propose(text, lines)
    return (found.value, found.printed) if isinstance(found, published.Published) else None


def draft_article(root: Path, article_id: str, extractor: Extractor | None = None) -> str:
    """A curation file for an existing article: its curated `article` section, then every section drafted anew."""
    found, problems = read_seeds(root / "seeds")
    seed = found.get(article_id)
    if seed is None:
        raise BuildError(problems or [Problem(f"seeds/{article_id}.txt", check="missing file", message="no such seed")])
    path = root / "build" / f"{article_id}.yaml"
    article, problems = curation.read_article(path, seed) if path.is_file() else (None, [])
    if article is None:
        why = "no curation file: run new-article for a new seed" if not problems else None
        raise BuildError(problems or [Problem(f"build/{article_id}.yaml", check="missing file", message=why or "")])
    head = article.doc["article"]
    excluded = tuple((s.start, s.end) for s in article.exclusions)
    ctx = context(root / "build", head.get("published_date"), excluded)
    body = (article.body_start, article.body_end)
    extractor = extractor or RuleBasedExtractor()
    draft = extractor.draft(article_id, seed.text, body, ctx)
    lines = path.read_text(encoding="utf-8").splitlines()
    end = next((i for i, line in enumerate(lines) if i and re.match(r"^[a-z_]+:", line)), len(lines))
    top = [
        f"# Draft of build/{article_id}.yaml by `pak-afghan-diplomacy draft` ({extractor.name} extractor):",
        "# every drafted entry is marked `proposed`; review each before it replaces the curated file.",
    ]
    return "\n".join([*top, *lines[:end], "", *render.sections(draft, seed.text, body, article_id[:3])])
