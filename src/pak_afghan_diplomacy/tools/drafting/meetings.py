"""Meetings: sentences with a meeting or visit verb, their participants, sides, place and date.

A subject that meets several named counterparts gives one bilateral meeting per
counterpart (the registry's convention when an article does not say how they were
grouped). A meeting whose participants and dates fit a registry meeting is proposed
as a new source for it rather than as a new meeting.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pak_afghan_diplomacy import dates
from pak_afghan_diplomacy.tools.drafting import published, when
from pak_afghan_diplomacy.tools.drafting.model import Context, MeetingDraft
from pak_afghan_diplomacy.tools.drafting.speakers import Tracker
from pak_afghan_diplomacy.tools.drafting.text import Sentence
from pak_afghan_diplomacy.tools.drafting.vocab import CAPITALS, MEET, SIDES, VISIT

_MEET = re.compile(rf"\b(?:{MEET}|meetings? (?:took place |was held |were held )?with|meeting chaired by)\b")
_VISIT = re.compile(rf"\b(?:{VISIT}|were (?:\w+ly )?received|led (?:his|her|the|a) [\w’' -]*?(?:team|delegation))\b")
_PRESENT = re.compile(r"\b(?:was|were) (?:also )?present\b|\battended\b|\baccompanied\b")
_PLACE = re.compile(r"\b(?:in|to|visited|visits)\s+(?P<p>[A-Z][a-z]+)\b")


def meets(clause: str) -> bool:
    """Whether a clause reports a meeting or a visit."""
    return bool(_MEET.search(clause) or _VISIT.search(clause))


def _place(text: str, a: int, b: int, body_start: int) -> tuple[str | None, str]:
    # printed in the sentence only: a dateline ("ISLAMABAD, Jan 14 -") says where the report was filed,
    # not where the talks were held, so it is never proposed as the place
    for m in _PLACE.finditer(text, a, b):
        if m.group("p").lower() in CAPITALS:
            return CAPITALS[m.group("p").lower()][0], "stated"
    return None, ""


def _side(text: str, tracker: Tracker, person: str, lead: int) -> str | None:
    if side := tracker.side_of(person):
        return side
    words = re.findall(r"[\w’']+", text[max(0, lead - 30) : lead])
    for w in reversed(words):
        if (side := SIDES.get(re.sub(r"[’']s$", "", w.lower()))) is not None:
            return side
    return None


def find(text: str, sentences: list[Sentence], body: tuple[int, int], tracker: Tracker) -> list[MeetingDraft]:
    context = tracker.context
    drafts: list[MeetingDraft] = []
    # (sentence index, verb kinds, dates) of the last sentence with a meeting or visit verb
    last_dates: tuple[int, set[str], list[when.Resolved]] | None = None
    for i, s in enumerate(sentences):
        found, elsewhere = _dates(s, context)
        made: list[MeetingDraft] = []
        for kind, m in [("visit", _VISIT.search(s.text)), ("meeting", _MEET.search(s.text))]:
            if not m:
                continue
            verb = s.start + m.start()
            named = tracker.persons_in(s.start, verb)
            subject = [named[-1].person] if named else []
            if not subject and (who := tracker.subject(text, s.start, verb)) and who.kind == "person" and who.id:
                subject = [who.id]
            if not subject and tracker.last_person and kind == "meeting":
                subject = [tracker.last_person]
            others = [x for x in tracker.persons_in(verb, s.end) if x.person not in subject]
            city, basis = _place(text, s.start, s.end, body[0])
            if kind == "visit":
                if subject:
                    made.append(_draft("visit", subject, s, city, basis, "visit verb"))
                continue
            counterpart = list(dict.fromkeys(x.person for x in others))
            if "between" in m.group():
                counterpart = list(dict.fromkeys(x.person for x in tracker.persons_in(verb, s.end)))
            if "between" in m.group() and len(counterpart) >= 2:
                # "talks in Kabul between A and B": the meeting of the persons named after it (a name before
                # it is the one who reports the talks, "X said that talks between A and B …", not a side)
                kinds = "bilateral meeting" if len(counterpart) == 2 else "multilateral meeting"
                made.append(_draft(kinds, counterpart, s, city, basis, "talks between"))
                continue
            how = "internal briefing" if "briefed" in m.group() or "chaired" in m.group() else "bilateral meeting"
            for c in counterpart or ([None] if "chaired" in m.group() else []):
                people = [p for p in dict.fromkeys([*subject, c]) if p]
                if "chaired by" in m.group():
                    people = [c] if c else []
                if people:
                    made.append(_draft(how, people, s, city, basis, "meeting verb"))
        if not made and _PRESENT.search(s.text) and drafts:
            # "The meeting was also attended by …" joins the last meeting, not the visit around it
            talks = [d for d in drafts if d.kind != "visit"] if re.search(r"\bmeeting\b", s.text) else []
            target = (talks or drafts)[-1]
            for x in tracker.persons_in(s.start, s.end):
                if x.person not in target.persons:
                    target.persons.append(x.person)
                    target.evidence.append((s.start, s.end))
        tracker.advance(s.text, s.start, s.end)
        verbs = {k for k, v in (("visit", _VISIT), ("meeting", _MEET)) if v.search(s.text)}
        for d in made:
            kind = "visit" if d.kind == "visit" else "meeting"
            meeting_dates = found
            if not found and last_dates and last_dates[0] == i - 1 and kind in last_dates[1] and last_dates[2]:
                meeting_dates = [_carried(last_dates[2][-1])]
            elif not found and not elsewhere:
                meeting_dates = [r] if (r := _fallback(drafts, context)) else []
            elif not found:
                meeting_dates = []  # the sentence's only date is the report's ("said on Thursday"): ask
            _date(d, meeting_dates)
            if d.kind == "visit":
                _lasting(d, s.text)
        drafts += made
        if verbs:
            carried = last_dates[2] if last_dates and last_dates[0] == i - 1 and last_dates[1] & verbs else []
            last_dates = (i, verbs, found or carried)
    for d in drafts:
        d.sides = {p: _side(text, tracker, p, _lead(tracker, p)) for p in d.persons}
    merged = _merge(drafts)
    for d in merged:
        _registry(d, context.registry)
    return merged


_ASIDE = re.compile(r",\s*(?:who|which)\b[^,]*,")


def _dates(s: Sentence, context: Context) -> tuple[list[when.Resolved], bool]:
    """Dates of the sentence that may be the meeting's, and whether one was left out as another event's.

    Left out: the dateline's (the day the report was filed), an aside's about something else
    (“X, who was appointed in May,”), and a day that dates the reporting (“said on Thursday that
    talks …”, “at a briefing on Thursday”). A weekday in a sentence that places the meeting in a
    month or a span (“in December”, “earlier this month”) is kept only as the days of it inside it.
    """
    text = s.text
    if cut := published.dateline(text):  # the day the report was filed, not the meeting's
        text = " " * cut + text[cut:]
    for aside in _ASIDE.finditer(s.text):
        if not meets(aside.group()):
            text = text[: aside.start()] + " " * (aside.end() - aside.start()) + text[aside.end() :]
    elsewhere = False
    for m in _REPORTED_ON.finditer(text):
        if not meets(m.group("between") or ""):
            a, b = m.span("day")
            text = text[:a] + " " * (b - a) + text[b:]
            elsewhere = True
    found = when.find(text, context.published, context.published_text)
    spans = [r for r in found if r.weekday is None and r.lo != r.hi]
    if not spans:
        return found, elsewhere
    kept = []
    for r in found:
        if r.weekday is not None:
            r = _within(r, spans[0], context)
            if r is None:  # no such weekday inside the span the sentence places the meeting in
                elsewhere = True
                continue
        kept.append(r)
    return kept, elsewhere


def _within(r: when.Resolved, span: when.Resolved, context: Context) -> when.Resolved | None:
    """A weekday as the days of that weekday inside the span printed with it, on or before publication."""
    if span.hi is None:  # a span open at its end: the weekday's own reading stands
        return r
    last = min(span.hi, context.published[1] or span.hi) if context.published else span.hi
    days = [d for i in range((last - span.lo).days + 1) if (d := span.lo + dt.timedelta(days=i)).weekday() == r.weekday]
    if not days:
        return None
    note = f"“{r.printed}” in “{span.printed}”: {span.note.rstrip('.')}; any {r.printed} of it."
    return when.Resolved(when.iso(days[0], days[-1]), days[0], days[-1], "inferred", note, r.printed, r.weekday)


# A day that dates the reporting, not what is reported: “said on Thursday”, “told reporters on
# Thursday”, “at the weekly briefing on Thursday”, “in a statement on Thursday”.
_REPORTED_ON = re.compile(
    r"\b(?:said|says|told|announced|added|stated|confirmed|tweeted|wrote|posted|briefing|statement|"
    r"(?:press|news) conference|interview|speech|press release)\b(?P<between>(?:\s+[\w’'-]+){0,3}?)"
    rf"\s+(?:on|late on|early on|last)\s+(?P<day>{when.WEEKDAY_NAMES}|today|yesterday)\b"
)


def _lead(tracker: Tracker, person: str) -> int:
    return next((m.lead for m in tracker.mentions if m.person == person), 0)


def _draft(kind: str, persons: list[str], s: Sentence, city: str | None, basis: str, rule: str) -> MeetingDraft:
    return MeetingDraft(kind, list(persons), {}, city, None, None, None, [(s.start, s.end)], rule)


def _carried(r: when.Resolved) -> when.Resolved:
    note = f"No date in this sentence; the sentence before, on the same meeting, gives {r.printed!r}: " + r.note
    return when.Resolved(r.value, r.lo, r.hi, "inferred", note, r.printed, r.weekday)


def _fallback(earlier: list[MeetingDraft], context: Context) -> when.Resolved | None:
    """No date printed: after the last dated meeting of the article, on or before publication."""
    if context.published is None or context.published[1] is None:
        return None  # no closed publication date to bound it: asked
    _lo_p, hi_p = context.published
    # the earliest day of the last dated meeting (a weekday under a month-only date is an interval of days)
    starts = [d.resolved.lo for d in earlier if d.resolved and d.resolved.printed]
    lo = max([s for s in starts if s], default=hi_p.replace(day=1))
    lo = min(lo, hi_p)
    if starts:
        note = f"No date printed; after the meeting dated {lo} earlier in the article and on or before publication."
    else:
        note = "No date printed; reported as news, taken as the month of publication."
    return when.Resolved(when.iso(lo, hi_p), lo, hi_p, "inferred", note, "")


def _date(d: MeetingDraft, found: list[when.Resolved]) -> None:
    if not found:
        return
    r = min(found, key=lambda r: (when.width(r), r.basis != "stated"))
    d.date, d.date_basis, d.date_note = r.value, r.basis, r.note
    d.resolved = r


_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
_LASTING = re.compile(r"\b(?P<n>two|three|four|five|six|seven|\d)-day (?:[\w-]+ )?visit\b", re.IGNORECASE)


def _lasting(d: MeetingDraft, sentence: str) -> None:
    """A visit dated by its arrival day, “on a two-day visit”: its span, the arrival day and the days after."""
    r, m = d.resolved, _LASTING.search(sentence)
    if r is None or m is None or r.lo != r.hi or not re.search(r"\barriv(?:ed|es|ing)\b", sentence):
        return
    n = m.group("n").lower()
    days = _NUMBERS.get(n) or int(n)
    hi = r.lo + dt.timedelta(days=days - 1)
    note = r.note.rstrip(".") + f"; the day of arrival of “{m.group()}”, so {r.lo} to {hi}."
    d.resolved = when.Resolved(when.iso(r.lo, hi), r.lo, hi, "inferred", note, r.printed)
    d.date, d.date_basis, d.date_note = d.resolved.value, "inferred", note


def _merge(drafts: list[MeetingDraft]) -> list[MeetingDraft]:
    """The same participants and kind reported twice are one meeting; a lone chair joins the briefing they chaired."""
    out: list[MeetingDraft] = []
    for d in drafts:
        twin = next((o for o in out if o.kind == d.kind and set(o.persons) == set(d.persons)), None)
        if twin is None and len(d.persons) == 1 and d.kind != "visit":
            holders = [o for o in out if d.persons[0] in o.persons and o.kind != "visit"]
            twin = holders[0] if len(holders) == 1 else None
        if twin is None:
            out.append(d)
            continue
        twin.evidence += d.evidence
        twin.persons += [p for p in d.persons if p not in twin.persons]
        twin.sides.update(d.sides)
        _combine(twin, d)
        twin.city = twin.city or d.city
    # a lone chair drafted before the briefing it chaired
    for d in [o for o in out if len(o.persons) == 1 and o.kind != "visit"]:
        holders = [o for o in out if o is not d and d.persons[0] in o.persons and o.kind != "visit"]
        if len(holders) == 1:
            h = holders[0]
            h.evidence = d.evidence + h.evidence
            _combine(h, d)
            out.remove(d)
    return out


def _combine(keep: MeetingDraft, other: MeetingDraft) -> None:
    """The date of one meeting reported twice: a printed date beats none; a weekday narrows inside an interval."""
    a, b = keep.resolved, other.resolved
    if b is None:
        return
    if a is not None and a.weekday is not None and not b.printed:
        b = when.narrow(a, (b.lo, b.hi), "the later mention")
    elif a is not None and b.weekday is not None and not a.printed:
        b = when.narrow(b, (a.lo, a.hi), "the other mention")
    elif a is not None and (bool(a.printed), -when.width(a)) >= (bool(b.printed), -when.width(b)):
        return
    keep.date, keep.date_basis, keep.date_note, keep.resolved = b.value, b.basis, b.note, b


def _width(d: MeetingDraft) -> int:
    lo, hi = dates.bounds(d.date) if d.date else (None, None)
    return (hi - lo).days if lo and hi else 10**6


def _registry(d: MeetingDraft, registry: dict[str, list[Any]]) -> None:
    """Propose a source for the registry meeting with these participants whose dates agree, if exactly one fits best."""
    fits = []
    mine = dates.bounds(d.date) if d.date else (None, None)
    for m in registry.get("meetings") or []:
        if (m["kind"] == "visit") != (d.kind == "visit"):
            continue
        persons = {p["person"] for p in m.get("participants") or [] if p.get("person")}
        if not set(d.persons) <= persons:
            continue
        theirs = dates.bounds(m["date"])
        narrowed = _narrowed(d, theirs, m["id"])
        if d.date and not dates.overlap((narrowed.lo, narrowed.hi) if narrowed else mine, theirs):
            continue
        fits.append((len(persons - set(d.persons)), m, theirs))
    fits.sort(key=lambda f: f[0])
    if not fits or (len(fits) > 1 and (fits[0][0] == fits[1][0] or not d.date)):
        return  # ambiguous: several fit equally, or nothing dates this one
    _, m, theirs = fits[0]
    d.registry = m["id"]
    d.registry_note = f"participants {', '.join(d.persons)} and dates agree with registry meeting {m['id']}"
    if (r := _narrowed(d, theirs, m["id"])) is not None:
        d.date, d.date_basis, d.date_note = r.value, r.basis, r.note


def _narrowed(d: MeetingDraft, theirs: tuple[dt.date | None, dt.date | None], meeting: str) -> when.Resolved | None:
    r = d.resolved
    if r is None or r.weekday is None:
        return None
    return when.narrow(r, theirs, f"registry meeting {meeting}")
