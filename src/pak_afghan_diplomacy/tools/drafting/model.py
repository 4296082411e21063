"""What a drafting pass proposes, and the interface any extractor implements.

Drafts are plain data: the rule-based extractor fills them, `render` writes them as
proposals into an article's YAML, and the evaluation compares them with curated files.
A model-based extractor (spaCy, an LLM) can implement `Extractor` behind an extra later.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Context:
    """What an extractor may use besides the text: the registry, spellings known elsewhere, the publication date."""

    registry: dict[str, list[Any]]
    spellings: dict[str, str]  # printed spelling -> person id, from other articles and the registry
    published: tuple[dt.date, dt.date | None] | None = None  # bounds of the publication date (end None: open)
    published_text: str | None = None  # the publication date as written in the curation
    excluded: tuple[tuple[int, int], ...] = ()  # page furniture inside the body, when already curated


@dataclass
class PersonDraft:
    """One person printed in the article: every spelling found, resolved or proposed as new."""

    person: str  # registry id, or a proposed new slug
    new: bool
    rule: str  # exact | known | fuzzy <score> | new
    spellings: dict[str, int] = field(default_factory=dict)  # spelling -> offset of its first mention


@dataclass(frozen=True)
class Mention:
    """A person's name printed at [start, end), with any title or honorific before it."""

    start: int
    end: int
    text: str
    person: str
    lead: int  # where the title/honorific run before the name starts (== start if none)


@dataclass
class RoleDraft:
    person: str
    post: str
    role: str | None  # the registry role, when one matches
    status: str  # current | ended
    acting: bool
    evidence: tuple[int, int]
    rule: str


@dataclass
class StatementDraft:
    start: int
    end: int
    mode: str  # direct | partial | indirect
    kind: str  # person | organization | joint | unattributed
    speaker: str | None  # person or organization id
    attribution: str | None
    channel: str | None
    rule: str
    score: float
    content: str = "speech"  # speech | position (a decision, agreement or refusal reported with no words)


@dataclass
class MeetingDraft:
    kind: str  # visit | bilateral meeting
    persons: list[str]
    sides: dict[str, str | None]
    city: str | None
    date: str | None
    date_note: str | None
    date_basis: str | None
    evidence: list[tuple[int, int]]
    rule: str
    registry: str | None = None  # an existing registry meeting this article is a new source for
    registry_note: str | None = None
    resolved: Any = field(default=None, repr=False, compare=False)  # the date as resolved, for narrowing


@dataclass
class Draft:
    article_id: str
    persons: list[PersonDraft] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    roles: list[RoleDraft] = field(default_factory=list)
    statements: list[StatementDraft] = field(default_factory=list)
    meetings: list[MeetingDraft] = field(default_factory=list)
    dismissed: list[StatementDraft] = field(default_factory=list)  # quotations nobody is said to have said


class Extractor(Protocol):
    """Drafts the facts of one article body; the rule-based one is the default."""

    name: str

    def draft(self, article_id: str, text: str, body: tuple[int, int], context: Context) -> Draft: ...
