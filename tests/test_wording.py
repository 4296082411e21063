"""What users read: `validate --table` in sentences, `describe`, `cite` and the typed pandas backend."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

import pak_afghan_diplomacy as pad

CLI = str(Path(sys.executable).with_name("pak-afghan-diplomacy"))


def test_validate_table_refuses_impossible_dates_in_sentences(tmp_path):
    meetings = pad.load("meetings").filter(pl.col("meeting_id") == "2023-07-durrani-azizi-kabul")
    bad = pl.concat(
        [
            meetings.with_columns(pl.lit("2024-02-31").alias("date")),
            meetings.with_columns(pl.lit("2030-01-01").alias("date"), pl.lit("x-other").alias("meeting_id")),
            meetings.with_columns(pl.lit("1").alias("cameo_code"), pl.lit("y-other").alias("meeting_id")),
        ]
    )
    path = tmp_path / "mine.csv"
    bad.write_csv(path)
    run = subprocess.run([CLI, "validate", "--table", "meetings", str(path)], capture_output=True, text=True)
    assert run.returncode == 1
    out = " ".join(run.stderr.split())
    assert "date '2024-02-31' is not a calendar date" in out
    assert "date '2030-01-01' lies outside date_earliest..date_latest 2023-07-19..2023-07-21" in out
    assert "cameo_code '1' is not a code of 3 or 4 digits" in out
    assert "\\d" not in run.stderr and "(?:" not in run.stderr, "a regular expression reached the user"


def test_describe_reads_the_descriptor():
    d = pad.describe("meetings")
    assert d.primary_key == ["meeting_id"] and d.rows == pad.load("meetings").height
    columns = {c.name: c for c in d.columns}
    assert columns["date_latest"].type == "date" and "Last day" in columns["date_latest"].description
    assert ("part_of", "meetings", "meeting_id") in d.foreign_keys
    assert "grouping_uncertain" in str(d)
    with pytest.raises(KeyError, match="tables are"):
        pad.describe("nope")


def test_cite_names_the_articles_a_record_rests_on():
    c = pad.cite("2024-12-sadiq-haqqani-kabul")
    assert "Pakistan–Afghanistan diplomatic engagements" in c.text and c.bibtex.startswith("@misc{")
    assert {"000_a18c864ded8c9230", "001_a76334a16812bac6", "002_0d9ee7f76d7cf8bd"} <= {
        a["article_id"] for a in c.articles
    }
    assert all(a["title"] and a["published_date"] for a in c.articles)
    assert pad.cite().articles == []
    with pytest.raises(KeyError, match="no record"):
        pad.cite("no-such-record")


def test_the_pandas_backend_is_typed():
    pd = pytest.importorskip("pandas")
    meetings = pad.load("meetings", backend="pandas")
    assert pd.api.types.is_datetime64_any_dtype(meetings["date_latest"])
    assert meetings["date_latest"].dt.year.notna().any()
    assert str(meetings["source_count"].dtype) == "Int64"
    assert str(meetings["grouping_uncertain"].dtype) == "boolean"
    assert meetings.loc[meetings["meeting_id"] == "2023-07-19-durrani-muttaqi-kabul", "cameo_code"].item() == "040"


def test_csv_schema_keeps_coded_text_as_text():
    path = pad.data_dir().joinpath("csv", "meetings.csv")
    meetings = pl.read_csv(str(path), schema=pad.csv_schema("meetings"))
    assert meetings.equals(pad.load("meetings"))
    assert "040" in meetings["cameo_code"].to_list()


@pytest.mark.parametrize("name", pad.tables())
def test_parquet_files_carry_each_columns_description(name):
    import pyarrow.parquet as pq

    schema = pq.read_schema(str(pad.data_dir().joinpath("parquet", f"{name}.parquet")))
    described = {c.name: c.description for c in pad.describe(name).columns}
    assert {f.name: f.metadata[b"description"].decode() for f in schema} == described
