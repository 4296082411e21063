"""Curation a person has not finished: placeholders left in, unreviewed drafts, inferences without reasons.

`new-article` writes a scaffold whose every open value is a `TODO …` placeholder; the
build names each one left (file, line, field) rather than publishing it, and each drafted
entry still marked `proposed` (the drafting pass marks what it proposes). An `inferred`
basis, or a spelling resolved by inference, must carry the note that says why.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pak_afghan_diplomacy.pipeline.problems import Problem

PLACEHOLDER = "TODO"
PROPOSED = "proposed"  # the mark on a drafted entry (tools/drafting) until a person reviews it
DATE_FIELDS = frozenset({"date", "published_date", "start_date", "end_date", "as_of"})


def _walk(value: Any, path: tuple, line: int | None) -> Iterator[tuple[tuple, Any, Any, int | None]]:
    """(path parts, container, key, line) of every value under `value`, depth first.

    The path stays a tuple of parts; it is joined into text only for a problem (a large
    corpus has hundreds of thousands of values and next to no problems).
    """
    if isinstance(value, dict):
        lines = getattr(value, "lines", {})
        for key, child in value.items():
            child_line = lines.get(str(key), line)
            yield path, value, key, child_line
            if isinstance(child, (dict, list)):
                yield from _walk(child, (*path, key), child_line)
    elif isinstance(value, list):
        lines = getattr(value, "lines", [])
        for i, child in enumerate(value):
            child_line = lines[i] if i < len(lines) else line
            yield path, value, i, child_line
            if isinstance(child, (dict, list)):
                yield from _walk(child, (*path, i), child_line)


def _path(parts: tuple, key: Any) -> str:
    out = ""
    for part in (*parts, key):
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _note_needed(container: Any, key: Any, value: Any) -> str | None:
    """The note key an inference at `key` must come with: `date_basis: inferred` -> `date_note`."""
    if not isinstance(key, str):
        return None
    if key.endswith("_basis") and value in ("inferred", "public-record"):
        return key.removesuffix("_basis") + "_note"
    if key == "inferred" and value is True:
        return "note"
    return None


def problems(doc: Any, label: str) -> list[Problem]:
    """Placeholders and unreviewed proposals still in `doc`, and inferences without a note (or part)."""
    found: list[Problem] = []
    for parts, container, key, line in _walk(doc, (), getattr(doc, "line", None)):
        value = container[key]
        if worth_a_look(key, value):
            check(found, label, parts, container, key, value, line)
    return found


def worth_a_look(key: Any, value: Any) -> bool:
    """Whether `check` can find anything at `key`: false for nearly every value, and cheap to say."""
    if isinstance(value, str) and value.lstrip().startswith(PLACEHOLDER):
        return True
    return isinstance(key, str) and (key == PROPOSED or key == "inferred" or key.endswith("_basis"))


def check(found: list[Problem], label: str, parts: tuple, container: Any, key: Any, value: Any, line: Any) -> None:
    """Add to `found` what is unfinished at `container[key]` (= `value`), a value at `parts` on `line`."""

    def flag(check: str, shown: Any, message: str, key: Any = key, line: Any = line) -> None:
        found.append(Problem(label, line=line, field=_path(parts, key), check=check, value=shown, message=message))

    if isinstance(value, str) and value.lstrip().startswith(PLACEHOLDER):
        flag("placeholder", value, "still a placeholder: fill it in (see build/README.md) or delete the entry")
    if key == PROPOSED:
        flag(
            "unreviewed proposal",
            value,
            "drafted, not reviewed: delete this line to accept the entry, "
            "or delete the entry (a quotation: move it to dismissed) to reject it",
        )
    note = _note_needed(container, key, value)
    if note is not None and not container.get(note):
        flag("inferred without note", note, f"an inference needs its reasoning: add {note}")
    if isinstance(key, str) and key.endswith("_basis") and value in ("inferred", "public-record"):
        part = key.removesuffix("_basis") + "_inferred_part"
        if key.removesuffix("_basis") in DATE_FIELDS and not container.get(part):
            flag(
                "inferred without part",
                part,
                f"say which part of the date is inferred: add {part} (year, day, start, end, whole)",
            )
        value_of = container.get(key.removesuffix("_basis"))
        which = container.get(part)
        if which in ("start", "end") and isinstance(value_of, str) and "/" not in value_of:
            flag(
                "inferred part",
                which,
                f"{part}: {which} is one end of an interval, but {value_of} is a single date: say day, year or whole",
                key=part,
                line=getattr(container, "lines", {}).get(part, line),
            )
