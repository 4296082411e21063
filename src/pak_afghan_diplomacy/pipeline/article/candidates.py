"""The automatic pass: quotations, name mentions and dates a curator must look at.

The build fails when a quotation or a known name printed in a body is neither
curated nor dismissed, so nothing is missed silently; `new-article` pre-fills a
curation file with the same candidates.
"""

from __future__ import annotations

import functools
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
    for para in _PARAGRAPH.finditer(text, start, end):
        p0, line = para.start(), para.group()
        m = _OPENER.search(line)
        while m:
            i = m.start()
            closer = CLOSE if m.group() == OPEN else '"'
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
            m = _OPENER.search(line, j + 1)
    return [c for c in out if c.text.strip()]


_PARAGRAPH = re.compile(r"[^\n]+")
# A curly opening mark, or a straight double quote that does not follow a letter or digit.
_OPENER = re.compile(r'“|(?<![^\W_])"')


def name_mentions(text: str, start: int, end: int, names: Iterable[str]) -> list[Candidate]:
    """Whole-word occurrences of known names, the longest winning where they overlap.

    One pass of one pattern (names longest first), compiled once per set of names: the cost
    of a body no longer grows with the number of names known to the corpus.
    """
    pattern = _names_pattern(frozenset(names))
    if pattern is None:
        return []
    return [Candidate("name", m.start(), m.end(), m.group()) for m in pattern.finditer(text, start, end)]


@functools.lru_cache(maxsize=8)
def _names_pattern(names: frozenset[str]) -> re.Pattern[str] | None:
    if not names:
        return None
    ordered = sorted(names, key=lambda n: (-len(n), n))
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, ordered)) + r")(?!\w)")


_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Jan\\.|Feb\\.|Aug\\.|Sept?\\.|Oct\\.|Nov\\.|Dec\\."
)
_DATE_PATTERNS = [
    rf"\b(?:{_MONTHS})\s+\d{{1,2}}(?!\d)(?:,\s*\d{{4}})?",
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


# Titles and honorifics that precede a personal name in news reports.
TITLES = (
    "Ambassador|Ambassadors|Envoy|Minister|Ministers|President|Spokesperson|Spokesman|Spokeswoman|Secretary"
    "|Governor|General|Gen\\.|Senator|Commander|Chairman|Mullah|Mawlawi|Maulvi|Molvi|Maulana|Mawlana|Khalifa"
    "|Sheikh|Shaikh|Haji|Hajji|Qari|Hafiz|Sardar|Dr\\.?|Mr\\.?|Ms\\.?|Mrs\\.?|H\\.E\\.|HE"
)
_NAME_TOKEN = r"[A-Z][\w\-]*[a-z][\w\-]*"  # a possessive ’s ends the name
_TITLED = re.compile(
    rf"(?<![\w.])(?P<title>{TITLES}),?\s+(?:(?:{TITLES})\s+)*(?P<name>{_NAME_TOKEN}(?:[ \t]+{_NAME_TOKEN}){{0,3}})"
)
_CAPITALISED = re.compile(rf"(?<![\w’'\-]){_NAME_TOKEN}(?:[ \t]+{_NAME_TOKEN})+")
# Words that stand between names in a run of capitals without being part of one.
_NOT_NAME = re.compile(rf"^(?:{TITLES}|Foreign|Interior|Prime|Acting|Deputy|Special|Former|Chief|The)$")


def _headline(paragraph: str) -> bool:
    """A short Title Case line without a final stop (a headline) capitalises every word: no sign of a name."""
    words = [w for w in paragraph.split() if len(w) > 3]
    short = len(paragraph.split()) <= 25 and not paragraph.rstrip().endswith((".", "”", '"'))
    return short and len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.7 * len(words)


def titled_names(text: str, start: int, end: int) -> list[Candidate]:
    """Capitalised words after a title or honorific (`Minister X Y`, `Mawlawi X`): personal names."""
    out = []
    for para in _PARAGRAPH.finditer(text, start, end):
        if _headline(para.group()):
            continue
        for m in _TITLED.finditer(text, para.start(), para.end()):
            out.append(Candidate("titled name", m.start("name"), m.end("name"), m.group("name"), m.group("title")))
    return out


def capitalised_sequences(text: str, start: int, end: int) -> list[Candidate]:
    """Runs of two or more capitalised words, split at titles: where an unknown spelling of a name may hide."""
    out = []
    for para in _PARAGRAPH.finditer(text, start, end):
        if _headline(para.group()):
            continue
        for m in _CAPITALISED.finditer(text, para.start(), para.end()):
            words = [(w.start(), w.end()) for w in re.finditer(r"\S+", m.group())]
            segment: list[tuple[int, int]] = []
            for w in [*words, None]:
                if w is not None and not _NOT_NAME.match(m.group()[w[0] : w[1]]):
                    segment.append(w)
                    continue
                if len(segment) >= 2:
                    a, b = m.start() + segment[0][0], m.start() + segment[-1][1]
                    out.append(Candidate("capitalised", a, b, text[a:b]))
                segment = []
    return out
