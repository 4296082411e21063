"""`new-article`: add a seed and write its curation file, pre-filled with candidates to review.

The seed is copied byte for byte and pinned; the curation file lists every
quotation, known-name mention and date the automatic pass finds. Nothing in it is
accepted as fact: the build fails until a person has filled in or dismissed each item.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml

from pak_afghan_diplomacy.pipeline import candidates, coverage, curation
from pak_afghan_diplomacy.pipeline.problems import BuildError, Problem
from pak_afghan_diplomacy.pipeline.seeds import PINS, read_seeds


def _first_words(text: str, n: int = 6) -> str:
    return " ".join(text.split()[:n])


def _last_words(text: str, n: int = 6) -> str:
    return " ".join(text.split()[-n:])


def _dump(value: object) -> str:
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=1000).strip()


def prefill(article_id: str, text: str, known_names: set[str]) -> str:
    """The curation file's text for a new article: a skeleton plus every candidate."""
    lines = [line for line in text.splitlines() if line.strip()]
    head, tail = lines[0].strip(), lines[-1].strip()
    quotations = candidates.quotations(text, 0, len(text))
    names = candidates.name_mentions(text, 0, len(text), known_names)
    dates = candidates.dates(text, 0, len(text))
    out = [
        f"# Curation of seeds/{article_id}.txt, pre-filled by `pak-afghan-diplomacy new-article`.",
        "# Review every item against the text (format: build/README.md). Set body.end to the article's",
        "# last words if a teaser or another article follows; fill in each statement's speaker, mode and",
        "# channel, or move it to dismissed with a reason. The build fails until every candidate is settled.",
        "article:",
        f"  title: {_dump(head)}",
        "  title_basis: stated",
        "  publisher: null",
        '  published_date: "TODO"',
        "  published_date_basis: stated",
        "  published_date_note: null",
        "  body:",
        f"    start: {_dump(_first_words(head))}",
        f"    end: {_dump(_last_words(tail))}",
        "",
        "# Date candidates (resolve into article.published_date, meetings and roles; never guess narrow):",
    ]
    out += [f"#   {c.start}: {c.text}" for c in dates] or ["#   (none found)"]
    out += ["", "names:"]
    seen: set[str] = set()
    for c in names:
        if c.text in seen:
            continue
        seen.add(c.text)
        out += [
            f"  - person: TODO  # a registry person id for {c.text!r}",
            f"    name: {_dump(c.text)}",
            f"    evidence: {_dump(c.text)}",
        ]
    if not seen:
        out[-1] = "names: []"
    out += ["", "statements:"]
    for i, c in enumerate(quotations, 1):
        out += [
            f"  - id: {article_id[:3]}-quote-{i}",
            f"    text: {_dump(c.text)}",
            "    mode: direct  # direct | partial | indirect",
            "    speaker: null  # TODO: the person the article names",
            "    speaker_organization: null",
            "    channel: null",
        ] + ([f"    note: {_dump(c.note)}"] if c.note else [])
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
