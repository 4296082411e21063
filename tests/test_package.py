"""The published package: descriptor, files, formats, reproducibility."""

from __future__ import annotations

import hashlib
import json

import polars as pl
import pytest
from frictionless import Package, validate

from pak_afghan_diplomacy.pipeline.publish.verify import read_table, verify
from pak_afghan_diplomacy.schema import MODELS
from tests.conftest import DATASETS, ROOT, tree_bytes

DESCRIPTOR = json.loads((DATASETS / "datapackage.json").read_text(encoding="utf-8"))


def test_rebuild_is_byte_identical(rebuilt):
    assert tree_bytes(rebuilt) == tree_bytes(DATASETS)


def test_frictionless_validates_the_package():
    report = validate(str(DATASETS / "datapackage.json"))
    errors = [e.message for task in report.tasks for e in task.errors][:10] + [e.message for e in report.errors]
    assert report.valid, errors


def test_descriptor_is_data_package_v2_with_provenance():
    assert DESCRIPTOR["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    for key in ("name", "title", "version", "description", "licenses", "sources", "contributors", "created"):
        assert DESCRIPTOR[key], key
    seeds = sorted(p.name for p in (ROOT / "seeds").glob("*.txt"))
    # a source's path is its URL where the article has one, with the seed beside it
    assert sorted(s["seed"].removeprefix("seeds/") for s in DESCRIPTOR["sources"]) == seeds
    # where a reader finds an article is its URL or nothing: never a seeds/ file, which the wheel does not ship
    assert all(not s.get("path", "").startswith("seeds/") for s in DESCRIPTOR["sources"])
    # a source's `version` would mean a version of the article: its publication date is `published`
    for s in DESCRIPTOR["sources"]:
        assert "version" not in s and s["published"], s["seed"]


def test_every_table_is_published_in_both_formats():
    names = {(r["name"], r["format"]) for r in DESCRIPTOR["resources"]}
    for table in MODELS:
        assert (table, "parquet") in names
        assert (f"{table}-csv", "csv") in names


@pytest.mark.parametrize("resource", DESCRIPTOR["resources"], ids=lambda r: r["name"])
def test_bytes_and_hash_match_the_file(resource):
    data = (DATASETS / resource["path"]).read_bytes()
    # Parquet sizes are left out: frictionless-py cannot measure them (see publish.py).
    assert resource.get("bytes", "absent") == (len(data) if resource["format"] == "csv" else "absent")
    assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("table", list(MODELS))
def test_csv_and_parquet_hold_the_same_rows(table):
    parquet = read_table(table, (DATASETS / "parquet" / f"{table}.parquet").read_bytes(), "parquet")
    csv = read_table(table, (DATASETS / "csv" / f"{table}.csv").read_bytes(), "csv")
    assert parquet.schema == csv.schema
    assert parquet.equals(csv)


@pytest.mark.parametrize("table", list(MODELS))
def test_rows_sorted_by_primary_key_and_columns_in_schema_order(table):
    frame = pl.read_parquet(DATASETS / "parquet" / f"{table}.parquet")
    model = MODELS[table]
    assert frame.columns == list(model.to_schema().columns)
    pk = model.Config.metadata["primary_key"]
    assert frame.equals(frame.sort(pk))


def test_validate_passes_on_the_published_package():
    problems, counts = verify(DATASETS, ROOT / "seeds")
    assert problems == []
    assert set(counts) == set(MODELS)


def test_frictionless_reads_descriptor_resources_as_published():
    package = Package(str(DATASETS / "datapackage.json"))
    articles = package.get_resource("articles-csv").read_rows()
    assert len(articles) == len(list((ROOT / "seeds").glob("*.txt")))


def test_citation_matches_the_release():
    from pak_afghan_diplomacy._about import RELEASE_DATE, __version__

    citation = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert f"version: {__version__}\n" in citation
    assert f"date-released: {RELEASE_DATE}\n" in citation
    assert DESCRIPTOR["version"] == __version__
    assert DESCRIPTOR["created"].startswith(RELEASE_DATE)
