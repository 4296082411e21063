"""Where a curated record came from: its file and line, for every problem that names them."""

from __future__ import annotations

from typing import Any

from pak_afghan_diplomacy.pipeline.read.curation import REGISTRY

REG = f"build/{REGISTRY}"


def line_of(item: Any, key: str | None = None) -> int | None:
    """The line of `item`, or of one of its keys, in its curation file."""
    if key is not None:
        return getattr(item, "lines", {}).get(key, getattr(item, "line", None))
    return getattr(item, "line", None)


def source_of(item: Any) -> str:
    """The registry file a record came from (`registry.yaml` or a part in `registry/`)."""
    return getattr(item, "source", REG)
