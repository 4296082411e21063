"""`new-article`: add a seed and write its curation file, pre-filled with candidates to review.

The seed is copied byte for byte and pinned; the curation file lists every
quotation, known-name mention and date the automatic pass finds. Nothing in it is
accepted as fact: every open value is a `TODO` placeholder, and the build fails,
naming each, until a person has filled in or dismissed every item.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pak_afghan_diplomacy.pipeline import candidates, coverage, curation
from pak_afghan_diplomacy.pipeline.problems import BuildError, Problem
from pak_afghan_diplomacy.pipeline.seeds import PINS, read_seeds
from pak_afghan_diplomacy.pipeline.unfinished import PLACEHOLDER


def _first_words(text: str, n: int = 6) -> str:
    return " ".join(text.split()[:n])


def _last_words(text: str, n: int = 6) -> str:
    return " ".join(text.split()[-n:])


def q(value: str) -> str:
    """A YAML scalar for any text: JSON's double-quoted strings are valid YAML, with nothing appended."""
    return json.dumps(value, ensure_ascii=False)


def todo(what: str) -> str:
    """A placeholder the build refuses by name (file, line, field) until a person fills it in."""
    return q(f"{PLACEHOLDER}: {what}")


def evidence(text: str, start: int, quote: str) -> str:
    """The quote at `start` as evidence: with its occurrence where the same words are printed more than once."""
    hits, i = [], text.find(quote)
    while i != -1:
        hits.append(i)
        i = text.find(quote, i + 1)
    if len(hits) < 2:
        return q(quote)
    return f"{{quote: {q(quote)}, occurrence: {hits.index(start) + 1}}}"


def prefill(article_id: str, text: str, known_names: set[str]) -> str:
    """The curation file's text for a new article: a skeleton whose open values are TODOs, plus every candidate."""
    lines = [line for line in text.splitlines() if line.strip()]
    head, tail = lines[0].strip(), lines[-1].strip()
    quotations = candidates.quotations(text, 0, len(text))
    names = candidates.name_mentions(text, 0, len(text), known_names)
    dates = candidates.dates(text, 0, len(text))
    out = [
        f"# Curation of seeds/{article_id}.txt, pre-filled by `pak-afghan-diplomacy new-article`.",
        "# Review every item against the text (format and examples: build/README.md). Every value",
        f"# starting {PLACEHOLDER} must be filled in; the build names each one left (file, line, field).",
        "# Set body.end to the article's last words if a teaser or another article follows.",
        "article:",
        f"  title: {q(head)}",
        "  title_basis: stated          # stated (printed headline) | curated",
        "  url: null                    # where it was published online, if known",
        "  publisher: null              # the newspaper or site, if known",
        "  publisher_basis: null        # printed (in the text) | site (from the page it came from)",
        f"  language: {todo('ISO 639-1 code of the text, e.g. en')}",
        "  accessed: null               # when you retrieved the page, e.g. 2025-01-31",
        f"  published_date: {todo('reduced ISO date: 2024-12-23, 2024-12 or 2024')}",
        "  published_date_basis: stated # stated (printed) | inferred (then give published_date_note)",
        "  published_date_note: null",
        "  body:",
        f"    start: {q(_first_words(head))}",
        f"    end: {q(_last_words(tail))}",
        "  exclusions: []               # page furniture inside the body: {quote: ..., reason: ...}",
        "",
        "# Date candidates (resolve into published_date, meetings, roles, statements; never guess narrow):",
    ]
    out += [f"#   {c.start}: {c.text}" for c in dates] or ["#   (none found)"]
    out += ["", "names:"]
    seen: set[str] = set()
    for c in names:
        if c.text in seen:
            continue
        seen.add(c.text)
        out += [
            f"  - person: {todo(f'registry person id for {c.text!r}')}",
            f"    name: {q(c.text)}",
            f"    evidence: {evidence(text, c.start, c.text)}",
        ]
    if not seen:
        out[-1] = "names: []"
    out += ["", "statements:"]
    for i, c in enumerate(quotations, 1):
        out += [
            f"  - id: {article_id[:3]}-quote-{i}",
            f"    text: {q(c.text)}",
            "    mode: direct               # direct | partial | indirect",
            f"    speaker: {todo('person id, or null with attribution_kind: unattributed / joint')}",
            "    speaker_organization: null",
            "    setting: null              # meeting | X post | press briefing | written statement; reported_via",
        ] + ([f"    note: {q(c.note)}"] if c.note else [])
    if not quotations:
        out[-1] = "statements: []"
    out += ["", "roles: []", "meetings: []", "participants: []", "conflicts: []", "dismissed: []", ""]
    return "\n".join(out)


def add(source: Path, seeds_dir: Path, curation_dir: Path) -> tuple[str, Path]:
    """Copy `source` into seeds/, pin it, write its pre-filled curation. Returns (article_id, file)."""
    label = str(source)
    if not source.is_file():
        raise BuildError([Problem(label, check="missing file", message="no such file")])
    data = source.read_bytes()
    if not data.strip():
        raise BuildError([Problem(label, check="empty", message="the file is empty")])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        why = f"not UTF-8: {exc.reason} at byte {exc.start}"
        raise BuildError([Problem(label, check="encoding", message=why)]) from None
    digest = hashlib.sha256(data).hexdigest()
    seeds, problems = read_seeds(seeds_dir)
    if problems:
        raise BuildError(problems)
    if any(s.sha256 == digest for s in seeds.values()):
        raise BuildError([Problem(label, check="duplicate", message="this article is already a seed")])
    prefix = max((int(a[:3]) for a in seeds if a[:3].isdigit()), default=-1) + 1
    article_id = f"{prefix:03d}_{digest[:16]}"
    cur, _ = curation.read(curation_dir, seeds)
    names = coverage.known_names(cur) if cur else set()
    target = curation_dir / f"{article_id}.yaml"
    (seeds_dir / f"{article_id}.txt").write_bytes(data)
    with (seeds_dir / PINS).open("a", encoding="utf-8") as fh:
        fh.write(f"{digest}  {article_id}.txt\n")
    target.write_text(prefill(article_id, text, names), encoding="utf-8")
    return article_id, target
