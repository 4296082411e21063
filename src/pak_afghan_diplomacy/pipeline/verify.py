"""Re-check a published package: files, sizes, hashes, both formats agreeing, every schema.

This is what `pak-afghan-diplomacy validate` runs; it trusts nothing in the folder.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Any

import polars as pl

from pak_afghan_diplomacy.pipeline import checks
from pak_afghan_diplomacy.pipeline.problems import Problem
from pak_afghan_diplomacy.pipeline.publish import DESCRIPTOR
from pak_afghan_diplomacy.schema import MODELS
from pak_afghan_diplomacy.schema.frictionless import polars_schema, table_schema


def read_table(name: str, data: bytes, fmt: str) -> pl.DataFrame:
    if fmt == "parquet":
        return pl.read_parquet(io.BytesIO(data))
    return pl.read_csv(io.BytesIO(data), schema=polars_schema(MODELS[name]), encoding="utf8")


def verify(folder: Path, seeds_dir: Path | None = None) -> tuple[list[Problem], dict[str, int]]:
    """Every problem with the package in `folder`, and the row count of each table."""
    label = str(folder / DESCRIPTOR)
    try:
        desc: dict[str, Any] = json.loads((folder / DESCRIPTOR).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return [Problem(label, check="missing file", message="no datapackage.json")], {}
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return [Problem(label, check="json", message=f"not valid JSON: {exc}")], {}
    problems: list[Problem] = []
    frames: dict[str, dict[str, pl.DataFrame]] = {"parquet": {}, "csv": {}}
    resources = {r.get("name"): r for r in desc.get("resources", [])}
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
            path = folder / res.get("path", "")
            if not path.resolve().is_relative_to(folder.resolve()) or not path.is_file():
                problems.append(
                    Problem(
                        where,
                        field="path",
                        check="file exists",
                        value=res.get("path"),
                        message="the resource file is missing",
                    )
                )
                continue
            data = path.read_bytes()
            if res.get("bytes", len(data) if fmt == "parquet" else None) != len(data):
                problems.append(
                    Problem(
                        where,
                        field="bytes",
                        check="bytes",
                        value=str(len(data)),
                        message=f"descriptor says {res.get('bytes')} bytes",
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
                        message=f"file changed since publication (descriptor: {res.get('hash')})",
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
    texts = _seed_texts(seeds_dir, desc) if seeds_dir else None
    if len(frames["parquet"]) == len(MODELS):
        problems += checks.all_problems(frames["parquet"], texts)
    counts = {name: f.height for name, f in frames["parquet"].items()}
    return problems, counts


def _seed_texts(seeds_dir: Path, desc: dict[str, Any]) -> dict[str, str] | None:
    texts = {}
    for source in desc.get("sources", []):
        path = seeds_dir / Path(source.get("path", "")).name
        if not path.is_file():
            return None
        texts[path.stem] = path.read_text(encoding="utf-8")
    return texts
