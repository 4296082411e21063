"""Re-check a published package: files, sizes, hashes, both formats agreeing, every schema.

This is what `pak-afghan-diplomacy validate` runs; it trusts nothing in the folder.
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
from pathlib import Path
from typing import Any

import polars as pl

from pak_afghan_diplomacy.pipeline.problems import Problem
from pak_afghan_diplomacy.pipeline.publish.atomic import DESCRIPTOR
from pak_afghan_diplomacy.pipeline.publish.untrusted import (
    MAX_RESOURCE_BYTES,
    Refused,
    load_descriptor,
    read_regular,
)
from pak_afghan_diplomacy.pipeline.whole import cells, checks
from pak_afghan_diplomacy.schema import MODELS
from pak_afghan_diplomacy.schema.frictionless import polars_schema, table_schema

BYTES_SLACK = 1 << 20  # how far past its declared `bytes` a file is still read, to say what changed

# polars would decompress these silently; a table file is plain CSV or Parquet.
_COMPRESSED = {
    b"\x1f\x8b": "gzip",
    b"\x28\xb5\x2f\xfd": "zstd",
    b"BZh": "bzip2",
    b"\xfd7zXZ": "xz",
    b"PK\x03\x04": "zip",
}


def compressed(data: bytes) -> str | None:
    """The compression a file's bytes start with (gzip, zstd, …), or None for a plain file."""
    return next((kind for magic, kind in _COMPRESSED.items() if data.startswith(magic)), None)


def read_table(name: str, data: bytes, fmt: str) -> pl.DataFrame:
    """A table from the bytes of its CSV or Parquet file, with the model's column types.

    A hostile file can make polars' Rust code panic (`PanicException` is a BaseException): that is
    a file that cannot be read, raised as ValueError like any other.
    """
    kind = compressed(data)
    if kind:
        raise ValueError(f"the file is {kind}-compressed; decompress it first")
    try:
        if fmt == "parquet":
            return pl.read_parquet(io.BytesIO(data))
        return pl.read_csv(io.BytesIO(data), schema=polars_schema(MODELS[name]), encoding="utf8")
    except pl.exceptions.PanicException as exc:
        raise ValueError(f"the reader gave up on it ({str(exc).splitlines()[0][:200]})") from None


def verify(folder: Path, seeds_dir: Path | None = None) -> tuple[list[Problem], dict[str, int]]:
    """Every problem with the package in `folder`, and the row count of each table.

    Raises OSError when there is no descriptor to read at all (no folder, no `datapackage.json`,
    or a folder in its place): that is a wrong path, not a package that failed a check. With
    `seeds_dir`, every article's seed must be there: a missing one is a problem, never a span
    check quietly skipped.
    """
    label = str(folder / DESCRIPTOR)
    if not folder.exists():
        raise FileNotFoundError(errno.ENOENT, "no package folder", str(folder))
    if not folder.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "not a package folder", str(folder))
    if (folder / DESCRIPTOR).is_dir():
        raise IsADirectoryError(errno.EISDIR, "a folder where datapackage.json should be", label)
    try:
        desc: Any = load_descriptor(folder)  # FileNotFoundError: no package here
    except Refused as exc:
        return [Problem(label, check="refused", message=exc.reason)], {}
    except UnicodeDecodeError as exc:
        return [Problem(label, check="encoding", message=f"not UTF-8: {exc.reason} at byte {exc.start}")], {}
    except json.JSONDecodeError as exc:
        return [Problem(label, line=exc.lineno, check="json", message=f"not valid JSON: {exc.msg}")], {}
    if not isinstance(desc, dict):
        return [Problem(label, check="shape", message=f"expected a JSON object, not {type(desc).__name__}")], {}
    problems: list[Problem] = []
    resources = _resources(desc, label, problems)
    frames: dict[str, dict[str, pl.DataFrame]] = {"parquet": {}, "csv": {}}
    for fmt, suffix in (("parquet", ""), ("csv", "-csv")):
        for name in MODELS:
            res = resources.get(name + suffix)
            where = f"datapackage.json:{name + suffix}"
            if res is None:
                problems.append(Problem(where, check="missing resource", message="resource not in the descriptor"))
                continue
            if res.get("schema") != table_schema(name, resource_suffix=suffix):
                problems.append(
                    Problem(
                        where,
                        field="schema",
                        check="schema matches model",
                        message="the descriptor's schema differs from the table model",
                    )
                )
            data = _resource_bytes(folder, res, where, problems)
            if data is None:
                continue
            if res.get("bytes", len(data) if fmt == "parquet" else None) != len(data):
                problems.append(
                    Problem(
                        where,
                        field="bytes",
                        check="bytes",
                        value=str(len(data)),
                        message=f"descriptor says {str(res.get('bytes'))[:40]} bytes",
                    )
                )
            digest = "sha256:" + hashlib.sha256(data).hexdigest()
            if res.get("hash") != digest:
                problems.append(
                    Problem(
                        where,
                        field="hash",
                        check="hash",
                        value=digest,
                        message=f"file changed since publication (descriptor: {str(res.get('hash'))[:80]})",
                    )
                )
            try:
                frames[fmt][name] = read_table(name, data, fmt)
            except Exception as exc:
                problems.append(Problem(where, check="readable", message=f"cannot read {fmt}: {exc}"))
    for name in MODELS:
        a, b = frames["parquet"].get(name), frames["csv"].get(name)
        if a is not None and b is not None and not a.equals(b):
            problems.append(Problem(name, check="csv equals parquet", message="the CSV and Parquet rows differ"))
    texts = None
    if seeds_dir is not None and "articles" in frames["parquet"]:
        texts = _seed_texts(seeds_dir, frames["parquet"]["articles"], problems)
    if len(frames["parquet"]) == len(MODELS):
        problems += checks.all_problems(frames["parquet"], texts)
        problems += cells.cell_problems(frames["parquet"])
    counts = {name: f.height for name, f in frames["parquet"].items()}
    return problems, counts


def _resources(desc: dict[str, Any], label: str, problems: list[Problem]) -> dict[str, dict[str, Any]]:
    """The descriptor's resources by name; each malformed one becomes a problem."""
    found = desc.get("resources")
    if not isinstance(found, list):
        problems.append(Problem(label, field="resources", check="shape", message="expected a list of resources"))
        return {}
    out: dict[str, dict[str, Any]] = {}
    expected = {name + suffix for name in MODELS for suffix in ("", "-csv")}
    if len(found) > 2 * len(expected):
        message = f"{len(found):,} resources; a package of these tables has {len(expected)}: not read"
        problems.append(Problem(label, field="resources", check="shape", message=message))
        return {}
    for i, res in enumerate(found):
        if isinstance(res, dict) and isinstance(res.get("name"), str) and res["name"] in out:
            problems.append(
                Problem(
                    label,
                    field=f"resources[{i}].name",
                    check="duplicate resource",
                    value=res["name"][:40],
                    message="a second resource of this name: a reader could take either",
                )
            )
            continue
        if isinstance(res, dict) and isinstance(res.get("name"), str) and res["name"] not in expected:
            problems.append(
                Problem(
                    label,
                    field=f"resources[{i}].name",
                    check="unknown resource",
                    value=res["name"][:40],
                    message="not one of the package's tables (in Parquet, or -csv): no file of it is read",
                )
            )
            continue
        if not isinstance(res, dict) or not isinstance(res.get("name"), str):
            problems.append(
                Problem(
                    label,
                    field=f"resources[{i}]",
                    check="shape",
                    value=str(res)[:40],
                    message="expected an object with a text `name`",
                )
            )
            continue
        out[res["name"]] = res
    return out


def _resource_bytes(folder: Path, res: dict[str, Any], where: str, problems: list[Problem]) -> bytes | None:
    """The bytes of a resource's file, if its `path` is a relative path to a file inside `folder`."""
    rel = res.get("path")
    if not isinstance(rel, str) or not rel or "\0" in rel:
        problems.append(
            Problem(where, field="path", check="shape", value=str(rel)[:40], message="expected a relative file path")
        )
        return None
    path = folder / rel
    declared = res.get("bytes")
    limit = MAX_RESOURCE_BYTES
    if isinstance(declared, int) and not isinstance(declared, bool) and 0 <= declared < limit - BYTES_SLACK:
        # never read far past what the descriptor says: a slightly longer file (an edit) is read and
        # fails `bytes`, `hash` and the rest; a much longer one is refused unread
        limit = declared + BYTES_SLACK
    try:
        data = read_regular(path, limit, inside=folder)
    except Refused as exc:
        if limit != MAX_RESOURCE_BYTES and "more than" in exc.reason:
            problems.append(
                Problem(
                    where,
                    field="bytes",
                    check="bytes",
                    value=rel,
                    message=f"the descriptor says {declared:,} bytes; the file {exc.reason}",
                )
            )
        else:
            problems.append(
                Problem(where, field="path", check="file exists", value=rel, message=f"the file {exc.reason}")
            )
        return None
    except FileNotFoundError:
        problems.append(
            Problem(where, field="path", check="file exists", value=rel, message="the resource file is missing")
        )
        return None
    except OSError as exc:
        problems.append(Problem(where, field="path", check="readable", value=rel, message=f"cannot read: {exc}"))
        return None
    return data


def _seed_texts(seeds_dir: Path, articles: pl.DataFrame, problems: list[Problem]) -> dict[str, str]:
    """The text of every article's seed that is present and unchanged; a problem for each other."""
    texts = {}
    for article_id, name, digest in articles.select("article_id", "source_file", "sha256").iter_rows():
        label = f"seeds/{name}"
        path = seeds_dir / Path(str(name)).name
        skipped = "; its spans were not checked"
        try:
            data = read_regular(path, MAX_RESOURCE_BYTES)
        except Refused as exc:
            problems.append(Problem(label, check="seed", message=f"the article's seed {exc.reason}{skipped}"))
            continue
        except OSError as exc:
            reason = "missing" if isinstance(exc, FileNotFoundError) else f"unreadable ({exc.strerror or exc})"
            problems.append(Problem(label, check="seed", message=f"the article's seed is {reason}{skipped}"))
            continue
        if hashlib.sha256(data).hexdigest() != digest:
            problems.append(
                Problem(label, check="sha256", message=f"the seed's bytes differ from articles.sha256{skipped}")
            )
            continue
        try:
            texts[article_id] = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(Problem(label, check="encoding", message=f"not UTF-8 at byte {exc.start}{skipped}"))
    return texts


def rebuild_problems(folder: Path, root: Path) -> list[Problem]:
    """Build `root` (seeds/ and build/) into a temporary folder and compare every file with `folder`'s bytes.

    What the hash, schema and span checks cannot see (a package rewritten through our own renderer,
    its hashes recomputed) this does: any byte that the checkout would not publish is a problem.
    """
    import tempfile

    from pak_afghan_diplomacy.pipeline import BuildError, Layout, build

    with tempfile.TemporaryDirectory(prefix="pad-rebuild-") as tmp:
        out = Path(tmp) / "datasets"
        try:
            build(Layout(root), out)
        except BuildError as err:
            return [
                Problem(
                    str(root), check="rebuild", message=f"the checkout does not build ({len(err.problems)} problems)"
                ),
                *err.problems,
            ]
        ours = {p.relative_to(out).as_posix(): p for p in sorted(out.rglob("*")) if p.is_file()}
        theirs = {
            p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*")) if p.is_file() or p.is_symlink()
        }
        problems = [
            Problem(rel, check="rebuild", message="not in the package the checkout builds")
            for rel in theirs.keys() - ours.keys()
        ]
        for rel, path in ours.items():
            if rel not in theirs:
                problems.append(Problem(rel, check="rebuild", message="missing: the checkout builds this file"))
                continue
            try:
                same = read_regular(theirs[rel], path.stat().st_size, inside=folder) == path.read_bytes()
            except (Refused, OSError) as exc:
                same, why = False, str(getattr(exc, "reason", exc))
            else:
                why = "its bytes differ from what seeds/ and build/ build"
            if not same:
                problems.append(Problem(rel, check="rebuild", message=why))
    return sorted(problems)
