"""`new-article`: add a seed and write its curation file, pre-filled with drafts to review.

The seed is copied byte for byte and pinned; the curation file holds what the drafting
pass (`tools/drafting`) proposes: persons, roles, meetings with participants and
dates, statements with speakers, quotations to dismiss, each marked `proposed`, plus
every date found. Nothing in it is accepted as fact: every open value is a `TODO`
placeholder and every draft carries its mark, and the build fails, naming each, until a
person has reviewed every item.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pak_afghan_diplomacy.pipeline.article import candidates, coverage
from pak_afghan_diplomacy.pipeline.problems import BuildError, Problem
from pak_afghan_diplomacy.pipeline.read import curation
from pak_afghan_diplomacy.pipeline.read.seeds import PINS, read_seeds
from pak_afghan_diplomacy.pipeline.read.unfinished import PLACEHOLDER, PROPOSED
from pak_afghan_diplomacy.tools.drafting import page, render
from pak_afghan_diplomacy.tools.drafting.checkout import context as drafting_context
from pak_afghan_diplomacy.tools.drafting.model import Context, Extractor

NO_HEADLINE = "the headline as printed; the first line reads as the lede, so if none is printed write a short title"


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


def prefill(
    article_id: str,
    text: str,
    known_names: set[str],
    context: Context | None = None,
    extractor: Extractor | None = None,
) -> str:
    """The curation file's text for a new article: a skeleton whose open values are TODOs, plus the drafts.

    With a `context` (the registry and known spellings) the drafting pass proposes every
    section; without one, or for what it leaves out, the candidates are listed as TODOs.
    """
    proposed = page.head(text)
    head, printed = proposed.title or "", proposed.published
    published = (
        todo(f"reduced ISO date: {printed[0]}? printed as {printed[1]!r}")
        if printed
        else todo("reduced ISO date: 2024-12-23, 2024-12 or 2024")
    )
    dated = candidates.dates(text, 0, len(text))
    out = [
        f"# Curation of seeds/{article_id}.txt, pre-filled by `pak-afghan-diplomacy new-article`.",
        "# Review every item against the text (format and examples: build/README.md). Every value",
        f"# starting {PLACEHOLDER} must be filled in; every entry marked `{PROPOSED}:` was drafted by rules:",
        f"# accept it by deleting its `{PROPOSED}` line, reject it by deleting the entry (a quotation: move it",
        "# to dismissed). The build names each one left (file, line, field).",
        "# Set body.end to the article's last words if a teaser or another article follows.",
        "article:",
        f"  title: {q(head) if proposed.title else todo(NO_HEADLINE)}",
        "  title_basis: stated          # stated (printed headline) | curated",
        "  url: null                    # where it was published online, if known",
        "  publisher: null              # the newspaper or site, if known",
        "  publisher_basis: null        # printed (in the text) | site (from the page it came from)",
        f"  language: {todo('ISO 639-1 code of the text, e.g. en')}",
        "  accessed: null               # when you retrieved the page, e.g. 2025-01-31",
        f"  published_date: {published}",
        "  published_date_basis: stated # stated (printed) | inferred (then give published_date_note)",
        "  published_date_note: null",
        "  body:",
        f"    start: {q(proposed.start)}",
        f"    end: {q(proposed.end)}",
        "  exclusions: []               # page furniture inside the body: {quote: ..., reason: ...}",
        "",
        "# Date candidates (resolve into published_date, meetings, roles, statements; never guess narrow):",
    ]
    out += [f"#   {c.start}: {c.text}" for c in dated] or ["#   (none found)"]
    out.append("")
    if context is None:
        return "\n".join(out + _undrafted(article_id, text, known_names))
    _, draft = page.draft(article_id, text, context, extractor)
    drafted = render.sections(draft, text, proposed.body, article_id[:3])
    spelled = {m.text for m in draft.mentions}
    missing = [c for c in candidates.name_mentions(text, 0, len(text), known_names) if c.text not in spelled]
    at = drafted.index("") if missing else 0
    extra: list[str] = []
    seen: set[str] = set()
    for c in missing:
        if c.text in seen:
            continue
        seen.add(c.text)
        extra += [
            f"  - person: {todo(f'registry person id for {c.text!r}')}",
            f"    name: {q(c.text)}",
            f"    evidence: {evidence(text, c.start, c.text)}",
        ]
    if extra and drafted[0] == "names: []":
        drafted[0] = "names:"
    return "\n".join(out + drafted[:at] + extra + drafted[at:]) if extra else "\n".join(out + drafted)


def _undrafted(article_id: str, text: str, known_names: set[str]) -> list[str]:
    """The candidates as TODOs, for when there is no registry to draft against."""
    quotations = candidates.quotations(text, 0, len(text))
    names = candidates.name_mentions(text, 0, len(text), known_names)
    out = ["names:"]
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
    return out


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
    context = drafting_context(curation_dir) if cur else None
    target = curation_dir / f"{article_id}.yaml"
    (seeds_dir / f"{article_id}.txt").write_bytes(data)
    with (seeds_dir / PINS).open("a", encoding="utf-8") as fh:
        fh.write(f"{digest}  {article_id}.txt\n")
    target.write_text(prefill(article_id, text, names, context), encoding="utf-8")
    return article_id, target
