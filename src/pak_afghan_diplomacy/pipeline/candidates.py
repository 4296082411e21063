"""The automatic pass: quotations, name mentions and dates a curator must look at.

The build fails when a quotation or a known name printed in a body is neither
curated nor dismissed, so nothing is missed silently; `new-article` pre-fills a
curation file with the same candidates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

OPEN = "“"
CLOSE = "”"


@dataclass(frozen=True)
class Candidate:
    kind: str  # quotation | name | date
    start: int
    end: int
    text: str
    note: str = ""


def quotations(text: str, start: int, end: int) -> list[Candidate]:
    """Curly “…” and straight "…" quotations in text[start:end].

    A quotation whose closing mark is missing runs to the end of its paragraph.
    """
    out: list[Candidate] = []
    for para in re.finditer(r"[^\n]+", text[start:end]):
        p0 = start + para.start()
        line = para.group()
        i = 0
        while i < len(line):
            ch = line[i]
            if ch == OPEN or (ch == '"' and _opens(line, i)):
                closer = CLOSE if ch == OPEN else '"'
                j = line.find(closer, i + 1)
                if j == -1:
                    out.append(
                        Candidate(
                            "quotation",
                            p0 + i + 1,
                            p0 + len(line),
                            line[i + 1 :],
                            "closing mark missing: runs to the end of the paragraph",
                        )
                    )
                    break
                out.append(Candidate("quotation", p0 + i + 1, p0 + j, line[i + 1 : j]))
                i = j + 1
                continue
            i += 1
    return [c for c in out if c.text.strip()]


def _opens(line: str, i: int) -> bool:
    """A straight double quote opens when it does not follow a letter or digit."""
    return i == 0 or not line[i - 1].isalnum()


def name_mentions(text: str, start: int, end: int, names: Iterable[str]) -> list[Candidate]:
    """Whole-word occurrences of known names, the longest winning where they overlap."""
    found: list[Candidate] = []
    for name in sorted(set(names), key=len, reverse=True):
        for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text[start:end]):
            a, b = start + m.start(), start + m.end()
            if any(c.start <= a and b <= c.end for c in found):
                continue
            found.append(Candidate("name", a, b, name))
    return sorted(found, key=lambda c: c.start)


_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Jan\\.|Feb\\.|Aug\\.|Sept?\\.|Oct\\.|Nov\\.|Dec\\."
)
_DATE_PATTERNS = [
    rf"\b(?:{_MONTHS})\s+\d{{1,2}}(?:,\s*\d{{4}})?",
    rf"\b\d{{1,2}}\s+(?:{_MONTHS})(?:\s+\d{{4}})?",
    rf"\b(?:in|since|from|until|to)\s+(?:(?:{_MONTHS})\s+)?(?:19|20)\d{{2}}\b",
    rf"\b(?:in|since|from|until|to|earlier|late|early)\s+(?:this\s+)?(?:{_MONTHS})\b",
    r"\b(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b",
    r"\b(?:today|yesterday|tomorrow|earlier this (?:month|week|year)|last (?:week|month|year)|next (?:week|month))\b",
]


def dates(text: str, start: int, end: int) -> list[Candidate]:
    """Explicit and relative dates, for a curator to resolve (never resolved here)."""
    found: list[Candidate] = []
    for pattern in _DATE_PATTERNS:
        for m in re.finditer(pattern, text[start:end], flags=re.IGNORECASE):
            a, b = start + m.start(), start + m.end()
            if not any(c.start <= a and b <= c.end for c in found):
                found.append(Candidate("date", a, b, m.group()))
    return sorted(found, key=lambda c: c.start)
