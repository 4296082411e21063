"""Completeness: every candidate quotation and name mention is curated or dismissed.

Quotations are checked article by article while the build streams through them. Names
need every spelling of the whole corpus first, so each article leaves a small `Marks`
behind and the names pass runs at the end.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pak_afghan_diplomacy.pipeline import candidates
from pak_afghan_diplomacy.pipeline.curation import Article, Curation, Span
from pak_afghan_diplomacy.pipeline.problems import Problem

Spans = list[tuple[int, int]]


@dataclass(frozen=True)
class Marks:
    """What the names pass needs of one article once its curation is dropped."""

    article_id: str
    label: str
    body: tuple[int, int]
    excluded: Spans
    dismissed: Spans
    curated: frozenset[str]


def spellings(names: Iterable[str]) -> set[str]:
    """Every spelling curated anywhere, and the surname of each: `Baloch` alone is a mention too."""
    found = set(names)
    return found | {n.split()[-1] for n in found if len(n.split()) > 1}


def known_names(cur: Curation) -> set[str]:
    canonical = (p["name"] for p in cur.registry.get("persons") or [])
    printed = (n["name"] for a in cur.articles.values() for n in a.doc.get("names") or [])
    return spellings([*canonical, *printed])


def _dismissed(article: Article) -> tuple[list[Span], list[Problem]]:
    spans, problems = [], []
    items = article.doc.get("dismissed") or []
    for i, d in enumerate(items):
        found = article.find(d["quote"], d.get("occurrence"), (article.label, items.lines[i], f"dismissed[{i}].quote"))
        (problems if isinstance(found, Problem) else spans).append(found)
    return spans, problems


def _covered(c: candidates.Candidate, spans: Spans) -> bool:
    return any(a <= c.start and c.end <= b for a, b in spans)


def quotations(article: Article, statement_spans: Spans) -> tuple[Marks, list[Problem]]:
    """Quotations outside every statement and dismissal; the article's marks for the names pass."""
    dismissed, problems = _dismissed(article)
    dismissed_spans = [(s.start, s.end) for s in dismissed]
    text, lo, hi = article.seed.text, article.body_start, article.body_end
    excluded = [(s.start, s.end) for s in article.exclusions]
    quoted = statement_spans + dismissed_spans
    for c in candidates.quotations(text, lo, hi):
        # a quotation is covered when a statement or dismissal holds its words (marks optional)
        stripped = candidates.Candidate(c.kind, c.start, c.start + len(c.text.rstrip()), c.text)
        if _covered(c, excluded) or _covered(stripped, quoted) or _overlaps_any(c, dismissed_spans):
            continue
        problems.append(
            Problem(
                article.label,
                field="statements",
                check="uncurated quotation",
                value=c.text,
                message=f"quotation at {c.start}-{c.end} is in no statement and not dismissed"
                + (f" ({c.note})" if c.note else ""),
            )
        )
    curated = frozenset(n["name"] for n in article.doc.get("names") or [])
    return Marks(article.article_id, article.label, (lo, hi), excluded, dismissed_spans, curated), problems


def names(marks: Iterable[Marks], texts: Mapping[str, str], known: set[str]) -> list[Problem]:
    """Spellings of known names printed in a body without a `names` entry in that article."""
    problems: list[Problem] = []
    for m in marks:
        for c in candidates.name_mentions(texts[m.article_id], *m.body, known):
            if c.text in m.curated or _overlaps_any(c, m.dismissed) or _covered(c, m.excluded):
                continue
            problems.append(
                Problem(
                    m.label,
                    field="names",
                    check="uncurated name",
                    value=c.text,
                    message=f"the spelling {c.text!r} is printed at {c.start} but has no names entry",
                )
            )
    return problems


def _overlaps_any(c: candidates.Candidate, spans: Spans) -> bool:
    return any(c.start < b and a < c.end for a, b in spans)
