"""The build: seeds -> curation -> tables -> validation -> publication (see `run`).

Names are imported lazily so that `validate`, `export` and `plot`, which use only
`verify`, `checks` and `problems`, never import the build's own dependencies (PyYAML).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pak_afghan_diplomacy.pipeline.problems import BuildError, Problem
    from pak_afghan_diplomacy.pipeline.run import Layout, build, make_tables

_LAZY = {
    "BuildError": "problems",
    "Problem": "problems",
    "Layout": "run",
    "build": "run",
    "make_tables": "run",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["BuildError", "Layout", "Problem", "build", "make_tables"]
