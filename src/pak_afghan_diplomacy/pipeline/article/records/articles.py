"""Articles: one row per seed, with its body span, its provenance and its publication date."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl

from pak_afghan_diplomacy import dates
from pak_afghan_diplomacy.pipeline.article.records import furniture
from pak_afghan_diplomacy.pipeline.read.curation import Article, Span
from pak_afghan_diplomacy.pipeline.read.origin import line_of
from pak_afghan_diplomacy.schema import codes, vocab

if TYPE_CHECKING:
    from pak_afghan_diplomacy.pipeline.article.assemble import Builder


def registry(b: Builder, records: dict[str, dict[str, Any]]) -> None:
    """Articles have no registry records."""


def _page(b: Builder, a: Article, meta: Any) -> None:
    """A title that is a section label or the lede, a body that starts or ends on a label or credit line."""
    title = meta["title"]
    if meta.get("title_basis") == "stated" and (furniture.is_label(title) or furniture.is_lede(title)):
        what = "a section label" if furniture.is_label(title) else "a sentence of the report (the lede), not a headline"
        b.problem(
            a.label,
            line_of(meta, "title"),
            "article.title",
            "title not a headline",
            title,
            f"the title reads as {what}: quote the page's headline, or, if it prints none, write a short "
            "title yourself and set title_basis: curated",
        )
    body = a.seed.text[a.body_start : a.body_end].strip().splitlines()
    if not body:
        return
    body_meta = meta.get("body") or {}
    for key, line, first in (("start", body[0], True), ("end", body[-1], False)):
        label = furniture.is_label(line) and (first or len(body) > 1)
        if not (label or furniture.is_credit(line)):
            continue
        what = "a section label" if label else "a credit, teaser or page prompt"
        move = "the headline (or first sentence) after it" if first else "the last sentence of the report before it"
        b.problem(
            a.label,
            line_of(body_meta, key) if isinstance(body_meta, dict) else line_of(meta, "body"),
            f"article.body.{key}",
            "body bounded by furniture",
            line.strip(),
            f"the body {'starts' if first else 'ends'} on {what}, “{line.strip()}”: "
            f"set body.{key} to {move}; furniture inside the body goes to exclusions",
        )


def article(b: Builder, a: Article) -> None:
    meta = a.doc["article"]
    _page(b, a, meta)
    published = meta["published_date"]
    lo, hi = dates.bounds(published)
    b.published[a.article_id] = (published, meta["published_date_basis"])
    if meta["title_basis"] == "stated" and meta["title"] not in a.seed.text[a.body_start : a.body_end]:
        b.problem(
            a.label,
            line_of(meta, "title"),
            "article.title",
            "quote",
            meta["title"],
            "title_basis stated: the headline is printed in the body, verbatim (else title_basis: curated)",
        )
    if not codes.language(meta["language"]):
        b.problem(
            a.label, line_of(meta, "language"), "article.language", "code", meta["language"], "not an ISO 639-1 code"
        )
    # future and pre-1900 dates are refused as the curation is read (`dates.implausible`)
    accessed = meta.get("accessed")
    if accessed and lo is not None and (seen := dates.bounds(accessed)[1]) is not None and seen < lo:
        b.problem(
            a.label,
            line_of(meta, "accessed"),
            "article.accessed",
            "date order",
            accessed,
            f"accessed before the article was published ({published}): a typo?",
        )
    if meta.get("url") and not meta.get("url_basis"):
        b.problem(
            a.label,
            line_of(meta, "url"),
            "article.url_basis",
            "missing key",
            None,
            "say how the URL was established: matched (the page found by its headline and words) or printed",
        )
    if meta.get("publisher") and not meta.get("publisher_basis"):
        b.problem(
            a.label,
            line_of(meta, "publisher"),
            "article.publisher_basis",
            "missing key",
            None,
            "say how the publisher is known: printed (in the text) or site (from the page it came from)",
        )
    b.add(
        "articles",
        {
            "article_id": a.article_id,
            "title": meta["title"],
            "title_basis": meta["title_basis"],
            "url": meta.get("url"),
            "url_basis": meta.get("url_basis") if meta.get("url") else None,
            "url_note": meta.get("url_note"),  # also where no url is given: why not (e.g. only a copy found)
            "publisher": meta.get("publisher"),
            "publisher_basis": meta.get("publisher_basis") if meta.get("publisher") else None,
            "language": meta["language"],
            "accessed": meta.get("accessed"),
            "published_date": published,
            "published_earliest": lo,
            "published_latest": hi,
            "published_date_basis": meta["published_date_basis"],
            "published_date_inferred_part": meta.get("published_date_inferred_part")
            if meta["published_date_basis"] in vocab.INFERENCES
            else None,
            "published_date_note": meta.get("published_date_note"),
            "body_start": a.body_start,
            "body_end": a.body_end,
            "text_length": len(a.seed.text),
            "sha256": a.seed.sha256,
            "source_file": a.seed.file_name,
        },
        a.label,
        line_of(meta),
    )
    reasons = [ex["reason"] for ex in meta.get("exclusions") or []]
    for span, reason in zip(a.exclusions, reasons, strict=False):
        b.add(
            "body_exclusions",
            {
                "article_id": a.article_id,
                "char_start": span.start,
                "char_end": span.end,
                "text": span.text,
                "reason": reason,
            },
            a.label,
            line_of(meta, "exclusions"),
        )

    dismissed = a.doc.get("dismissed") or []
    for i, d in enumerate(dismissed):
        found = a.find(d["quote"], d.get("occurrence"), (a.label, line_of(d), f"dismissed[{i}].quote"))
        if isinstance(found, Span):  # a quote not found is reported by the coverage check
            b.add(
                "dismissals",
                {
                    "article_id": a.article_id,
                    "char_start": found.start,
                    "char_end": found.end,
                    "text": found.text,
                    "reason": d["reason"],
                },
                a.label,
                line_of(d),
            )


def finish(b: Builder, frames: dict[str, pl.DataFrame]) -> None:
    """Nothing across articles."""
