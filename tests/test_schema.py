"""The table models are the one source of truth: descriptor, schema/ files and dictionary follow them."""

from __future__ import annotations

import json

import pandera.errors
import polars as pl
import pytest

from pak_afghan_diplomacy import docs
from pak_afghan_diplomacy.schema import MODELS, Meetings, Statements
from tests.conftest import DATASETS, ROOT

DESCRIPTOR = json.loads((DATASETS / "datapackage.json").read_text(encoding="utf-8"))
TYPE_OF = {"String": "string", "Int64": "integer", "Boolean": "boolean", "Date": "date"}


@pytest.mark.parametrize("resource", DESCRIPTOR["resources"], ids=lambda r: r["name"])
def test_descriptor_agrees_with_model_field_by_field(resource):
    model = MODELS[resource["name"].removesuffix("-csv")]
    columns = model.to_schema().columns
    fields = resource["schema"]["fields"]
    assert [f["name"] for f in fields] == list(columns)
    for f in fields:
        col = columns[f["name"]]
        constraints = f.get("constraints", {})
        assert f["type"] == TYPE_OF[str(col.dtype)], f["name"]
        assert constraints.get("required", False) == (not col.nullable), f["name"]
        assert constraints.get("unique", False) == col.unique, f["name"]
        assert f["description"] == col.description
        allowed = [c.statistics["allowed_values"] for c in col.checks if c.name == "isin"]
        assert constraints.get("enum") == (list(allowed[0]) if allowed else None), f["name"]
    meta = model.Config.metadata
    assert resource["schema"]["primaryKey"] == meta["primary_key"]
    fks = [
        (fk["fields"][0], fk["reference"]["resource"].removesuffix("-csv"), fk["reference"]["fields"][0])
        for fk in resource["schema"].get("foreignKeys", [])
    ]
    assert fks == [tuple(fk) for fk in meta["foreign_keys"]]


@pytest.mark.parametrize("name", list(MODELS))
def test_every_column_is_described(name):
    for column, col in MODELS[name].to_schema().columns.items():
        assert col.description and len(col.description) > 10, f"{name}.{column}"


def test_schema_folder_is_generated_from_the_models():
    expected = docs.render()
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "schema").iterdir()}
    assert on_disk == expected, "schema/ is stale: run `make schema`"


def test_users_can_validate_their_own_frames():
    good = pl.read_parquet(DATASETS / "parquet" / "meetings.parquet")
    assert Meetings.validate(good, lazy=True).height == good.height
    bad = good.with_columns(
        pl.lit("sometime").alias("date"),
        pl.lit("party").alias("kind"),
        (pl.col("date_earliest") + pl.duration(days=400)).alias("date_earliest"),
    )
    with pytest.raises(pandera.errors.SchemaErrors) as err:
        Meetings.validate(bad, lazy=True)
    failed = set(err.value.failure_cases["check"].cast(pl.String).to_list())
    assert any("str_matches" in c for c in failed)
    assert any("isin" in c for c in failed)
    assert any("date_earliest_not_after_date_latest" in c for c in failed)


def test_statement_without_any_attribution_is_refused():
    frame = pl.read_parquet(DATASETS / "parquet" / "statements.parquet").head(1)
    orphan = frame.with_columns(
        pl.lit(None, pl.String).alias(c) for c in ("speaker_id", "speaker_organization_id", "meeting_id")
    )
    with pytest.raises(pandera.errors.SchemaErrors):
        Statements.validate(orphan, lazy=True)
