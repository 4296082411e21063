"""The page as `new-article` drafts it: title, body bounds and publication date, then the facts.

One function for both the scaffold (`new_article.prefill`) and the realistic evaluation
(`benchmarks/draft_eval.py`), so the figures measure exactly what a curator is handed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from pak_afghan_diplomacy import dates
from pak_afghan_diplomacy.pipeline.article.records import furniture
from pak_afghan_diplomacy.tools.drafting.model import Context, Draft, Extractor
from pak_afghan_diplomacy.tools.drafting.published import Published, Unresolved, propose
from pak_afghan_diplomacy.tools.drafting.rules import RuleBasedExtractor


@dataclass(frozen=True)
class Head:
    """What the draft proposes for the `article` section."""

    title: str | None  # None: no line looks like a headline (the scaffold asks)
    body: tuple[int, int]  # code-point offsets of the proposed body
    published: Published | None  # (reduced ISO date, the printed words, basis, note), when the page gives one
    start: str  # the body's first words, as the scaffold's body.start
    end: str  # the body's last words, as the scaffold's body.end
    undated: str | None = None  # a dateline printed without a year nothing establishes: the scaffold asks


def head(text: str) -> Head:
    """The headline, body bounds and printed publication date proposed for a page as it comes.

    Section labels ("WORLD") before the headline and credits, teasers and page prompts after the
    report ("(Reporting by …)", "Read more: …", "Get the … App") are left outside the body. A first
    line that reads as a sentence of the report (the lede) is no headline: the title is left to ask.
    """
    lines = [(i, line) for i, line in _lines(text) if line.strip()]
    top = 0
    while top < len(lines) - 1 and furniture.is_label(lines[top][1]):
        top += 1
    bottom = len(lines) - 1
    while bottom > top and furniture.is_credit(lines[bottom][1]):
        bottom -= 1
    first, last = lines[top], lines[bottom]
    start = first[0] + len(first[1]) - len(first[1].lstrip())
    end = last[0] + len(last[1].rstrip())
    title = first[1].strip()
    found = propose(text)
    return Head(
        None if furniture.is_lede(title) else title,
        (start, end),
        found if isinstance(found, Published) else None,
        " ".join(first[1].split()[:6]),
        " ".join(last[1].split()[-6:]),
        found.printed if isinstance(found, Unresolved) else None,
    )


def _lines(text: str) -> list[tuple[int, str]]:
    out, at = [], 0
    for line in text.splitlines(keepends=True):
        out.append((at, line.rstrip("\r\n")))
        at += len(line)
    return out


def draft(article_id: str, text: str, context: Context, extractor: Extractor | None = None) -> tuple[Head, Draft]:
    """The proposed head and the facts drafted inside its body, against `context` (registry, spellings)."""
    page = head(text)
    if page.published:
        value = page.published.value
        shown = value if page.published.basis == "stated" else f"{value}, its year inferred from the body"
        context = replace(context, published=dates.closed_bounds(value), published_text=shown)
    return page, (extractor or RuleBasedExtractor()).draft(article_id, text, page.body, context)
