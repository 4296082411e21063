"""Step 5: publish the validated tables as a Frictionless Data Package, atomically.

`render` makes every file's bytes; `write_atomic` (in `atomic`) puts them in place in one
step, so a build that fails or is killed anywhere leaves the previous `datasets/` complete.
Bytes depend only on the data and the pinned writer versions, never on the clock.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import struct
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from pak_afghan_diplomacy._about import RELEASE_DATE, __version__
from pak_afghan_diplomacy.pipeline.publish.atomic import (
    DESCRIPTOR,
    InPlace,
    OutputRefused,
    Streamed,
    check_target,
    own_file,
    stat_of,
    write_atomic,
)
from pak_afghan_diplomacy.schema import MODELS
from pak_afghan_diplomacy.schema.frictionless import arrow_schema, describe, keys, table_schema

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
FORMATS = {
    # format -> (folder, resource-name suffix, mediatype)
    "parquet": ("parquet", "", "application/vnd.apache.parquet"),
    "csv": ("csv", "-csv", "text/csv"),
}


def sort_frame(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Rows by primary key, columns in schema order: output independent of curation order."""
    return frame.select(list(MODELS[name].to_schema().columns)).sort(keys(MODELS[name])["primary_key"])


def parquet_bytes(name: str, frame: pl.DataFrame) -> bytes:
    schema = arrow_schema(MODELS[name])
    # Columnar all the way (no Python row objects); the cast fixes Arrow types and nullability.
    table = pa.Table.from_arrays(
        [_as(frame[c].to_arrow(), f.type) for c, f in zip(schema.names, schema, strict=True)], schema=schema
    )
    buf = io.BytesIO()
    pq.write_table(
        table,
        buf,
        compression="zstd",
        compression_level=9,
        use_dictionary=False,
        write_statistics=True,
        row_group_size=1_000_000,
        store_schema=True,
    )
    return buf.getvalue()


_NARROWED_BELOW = 200_000  # rows; above, `pyarrow.compute`'s cast costs less than its import and a loop


def _as(array: pa.Array, to: pa.DataType) -> pa.Array:
    """`array.cast(to)`; a small column of polars' large strings made Arrow strings without `pyarrow.compute`.

    Casting imports `pyarrow.compute` (about 0.12 s, a twentieth of the real build), and the one
    cast the package needs is large_string -> string: the same validity and character bytes with
    32-bit offsets (narrowed by `struct`, in C), which cannot overflow below 2 GiB of characters.
    """
    if array.type == to:
        return array
    if to != pa.string() or not isinstance(array, pa.LargeStringArray) or len(array) >= _NARROWED_BELOW:
        return array.cast(to)
    validity, offsets, data = array.buffers()
    n = array.offset + len(array) + 1
    wide = struct.unpack_from(f"={n}q", offsets)
    if wide[-1] > 2**31 - 1:
        return array.cast(to)
    narrow = pa.py_buffer(struct.pack(f"={n}i", *wide))
    return pa.Array.from_buffers(to, len(array), [validity, narrow, data], array.null_count, array.offset)


def write_csv(frame: pl.DataFrame, path: Path) -> None:
    """The CSV of `frame` written to `path` as `csv_bytes` makes it, from polars' writer straight to the file."""
    frame.write_csv(path, include_header=True, line_terminator="\n", null_value="")


def csv_bytes(frame: pl.DataFrame) -> bytes:
    buf = io.BytesIO()  # written as bytes: not a str of the whole table and its encoded copy besides
    frame.write_csv(buf, include_header=True, line_terminator="\n", null_value="")
    return buf.getvalue()


def _sources(articles: pl.DataFrame) -> list[dict[str, Any]]:
    out = []
    columns = ("title", "url", "published_date", "publisher", "source_file")
    # column by column: not one dict per row made by polars and read back by name
    for title, url, published, publisher, source_file in zip(*(articles[c].to_list() for c in columns), strict=True):
        # `path` is where a reader finds the article: its URL, never a seeds/ file the wheel does not ship
        source = {"title": title, **({"path": url} if url else {}), "published": published}
        if publisher:
            source["publisher"] = publisher
        source["seed"] = f"seeds/{source_file}"
        out.append(source)
    return out


def descriptor(frames: Mapping[str, pl.DataFrame], sums: Mapping[str, tuple[int, str]]) -> dict[str, Any]:
    """The datapackage.json; `sums` gives each file's (size, sha256 hex) by its path."""
    resources = []
    for fmt, (folder, suffix, mediatype) in FORMATS.items():
        for name in MODELS:
            path = f"{folder}/{name}.{fmt}"
            size, sha256 = sums[path]
            resource: dict[str, Any] = {
                "name": f"{name}{suffix}",
                "type": "table",
                "title": f"{name} ({fmt.upper() if fmt == 'csv' else 'Parquet'})",
                "description": describe(name),
                "path": path,
                "format": fmt,
                "mediatype": mediatype,
                "bytes": size,
                "hash": "sha256:" + sha256,
                "schema": table_schema(name, resource_suffix=suffix),
            }
            if fmt == "parquet":
                # frictionless-py 5 reads Parquet without its byte-counting loader and so reports
                # every declared size as wrong; the sha256 `hash` (checked by `validate`) stands.
                del resource["bytes"]
            if fmt == "csv":
                resource["encoding"] = "utf-8"
                resource["dialect"] = {"header": True, "delimiter": ",", "quoteChar": '"', "doubleQuote": True}
            resources.append(resource)
    return {
        "$schema": PROFILE,
        "name": "pak-afghan-diplomacy",
        "title": "Pakistan–Afghanistan diplomatic engagements",
        "description": (
            "Persons, roles, meetings and statements in Pakistan–Afghanistan diplomacy, curated from news "
            "articles. Every row points at the article and the exact characters that support it "
            "(code-point offsets into the seed text, see `evidence`). Each table is published twice: "
            "Parquet (resources named after the table) and CSV (the same name with `-csv`). "
            "Parquet resources carry their sha256 hash but no `bytes`: frictionless-py cannot measure Parquet sizes."
        ),
        "version": __version__,
        "created": f"{RELEASE_DATE}T00:00:00Z",
        "keywords": ["Pakistan", "Afghanistan", "diplomacy", "special envoy", "Taliban", "events", "quotations"],
        "licenses": [
            {
                "name": "CC-BY-4.0",
                "path": "https://creativecommons.org/licenses/by/4.0/",
                "title": "CC BY 4.0 for the curated tables; quoted article text remains its publishers'",
            }
        ],
        "contributors": [{"title": "pak-afghan-diplomacy contributors", "roles": ["creator"]}],
        "sources": _sources(frames["articles"]),
        "resources": resources,
    }


def render(frames: Mapping[str, pl.DataFrame]) -> dict[str, bytes]:
    """Every published file's bytes, keyed by path inside `datasets/`."""
    return {path: data for path, data in render_files(frames) if isinstance(data, bytes)}  # every file: no stream


# A table's files made before: `earlier(name, frame)` gives the (parquet, csv) files of exactly this
# table if it knows them (each its bytes, or an `InPlace`: a file the package in place holds), else
# None; `made(name, parquet, csv)` is told of every table rendered anew, each file as (size, sha256).
Earlier = Callable[[str, pl.DataFrame], tuple[bytes | InPlace, bytes | InPlace] | None]
Made = Callable[[str, tuple[int, str], tuple[int, str]], None]


def table_files(name: str, frame: pl.DataFrame) -> tuple[bytes, bytes]:
    """A table's Parquet and CSV bytes."""
    ordered = sort_frame(name, frame)
    return parquet_bytes(name, ordered), csv_bytes(ordered)


def render_files(
    frames: Mapping[str, pl.DataFrame],
    earlier: Earlier | None = None,
    made: Made | None = None,
    *,
    stream: bool = False,
    sums: dict[str, tuple[int, str]] | None = None,
) -> Iterator[tuple[str, bytes | InPlace | Streamed]]:
    """Each published file as it is made, `datapackage.json` last: one table's bytes held at a time.

    A table whose files `earlier` still knows is not rendered again (a rebuild after one article
    changed renders the few tables that changed, and links the others' files in place). With
    `stream`, a table's CSV is a `Streamed`, written by polars into its file, never held in memory
    (its size and sha256 are known once the consumer, `write_atomic`, has written it). `sums` is
    given every file's (size, sha256), the descriptor's last.
    """
    sums = {} if sums is None else sums
    for name, frame in frames.items():
        found = earlier(name, frame) if earlier else None
        fresh = found is None
        ordered = None
        if found is None:
            ordered = sort_frame(name, frame)
            csv: bytes | Streamed = Streamed(functools.partial(write_csv, ordered)) if stream else csv_bytes(ordered)
            found = parquet_bytes(name, ordered), csv
        paths = (f"parquet/{name}.parquet", f"csv/{name}.csv")
        for path, data in zip(paths, found, strict=True):
            yield path, data
            if isinstance(data, InPlace | Streamed):
                sums[path] = (data.size, data.sha256)
            else:
                sums[path] = (len(data), hashlib.sha256(data).hexdigest())
            del data
        del ordered
        if fresh and made:
            made(name, sums[paths[0]], sums[paths[1]])
        del found
    desc = descriptor(frames, sums)
    data = (json.dumps(desc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    sums[DESCRIPTOR] = (len(data), hashlib.sha256(data).hexdigest())
    yield DESCRIPTOR, data


__all__ = [
    "DESCRIPTOR",
    "FORMATS",
    "InPlace",
    "OutputRefused",
    "Streamed",
    "check_target",
    "descriptor",
    "own_file",
    "render",
    "render_files",
    "stat_of",
    "table_files",
    "write_atomic",
]
