"""Who a stretch of text names as speaker: a person, a descriptor of one, an organization, or both sides."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pak_afghan_diplomacy.tools.drafting.model import Context, Mention, RoleDraft
from pak_afghan_diplomacy.tools.drafting.vocab import JOINT, SIDES

_PRONOUN = re.compile(
    r"\b(?P<p>he|she|they|it)\s+(?:(?:also|has|had|have|was|were|is|repeatedly|once|further|then|later|"
    r"previously|consistently|persistently)\s+)*$",
    re.IGNORECASE,
)
_DESCRIPTOR = re.compile(
    r"\bthe\s+(?:(?:chief|top|senior|visiting|new|newly appointed|former|[A-Z][\w-]*)\s+)*"
    r"(?P<n>envoy|diplomat|representative|ambassador|minister|spokesperson|spokesman|premier)\b",
    re.IGNORECASE,
)
# which post wordings a descriptor noun can stand for
_NOUN_POSTS = {
    "envoy": ("envoy", "representative"),
    "representative": ("representative", "envoy"),
    "diplomat": ("foreign", "envoy", "representative", "ambassador", "chargé"),
    "ambassador": ("ambassador",),
    "minister": ("minister",),
    "premier": ("prime minister",),
    "spokesperson": ("spokes",),
    "spokesman": ("spokes",),
}


_FILLER = re.compile(
    r"\b(?:also|has|had|have|was|were|is|are|repeatedly|once|further|then|later|previously|consistently|"
    r"persistently|reportedly|strongly|firmly|again|in response|not)\b[\s,]*$",
    re.IGNORECASE,
)


def _near(seg: str, words: int = 5) -> int:
    """Where the last few words before the verb begin (auxiliaries and adverbs not counted)."""
    end = len(seg)
    while m := _FILLER.search(seg[:end]):
        end = m.start()
    spans = [m.start() for m in re.finditer(r"\S+", seg[:end])]
    return spans[-words] if len(spans) >= words else 0


@dataclass
class Speaker:
    kind: str  # person | organization | joint
    id: str | None
    rule: str


@dataclass
class Tracker:
    """What pronouns and descriptors can refer to: the persons printed and attributed so far."""

    context: Context
    mentions: list[Mention]
    roles: list[RoleDraft]
    last_person: str | None = None
    last_quoted: str | None = None
    last_org: str | None = None
    wordings: dict[str, list[str]] = field(default_factory=dict)  # post id -> its wordings

    def __post_init__(self) -> None:
        for post in self.context.registry.get("posts") or []:
            self.wordings[post["id"]] = [w.lower() for w in [post["title"], *(post.get("aliases") or [])]]

    def advance(self, sentence: str, a: int, b: int) -> None:
        """Remember the person printed before the sentence's first verb as what a later he/she refers to."""
        verb = re.search(r"\b(?:[a-z]+ed|met|held|said|told|wrote|is|was|has|had)\b", sentence)
        cut = a + (verb.start() if verb else len(sentence))
        subjects = [n for n in self.persons_in(a, b) if n.end <= cut]
        if subjects:
            self.last_person = subjects[0].person

    def persons_in(self, a: int, b: int) -> list[Mention]:
        return [m for m in self.mentions if a <= m.start and m.end <= b]

    def subject(self, text: str, a: int, b: int, quoting: bool = False) -> Speaker | None:
        """The speaker named by text[a:b], the words before a reporting verb: the nearest words first.

        `quoting` is for “…,” he said: a pronoun after a quotation continues the last quoted speaker.
        """
        seg = text[a:b]
        near_at = _near(seg)
        near = seg[near_at:]
        if re.search(JOINT, near, re.IGNORECASE):
            return Speaker("joint", None, "both sides")
        if p := _PRONOUN.search(seg):
            if p.group("p").lower() == "it":
                return Speaker("organization", self.last_org, "pronoun it") if self.last_org else None
            if p.group("p").lower() == "they":
                return None
            ref = (self.last_quoted or self.last_person) if quoting else self.last_person
            return Speaker("person", ref, "pronoun") if ref else None
        named = self.persons_in(a, b)
        close = [m for m in named if m.end >= a + near_at]
        if close:
            return self._person(text, close[-1], b)
        if (d := list(_DESCRIPTOR.finditer(near))) and (who := self.descriptor(d[-1], a + near_at + d[-1].start())):
            return Speaker("person", who, f"descriptor “{d[-1].group().strip()}”")
        if org := self.organization(near):
            return Speaker("organization", org, "organization")
        if re.search(JOINT, seg, re.IGNORECASE):
            return Speaker("joint", None, "both sides")
        if named:
            return self._person(text, named[-1], b)
        if (d := list(_DESCRIPTOR.finditer(seg))) and (who := self.descriptor(d[-1], a + d[-1].start())):
            return Speaker("person", who, f"descriptor “{d[-1].group().strip()}”")
        if org := self.organization(seg):
            return Speaker("organization", org, "organization")
        return None

    def _person(self, text: str, last: Mention, b: int) -> Speaker | None:
        tail = text[last.end : b]
        if re.match(r"[’']s\s+(?:office|ministry|spokes\w+|government)\b", tail) and not re.search(
            r"quoted\s+(?:him|her)", tail
        ):
            org = self.organization_of(last.person)
            return Speaker("organization", org, "person's office") if org else None
        return Speaker("person", last.person, "named subject")

    def descriptor(self, m: re.Match[str], at: int) -> str | None:
        """The most recently printed person whose drafted post fits the noun (and the nationality, if given)."""
        fits = _NOUN_POSTS[m.group("n").lower()]
        side = next((SIDES[w.lower()] for w in re.findall(r"\w+", m.group()) if w.lower() in SIDES), None)
        holders = {
            r.person
            for r in self.roles
            if any(f in w for w in self.wordings.get(r.post, [r.post]) for f in fits)
            and (side is None or self.side_of(r.person) in (None, side))
        }
        before = [x for x in self.mentions if x.start < at and x.person in holders]
        return before[-1].person if before else None

    def _roles_of(self, person: str) -> list[dict[str, Any]]:
        return [r for r in self.context.registry.get("roles") or [] if r["person"] == person]

    def organization_of(self, person: str) -> str | None:
        roles = self._roles_of(person)
        current = [r for r in roles if r.get("status") == "current"] or roles
        return current[-1]["organization"] if current else None

    def side_of(self, person: str) -> str | None:
        orgs = {o["id"]: o for o in self.context.registry.get("organizations") or []}
        for r in self._roles_of(person):
            if (o := orgs.get(r["organization"])) and o.get("country"):
                return o["country"]
        return None

    def organization(self, seg: str) -> str | None:
        """A registry organization named in `seg` (its name or bracketed short name), else a country's government."""
        orgs = self.context.registry.get("organizations") or []
        low = seg.lower()
        best = None
        for o in orgs:
            names = [o["name"], *re.findall(r"\(([^)]+)\)", o["name"])]
            for rank, n in enumerate(names):
                weight = len(n) * 2 + (rank == 0)  # the full name wins over an equal bracketed short name
                if re.search(rf"\b{re.escape(n.lower())}\b", low) and (best is None or weight > best[0]):
                    best = (weight, o["id"])
        if best:
            return best[1]
        words = re.findall(r"[\w’']+", low)
        for k, w in enumerate(words):
            country = SIDES.get(re.sub(r"[’']s$", "", w))
            # a country or capital as the subject itself ("Islamabad says"), or "the Afghan government"
            # "Minister for X" names a post, not a speaker; "due to X’s allegations" still names X
            governed = k > 0 and words[k - 1] in ("for", "of", "in", "to", "on", "from", "at") and w == w.rstrip("’'s")
            if country and not governed and (len(words) <= 4 or k >= len(words) - 2 or "government" in words):
                gov = [o for o in orgs if o.get("country") == country and o.get("classification") == "government"]
                if gov:
                    return gov[0]["id"]
        return None
