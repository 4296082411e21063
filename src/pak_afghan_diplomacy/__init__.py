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

from pak_afghan_diplomacy import metadata
from pak_afghan_diplomacy._about import __version__

if TYPE_CHECKING:
    import pandas
    import polars

TableName = Literal[
    "articles",
    "body_exclusions",
    "dismissals",
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
    "incidents",
    "incident_sources",
    "incident_actors",
    "incident_links",
    "evidence",
    "conflicts",
    "conflict_records",
]

__all__ = [
    "TableName",
    "__version__",
    "cite",
    "csv_schema",
    "data_dir",
    "datapackage",
    "describe",
    "doc",
    "load",
    "tables",
]


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
        return _pandas(path)
    raise ValueError(f"backend must be 'polars' or 'pandas', not {backend!r}")


def _pandas(path: Traversable) -> pandas.DataFrame:
    """Typed for analysis: real dates as datetime64, nullable Int64, boolean and string columns."""
    try:
        import pandas as pd
    except ImportError:
        raise ModuleNotFoundError(
            "backend='pandas' needs the 'pandas' extra: pip install 'pak-afghan-diplomacy[pandas]'"
        ) from None
    import pyarrow as pa
    import pyarrow.parquet as pq

    mapping = {pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype(), pa.string(): pd.StringDtype()}
    with path.open("rb") as fh:
        table = pq.read_table(fh)
    frame = table.to_pandas(types_mapper=mapping.get, date_as_object=False)
    for column in table.schema:
        if pa.types.is_date(column.type):
            frame[column.name] = pd.to_datetime(frame[column.name])
    return frame


def describe(name: str) -> metadata.TableDescription:
    """A table's description, columns (type, required, meaning), keys and row count; `print()` it."""
    import polars as pl

    path = data_dir().joinpath("parquet", f"{name}.parquet")
    resource = metadata.describe(datapackage(), name, 0)  # raises KeyError naming the tables
    with path.open("rb") as fh:
        rows = pl.scan_parquet(fh).select(pl.len()).collect().item()
    return metadata.TableDescription(**{**resource.__dict__, "rows": rows})


def cite(*record_ids: str) -> metadata.Citation:
    """How to cite the dataset (`.text`, `.bibtex`); given record ids, the articles they rest on (`.articles`).

    pad.cite("2024-12-sadiq-haqqani-kabul").articles   # title, publisher, date and URL of each source
    """
    import hashlib

    digest = hashlib.sha256(data_dir().joinpath("datapackage.json").read_bytes()).hexdigest()
    return metadata.cite(datapackage(), load, record_ids, digest)


def csv_schema(name: str) -> dict[str, Any]:
    """Column -> polars dtype of table `name`, from the descriptor: `pl.read_csv(path, schema=csv_schema(name))`
    keeps coded text such as `cameo_code` "040" as text and reads dates as dates."""
    import polars as pl

    types = {"string": pl.String, "integer": pl.Int64, "boolean": pl.Boolean, "date": pl.Date}
    fields = metadata.describe(datapackage(), name, 0).columns
    return {c.name: types[c.type]() for c in fields}


# The documents shipped in the wheel's docs/ folder, and where a checkout keeps them.
DOCS = {
    "dictionary": ("DICTIONARY.md", "schema/README.md"),
    "changelog": ("CHANGELOG.md", "CHANGELOG.md"),
    "citation": ("CITATION.cff", "CITATION.cff"),
    "figure": ("timeline.png", "docs/timeline.png"),
}


def doc(name: Literal["dictionary", "changelog", "citation", "figure"]) -> Traversable:
    """A document that ships with the data: the data dictionary, the changelog, the citation file, the figure."""
    if name not in DOCS:
        raise KeyError(f"no document {name!r}; documents are: {', '.join(DOCS)}")
    shipped, in_checkout = DOCS[name]
    packaged = files(__name__) / "docs" / shipped
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / in_checkout
