"""Curation a person has not finished: placeholders left in, inferences without their reasoning.

`new-article` writes a scaffold whose every open value is a `TODO …` placeholder; the
build names each one left (file, line, field) rather than publishing it. An `inferred`
basis, or a spelling resolved by inference, must carry the note that says why.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pak_afghan_diplomacy.pipeline.problems import Problem

PLACEHOLDER = "TODO"
DATE_FIELDS = frozenset({"date", "published_date", "start_date", "end_date", "as_of"})


def _walk(value: Any, path: str, line: int | None) -> Iterator[tuple[str, Any, Any, int | None]]:
    """(path, container, key, line) of every value under `value`, depth first."""
    if isinstance(value, dict):
        lines = getattr(value, "lines", {})
        for key, child in value.items():
            child_path = f"{path}.{key}" if path else str(key)
            child_line = lines.get(str(key), line)
            yield child_path, value, key, child_line
            yield from _walk(child, child_path, child_line)
    elif isinstance(value, list):
        lines = getattr(value, "lines", [])
        for i, child in enumerate(value):
            child_line = lines[i] if i < len(lines) else line
            yield f"{path}[{i}]", value, i, child_line
            yield from _walk(child, f"{path}[{i}]", child_line)


def problems(doc: Any, label: str) -> list[Problem]:
    """Placeholders still in `doc`, and inferences without a note."""
    found: list[Problem] = []
    for path, container, key, line in _walk(doc, "", getattr(doc, "line", None)):
        value = container[key]
        if isinstance(value, str) and value.lstrip().startswith(PLACEHOLDER):
            found.append(
                Problem(
                    label,
                    line=line,
                    field=path,
                    check="placeholder",
                    value=value,
                    message="still a placeholder: fill it in (see build/README.md) or delete the entry",
                )
            )
        if not isinstance(key, str):
            continue
        if key.endswith("_basis") and value == "inferred":
            note = key.removesuffix("_basis") + "_note"
            if not container.get(note):
                found.append(
                    Problem(
                        label,
                        line=line,
                        field=path,
                        check="inferred without note",
                        value=note,
                        message=f"an inference needs its reasoning: add {note}",
                    )
                )
            part = key.removesuffix("_basis") + "_inferred_part"
            if key.removesuffix("_basis") in DATE_FIELDS and not container.get(part):
                found.append(
                    Problem(
                        label,
                        line=line,
                        field=path,
                        check="inferred without part",
                        value=part,
                        message=f"say which part of the date is inferred: add {part} (year, day, start, end, whole)",
                    )
                )
        elif key == "inferred" and value is True and not container.get("note"):
            found.append(
                Problem(
                    label,
                    line=line,
                    field=path,
                    check="inferred without note",
                    value="note",
                    message="an inferred spelling needs its reasoning: add note",
                )
            )
    return found
