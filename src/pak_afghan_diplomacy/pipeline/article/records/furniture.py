"""Words a rubber-stamped draft leaves where they do not belong: reporting verbs, labels, credits.

Shared by the statement checks (a text that starts or ends with its own reporting words) and
the article checks (a title that is a section label or the lede, a body bounded by a label or
a wire credit). General English patterns only; nothing from a particular article.
"""

from __future__ import annotations

import re

# A statement text that begins with how it was reported ("said that …", "according to …").
_LEADING = re.compile(
    r"^\W*(?:(?:has|had|have|was|were|is)\s+)?"
    r"(?:said|says|saying|stated|states|told\s+\w+|added|adding|according\s+to|quoted\s+as\s+saying|"
    r"noted|remarked|declared|announced|explained)\b(?:\s+that\b)?"
    r"|^\W*that\b",
    re.IGNORECASE,
)
# ... or ends with it ("…, he said.", "… Zarif added").
_TRAILING = re.compile(
    r"[,;]?\s+(?:(?:he|she|they|it|we|the\s+\w+|[A-Z][\w’'-]+)\s+)?"
    r"(?:said|says|added|told\s+\w+|stated|noted)\W*$",
)


def reporting_words(text: str) -> str | None:
    """The reporting words a statement text starts or ends with, if any."""
    if m := _LEADING.match(text):
        return m.group().strip(" ,;:")
    if m := _TRAILING.search(text):
        return m.group().strip(" ,;:.")
    return None


# Lines that are page furniture, not the article: a wire credit, a teaser, an app or social prompt.
_CREDIT = re.compile(
    r"^\W*(?:reporting\s+by|writing\s+by|editing\s+by|additional\s+reporting|compiled\s+by|"
    r"read\s+more\b|also\s+read\b|also\s+see\b|related\b|download\s+(?:our|the)\b|get\s+the\b.*\bapp\b|"
    r"follow\s+us\b|subscribe\b|copyright\b|©|all\s+rights\s+reserved|short\s+url\b)",
    re.IGNORECASE,
)


def is_credit(line: str) -> bool:
    return bool(_CREDIT.match(line.strip()))


def is_label(line: str) -> bool:
    """A section label: one word ("WORLD", "Pakistan"), or a short run in capitals ("TOP STORIES")."""
    words = line.strip().strip(":|»›").split()
    if not words:
        return False
    letters = [w for w in words if any(c.isalpha() for c in w)]
    return len(letters) == 1 or (len(letters) <= 3 and all(w.isupper() for w in letters))


def is_lede(title: str) -> bool:
    """A title that reads as a sentence of reporting, not a headline: it ends on a full stop, or runs long."""
    t = title.strip()
    return (t.endswith(".") and not t.endswith("..")) or len(t.split()) > 25
