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
    r"""Whole-word occurrences of known names, the longest winning where they overlap.

    What the alternation `(?<!\w)(?:longest|...|shortest)(?!\w)` would find, scanning left to
    right, without one: at each place a name can begin (a first letter of some name, not after a
    word character), a lookup in the set of names of each length, longest first. The cost of a body
    grows with the number of distinct name lengths, not with the number of names known.
    """
    index = _names_index(frozenset(names))
    if index is None:
        return []
    firsts, lengths, known = index
    out: list[Candidate] = []
    p = start
    while (m := firsts.search(text, p, end)) is not None:
        i = m.start()
        p = i + 1
        if i > 0 and _is_word(text[i - 1]):
            continue
        for n in lengths:
            j = i + n
            if j > end:
                continue
            word = text[i:j]
            if word in known and (j == end or not _is_word(text[j])):
                out.append(Candidate("name", i, j, word))
                p = j
                break
    return out


def _is_word(ch: str) -> bool:
    r"""What `\w` matches (str patterns): letters and digits in the Unicode sense, and the underscore."""
    return ch.isalnum() or ch == "_"


@functools.lru_cache(maxsize=8)
def _names_index(names: frozenset[str]) -> tuple[re.Pattern[str], tuple[int, ...], frozenset[str]] | None:
    names = frozenset(n for n in names if n)
    if not names:
        return None
    firsts = re.compile("[" + "".join(sorted(re.escape(c) for c in {n[0] for n in names})) + "]")
    return firsts, tuple(sorted({len(n) for n in names}, reverse=True)), names


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
