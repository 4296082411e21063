"""Statements: every quotation with its attribution, mode and channel; reported speech without quote marks."""

from __future__ import annotations

import re

from pak_afghan_diplomacy.pipeline.article import candidates
from pak_afghan_diplomacy.tools.drafting.meetings import meets
from pak_afghan_diplomacy.tools.drafting.model import StatementDraft
from pak_afghan_diplomacy.tools.drafting.speakers import Speaker, Tracker
from pak_afghan_diplomacy.tools.drafting.text import Sentence
from pak_afghan_diplomacy.tools.drafting.vocab import CHANNELS, POSITIONS, SAID

_QUOTED_AS = re.compile(r"\bquoted\s+(?P<obj>.{0,60}?)\s*as\s+(?:saying|telling|stating)\b", re.IGNORECASE)
_WAS_QUOTED = re.compile(r"\bwas\s+quoted\s+as\s+(?:saying|telling)\b", re.IGNORECASE)
_SAID = re.compile(rf"\b(?:{SAID}|discussed)\b", re.IGNORECASE)
_ACCORDING = re.compile(r"\baccording to\s+", re.IGNORECASE)
_CLAIMS = r"allegations?|claims?|accusations?|recommendations?|assurances?|proposals?|demands?"
# a clause reported without "that": "Pakistan has said undocumented foreigners must leave"
_CLAUSE = r"(?!(?:on|in|at|to|by|after|before|during|from|with|for|without|earlier|later|last|this)\b)[a-z]+\s"
_REPORTED = re.compile(
    rf"\b(?:(?:{POSITIONS})\b|(?:{SAID})(?:\s+[\w’'-]+){{0,5}}?\s+that\b|(?:{SAID})\s+(?=(?:it|they|he|she|we)\s)"
    rf"|(?:has|have|had)\s+(?:{SAID})\s+(?={_CLAUSE})"
    rf"|(?<=\w\s)(?:said|says|added)\s+(?={_CLAUSE}\w)"
    rf"|(?<=[’']s\s)(?:{_CLAIMS})\b)",
    re.IGNORECASE,
)
# the attribution after the words: "…, Karimi said." / "…, according to Karimi."
_SAID_AFTER = re.compile(
    rf",\s*(?:(?P<subj>[^,“”]{{2,70}}?)\s+(?:{SAID})(?:\s+(?:on|in|at)\s+[\w ]{{1,30}}?)?"
    r"|according to\s+(?P<acc>[^,“”]{2,70}?))"
    r"\s*(?:,[^,]*)?[.]?$",
    re.IGNORECASE,
)
_ACCORDING_FIRST = re.compile(r"^According to (?P<who>[^“”]{2,120}?),\s+(?=[a-z])")
_PARTICIPLE = re.compile(r",\s+(?=\w+ing\b)")
_SPLIT = re.compile(r",\s+(?=(?:emphasi[sz]ing|stressing|underscoring|highlighting|urging|reaffirming)\b)")
MIN_WORDS = 4
# a reporting verb that states a decision, agreement or refusal, not words said: a position
_POSITION = re.compile(r"(?:decided|agreed)\s+to\b|rejected\b", re.IGNORECASE)


def channel(sentence: str) -> str | None:
    for pattern, name in CHANNELS.items():
        if re.search(pattern, sentence, re.IGNORECASE):
            return name
    return None


def _attribute(text: str, s: Sentence, q0: int, q1: int, tracker: Tracker) -> tuple[Speaker | None, str | None]:
    """The speaker of the quotation at [q0, q1) in sentence s, and the attribution words."""
    after = text[q1 + 1 : s.end]
    if m := _WAS_QUOTED.search(after):
        who = tracker.subject(text, q1 + 1, q1 + 1 + m.start(), quoting=True)
        return who, after[: m.end()].strip(" ,")
    if m := _QUOTED_AS.search(after):
        named = tracker.persons_in(q1 + 1 + m.start("obj"), q1 + 1 + m.end("obj"))
        if named:
            return Speaker("person", named[-1].person, "quoted as saying"), after[: m.end()].strip(" ,")
        who = tracker.subject(text, q1 + 1, q1 + 1 + m.start(), quoting=True)
        if who and who.kind == "organization":  # "X’s office quoted him": him is X
            owner = tracker.persons_in(q1 + 1, q1 + 1 + m.start())
            who = Speaker("person", owner[-1].person, "quoted him") if owner else who
        return who, after[: m.end()].strip(" ,")
    if (m := _SAID.search(after)) and m.start() < 120:
        who = tracker.subject(text, q1 + 1, q1 + 1 + m.start(), quoting=True)
        if who:
            return who, after[: m.end()].strip(" ,")
    before = text[s.start : q0 - 1]
    if m := _WAS_QUOTED.search(before) or _QUOTED_AS.search(before):
        named = tracker.persons_in(s.start + m.start(), s.start + m.end())
        if named:
            return Speaker("person", named[-1].person, "quoted as saying"), before[: m.end()].strip(" ,")
    verbs = list(_SAID.finditer(before)) + list(re.finditer(rf"\b(?:{POSITIONS})\b", before, re.IGNORECASE))
    if verbs:
        v = min(verbs, key=lambda v: v.start())
        who = tracker.subject(text, s.start, s.start + v.start())
        if who:
            return who, before.strip(" ,")
    for m in _ACCORDING.finditer(text, s.start, s.end):
        named = tracker.persons_in(m.end(), m.end() + 60)
        if named and named[0].start == m.end():
            return Speaker("person", named[0].person, "according to"), text[m.start() : named[0].end]
    return None, None


def find(
    text: str, sentences: list[Sentence], body: tuple[int, int], tracker: Tracker
) -> tuple[list[StatementDraft], list[StatementDraft]]:
    """(statements, quotations to dismiss): a quotation nobody is said to have said is proposed as dismissed."""
    quotes = candidates.quotations(text, *body)
    out: list[StatementDraft] = []
    dismissed: list[StatementDraft] = []
    previous: tuple[int, Speaker] | None = None  # paragraph and speaker of the last attributed quotation
    for s in sentences:
        if any(a < s.end and s.start < b for a, b in tracker.context.excluded):
            continue
        inside = [q for q in quotes if s.start <= q.start - 1 < s.end]
        for q in inside:
            who, attribution = _attribute(text, s, q.start, min(q.end, s.end), tracker)
            rule = who.rule if who else "no attribution"
            if who is None and q.start - 1 == s.start and previous and s.paragraph - previous[0] <= 1:
                who, rule = previous[1], "continues the previous quotation"
            opens = not text[s.start : q.start - 1].strip() or re.search(r"[,:]\s*$", text[s.start : q.start - 1])
            mode = "direct" if opens and q.text[:1].isupper() else "partial"
            draft = _statement(q.start, q.start + len(q.text.rstrip()), mode, who, attribution, s, rule)
            (out if who else dismissed).append(draft)
            if who and who.kind == "person":
                tracker.last_quoted = tracker.last_person = who.id
                previous = (s.paragraph, who)
        out += _reported(text, s, inside, tracker)
        _advance(text, s, tracker, out)
    return out, dismissed


def _statement(a: int, b: int, mode: str, who: Speaker | None, attribution: str | None, s: Sentence, rule: str):
    kind = who.kind if who else "unattributed"
    score = 0.9 if who else 0.4
    return StatementDraft(a, b, mode, kind, who.id if who else None, attribution, channel(s.text), rule, score)


# "It is understood that …", "It is said that …": a report with no named source (attribution_kind unattributed)
_UNNAMED = re.compile(
    r"^\s*(?:it\s+(?:is|was|has\s+been)\s+(?:said|understood|believed|reported|learnt|learned)|"
    r"there\s+(?:are|were)\s+reports)\s+that\s+",
    re.IGNORECASE,
)


def _reported(text: str, s: Sentence, quotes: list, tracker: Tracker) -> list[StatementDraft]:
    """Reported speech: a subject, a reporting verb, and what it reports, up to any quotation."""
    if (m := _UNNAMED.match(s.text)) and not quotes:
        a, b = s.start + m.end(), s.end
        while b > a and text[b - 1] in " ,.":
            b -= 1
        who = Speaker("unattributed", None, "no source named")
        draft = _statement(a, b, "indirect", who, m.group().strip(), s, who.rule)
        draft.score = 0.5
        return [draft] if len(text[a:b].split()) >= MIN_WORDS else []
    if m := _REPORTED.search(s.text):
        a = s.start + (m.end() if m.group().lower().endswith("that") else m.start())
        if m.group().lower().startswith(("said", "says", "added")) and not m.group().lower().endswith("that"):
            a = s.start + m.end()  # "X said the talks …": the reported clause starts after the verb
        who = tracker.subject(text, s.start, s.start + m.start())
        attribution = text[s.start : s.start + m.start()].strip(" ,")
        rule = who.rule if who else ""
        b = s.end
    elif (m := _ACCORDING_FIRST.match(s.text)) and not quotes and not meets(s.text[m.end() :]):
        a, b = s.start + m.end(), s.end
        who = tracker.subject(text, s.start + m.start("who"), s.start + m.end("who"))
        attribution, rule = m.group().strip(" ,"), "according to"
    elif (m := _SAID_AFTER.search(s.text)) and not quotes and not meets(s.text[: m.start()]):
        # "X met Y, according to Z" is Z's account of a meeting (evidence for it), not a position
        a, b = s.start + _after_dateline(s.text), s.start + m.start()
        g = "subj" if m.group("subj") else "acc"
        who = tracker.subject(text, s.start + m.start(g), s.start + m.end(g))
        attribution, rule = m.group().strip(" ,."), "attribution after the words"
    else:
        return []
    if quotes:
        b = quotes[0].start - 1
        cut = list(_PARTICIPLE.finditer(text, a, b))
        if b <= a or not cut:
            return _after_quote(text, s, quotes, tracker)
        b = cut[-1].start()
    if who is None or (who.kind != "joint" and who.id is None):
        return []
    out = []
    pieces = [a, *(cut.end() for cut in _SPLIT.finditer(text, a, b))]
    for x, y in zip(pieces, [*[p - 2 for p in pieces[1:]], b], strict=True):
        while x < y and text[x].isspace():
            x += 1
        while y > x and text[y - 1] in " ,.":
            y -= 1
        if len(text[x:y].split()) >= MIN_WORDS:
            out.append(_statement(x, y, "indirect", who, attribution, s, rule or who.rule))
            out[-1].score = 0.6
            if _POSITION.match(m.group()):
                out[-1].content = "position"
    return out


_AND_VERB = re.compile(rf"\s(?:and|but)\s+(?:also\s+)?(?P<v>(?:{POSITIONS})\b)", re.IGNORECASE)


def _after_quote(text: str, s: Sentence, quotes: list, tracker: Tracker) -> list[StatementDraft]:
    """A second position in the quotation's sentence (“…” and urged …): said by the quotation's speaker."""
    last = quotes[-1].end
    m = _AND_VERB.search(text, last, s.end)
    if not m or tracker.last_quoted is None:
        return []
    a, b = m.start("v"), s.end
    while b > a and text[b - 1] in " ,.":
        b -= 1
    if len(text[a:b].split()) < MIN_WORDS:
        return []
    who = Speaker("person", tracker.last_quoted, "same subject as the quotation")
    draft = _statement(a, b, "indirect", who, None, s, who.rule)
    draft.score = 0.6
    if _POSITION.match(m.group("v")):
        draft.content = "position"
    return [draft]


def _after_dateline(sentence: str) -> int:
    m = re.match(r"\s*[A-Z]{3,}(?:,\s*[A-Z ]+)?\s*[:–—-]\s*", sentence)
    return m.end() if m else 0


def _advance(text: str, s: Sentence, tracker: Tracker, out: list[StatementDraft]) -> None:
    """After a sentence, he/she refers to its subject: its speaker, or a person printed before its first verb."""
    mine = [d for d in out if s.start <= d.start < s.end + 1 and d.kind == "person" and d.mode == "indirect"]
    if mine:
        tracker.last_person = mine[-1].speaker
        return
    tracker.advance(s.text, s.start, s.end)
    for d in out:
        if s.start <= d.start < s.end + 1 and d.kind == "organization":
            tracker.last_org = d.speaker
