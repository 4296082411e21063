"""Completeness: every candidate quotation and name mention is curated or dismissed."""

from __future__ import annotations

from pak_afghan_diplomacy.pipeline import candidates
from pak_afghan_diplomacy.pipeline.curation import Article, Curation, Span
from pak_afghan_diplomacy.pipeline.problems import Problem


def known_names(cur: Curation) -> set[str]:
    """Every spelling curated anywhere, and the surname of each: `Baloch` alone is a mention too."""
    names = {p["name"] for p in cur.registry.get("persons") or []}
    for article in cur.articles.values():
        names |= {n["name"] for n in article.doc.get("names") or []}
    return names | {n.split()[-1] for n in names if len(n.split()) > 1}


def _dismissed(article: Article) -> tuple[list[Span], list[Problem]]:
    spans, problems = [], []
    items = article.doc.get("dismissed") or []
    for i, d in enumerate(items):
        found = article.find(d["quote"], d.get("occurrence"), (article.label, items.lines[i], f"dismissed[{i}].quote"))
        (problems if isinstance(found, Problem) else spans).append(found)
    return spans, problems


def _covered(c: candidates.Candidate, spans: list[tuple[int, int]]) -> bool:
    return any(a <= c.start and c.end <= b for a, b in spans)


def uncovered(cur: Curation, statement_spans: dict[str, list[tuple[int, int]]]) -> list[Problem]:
    """Quotations outside every statement and dismissal; spellings without a `names` entry."""
    problems: list[Problem] = []
    names = known_names(cur)
    for article_id, article in sorted(cur.articles.items()):
        dismissed, found = _dismissed(article)
        problems += found
        dismissed_spans = [(s.start, s.end) for s in dismissed]
        text, lo, hi = article.seed.text, article.body_start, article.body_end
        excluded = [(s.start, s.end) for s in article.exclusions]
        quoted = statement_spans.get(article_id, []) + dismissed_spans
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
        curated = {n["name"] for n in article.doc.get("names") or []}
        for c in candidates.name_mentions(text, lo, hi, names):
            if c.text in curated or _overlaps_any(c, dismissed_spans) or _covered(c, excluded):
                continue
            problems.append(
                Problem(
                    article.label,
                    field="names",
                    check="uncurated name",
                    value=c.text,
                    message=f"the spelling {c.text!r} is printed at {c.start} but has no names entry",
                )
            )
    return problems


def _overlaps_any(c: candidates.Candidate, spans: list[tuple[int, int]]) -> bool:
    return any(c.start < b and a < c.end for a, b in spans)
