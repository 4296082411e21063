"""Why a quote was not found, in words a curator can act on.

Most misses are typing differences: a straight apostrophe where the article prints ’,
a hyphen for a dash, a line break, a capital, a decomposed accent. The quote is looked
for again with those differences folded away, and failing that by fuzzy matching
(rapidfuzz); the message names the article's own characters, where they are (offsets,
and line and column of the seed), and what differs.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

from rapidfuzz import fuzz

_FOLD = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛′`´", "'"),
        **dict.fromkeys("“”„‟″«»", '"'),
        **dict.fromkeys("‐‑‒–—―−", "-"),
        **dict.fromkeys("\u00a0\u2007\u2009\u200a\u202f\u3000", " "),
    }
)
_NAMES = {"'": "straight '", '"': 'straight "', "-": "hyphen -", " ": "space", "\n": "line break"}
FUZZY_MIN = 80  # below this score the closest text is no help


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a code-point offset, as an editor shows them."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def where(text: str, start: int, end: int) -> str:
    line, col = line_col(text, start)
    return f"at {start}-{end} (seed line {line}, column {col})"


def _fold(text: str) -> str:
    """Length-preserving: quotes, dashes and spaces to one form each, lower case where one character stays one."""
    folded = text.translate(_FOLD)
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in folded)


def _name(chars: str) -> str:
    return ", ".join(_NAMES.get(c, repr(c)) for c in chars) if chars else "nothing"


def _differences(typed: str, printed: str) -> str:
    ops = difflib.SequenceMatcher(None, typed, printed, autojunk=False).get_opcodes()
    said = []
    for tag, a0, a1, b0, b1 in ops:
        if tag == "equal":
            continue
        said.append(f"{_name(typed[a0:a1])} where the article prints {_name(printed[b0:b1])}")
        if len(said) == 3:
            break
    return "; ".join(said) or "no visible difference"


def explain(quote: str, text: str, lo: int, hi: int) -> str:
    """A message for `quote` missing from text[lo:hi]: the nearest match and how it differs."""
    body = text[lo:hi]
    composed = unicodedata.normalize("NFC", quote)
    if composed != quote and composed in body:
        i = lo + body.index(composed)
        return (
            f"not in the article text as typed: its accents are decomposed (Unicode NFD); "
            f"the article prints them composed {where(text, i, i + len(composed))}"
        )
    pieces = [re.escape(_fold(p)) for p in quote.split()]
    if pieces:
        m = re.search(r"\s+".join(pieces), _fold(body))
        if m:
            a, b = lo + m.start(), lo + m.end()
            return f"not in the article text as typed; it prints {text[a:b]!r} {where(text, a, b)}: " + _differences(
                quote, text[a:b]
            )
    if len(quote) >= 4 and body:
        hit = fuzz.partial_ratio_alignment(quote, body, score_cutoff=FUZZY_MIN)
        if hit is not None:
            a, b = lo + hit.dest_start, lo + hit.dest_end
            return (
                f"not in the article text; the closest text is {text[a:b]!r} {where(text, a, b)} "
                f"(similarity {hit.score:.0f}/100)"
            )
    return "not in the article text, and nothing in the body comes close"
