"""Pakistan–Afghanistan diplomatic engagements, curated from news articles.

    import pak_afghan_diplomacy as pad
    pad.tables()                              # ['articles', 'persons', ...]
    meetings = pad.load("meetings")           # a polars DataFrame
    meetings = pad.load("meetings", backend="pandas")
    pad.load("meetings", columns=["meeting_id", "date"], filters={"country": "Afghanistan"})
    pad.scan("statements")                    # a polars LazyFrame
    pad.search("Durani")                      # persons and posts by any spelling

Nothing is read, and neither polars nor pandas is imported, until a table is asked for.
"""

from __future__ import annotations

import copy
import functools
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

from pak_afghan_diplomacy._about import __version__

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    import pandas
    import polars

    from pak_afghan_diplomacy import metadata

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
    "scan",
    "search",
    "tables",
]


def data_dir() -> Traversable:
    """The published data package: inside the installed wheel, or `datasets/` of a source checkout."""
    return _found_data_dir()


@functools.cache
def _found_data_dir() -> Traversable:
    """Where the package is, looked up once. An install on a file system is next to this module, found
    without importing importlib.resources (a tenth of `import` + `load()`); a zipped one needs it."""
    beside = Path(__file__).parent / "datasets"
    if beside.joinpath("datapackage.json").is_file():
        return beside
    from importlib.resources import files

    packaged = files(__name__) / "datasets"
    if packaged.joinpath("datapackage.json").is_file():
        return packaged
    # An editable install of a checkout: the package sits in src/, the data at the top level.
    return Path(__file__).resolve().parents[2] / "datasets"


_DESCRIPTORS: dict[tuple[str, int, int], tuple[dict[str, Any], Traversable, Path | None]] = {}


def _package() -> tuple[dict[str, Any], Traversable, Path | None]:
    """(descriptor, folder, the folder resolved) parsed once per descriptor version (keyed on path, size and
    mtime): `load()` needs them on every call, and must cost little more than reading the Parquet file."""
    folder = data_dir()
    path = _joined(folder, "datapackage.json")
    try:
        st = os.stat(_text(path))
        key = (str(path), st.st_size, st.st_mtime_ns)
    except OSError:  # not on a file system (a zipped install): read it every time
        return json.loads(path.read_text(encoding="utf-8")), folder, None
    if key not in _DESCRIPTORS:
        _DESCRIPTORS.clear()
        resolved = Path(folder).resolve() if isinstance(folder, Path) else None
        _DESCRIPTORS[key] = (json.loads(path.read_text(encoding="utf-8")), folder, resolved)
    return _DESCRIPTORS[key]


def _descriptor() -> dict[str, Any]:
    return _package()[0]


@functools.lru_cache(maxsize=256)
def _text(path: Any) -> str:
    """`str(path)`, remembered: pathlib's str is slow enough to matter on every load."""
    return str(path)


def datapackage() -> dict[str, Any]:
    """The Frictionless descriptor (`datapackage.json`) as a dict (a fresh copy: edit it freely)."""
    return copy.deepcopy(_descriptor())


def tables() -> list[str]:
    """Names of the published tables, in publication order."""
    return [r["name"] for r in _descriptor()["resources"] if r["format"] == "parquet"]


Filters = Mapping[str, Any]


@overload
def load(
    name: TableName,
    backend: Literal["polars"] = "polars",
    *,
    columns: Sequence[str] | None = None,
    filters: Filters | None = None,
    verify: bool = True,
) -> polars.DataFrame: ...
@overload
def load(
    name: TableName,
    backend: Literal["pandas"],
    *,
    columns: Sequence[str] | None = None,
    filters: Filters | None = None,
    verify: bool = True,
) -> pandas.DataFrame: ...


def load(
    name: TableName,
    backend: Literal["polars", "pandas"] = "polars",
    *,
    columns: Sequence[str] | None = None,
    filters: Filters | None = None,
    verify: bool = True,
) -> Any:
    """Load one table from its Parquet file, as a polars (default) or pandas DataFrame.

    columns: only these columns, e.g. `columns=["meeting_id", "date"]`.
    filters: rows whose column equals a value, or is in a list/set/tuple of values, e.g.
        `filters={"country": "Afghanistan", "kind": ["visit", "bilateral meeting"]}`; for anything
        else use `scan(name)` and polars expressions.
    verify: check cheaply that the file is the one the descriptor describes (inside the package,
        its columns and their types); `verify=False` skips it.
    """
    if backend not in ("polars", "pandas"):
        raise ValueError(f"backend must be 'polars' or 'pandas', not {backend!r}")
    resource = _resource(name)
    path = _table_path(resource, verify)
    if backend == "pandas":
        if columns is not None or filters:
            frame = _read(path, resource, columns, filters, verify)
            return _to_pandas(frame.to_arrow())
        return _pandas(path)
    return _read(path, resource, columns, filters, verify)


def scan(name: TableName) -> polars.LazyFrame:
    """A table as a polars LazyFrame: filter and select before anything is read.

    pad.scan("statements").filter(pl.col("text").str.contains("border")).collect()
    """
    import polars as pl

    path = _table_path(_resource(name), True)
    return pl.scan_parquet(str(path)) if isinstance(path, Path) else pl.read_parquet(path.read_bytes()).lazy()


def _resource(name: str) -> dict[str, Any]:
    for r in _descriptor()["resources"]:
        if r["name"] == name and r["format"] == "parquet":
            return r
    raise KeyError(f"no table {name!r}; tables are: {', '.join(tables())}")


def _table_path(resource: dict[str, Any], verify: bool) -> Traversable:
    _, folder, resolved = _package()
    path = _joined(folder, resource["path"])
    if verify and isinstance(path, Path) and resolved is not None:
        # A link is only followed inside the package (a resolve costs a syscall per link, so ask first).
        linked = os.path.islink(_text(path)) or os.path.islink(_text(path.parent))
        if linked and not path.resolve().is_relative_to(resolved):
            raise ValueError(f"{path}: the table file lies outside the data package (a link); refusing to read it")
        size = resource.get("bytes")
        if size is not None and path.stat().st_size != size:
            raise ValueError(f"{path}: {path.stat().st_size} bytes, the descriptor says {size}")
    return path


@functools.lru_cache(maxsize=256)
def _joined(folder: Any, relative: str) -> Any:
    return folder.joinpath(*relative.split("/"))


_DTYPES = {"string": "String", "integer": "Int64", "boolean": "Boolean", "date": "Date"}
_EXPECTED: dict[int, tuple[dict[str, Any], dict[str, Any], list[type]]] = {}


def _classes(resource: dict[str, Any]) -> list[type]:
    _expected(resource)
    return _EXPECTED[id(resource)][2]


def _expected(resource: dict[str, Any]) -> dict[str, Any]:
    """Column -> polars dtype the descriptor gives, built once per resource object (the descriptor is cached)."""
    import polars as pl

    hit = _EXPECTED.get(id(resource))
    if hit is None or hit[0] is not resource:
        types = {"string": pl.String, "integer": pl.Int64, "boolean": pl.Boolean, "date": pl.Date}
        dtypes = {f["name"]: types[f["type"]]() for f in resource["schema"]["fields"]}
        hit = (resource, dtypes, [type(t) for t in dtypes.values()])
        _EXPECTED[id(resource)] = hit
    return hit[1]


def _read(
    path: Traversable,
    resource: dict[str, Any],
    columns: Sequence[str] | None,
    filters: Filters | None,
    verify: bool,
) -> polars.DataFrame:
    import polars as pl

    names = [f["name"] for f in resource["schema"]["fields"]]
    for column in [*(columns or []), *(filters or {})]:
        if column not in names:
            raise KeyError(f"{resource['name']} has no column {column!r}; columns are: {', '.join(names)}")
    source: Any = _text(path) if isinstance(path, Path) else path.read_bytes()
    if columns is None and not filters:
        frame = pl.read_parquet(source)
    else:
        lazy = pl.scan_parquet(source) if isinstance(source, str) else pl.read_parquet(source).lazy()
        for column, value in (filters or {}).items():
            if isinstance(value, (list, tuple, set, frozenset)):
                lazy = lazy.filter(pl.col(column).is_in(list(value)))
            elif value is None:
                lazy = lazy.filter(pl.col(column).is_null())
            else:
                lazy = lazy.filter(pl.col(column) == value)
        frame = lazy.select(list(columns) if columns is not None else pl.all()).collect()
    if verify:
        wanted = _expected(resource)
        # The common case, checked in microseconds: our four dtypes have no parameters, so their classes say it.
        if columns is None and frame.columns == names and list(map(type, frame.dtypes)) == _classes(resource):
            return frame
        got = {c: str(t) for c, t in frame.schema.items()}
        expected = {c: str(wanted[c]) for c in (columns if columns is not None else names)}
        if got != expected:
            extra = [c for c in got if c not in expected]
            wrong = [f"{c} is {got[c]}, not {t}" for c, t in expected.items() if c in got and got[c] != t]
            missing = [c for c in expected if c not in got]
            said = "; ".join(
                [*(f"unexpected column {c!r}" for c in extra), *wrong, *(f"missing column {c!r}" for c in missing)]
            )
            raise ValueError(
                f"{path}: the file does not match the descriptor ({said}); "
                "run `pak-afghan-diplomacy validate`, or load(..., verify=False) to read it anyway"
            )
    return frame


def _pandas(path: Traversable) -> pandas.DataFrame:
    """Typed for analysis: real dates as datetime64, nullable Int64, boolean and string columns.

    Read by polars (Rust threads), converted without Arrow's C++ thread pool: a pool still tearing
    down at interpreter exit aborts the process ("terminate called without an active exception",
    apache/arrow#34314, seen once in tests/test_extras.py under load), and our tables are small.
    """
    import polars as pl

    _need_pandas()
    source: Any = str(path) if isinstance(path, Path) else path.read_bytes()
    return _to_pandas(pl.read_parquet(source).to_arrow())


def _need_pandas() -> None:
    try:
        import pandas  # noqa: F401
    except ImportError:
        raise ModuleNotFoundError(
            "backend='pandas' needs the 'pandas' extra: pip install 'pak-afghan-diplomacy[pandas]'"
        ) from None


def _to_pandas(table: Any) -> pandas.DataFrame:
    _need_pandas()
    import pandas as pd
    import pyarrow as pa

    mapping = {
        pa.int64(): pd.Int64Dtype(),
        pa.bool_(): pd.BooleanDtype(),
        pa.string(): pd.StringDtype(),
        pa.large_string(): pd.StringDtype(),
        pa.string_view(): pd.StringDtype(),
    }
    frame = table.to_pandas(types_mapper=mapping.get, date_as_object=False, use_threads=False)
    for column in table.schema:
        if pa.types.is_date(column.type):
            frame[column.name] = pd.to_datetime(frame[column.name])
    return frame


def search(text: str, limit: int = 10, min_score: float = 75) -> polars.DataFrame:
    """Persons and posts whose name, any spelling of it, or any wording of the post resembles `text`.

    pad.search("Rahimi")   # finds a person spelt "Raheemi", with the spelling matched and a score (0–100)
    Fuzzy (rapidfuzz), case- and accent-insensitive; the best match per person or post, best first.
    """
    from pak_afghan_diplomacy import metadata

    return metadata.search(load, text, limit, min_score)


def describe(name: str) -> metadata.TableDescription:
    """A table's description, columns (type, required, meaning), keys and row count; `print()` it."""
    import pyarrow.parquet as pq

    from pak_afghan_diplomacy import metadata

    resource = metadata.describe(_descriptor(), name, 0)  # raises KeyError naming the tables
    with _table_path(_resource(name), True).open("rb") as fh:
        rows = pq.ParquetFile(fh).metadata.num_rows
    return metadata.TableDescription(**{**resource.__dict__, "rows": rows})


def cite(*record_ids: str) -> metadata.Citation:
    """How to cite the dataset (`.text`, `.bibtex`); given record ids, the articles they rest on (`.articles`).

    pad.cite("2024-12-sadiq-haqqani-kabul").articles   # title, publisher, date and URL of each source
    """
    import hashlib

    from pak_afghan_diplomacy import metadata

    digest = hashlib.sha256(data_dir().joinpath("datapackage.json").read_bytes()).hexdigest()
    return metadata.cite(_descriptor(), load, record_ids, digest)


def csv_schema(name: str) -> dict[str, Any]:
    """Column -> polars dtype of table `name`, from the descriptor: `pl.read_csv(path, schema=csv_schema(name))`
    keeps coded text such as `cameo_code` "040" as text and reads dates as dates."""
    import polars as pl

    from pak_afghan_diplomacy import metadata

    types = {"string": pl.String, "integer": pl.Int64, "boolean": pl.Boolean, "date": pl.Date}
    fields = metadata.describe(_descriptor(), name, 0).columns
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
    from importlib.resources import files

    packaged = files(__name__) / "docs" / shipped
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / in_checkout
