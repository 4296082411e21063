"""Roles: a post title printed right before or after a person's name, matched to the registry's post vocabulary."""

from __future__ import annotations

import re
from typing import Any

from pak_afghan_diplomacy.tools.drafting.model import Context, Mention, RoleDraft
from pak_afghan_diplomacy.tools.drafting.vocab import HONORIFICS

_QUALIFIER = r"(?:(?:former|late|acting|newly[- ]appointed|new|current|then)\s+)"


def post_titles(registry: dict[str, list[Any]]) -> dict[str, str]:
    """Every printed wording of every post (title and aliases, lower case) -> post id."""
    out: dict[str, str] = {}
    for post in registry.get("posts") or []:
        for wording in [post["title"], *(post.get("aliases") or [])]:
            out.setdefault(str(wording).lower(), post["id"])
    return out


def _patterns(titles: dict[str, str]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    alt = "|".join(re.escape(t).replace("’", "[’']") for t in sorted(titles, key=len, reverse=True))
    honor = "|".join(map(re.escape, sorted(HONORIFICS, key=len, reverse=True)))
    owner = r"(?:[A-Z][\w-]*[’']s\s+|the country[’']s\s+|(?:the\s+)?[A-Z][\w-]*\s+(?:Office\s+)?)?"
    before = re.compile(
        rf"(?P<q>{_QUALIFIER}*)(?P<t>{alt})(?:\s+(?:in|to|for|of|on)\s+[A-Z][\w’']+)?\s*,?\s*(?:(?:{honor})\s+)*$",
        re.IGNORECASE,
    )
    after = re.compile(
        rf"^(?:,\s*|\s+(?:served|serves|was|is|has been)\s+as\s+)(?:the\s+)?{owner}(?P<q>{_QUALIFIER}*)(?P<t>{alt})\b"
        # a title followed by a name (or by more of a title) is the next person's
        rf"(?-i:(?!\s+(?:(?:{honor})\s+)*[A-Z][a-z]|\s+(?:for|of|on|to|in)\s+[A-Z]))",
        re.IGNORECASE,
    )
    return before, after


def find(text: str, mentions: list[Mention], context: Context) -> list[RoleDraft]:
    titles = post_titles(context.registry)
    if not titles:
        return []
    before, after = _patterns(titles)
    found: dict[tuple[str, str], RoleDraft] = {}
    for m in mentions:
        if (p := _PREDECESSOR.search(text, max(0, m.start - 60), m.start)) and (owner := _owner(mentions, p.start())):
            for r in [r for r in found.values() if r.person == owner]:
                role = _registry_role(context.registry, m.person, r.post, "ended")
                found.setdefault(
                    (m.person, r.post),
                    RoleDraft(m.person, r.post, role, "ended", False, (p.start(), m.end), "predecessor"),
                )
        hits = []
        if b := before.search(text, max(0, m.start - 100), m.start):
            hits.append((b, (b.start(), m.end), "title before name"))
        if a := after.match(text[m.end : m.end + 120]):
            hits.append((a, (m.start, m.end + a.end()), "title after name"))
        for hit, span, rule in hits:
            qualifier = hit.group("q").lower()
            post = titles[re.sub(r"\s+", " ", hit.group("t").lower().replace("'", "’"))]
            status = "ended" if re.search(r"former|late", qualifier) else "current"
            key = (m.person, post)
            if key in found:
                continue
            role = _registry_role(context.registry, m.person, post, status)
            found[key] = RoleDraft(m.person, post, role, status, "acting" in qualifier, span, rule)
    return list(found.values())


_PREDECESSOR = re.compile(r"[’']s\s+(?:predecessor|successor),?\s*$")


def _owner(mentions: list[Mention], at: int) -> str | None:
    """The person whose possessive ends at `at` (“X’s predecessor”)."""
    return next((m.person for m in mentions if m.end == at), None)


def _registry_role(registry: dict[str, list[Any]], person: str, post: str, status: str) -> str | None:
    roles = [r for r in registry.get("roles") or [] if r["person"] == person and r["post"] == post]
    same = [r for r in roles if r.get("status") == status] or roles
    same.sort(key=lambda r: str(r.get("start_date") or ""))
    return same[-1]["id"] if same else None
