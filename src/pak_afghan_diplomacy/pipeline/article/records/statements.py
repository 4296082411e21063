"""Statements: quotations and reported speech, each as one article attributes it; utterances link them."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import polars as pl

from pak_afghan_diplomacy import dates
from pak_afghan_diplomacy.pipeline.article.records import furniture
from pak_afghan_diplomacy.pipeline.problems import Problem
from pak_afghan_diplomacy.pipeline.read.curation import Article, Span, wordless
from pak_afghan_diplomacy.pipeline.read.origin import line_of, source_of
from pak_afghan_diplomacy.schema import vocab

if TYPE_CHECKING:
    from pak_afghan_diplomacy.pipeline.article.assemble import Builder


def registry(b: Builder, records: dict[str, dict[str, Any]]) -> None:
    for uid, u in records["utterances"].items():
        b.add("utterances", {"utterance_id": uid, "note": u.get("note")}, source_of(u), line_of(u))


def _kind(b: Builder, a: Article, s: Any, f: str) -> str | None:
    """The attribution kind given or implied, or None (a problem is recorded) where it does not fit."""

    speaker, org, meeting = s.get("speaker"), s.get("speaker_organization"), s.get("meeting")
    implied = "person" if speaker else "organization" if org else None
    kind = s.get("attribution_kind") or implied
    line = line_of(s, "attribution_kind") if s.get("attribution_kind") else line_of(s)
    if kind is None:
        b.problem(
            a.label,
            line,
            f"{f}.attribution_kind",
            "missing key",
            None,
            "no speaker named: say attribution_kind: joint (both sides of the meeting) or unattributed",
        )
        return None
    wrong = {
        "person": None if speaker else "needs speaker (a person id)",
        "organization": None if org and not speaker else "needs speaker_organization and no speaker",
        "joint": None if meeting and not speaker and not org else "needs meeting, and neither speaker nor organization",
        "unattributed": None if not speaker and not org else "takes neither speaker nor speaker_organization",
        "characterization": None
        if not speaker and not org
        else "is the article's own description: no speaker or speaker_organization (name the source in reported_via)",
    }[kind]
    if wrong:
        b.problem(a.label, line, f"{f}.attribution_kind", "attribution", kind, f"attribution_kind {kind} {wrong}")
        return None
    return kind


def _context(b: Builder, a: Article, s: Any, f: str, words: Span) -> Span | None:
    """The reported clause a partial quotation sits in: verbatim, and containing the quoted words."""
    if not s.get("context"):
        return None
    where = (a.label, line_of(s, "context"), f"{f}.context")
    found = wordless(s["context"], where) or a.find(s["context"], s.get("context_occurrence"), where)
    if isinstance(found, Problem):
        b.problems.append(found)
        return None
    if not (found.start <= words.start and words.end <= found.end):
        b.problem(a.label, where[1], where[2], "context", s["context"], "the context must contain the statement's text")
        return None
    return found


def _channels(b: Builder, a: Article, s: Any, f: str) -> None:
    """Where the words were said agrees with the meeting links; how the article got them with its source."""
    setting, meeting, about = s.get("setting"), s.get("meeting"), s.get("about_meeting")
    wrong = None
    if setting == "meeting" and not meeting:
        wrong = ("setting", "setting meeting needs meeting: the meeting at which the words were said")
    elif setting != "meeting" and meeting:
        wrong = (
            "meeting",
            f"words said in a {setting} were not said at a meeting: use about_meeting"
            if setting
            else "meeting is for words said at the meeting: set setting: meeting, or use about_meeting",
        )
    elif setting_wrong := _basis_wrong(
        s, "setting", "a setting", "an inferred setting", "why the words are placed there", setting == "meeting"
    ):
        wrong = setting_wrong
    elif s.get("meeting_basis") and not (meeting or about):
        wrong = ("meeting_basis", "meeting_basis without meeting or about_meeting")
    elif meeting and about:
        wrong = ("about_meeting", "give meeting (said at it) or about_meeting (about it), not both")
    elif (s.get("reported_via_organization") or s.get("reported_via_text")) and not s.get("reported_via"):
        wrong = ("reported_via", "reported_via_organization and reported_via_text need reported_via")
    elif channel_wrong := _basis_wrong(
        s, "reported_via", "reported_via", "an inferred channel", "why the words came that way"
    ):
        wrong = channel_wrong
    if wrong:
        b.problem(a.label, line_of(s, wrong[0]), f"{f}.{wrong[0]}", "channel", s.get(wrong[0]), wrong[1])
    if s.get("reported_via_text"):
        where = (a.label, line_of(s, "reported_via_text"), f"{f}.reported_via_text")
        if isinstance(found := a.find(s["reported_via_text"], None, where), Problem) and found.check == "quote":
            b.problems.append(found)


def _basis_wrong(
    s: Any, field: str, needs: str, inferred: str, why: str, noted_elsewhere: bool = False
) -> tuple[str, str] | None:
    """`<field>_basis` / `<field>_note` only with `<field>`; an inferred one with its note (or one elsewhere)."""
    basis, note = s.get(f"{field}_basis"), s.get(f"{field}_note")
    if (basis or note) and not s.get(field):
        return (f"{field}_basis" if basis else f"{field}_note", f"{field}_basis and {field}_note need {needs}")
    if basis in vocab.INFERENCES and not note and not noted_elsewhere:
        return (f"{field}_basis", f"{inferred} needs {field}_note: {why}")
    return None


_GAP = re.compile(r"\s*(?:\.\.\.|…)\s*")  # an attribution may skip words: "Zarif ... told reporters that"


def _attribution(b: Builder, a: Article, s: Any, f: str) -> None:
    """The attribution is the article's own words (each part between `...` found in the body)."""
    if not isinstance(s.get("attribution"), str) or s.get("attribution_basis") == "inferred":
        return
    where = (a.label, line_of(s, "attribution"), f"{f}.attribution")
    for part in filter(None, (p.strip() for p in _GAP.split(s["attribution"]))):
        found = a.find(part, None, where)
        if isinstance(found, Problem) and found.check == "quote":
            why = (
                "the attribution must be the article's words naming who spoke, verbatim (skipped words as ...); "
                f"“{part}” is not in the body: copy the words as printed, or set attribution_basis: inferred "
                "with attribution_note if the article names no one. "
            )
            b.problems.append(replace(found, value=s["attribution"], message=why + found.message))
            return


def _reporting_words(b: Builder, a: Article, s: Any, f: str, text: str) -> None:
    """A text that carries its own reporting words ("said that …") was cut at the wrong place."""
    if words := furniture.reporting_words(text):
        b.problem(
            a.label,
            line_of(s, "text"),
            f"{f}.text",
            "reporting words in text",
            s["text"],
            f"the text carries its reporting words “{words}”: the text is only the words reported; "
            "cut them from text (they belong in attribution, which names who spoke) and keep the rest",
        )


_NUMBERED = re.compile(r"^\d+-")  # an id that names an article by its number: `004-...`


def _identity(b: Builder, a: Article, s: Any, f: str) -> None:
    """The id carries no other article's prefix; the speaker is a person this article names (in `names`)."""
    prefix = a.article_id.split("_")[0] + "-"
    numbered = _NUMBERED.match(s["id"])
    if numbered and numbered.group() != prefix:
        b.problem(
            a.label,
            line_of(s, "id"),
            f"{f}.id",
            "id prefix",
            s["id"],
            f"the id names another article ({numbered.group()}); a statement id is {prefix}<slug>",
        )
    speaker = s.get("speaker")
    named = {n.get("person") for n in a.doc.get("names") or []}
    if speaker and speaker in b.ids["persons"] and speaker not in named:
        b.problem(
            a.label,
            line_of(s, "speaker"),
            f"{f}.speaker",
            "speaker not named",
            speaker,
            "this article never names the speaker (no names: entry for the person): "
            "attribute the words to whom the article says spoke them",
        )


def _statement(b: Builder, a: Article, i: int, s: Any) -> Span | None:
    f = f"statements[{i}]"
    ok = True
    for key, section in (
        ("speaker", "persons"),
        ("speaker_organization", "organizations"),
        ("meeting", "meetings"),
        ("about_meeting", "meetings"),
        ("reported_via_organization", "organizations"),
        ("utterance", "utterances"),
    ):
        ok = b.ref(section, s.get(key), a.label, line_of(s, key), f"{f}.{key}") and ok
    where = (a.label, line_of(s, "text"), f"{f}.text")
    found = wordless(s["text"], where) or a.find(s["text"], s.get("occurrence"), where)
    if isinstance(found, Problem):
        b.problems.append(found)
        return None
    kind = _kind(b, a, s, f)
    context = _context(b, a, s, f, found) or found
    _identity(b, a, s, f)
    _channels(b, a, s, f)
    _attribution(b, a, s, f)
    _reporting_words(b, a, s, f, found.text)
    if ok and s.get("meeting") and s.get("speaker") and s["speaker"] not in b.participants[s["meeting"]]:
        b.problem(
            a.label,
            line_of(s, "speaker"),
            f"{f}.speaker",
            "speaker not a participant",
            s["speaker"],
            f"the statement is tied to meeting {s['meeting']} but its speaker is not a participant",
        )
    date = s.get("date")
    if date and not s.get("date_basis"):
        b.problem(a.label, line_of(s, "date"), f"{f}.date_basis", "missing key", None, "date_basis is required")
    lo, hi = dates.bounds(date) if date else (None, None)
    published = b.published.get(a.article_id)
    latest = dates.bounds(published[0])[1] if published else None
    explained = s.get("date_basis") == "inferred" and s.get("date_note")
    if lo is not None and latest is not None and lo > latest and not explained:
        b.problem(
            a.label,
            line_of(s, "date"),
            f"{f}.date",
            "date order",
            date,
            f"dated after its article (published {published[0]}): words are reported after they are said",
        )
    b.add(
        "statements",
        {
            "statement_id": s["id"],
            "article_id": a.article_id,
            "attribution_kind": kind or "unattributed",
            "speaker_id": s.get("speaker"),
            "speaker_organization_id": s.get("speaker_organization"),
            "attribution_text": s.get("attribution"),
            "attribution_basis": s.get("attribution_basis") or "stated",
            "attribution_note": s.get("attribution_note"),
            "text": found.text,
            "char_start": found.start,
            "char_end": found.end,
            "context_text": context.text,
            "context_start": context.start,
            "context_end": context.end,
            "mode": s["mode"],
            "content_kind": s.get("content_kind") or "speech",
            "setting": s.get("setting"),
            # Words placed at a meeting are known to be so as their link to it is, unless said otherwise.
            "setting_basis": (
                s.get("setting_basis")
                or (s.get("meeting_basis") if s.get("setting") == "meeting" else None)
                or "stated"
            )
            if s.get("setting")
            else None,
            "setting_note": s.get("setting_note"),
            "reported_via": s.get("reported_via"),
            "reported_via_organization_id": s.get("reported_via_organization"),
            "reported_via_text": s.get("reported_via_text"),
            "reported_via_basis": (s.get("reported_via_basis") or "stated") if s.get("reported_via") else None,
            "reported_via_note": s.get("reported_via_note"),
            "meeting_id": s.get("meeting"),
            "about_meeting_id": s.get("about_meeting"),
            "meeting_basis": (s.get("meeting_basis") or "stated")
            if s.get("meeting") or s.get("about_meeting")
            else None,
            "meeting_note": s.get("meeting_note"),
            "date": date,
            "date_earliest": lo,
            "date_latest": hi,
            "date_precision": dates.precision(date) if date else None,
            "date_inferred": (s.get("date_basis") in vocab.INFERENCES) if date else None,
            "date_inferred_part": s.get("date_inferred_part")
            if date and s.get("date_basis") in vocab.INFERENCES
            else None,
            "date_note": s.get("date_note"),
            "utterance_id": s.get("utterance"),
            "note": s.get("note"),
        },
        a.label,
        line_of(s),
    )
    _voices(b, a, s, f, kind)
    return found


def joint_voices(
    participants: frozenset[str], inferred: frozenset[str], persons: set[str] | dict, named: list[str] | None
) -> list[str]:
    """The persons who spoke joint words: those the curation names (`joint_speakers`), else every
    named participant whose presence is stated. A participant whose very presence is inferred is
    not said to have spoken, and an unnamed group has no person to list."""
    if named is not None:
        return sorted(set(named))
    return sorted(k for k in participants if k in persons and k not in inferred)


def _voices(b: Builder, a: Article, s: Any, f: str, kind: str | None) -> None:
    """statement_speakers: the speaker, each named side of joint words, and whom the words were spoken for."""
    rows: list[tuple[str, str | None, str | None, str | None]] = []  # capacity, person, organization, unnamed
    if s.get("speaker"):
        rows.append(("speaker", s["speaker"], None, None))
    elif s.get("speaker_organization"):
        rows.append(("speaker", None, s["speaker_organization"], None))
    named = s.get("joint_speakers")
    if named is not None and kind != "joint":
        b.problem(
            a.label,
            line_of(s, "joint_speakers"),
            f"{f}.joint_speakers",
            "joint speakers",
            None,
            "joint_speakers is for attribution_kind: joint",
        )
        named = None
    if kind == "joint" and s.get("meeting") in b.participants:
        meeting = s["meeting"]
        for j, person in enumerate(named or []):
            if person not in b.participants[meeting]:
                b.problem(
                    a.label,
                    line_of(s, "joint_speakers"),
                    f"{f}.joint_speakers[{j}]",
                    "not a participant",
                    person,
                    f"a joint speaker is a participant of {meeting}",
                )
        voices = joint_voices(
            b.participants[meeting],
            b.inferred_participants.get(meeting, frozenset()),
            b.ids["persons"],
            [p for p in named if p in b.participants[meeting]] if named is not None else None,
        )
        rows += [("joint", p, None, None) for p in voices]
    for j, who in enumerate(s.get("on_behalf_of") or []):
        person, org, unnamed = who.get("person"), who.get("organization"), who.get("unnamed")
        where = f"{f}.on_behalf_of[{j}]"
        if sum(v is not None for v in (person, org, unnamed)) != 1:
            b.problem(
                a.label,
                line_of(who),
                where,
                "person or organization",
                None,
                "give one of person, organization or unnamed (the article's words for someone it does not name)",
            )
            continue
        if unnamed is not None:
            # the words must be the statement's own: someone the article names only by a description
            if unnamed.strip() and unnamed in (s.get("text") or ""):
                rows.append(("on behalf of", None, None, unnamed))
            else:
                b.problem(
                    a.label,
                    line_of(who, "unnamed"),
                    f"{where}.unnamed",
                    "quote",
                    unnamed,
                    "unnamed must be words of the statement's text, verbatim",
                )
        elif b.ref("persons" if person else "organizations", person or org, a.label, line_of(who), where):
            rows.append(("on behalf of", person, org, None))
    for capacity, person, org, unnamed in rows:
        b.add(
            "statement_speakers",
            {
                "statement_id": s["id"],
                "capacity": capacity,
                "person_id": person,
                "organization_id": org,
                "unnamed": unnamed,
                "speaker_key": _speaker_key(person, org, unnamed),
            },
            a.label,
            line_of(s),
        )


def _speaker_key(person: str | None, org: str | None, unnamed: str | None) -> str:
    """The key part of a voice: `person:<id>`, `organization:<id>`, or `unnamed:<the words, slugged>`."""
    if person:
        return f"person:{person}"
    if org:
        return f"organization:{org}"
    return "unnamed:" + (re.sub(r"\W+", "-", (unnamed or "").casefold()).strip("-") or "-")


def article(b: Builder, a: Article) -> list[tuple[int, int]]:
    """The statements' rows; returns their spans (quotations inside them are curated)."""
    spans: list[tuple[int, int]] = []
    for i, s in enumerate(a.doc.get("statements") or []):
        if found := _statement(b, a, i, s):
            if (found.start, found.end) in spans:
                b.problem(
                    a.label,
                    line_of(s, "text"),
                    f"statements[{i}].text",
                    "duplicate span",
                    found.text,
                    "another statement of this article has the same words at the same place: merge them",
                )
            spans.append((found.start, found.end))
    return spans


def finish(b: Builder, frames: dict[str, pl.DataFrame]) -> None:
    """Nothing across articles."""
