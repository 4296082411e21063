"""Persons printed in a body: full names, resolved to the registry or proposed as new, and surname back-references."""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz, process

from pak_afghan_diplomacy.pipeline.article.records.people import close_names, name_parts, not_a_person
from pak_afghan_diplomacy.tools.drafting.model import Context, Mention, PersonDraft
from pak_afghan_diplomacy.tools.drafting.text import NameCandidate, name_candidates

FUZZY_MIN = 85.0  # rapidfuzz ratio (0-100) above which a spelling is proposed as a known person


def slug(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def _headline(line: str) -> bool:
    """A title-case line (a headline): capitalised words everywhere, no closing full stop."""
    words = [w for w in line.split() if len(w) > 3]
    caps = sum(w[0].isupper() for w in words)
    return len(words) >= 3 and caps / len(words) >= 0.7 and not line.rstrip().endswith(".")


def _line(text: str, i: int) -> str:
    a = text.rfind("\n", 0, i) + 1
    b = text.find("\n", i)
    return text[a : b if b != -1 else len(text)]


def resolve(name: str, context: Context) -> tuple[str, bool, str] | None:
    """(person id, new?, rule) for a full name: a canonical or known spelling, else the best fuzzy match."""
    canonical = {p["name"]: p["id"] for p in context.registry.get("persons") or []}
    if name in canonical:
        return canonical[name], False, "exact"
    if name in context.spellings:
        return context.spellings[name], False, "known"
    choices = {**context.spellings, **canonical}
    if choices:
        best = process.extractOne(name, list(choices), scorer=fuzz.ratio)
        if best and best[1] >= FUZZY_MIN:
            return choices[best[0]], False, f"fuzzy {best[1] / 100:.2f}"
    # a registry name with a part added or dropped, another transliteration, a title glued on: that
    # person (the build refuses it as a near-duplicate if it is proposed new), scored by whole-name ratio
    parts = name_parts(name)
    close = [(fuzz.ratio(name, known), pid) for known, pid in choices.items() if close_names(parts, name_parts(known))]
    if len(parts) > 1 and close and len({pid for _, pid in close}) == 1:
        score, pid = max(close)
        return pid, False, f"name parts {score / 100:.2f}"
    return None


def find(text: str, body: tuple[int, int], context: Context) -> tuple[list[PersonDraft], list[Mention]]:
    """Every person printed in the body, in order of first mention, and every mention."""
    drafts: dict[str, PersonDraft] = {}
    mentions: list[Mention] = []
    surnames: dict[str, str] = {}  # last word of a full name printed so far -> person
    known_single = {s: p for s, p in context.spellings.items() if " " not in s}
    pending: list[tuple[NameCandidate, int]] = []  # single words printed before any full name they could shorten
    for c in name_candidates(text, *body):
        words = c.text.split()
        lead = _lead(text, c.start, body[0])
        if len(words) == 1:
            person = surnames.get(c.text)
            rule = "surname"
            if person is None and c.text in known_single:
                person = known_single[c.text]
                if person not in drafts:  # a known short spelling whose full name this article does not print
                    drafts[person] = PersonDraft(person, False, "known surname")
            if person is None:
                pending.append((c, lead))
                continue
        else:
            if not_a_person(c.text):  # an app, a dialogue series, a corridor: not a person
                continue
            found = resolve(c.text, context)
            if found is None:
                if _headline(_line(text, c.start)) and not c.titled:
                    continue
                found = (slug(c.text), True, "new")
            person, new, rule = found
            if person not in drafts:
                drafts[person] = PersonDraft(person, new, rule)
            surnames[words[-1]] = person
        draft = drafts.get(person)
        if draft is None:  # a known surname of a person whose full name is not printed here
            continue
        draft.spellings.setdefault(c.text, c.start)
        mentions.append(Mention(c.start, c.end, c.text, person, lead))
    # a surname printed before its full name (a headline, a caption): resolved when only one person has it
    owners: dict[str, set[str]] = {}
    for p in drafts.values():
        for spelling in p.spellings:
            if " " in spelling:
                owners.setdefault(spelling.split()[-1], set()).add(p.person)
    for c, lead in pending:
        if len(who := owners.get(c.text, set())) == 1:
            person = next(iter(who))
            drafts[person].spellings.setdefault(c.text, c.start)
            mentions.append(Mention(c.start, c.end, c.text, person, lead))
    mentions.sort(key=lambda m: m.start)
    return list(drafts.values()), mentions


_TITLE_RUN = re.compile(r"(?:(?:H\.E\.|[A-Z][\w’'.-]*)[ \t]+)+$")


def _lead(text: str, start: int, floor: int) -> int:
    m = _TITLE_RUN.search(text[max(floor, start - 80) : start])
    return start - len(m.group()) if m else start
