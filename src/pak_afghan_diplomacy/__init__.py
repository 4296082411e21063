"""Pakistan–Afghanistan diplomatic engagements, curated from news articles.

    import pak_afghan_diplomacy as pad
    pad.tables()                              # ['articles', 'persons', ...]
    meetings = pad.load("meetings")           # a polars DataFrame
    meetings = pad.load("meetings", backend="pandas")

Nothing is read, and neither polars nor pandas is imported, until a table is asked for.
"""

from __future__ import annotations

import json
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

from pak_afghan_diplomacy._about import __version__

if TYPE_CHECKING:
    import pandas
    import polars

TableName = Literal[
    "articles",
    "body_exclusions",
    "persons",
    "person_names",
    "organizations",
    "posts",
    "post_aliases",
    "roles",
    "role_observations",
    "meetings",
    "meeting_sources",
    "meeting_participants",
    "utterances",
    "statements",
    "statement_speakers",
    "evidence",
    "conflicts",
    "conflict_records",
]

__all__ = ["TableName", "__version__", "data_dir", "datapackage", "load", "tables"]


def data_dir() -> Traversable:
    """The published data package: inside the installed wheel, or `datasets/` of a source checkout."""
    packaged = files(__name__) / "datasets"
    if packaged.joinpath("datapackage.json").is_file():
        return packaged
    # An editable install of a checkout: the package sits in src/, the data at the top level.
    return Path(__file__).resolve().parents[2] / "datasets"


def datapackage() -> dict[str, Any]:
    """The Frictionless descriptor (`datapackage.json`) as a dict."""
    return json.loads(data_dir().joinpath("datapackage.json").read_text(encoding="utf-8"))


def tables() -> list[str]:
    """Names of the published tables, in publication order."""
    return [r["name"] for r in datapackage()["resources"] if r["format"] == "parquet"]


@overload
def load(name: TableName, backend: Literal["polars"] = "polars") -> polars.DataFrame: ...
@overload
def load(name: TableName, backend: Literal["pandas"]) -> pandas.DataFrame: ...


def load(name: TableName, backend: Literal["polars", "pandas"] = "polars") -> Any:
    """Load one table from its Parquet file, as a polars (default) or pandas DataFrame."""
    known = tables()
    if name not in known:
        raise KeyError(f"no table {name!r}; tables are: {', '.join(known)}")
    path = data_dir().joinpath("parquet", f"{name}.parquet")
    if backend == "polars":
        import polars as pl

        with path.open("rb") as fh:
            return pl.read_parquet(fh)
    if backend == "pandas":
        import pyarrow.parquet as pq

        with path.open("rb") as fh:
            return pq.read_table(fh).to_pandas()
    raise ValueError(f"backend must be 'polars' or 'pandas', not {backend!r}")
