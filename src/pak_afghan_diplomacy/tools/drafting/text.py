"""Sentences and capitalised name candidates in an article body, with their offsets."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from pak_afghan_diplomacy.tools.drafting.vocab import HONORIFICS, NOT_NAMES


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int


_ABBREV = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|Gen|Lt|Col|St|No|Jan|Feb|Aug|Sept?|Oct|Nov|Dec)|\bH\.E|\b[A-Z])\.$")
_END = re.compile(r"[.!?][”\"’)]*\s+(?=[“\"A-Z0-9])")


def sentences(text: str, start: int, end: int) -> list[Sentence]:
    """Sentences of text[start:end]: paragraphs split after . ! ? unless an abbreviation ends there."""
    out: list[Sentence] = []
    for n, para in enumerate(re.finditer(r"[^\n]+", text[start:end])):
        p0 = start + para.start()
        line = para.group()
        s = 0
        for m in _END.finditer(line):
            if _ABBREV.search(line[: m.start() + 1]) or _inside_quote(line, m.end()):
                continue
            out.append(_sentence(text, p0 + s, p0 + m.end(), n))
            s = m.end()
        if line[s:].strip():
            out.append(_sentence(text, p0 + s, p0 + len(line), n))
    return [s for s in out if s.text]


def _inside_quote(line: str, i: int) -> bool:
    """Whether position i lies inside a curly quotation still open there (a quoted sentence does not end one)."""
    head = line[:i]
    return head.count("“") > head.count("”")


def _sentence(text: str, a: int, b: int, paragraph: int) -> Sentence:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return Sentence(a, b, text[a:b], paragraph)


_WORD = r"[A-Z][a-z]+(?:[-‘’'][A-Za-z]+)*"
_NAME = re.compile(rf"(?<![\w@/])({_WORD}(?:[ \t]+{_WORD}){{0,7}})(?![\w@/])")
_POSSESSIVE = re.compile(r"[’']s$")


@dataclass(frozen=True)
class NameCandidate:
    start: int
    end: int
    text: str
    titled: bool  # a title or honorific stands right before it


_PORTFOLIO = re.compile(r"\b(?:Minister|Ministry|Secretary|Adviser|Advisor|Department)\s+(?:for|of)\s+$")


def name_candidates(text: str, start: int, end: int) -> Iterator[NameCandidate]:
    """Runs of capitalised words that may be a person's name, honorifics and place words trimmed off."""
    for m in _NAME.finditer(text, start, end):
        words = [(w.start(), w.group()) for w in re.finditer(r"\S+", m.group())]
        words = [(m.start() + i, w) for i, w in words]
        # a possessive ends a name: "Karimi’s office", "Pakistan’s Prime Minister X"
        runs: list[list[tuple[int, str]]] = []
        cur: list[tuple[int, str]] = []
        for i, w in words:
            possessive = bool(_POSSESSIVE.search(w))
            w = _POSSESSIVE.sub("", w)
            if w in NOT_NAMES or w in HONORIFICS:
                if cur:
                    runs.append(cur)
                cur = []
                continue
            cur.append((i, w))
            if possessive:
                runs.append(cur)
                cur = []
        if cur:
            runs.append(cur)
        for run in runs:
            # "Minister for Railways X Y": the first word after "for"/"of" names the portfolio, not the person
            if len(run) >= 3 and _PORTFOLIO.search(text[max(start, run[0][0] - 40) : run[0][0]]):
                run = run[1:]
            a, b = run[0][0], run[-1][0] + len(run[-1][1])
            before = text[max(start, a - 40) : a]
            titled = bool(re.search(r"(?:\b(?:" + "|".join(map(re.escape, HONORIFICS)) + r")\s*,?\s*)$", before))
            yield NameCandidate(a, b, text[a:b], titled)
