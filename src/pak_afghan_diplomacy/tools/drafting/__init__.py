"""The drafting pass: persons, roles, statements and meetings proposed for a curator to review.

`draft()` runs an `Extractor` (the rule-based one unless told otherwise) over an article
body; `render` writes the result as proposals into the article's YAML, each marked
`proposed: "<rule> <score>"` until a person accepts (deletes the mark) or rejects it.
"""

from __future__ import annotations

from pak_afghan_diplomacy.tools.drafting.model import Context, Draft, Extractor
from pak_afghan_diplomacy.tools.drafting.rules import RuleBasedExtractor

__all__ = ["Context", "Draft", "Extractor", "RuleBasedExtractor", "default_extractor"]


def default_extractor() -> Extractor:
    return RuleBasedExtractor()
