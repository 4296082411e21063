"""Completeness: every candidate quotation and name mention is curated or dismissed.

Quotations are checked article by article while the build streams through them. Names
need every spelling of the whole corpus first, so each article leaves a small `Marks`
behind and the names pass runs at the end.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process

from pak_afghan_diplomacy.pipeline.article import candidates
from pak_afghan_diplomacy.pipeline.problems import Problem
from pak_afghan_diplomacy.pipeline.read.curation import Article, Curation, Span
from pak_afghan_diplomacy.pipeline.read.nearest import where

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
    """Every spelling curated anywhere, and the surname of each: a surname printed alone is a mention too."""
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
                message=f"quotation {where(text, c.start, c.end)} is in no statement and not dismissed: "
                "add it under statements: (or dismissed: with a reason)" + (f" ({c.note})" if c.note else ""),
            )
        )
    curated = frozenset(n["name"] for n in article.doc.get("names") or [])
    return Marks(article.article_id, article.label, (lo, hi), excluded, dismissed_spans, curated), problems


FUZZY_MIN = 85  # rapidfuzz ratio from which a capitalised run is taken for a spelling of a known name


def names(marks: Iterable[Marks], texts: Mapping[str, str], known: set[str]) -> list[Problem]:
    """Personal names printed in a body that no `names` entry or dismissal of that article covers.

    Three passes: every known spelling (and surname); every capitalised name after a title or
    honorific (`Minister X`, `Mawlawi X`); and every run of capitalised words close to a known
    full name (a transliteration, a dropped or added name part), by fuzzy matching.
    """
    problems: list[Problem] = []
    full = _full_names(known)
    for m in marks:
        text = texts[m.article_id]
        mentions = candidates.name_mentions(text, *m.body, known)
        spans = [(c.start, c.end) for c in mentions]

        def settled(c: candidates.Candidate, m: Marks = m) -> bool:
            return c.text in m.curated or _overlaps_any(c, m.dismissed) or _covered(c, m.excluded)

        for c in mentions:
            if not settled(c):
                problems.append(_uncurated(m, text, c, f"the spelling {c.text!r} is printed"))
        for c in candidates.titled_names(text, *m.body):
            if not settled(c) and not _overlaps_any(c, spans):
                problems.append(_uncurated(m, text, c, f"the name {c.text!r} after the title {c.note!r} is printed"))
        whole = [(c.start, c.end) for c in mentions if len(c.text.split()) > 1]
        for c in candidates.capitalised_sequences(text, *m.body):
            # a run holding a known full name is that name in context; one holding only a surname may not be
            if settled(c) or _overlaps_any(c, whole) or not full:
                continue
            if match := full.resembled(c.text):
                problems.append(
                    _uncurated(m, text, c, f"{c.text!r}, which resembles the known {match},", "unknown spelling")
                )
    return problems


_HELD: list[Any] = []  # [the known spellings, their _FullNames]: one index (and memo) per set, not per chunk
_SEEN_MAX = 200_000  # runs judged before the memo is emptied (a bound on a worker's memory, not on its answers)


def _full_names(known: set[str]) -> _FullNames:
    """The full names of `known`, indexed once for every chunk checked against this very set (a build's
    names pass, in the parent or a worker); the answers are those of an index made afresh."""
    if _HELD and _HELD[0] == known:  # a copy of the set it was made from: equal sets, equal answers
        full = _HELD[1]
        if len(full.seen) > _SEEN_MAX:
            full.seen.clear()
        return full
    full = _FullNames(n for n in known if len(n.split()) > 1)
    _HELD[:] = [frozenset(known), full]
    return full


class _FullNames:
    """The known full names, indexed by word, for `resembled`: a run is compared with the names it
    shares words with, not with every name, and each distinct run is judged once per pass."""

    def __init__(self, names: Iterable[str]):
        self.full = sorted(names)
        self.words: dict[str, list[int]] = defaultdict(list)  # casefolded word -> names holding it
        self.folded: list[set[str]] = []
        for i, name in enumerate(self.full):
            words = set(name.casefold().split())
            self.folded.append(words)
            for w in words:
                self.words[w].append(i)
        self.seen: dict[str, str | None] = {}

    def __bool__(self) -> bool:
        return bool(self.full)

    def resembled(self, run: str) -> str | None:
        if run not in self.seen:
            self.seen[run] = self._resembles(run)
        return self.seen[run]

    def _resembles(self, run: str) -> str | None:
        """The known full name `run` is probably a spelling of, with why; None if none is close."""
        tokens = set(run.casefold().split())
        sharing = Counter(i for w in tokens for i in self.words.get(w, ()))
        for i in sorted(i for i, n in sharing.items() if n >= 2):  # the first such name, in sorted order
            other = self.folded[i]
            if tokens < other or other < tokens:
                return f"{self.full[i]!r} (a name part dropped or added)"
        hit = process.extractOne(run, self.full, scorer=fuzz.ratio, processor=str.casefold, score_cutoff=FUZZY_MIN)
        return f"{hit[0]!r} (similarity {hit[1]:.0f}/100)" if hit else None


def _uncurated(m: Marks, text: str, c: candidates.Candidate, what: str, check: str = "uncurated name") -> Problem:
    return Problem(
        m.label,
        field="names",
        check=check,
        value=c.text,
        message=f"{what} {where(text, c.start, c.end)} but has no names entry: add it under names: "
        "(resolved to a person of the registry, or a new one) or under dismissed: with a reason",
    )


def _overlaps_any(c: candidates.Candidate, spans: Spans) -> bool:
    return any(c.start < b and a < c.end for a, b in spans)
