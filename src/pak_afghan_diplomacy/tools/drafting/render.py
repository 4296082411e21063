"""Drafts as YAML proposals: every drafted entry carries `proposed: "<rule> <score>"` until a person reviews it.

Accepting a proposal is deleting its `proposed` line; rejecting it is deleting the entry
(or, for a quotation, moving it to `dismissed`). The build refuses a file that still
holds one, naming its line. Records the registry lacks (new persons, roles, meetings)
are listed at the end as a commented block to copy into `build/registry.yaml`.
"""

from __future__ import annotations

import json

from pak_afghan_diplomacy.tools.drafting.model import Draft, MeetingDraft, PersonDraft

PROPOSED = "proposed"


def q(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def occurrence(text: str, body: tuple[int, int], start: int, end: int) -> int | None:
    """Which printing of text[start:end] in the body this is (1-based), when it is printed more than once."""
    quote = text[start:end]
    hits, i = [], text.find(quote, body[0], body[1])
    while i != -1 and i + len(quote) <= body[1]:
        hits.append(i)
        i = text.find(quote, i + 1, body[1])
    return hits.index(start) + 1 if len(hits) > 1 and start in hits else None


def _evidence(text: str, body: tuple[int, int], start: int, end: int) -> str:
    """The words at [start, end) as evidence, with their occurrence in the body when printed more than once."""
    n = occurrence(text, body, start, end)
    quote = q(text[start:end])
    return quote if n is None else f"{{quote: {quote}, occurrence: {n}}}"


def _mark(rule: str, score: float, why: str) -> str:
    return f"    {PROPOSED}: {q(f'{rule} {score:.2f}')}  # {why}"


_SCORES = {"exact": 1.0, "known": 0.95, "surname": 0.9, "known surname": 0.7, "new": 0.5}


def _person_score(p: PersonDraft, spelling: str) -> tuple[str, float]:
    rule = p.rule if spelling in list(p.spellings)[:1] else ("surname" if " " not in spelling else p.rule)
    if rule.startswith("fuzzy"):
        return "fuzzy", float(rule.split()[1])
    return rule, _SCORES.get(rule, 0.5)


def names(draft: Draft, text: str, body: tuple[int, int]) -> list[str]:
    out = ["names:"]
    first = {m.text: m for m in reversed(draft.mentions)}
    for p in draft.persons:
        for spelling in p.spellings:
            m = first[spelling]
            rule, score = _person_score(p, spelling)
            out += [f"  - person: {p.person}", f"    name: {q(spelling)}"]
            out.append(f"    evidence: {_evidence(text, body, m.lead, m.end)}")
            if rule == "fuzzy":
                out += [
                    "    inferred: true",
                    f"    note: {q(f'Spelling matched to {p.person} by fuzzy match ({score:.2f}).')}",
                ]
            why = {
                "exact": "the registry's name",
                "known": "a spelling another article prints",
                "surname": "surname of a full name printed earlier",
                "known surname": "a short spelling another article prints; the full name is not printed here",
                "fuzzy": "closest registry spelling (rapidfuzz ratio)",
                "new": "not in the registry: a new person (see the registry block below)",
            }[rule]
            out.append(_mark(rule, score, why))
    return out if len(out) > 1 else ["names: []"]


def roles(draft: Draft, text: str, body: tuple[int, int]) -> list[str]:
    out = ["roles:"]
    for r in draft.roles:
        role = r.role or f"{r.person}/{r.post}"
        out += [f"  - role: {role}", f"    status: {r.status}"]
        out.append(f"    evidence: {_evidence(text, body, *r.evidence)}")
        why = "matches a registry role" if r.role else "no registry role: a new one (see the registry block below)"
        out.append(_mark(r.rule, 0.8 if r.role else 0.6, f"post {r.post}{', acting' if r.acting else ''}; {why}"))
    return out if len(out) > 1 else ["roles: []"]


def meeting_id(m: MeetingDraft) -> str:
    if m.registry:
        return m.registry
    who = "-".join(p.split("-")[-1] for p in m.persons[:2])
    place = f"-{m.city.lower()}" if m.city else ""
    when = (m.date or "undated").split("/")[0][:7]
    return f"{when}-{who}{place}"


def meetings(draft: Draft, text: str, body: tuple[int, int]) -> tuple[list[str], list[str]]:
    out, parts = ["meetings:"], ["participants:"]
    for m in draft.meetings:
        mid = meeting_id(m)
        score = 0.8 if m.registry else 0.6
        out.append(f"  - meeting: {mid}")
        out.append(f"    date: {q(m.date) if m.date else 'null'}")
        if m.date:
            out.append(f"    date_basis: {m.date_basis}")
            if m.date_basis == "inferred":
                part = "start" if m.date.endswith("/..") else "end" if m.date.startswith("../") else "whole"
                out.append(f"    date_inferred_part: {part}  # year | day | start | end | whole: what the note infers")
            out.append(f"    date_note: {q(m.date_note) if m.date_note else 'null'}")
        evidence = [_evidence(text, body, a, b) for a, b in m.evidence]
        out.append(f"    evidence: [{', '.join(evidence)}]")
        why = m.registry_note or f"a new {m.kind} (see the registry block below)"
        out.append(_mark(m.rule, score, why))
        for p in m.persons:
            parts += [f"  - meeting: {mid}", f"    person: {p}", f"    evidence: {evidence[0]}"]
            parts.append(_mark(m.rule, score, f"named in the sentence of the {m.kind}"))
    return (out if len(out) > 1 else ["meetings: []"]), (parts if len(parts) > 1 else ["participants: []"])


def statements(draft: Draft, text: str, body: tuple[int, int], prefix: str) -> list[str]:
    out = ["statements:"]
    for n, s in enumerate(draft.statements, 1):
        out.append(f"  - id: {prefix}-{(s.speaker or s.kind).split('-')[-1]}-{n}")
        out.append(f"    text: {q(text[s.start : s.end])}")
        if (k := occurrence(text, body, s.start, s.end)) is not None:
            out.append(f"    occurrence: {k}")
        out.append(f"    mode: {s.mode}")
        out.append(f"    content_kind: {s.content}")  # written out, so that a reader sees what is published
        out.append(f"    attribution_kind: {s.kind}")
        out.append(f"    speaker: {s.speaker if s.kind == 'person' else 'null'}")
        out.append(f"    speaker_organization: {s.speaker if s.kind == 'organization' else 'null'}")
        out.append(f"    attribution: {q(s.attribution) if s.attribution else 'null'}")
        out.append(f"    setting: {q(s.channel) if s.channel else 'null'}")
        out.append(
            _mark(s.rule, s.score, f"{s.mode} {s.kind}" + (", a position: no words" if s.content == "position" else ""))
        )
    return out if len(out) > 1 else ["statements: []"]


def dismissed(draft: Draft, text: str, body: tuple[int, int]) -> list[str]:
    out = ["dismissed:"]
    for s in draft.dismissed:
        out.append(f"  - quote: {q(text[s.start : s.end])}")
        if (k := occurrence(text, body, s.start, s.end)) is not None:
            out.append(f"    occurrence: {k}")
        out.append(f"    reason: {q('no speaker named in its sentence: scare quotes, or attribute it as a statement')}")
        out.append(_mark(s.rule, s.score, "a quotation without attribution"))
    return out if len(out) > 1 else ["dismissed: []"]


def registry_block(draft: Draft) -> list[str]:
    """What the registry must gain for these drafts, as comments to copy after review."""
    lines: list[str] = []
    new = [p for p in draft.persons if p.new]
    if new:
        lines += ["#   persons:"] + [f"#     - {{id: {p.person}, name: {q(next(iter(p.spellings)))}}}" for p in new]
    fresh = [r for r in draft.roles if r.role is None]
    if fresh:
        lines.append("#   roles:")
        for r in fresh:
            acting = ", acting: true" if r.acting else ""
            lines.append(
                f"#     - {{id: {r.person}/{r.post}, person: {r.person}, organization: TODO, post: {r.post}"
                f"{acting}, status: {r.status}}}"
            )
    fresh_m = [m for m in draft.meetings if not m.registry]
    if fresh_m:
        lines.append("#   meetings:")
        for m in fresh_m:
            lines.append(f"#     - id: {meeting_id(m)}")
            lines.append(f"#       kind: {m.kind}")
            lines.append(f"#       date: {q(m.date) if m.date else 'TODO'}")
            lines.append(f"#       city: {m.city or 'null'}")
            lines.append("#       description: TODO")
            lines.append("#       participants:")
            for p in m.persons:
                side = m.sides.get(p) or "TODO"
                lines.append(f"#         - {{person: {p}, side: {side}, participation: TODO}}")
    if not lines:
        return []
    return ["", "# Registry records these drafts need (review, then copy into build/registry.yaml):", *lines]


def sections(draft: Draft, text: str, body: tuple[int, int], prefix: str) -> list[str]:
    """The drafted sections of an article file, each entry marked as a proposal."""
    meeting_lines, participant_lines = meetings(draft, text, body)
    return [
        *names(draft, text, body),
        "",
        *roles(draft, text, body),
        "",
        *meeting_lines,
        "",
        *participant_lines,
        "",
        *statements(draft, text, body, prefix),
        "",
        "conflicts: []",
        "",
        *dismissed(draft, text, body),
        *registry_block(draft),
        "",
    ]
