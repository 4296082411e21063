"""Step 2: read the curation files (`build/`) and find every quoted word in its article.

The format is documented in `build/README.md`; the specs below are what the reader
enforces. Quotes become code-point spans here, and a quote that is not in the
article body, or is ambiguous without `occurrence`, is an error.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pak_afghan_diplomacy.pipeline.problems import Problem
from pak_afghan_diplomacy.pipeline.read import nearest, walk, yamlfile
from pak_afghan_diplomacy.pipeline.read.seeds import Seed
from pak_afghan_diplomacy.pipeline.read.yamlfile import F
from pak_afghan_diplomacy.schema import vocab

REGISTRY = "registry.yaml"
REGISTRY_PARTS = "registry"  # optional folder of further registry files

_ID = F("str", required=True)
_NOTE = F("str", nullable=True)

_BASIS = F("str", choices=vocab.BASES)
_PART = F("str", nullable=True, choices=vocab.INFERRED_PARTS)  # which part of an inferred date is inferred

REGISTRY_SPEC: dict[str, F] = {
    "persons": F("list", item={"id": _ID, "name": F("str", required=True), "distinct_from": F("list"), "note": _NOTE}),
    "posts": F(
        "list",
        item={
            "id": _ID,
            "title": F("str", required=True),
            "aliases": F("list"),
            "holders": F("str", choices=vocab.POST_HOLDERS),
            "note": _NOTE,
        },
    ),
    "organizations": F(
        "list",
        item={
            "id": _ID,
            "name": F("str", required=True),
            "country": F("str", nullable=True),
            "classification": F("str", required=True, choices=vocab.ORGANIZATION_CLASSES),
            "note": _NOTE,
        },
    ),
    "roles": F(
        "list",
        item={
            "id": _ID,
            "person": F("str", required=True),
            "organization": F("str", required=True),
            "post": F("str", required=True),
            "acting": F("bool"),
            "start_date": F("date", nullable=True),
            "start_date_basis": F("str", choices=vocab.BASES),
            "start_date_note": _NOTE,
            "start_date_inferred_part": _PART,
            "end_date": F("date", nullable=True),
            "end_date_basis": F("str", choices=vocab.BASES),
            "end_date_note": _NOTE,
            "end_date_inferred_part": _PART,
            "status": F("str", required=True, choices=vocab.ROLE_STATUSES),
            "note": _NOTE,
        },
    ),
    "meetings": F(
        "list",
        item={
            "id": _ID,
            "kind": F("str", required=True, choices=vocab.MEETING_KINDS),
            "cameo_code": F("str", nullable=True),
            "date": F("date", required=True),
            "date_basis": _BASIS,
            "date_note": _NOTE,
            "date_inferred_part": _PART,
            "city": F("str", nullable=True),
            "country": F("str", nullable=True),
            "place_basis": _BASIS,
            "place_note": _NOTE,
            "description": F("str", required=True),
            "part_of": F("str", nullable=True),
            "grouping_uncertain": F("bool"),
            "distinct_from": F("list"),
            "note": _NOTE,
            "participants": F(
                "list",
                required=True,
                item={
                    "person": F("str"),
                    "group": F("str"),
                    "unnamed": F("str"),
                    "count": F("int", least=1),
                    "side": F("str", required=True),
                    "participation": F("str", required=True, choices=vocab.PARTICIPATIONS),
                    "basis": _BASIS,
                    "note": _NOTE,
                },
            ),
        },
    ),
    "utterances": F("list", item={"id": _ID, "note": _NOTE}),
    "incidents": F(
        "list",
        item={
            "id": _ID,
            "kind": F("str", required=True, choices=vocab.INCIDENT_KINDS),
            "date": F("date", nullable=True),
            "date_basis": _BASIS,
            "date_note": _NOTE,
            "date_inferred_part": _PART,
            "city": F("str", nullable=True),
            "country": F("str", nullable=True),
            "place_basis": _BASIS,
            "place_note": _NOTE,
            "description": F("str", required=True),
            "note": _NOTE,
        },
    ),
    "conflicts": F(
        "list",
        item={
            "id": _ID,
            "kind": F("str", required=True, choices=vocab.CONFLICT_KINDS),
            "description": F("str", required=True),
            "assessment": _NOTE,
            # A record by its key (`id`), or a composite row by its parts: a spelling by `person` and
            # `name` (every article printing it), a participant by `meeting` and `person` or `group`.
            "records": F(
                "list",
                required=True,
                item={
                    "table": F("str", required=True),
                    "id": F("str"),
                    "meeting": F("str"),
                    "person": F("str"),
                    "group": F("str"),
                    "name": F("str"),
                    "role": F("str"),
                    "article": F("str"),
                },
            ),
        },
    ),
}

_EVIDENCE = F("evidence", required=True)
# A drafted entry nobody has reviewed yet (see tools/drafting): the build refuses it by line.
_PROPOSED = F("str", nullable=True)

ARTICLE_SPEC: dict[str, F] = {
    "article": F(
        "map",
        required=True,
        item={
            "title": F("str", required=True),
            "title_basis": F("str", required=True, choices=vocab.BASES_TITLE),
            "url": F("str", nullable=True),
            "url_basis": F("str", nullable=True, choices=vocab.BASES_URL),
            "url_note": _NOTE,
            "publisher": F("str", nullable=True),
            "publisher_basis": F("str", nullable=True, choices=vocab.BASES_PUBLISHER),
            "language": F("str", required=True),
            "accessed": F("date", nullable=True),
            "published_date": F("date", required=True),
            "published_date_basis": F("str", required=True, choices=vocab.BASES),
            "published_date_note": _NOTE,
            "published_date_inferred_part": _PART,
            "body": F("map", required=True, item={"start": F("str", required=True), "end": F("str", required=True)}),
            "exclusions": F(
                "list",
                item={
                    "quote": F("str", required=True),
                    "occurrence": yamlfile.OCCURRENCE,
                    "reason": F("str", required=True),
                },
            ),
        },
    ),
    "names": F(
        "list",
        item={
            "person": F("str", required=True),
            "name": F("str", required=True),
            "evidence": _EVIDENCE,
            "inferred": F("bool"),
            "note": _NOTE,
            "proposed": _PROPOSED,
        },
    ),
    "roles": F(
        "list",
        item={
            "role": F("str", required=True),
            "status": F("str", required=True, choices=vocab.OBSERVED_STATUSES),
            "as_of": F("date", nullable=True),
            "as_of_basis": _BASIS,
            "as_of_note": _NOTE,
            "as_of_inferred_part": _PART,
            "evidence": _EVIDENCE,
            # where the evidence names the post only through another holder ("his predecessor"): why
            "post_note": _NOTE,
            "proposed": _PROPOSED,
        },
    ),
    "meetings": F(
        "list",
        item={
            "meeting": F("str", required=True),
            "date": F("date", nullable=True),
            "date_basis": F("str", choices=vocab.BASES),
            "date_note": _NOTE,
            "date_inferred_part": _PART,
            "evidence": _EVIDENCE,
            "proposed": _PROPOSED,
        },
    ),
    "participants": F(
        "list",
        item={
            "meeting": F("str", required=True),
            "person": F("str"),
            "group": F("str"),
            "evidence": _EVIDENCE,
            "proposed": _PROPOSED,
        },
    ),
    "statements": F(
        "list",
        item={
            "id": _ID,
            "text": F("str", required=True),
            "occurrence": yamlfile.OCCURRENCE,
            "mode": F("str", required=True, choices=vocab.STATEMENT_MODES),
            "attribution_kind": F("str", choices=vocab.ATTRIBUTION_KINDS),
            "content_kind": F("str", nullable=True, choices=vocab.CONTENT_KINDS),  # speech (default) | position
            "speaker": F("str", nullable=True),
            "speaker_organization": F("str", nullable=True),
            "attribution": _NOTE,
            "attribution_basis": _BASIS,
            "attribution_note": _NOTE,
            "context": F("str", nullable=True),
            "context_occurrence": yamlfile.OCCURRENCE,
            "setting": F("str", nullable=True, choices=vocab.SETTINGS),
            "setting_basis": _BASIS,  # how the setting is known: stated, or inferred (then setting_note)
            "setting_note": _NOTE,
            "reported_via": F("str", nullable=True, choices=vocab.REPORTED_VIA),
            "reported_via_organization": F("str", nullable=True),
            "reported_via_text": _NOTE,
            "reported_via_basis": _BASIS,  # how the channel is known: stated, or inferred (then reported_via_note)
            "reported_via_note": _NOTE,
            "meeting": F("str", nullable=True),
            "about_meeting": F("str", nullable=True),
            "on_behalf_of": F("list", item={"person": F("str"), "organization": F("str"), "unnamed": F("str")}),
            "joint_speakers": F("list"),  # joint words: the persons who spoke, where not every participant
            "meeting_basis": _BASIS,  # how the link to meeting / about_meeting is known
            "meeting_note": _NOTE,
            "date": F("date", nullable=True),
            "date_basis": _BASIS,
            "date_note": _NOTE,
            "date_inferred_part": _PART,
            "utterance": F("str", nullable=True),
            "note": _NOTE,
            "proposed": _PROPOSED,
        },
    ),
    "conflicts": F("list", item={"conflict": F("str", required=True), "evidence": _EVIDENCE}),
    "incidents": F(
        "list",
        item={
            "incident": F("str", required=True),
            "date": F("date", nullable=True),
            "date_basis": _BASIS,
            "date_note": _NOTE,
            "date_inferred_part": _PART,
            "evidence": _EVIDENCE,
            "actors": F(
                "list",
                item={
                    "evidence": _EVIDENCE,  # the actor as the article names it
                    "organization": F("str", nullable=True),
                    "responsibility": F("str", required=True, choices=vocab.RESPONSIBILITIES),
                    "note": _NOTE,
                },
            ),
            "links": F(
                "list",
                item={
                    "table": F("str", required=True, choices=("meetings", "statements")),
                    "id": F("str", required=True),
                    "relation": F("str", required=True, choices=vocab.INCIDENT_RELATIONS),
                },
            ),
        },
    ),
    "dismissed": F(
        "list",
        item={
            "quote": F("str", required=True),
            "occurrence": yamlfile.OCCURRENCE,
            "reason": F("str", required=True),
            "proposed": _PROPOSED,
        },
    ),
}


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


@dataclass
class Article:
    """One article's curation, with its seed and its body span resolved."""

    seed: Seed
    label: str  # the curation file, as errors name it
    doc: dict[str, Any]
    body_start: int = 0
    body_end: int = 0
    exclusions: list[Span] = field(default_factory=list)

    @property
    def article_id(self) -> str:
        return self.seed.article_id

    def find(self, quote: str, occurrence: int | None, where: tuple[str, int | None, str]) -> Span | Problem:
        """The span of `quote` in the body: unique, or the `occurrence`-th (1-based)."""
        label, line, fieldname = where
        text = self.seed.text
        hits = []
        i = text.find(quote, self.body_start, self.body_end)
        while i != -1 and i + len(quote) <= self.body_end:
            hits.append(i)
            i = text.find(quote, i + 1, self.body_end)
        if not hits:
            i = text.find(quote)
            return Problem(
                label,
                line=line,
                field=fieldname,
                check="quote",
                value=quote,
                message=(
                    f"found outside the article body only, {nearest.where(text, i, i + len(quote))}"
                    if i != -1
                    else nearest.explain(quote, text, self.body_start, self.body_end)
                ),
            )
        if occurrence is None and len(hits) > 1:
            return Problem(
                label,
                line=line,
                field=fieldname,
                check="ambiguous quote",
                value=quote,
                message=f"occurs {len(hits)} times in the body: add occurrence: 1..{len(hits)}",
            )
        if occurrence is not None and occurrence > len(hits):
            return Problem(
                label,
                line=line,
                field=fieldname,
                check="quote occurrence",
                value=quote,
                message=f"occurrence {occurrence} asked, the body has {len(hits)}",
            )
        start = hits[(occurrence or 1) - 1]
        span = Span(start, start + len(quote), quote)
        for ex in self.exclusions:
            if span.start < ex.end and ex.start < span.end:
                return Problem(
                    label,
                    line=line,
                    field=fieldname,
                    check="excluded",
                    value=quote,
                    message="lies in page furniture excluded from the body",
                )
        return span


@dataclass
class Curation:
    registry: dict[str, Any]
    articles: dict[str, Article]


def _quotes(value: Any) -> list[tuple[str, int | None]]:
    items = value if isinstance(value, list) else [value]
    return [(q, None) if isinstance(q, str) else (q["quote"], q.get("occurrence")) for q in items]


MIN_WORD_CHARS = 2  # a quote of only spaces, marks or one letter supports nothing
_WORDS = re.compile(r"[^\W_]" + r".*?[^\W_]" * (MIN_WORD_CHARS - 1), re.DOTALL)


def wordless(quote: str, where: tuple[str, int | None, str]) -> Problem | None:
    """A problem if `quote` has too few word characters to be evidence of anything."""
    if _WORDS.search(quote):
        return None
    label, line, fieldname = where
    return Problem(
        label,
        line=line,
        field=fieldname,
        check="no words",
        value=quote,
        message=f"a quote needs at least {MIN_WORD_CHARS} letters or digits: quote the words that say it",
    )


def resolve_evidence(
    article: Article, value: Any, where: tuple[str, int | None, str]
) -> tuple[list[Span], list[Problem]]:
    spans: list[Span] = []
    problems: list[Problem] = []
    for quote, occurrence in _quotes(value):
        if bad := wordless(quote, where):
            problems.append(bad)
            continue
        found = article.find(quote, occurrence, where)
        (problems if isinstance(found, Problem) else spans).append(found)  # type: ignore[arg-type]
    return spans, problems


def _body(article: Article) -> list[Problem]:
    body = article.doc["article"]["body"]
    line = getattr(article.doc["article"], "lines", {}).get("body")
    text = article.seed.text
    start = text.find(body["start"])
    if start == -1:
        return [
            Problem(
                article.label,
                line=line,
                field="article.body.start",
                check="quote",
                value=body["start"],
                message="not in the article text",
            )
        ]
    end = text.find(body["end"], start)
    if end == -1:
        return [
            Problem(
                article.label,
                line=line,
                field="article.body.end",
                check="quote",
                value=body["end"],
                message="not in the article text after body.start",
            )
        ]
    article.body_start, article.body_end = start, end + len(body["end"])
    problems: list[Problem] = []
    exclusions = article.doc["article"].get("exclusions") or []
    for i, ex in enumerate(exclusions):
        where = (article.label, exclusions.lines[i], f"article.exclusions[{i}].quote")
        found = article.find(ex["quote"], ex.get("occurrence"), where)
        if isinstance(found, Problem):
            problems.append(found)
        else:
            article.exclusions.append(found)
    return problems


def _shape(doc: Any, spec: dict[str, F], label: str) -> list[Problem]:
    """Spec problems and unfinished entries; a placeholder is reported as one, not also as a bad value.

    One walk says both (`walk.check`): the same problems, in the order the two checks gave them apart.
    """
    shape, todo = walk.check(doc, spec, label)
    held = {(p.line, p.field) for p in todo if p.check == "placeholder"}
    return [p for p in shape if (p.line, p.field) not in held] + todo


def _load_checked(path: Path, label: str, spec: dict[str, F]) -> tuple[Any, list[Problem]]:
    """A curation file parsed and checked against `spec` (one walk); None where either refuses it."""
    doc, problems = yamlfile.load(path, label)
    if doc is None:
        return None, problems
    shape = _shape(doc, spec, label)
    return (None, problems + shape) if shape else (doc, problems)


def _not_regular(label: str) -> Problem:
    return Problem(label, check="path", message="curation files must be regular files in build/")


def _regular(path: Path) -> bool:
    """A file listed from a folder is inside it unless it is a link (a linked folder is checked by the caller)."""
    return not path.is_symlink()


def registry_files(curation_dir: Path) -> Iterator[tuple[dict[str, Any] | None, list[Problem]]]:
    """`registry.yaml`, then every part in `registry/` (sorted), one parsed file at a time.

    A large registry can be split into parts (by year, by topic) so that no file has to be
    parsed whole and none is held longer than it takes to make its rows; each record
    remembers its file (`source`) for error messages.
    """
    main = curation_dir / REGISTRY
    if not main.is_file():
        yield None, [Problem(f"build/{REGISTRY}", check="missing file", message="the registry is missing")]
        return
    for path in registry_paths(curation_dir):
        yield read_registry_file(curation_dir, path)


def read_registry_file(curation_dir: Path, path: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """One registry file (`registry.yaml` or a part), parsed and checked against the spec; None if refused.

    Each record remembers its file (`source`) for error messages.
    """
    label = f"build/{path.relative_to(curation_dir).as_posix()}"
    main, folder = curation_dir / REGISTRY, curation_dir / REGISTRY_PARTS
    if not _regular(path) or (path != main and folder.is_symlink()):
        return None, [_not_regular(label)]
    doc, problems = _load_checked(path, label, REGISTRY_SPEC)
    if doc is None:
        return None, problems
    for items in doc.values():
        for item in items or []:
            item.source = label
    return doc, problems


def registry_paths(curation_dir: Path) -> list[Path]:
    """The registry files in the order they are read: `registry.yaml`, then the parts, sorted."""
    return [curation_dir / REGISTRY, *sorted((curation_dir / REGISTRY_PARTS).glob("*.yaml"))]


def read_registry(curation_dir: Path) -> tuple[dict[str, list[Any]] | None, list[Problem]]:
    """Every registry file merged section by section (small corpora and tools; the build streams)."""
    merged: dict[str, list[Any]] = {}
    problems: list[Problem] = []
    for doc, found in registry_files(curation_dir):
        problems += found
        for section, items in (doc or {}).items():
            merged.setdefault(section, []).extend(items or [])
    return (None if problems else merged), problems


def read_article(path: Path, seed: Seed) -> tuple[Article | None, list[Problem]]:
    """One article's curation, checked against the spec, with its body located in the seed."""
    label = f"build/{seed.article_id}.yaml"
    if not _regular(path):
        return None, [_not_regular(label)]
    doc, problems = _load_checked(path, label, ARTICLE_SPEC)
    if doc is None:
        return None, problems
    article = Article(seed, label, doc)
    problems += _body(article)
    return article, problems


def articles(
    curation_dir: Path,
    seeds: dict[str, Seed],
    present: set[str] | None = None,
    on_article: Callable[[str], None] | None = None,
) -> Iterator[tuple[Article | None, list[Problem]]]:
    """One curation file per seed (no more, no fewer), read lazily in article order.

    `present` names the seed files on disk, valid or not: a curation whose seed exists but
    failed its checks is not also reported as having no seed.
    """
    orphans, planned = plan(curation_dir, seeds, present)
    for found in orphans:
        yield None, [found]
    for article_id, seed, path in planned:
        if on_article:
            on_article(article_id)
        yield read_article_or_missing(path, seed)


def plan(
    curation_dir: Path, seeds: dict[str, Seed], present: set[str] | None = None
) -> tuple[list[Problem], list[tuple[str, Seed, Path | None]]]:
    """Curation files without a seed (problems), and (article id, seed, its curation file or None) in article order."""
    files = {stem: curation_dir / name for stem, name in _yaml_names(curation_dir) if name != REGISTRY}
    orphans = [
        Problem(
            f"build/{stem}.yaml",
            check="no seed",
            message=f"curation without a seed: seeds/{stem}.txt is missing or unpinned",
        )
        for stem in sorted(set(files) - set(seeds) - (present or set()))
    ]
    return orphans, [(article_id, seed, files.get(article_id)) for article_id, seed in sorted(seeds.items())]


def _yaml_names(folder: Path) -> Iterator[tuple[str, str]]:
    """(stem, name) of each `*.yaml` entry of `folder`, as `folder.glob("*.yaml")` gives them (hidden
    names too; an absent folder: none), from one directory read without a path object per entry."""
    try:
        names = os.listdir(folder)
    except (FileNotFoundError, NotADirectoryError, PermissionError):
        return
    for name in names:
        if name.endswith(".yaml"):
            yield (name[:-5] if len(name) > 5 else name), name  # pathlib's stem: ".yaml" alone has no suffix


def read_article_or_missing(path: Path | None, seed: Seed) -> tuple[Article | None, list[Problem]]:
    """`read_article`, or the problem of a seed that has no curation file."""
    if path is None:
        return None, [
            Problem(
                f"seeds/{seed.file_name}",
                check="no curation",
                message=f"seed without curation: write build/{seed.article_id}.yaml (see new-article)",
            )
        ]
    return read_article(path, seed)


def read(
    curation_dir: Path,
    seeds: dict[str, Seed],
    present: set[str] | None = None,
    on_article: Callable[[str], None] | None = None,
) -> tuple[Curation | None, list[Problem]]:
    """The registry and every article at once: for small corpora and tools (the build streams)."""
    registry, problems = read_registry(curation_dir)
    found: dict[str, Article] = {}
    for article, more in articles(curation_dir, seeds, present, on_article):
        problems += more
        if article is not None:
            found[article.article_id] = article
    if registry is None:
        return None, problems
    return Curation(registry, found), problems
