"""`new-article`: add a seed and write its curation file, pre-filled with drafts to review.

The seed is copied byte for byte and pinned; the curation file holds what the drafting
pass (`tools/drafting`) proposes: persons, roles, meetings with participants and
dates, statements with speakers, quotations to dismiss, each marked `proposed`, plus
every date found. Nothing in it is accepted as fact: every open value is a `TODO`
placeholder and every draft carries its mark, and the build fails, naming each, until a
person has reviewed every item.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
from pathlib import Path

from pak_afghan_diplomacy.pipeline.article import candidates, coverage
from pak_afghan_diplomacy.pipeline.problems import BuildError, Problem, write_whole
from pak_afghan_diplomacy.pipeline.publish.untrusted import Refused, read_regular
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
    inferred = printed is not None and printed.basis == "inferred"
    if printed is None:
        ask = "reduced ISO date: 2024-12-23, 2024-12 or 2024"
        if proposed.undated:  # a dateline without a year, and nothing in the page gives it: ask, never guess
            ask += f"; the dateline prints {proposed.undated!r} without a year and nothing printed gives it"
        published = todo(ask)
    elif inferred:
        published = todo(f"reduced ISO date: {printed.value}? {printed.note}")
    else:
        published = todo(f"reduced ISO date: {printed.value}? printed as {printed.printed!r}")
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
        *(
            [
                "  published_date_basis: inferred # the year is not printed with the day",
                "  published_date_inferred_part: year",
                f"  published_date_note: {q(printed.note)}",
            ]
            if inferred and printed
            else [
                "  published_date_basis: stated # stated (printed) | inferred (then give published_date_note)",
                "  published_date_note: null",
            ]
        ),
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


MAX_SEED_BYTES = 64 << 20  # an article; a larger file is not one
_STAGING = ".new-article-"  # temporary files beside their targets, cleared by the next run


def _source_text(source: Path) -> tuple[bytes, str]:
    """The bytes and text of the article to add: a regular UTF-8 file with words in it."""
    label = str(source)
    try:
        data = read_regular(source, MAX_SEED_BYTES)
    except FileNotFoundError:
        raise BuildError([Problem(label, check="missing file", message="no such file")]) from None
    except Refused as exc:
        raise BuildError([Problem(label, check="not a file", message=exc.reason)]) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        why = f"not UTF-8: {exc.reason} at byte {exc.start}"
        raise BuildError([Problem(label, check="encoding", message=why)]) from None
    if not text.strip():  # Unicode whitespace too: NBSP, U+3000, U+2028
        raise BuildError([Problem(label, check="empty", message="the file holds no text (empty, or only spaces)")])
    if curation.wordless(text, (label, None, "")):
        raise BuildError([Problem(label, check="no words", message="the file holds no words: not an article")])
    return data, text


def _half_added(seeds_dir: Path, curation_dir: Path, digest: str) -> str | None:
    """The id of an earlier `new-article` of these bytes that was stopped before it finished."""
    tail = f"_{digest[:16]}"
    for path in [*seeds_dir.glob(f"*{tail}.txt"), *curation_dir.glob(f"*{tail}.yaml")]:
        if path.is_file() and not path.is_symlink():
            return path.stem
    return None


def _clear_staging(*folders: Path) -> None:
    for folder in folders:
        for stale in folder.glob(f"{_STAGING}*"):
            with contextlib.suppress(OSError):
                stale.unlink()


def add(source: Path, seeds_dir: Path, curation_dir: Path) -> tuple[str, Path]:
    """Copy `source` into seeds/, pin it, write its pre-filled curation. Returns (article_id, file).

    Atomic for a reader of the checkout: everything is checked and the curation drafted before
    anything is written; then the curation file, the seed and its pin are put in place, each
    whole. A run stopped in between (killed, disk full) leaves files a re-run recognises by the
    seed's hash and completes; nothing already written is replaced.
    """
    data, text = _source_text(source)
    for folder, what in ((seeds_dir, "seeds/"), (curation_dir, "build/")):
        if not folder.is_dir() or folder.is_symlink():  # exit 3 before anything is written
            raise FileNotFoundError(errno.ENOENT, f"no {what} folder: run new-article in a checkout", str(folder))
    _clear_staging(seeds_dir, curation_dir)
    digest = hashlib.sha256(data).hexdigest()
    article_id = _half_added(seeds_dir, curation_dir, digest)
    seeds, problems = read_seeds(seeds_dir)
    if article_id is not None:  # the half-added article's own problems are what this run repairs
        problems = [p for p in problems if p.where != f"seeds/{article_id}.txt"]
    if problems:
        raise BuildError(problems)
    seed_path = seeds_dir / f"{(article_id or '')}.txt"
    target = curation_dir / f"{article_id}.yaml"
    if article_id is not None and article_id in seeds and target.is_file():
        raise BuildError([Problem(str(source), check="duplicate", message="this article is already a seed")])
    if article_id is None and any(s.sha256 == digest for s in seeds.values()):
        raise BuildError([Problem(str(source), check="duplicate", message="this article is already a seed")])
    if article_id is None:
        prefix = max((int(a[:3]) for a in seeds if a[:3].isdigit()), default=-1) + 1
        article_id = f"{prefix:03d}_{digest[:16]}"
        seed_path, target = seeds_dir / f"{article_id}.txt", curation_dir / f"{article_id}.yaml"
    if not target.is_file():
        others = {k: v for k, v in seeds.items() if k != article_id}
        cur, _ = curation.read(curation_dir, others)
        names = coverage.known_names(cur) if cur else set()
        context = drafting_context(curation_dir) if cur else None
        write_whole(target, prefill(article_id, text, names, context).encode("utf-8"), _STAGING)
    if not (seed_path.is_file() and hashlib.sha256(seed_path.read_bytes()).hexdigest() == digest):
        write_whole(seed_path, data, _STAGING)
    if article_id not in seeds:
        pins = seeds_dir / PINS
        line = f"{digest}  {article_id}.txt\n"
        held = pins.read_bytes() if pins.is_file() else b""
        write_whole(pins, held + (b"" if not held or held.endswith(b"\n") else b"\n") + line.encode("utf-8"), _STAGING)
    return article_id, target
