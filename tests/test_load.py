"""The loading API and the CLI's read-only commands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import polars as pl
import pytest

import pak_afghan_diplomacy as pad
from pak_afghan_diplomacy.schema import MODELS

CLI = str(Path(sys.executable).with_name("pak-afghan-diplomacy"))


def test_tables_lists_every_model():
    assert pad.tables() == list(MODELS)


@pytest.mark.parametrize("name", list(MODELS))
def test_load_in_polars_and_pandas(name):
    frame = pad.load(name)
    assert isinstance(frame, pl.DataFrame)
    assert frame.columns == list(MODELS[name].to_schema().columns)
    pdf = pad.load(name, backend="pandas")
    assert isinstance(pdf, pd.DataFrame)
    assert list(pdf.columns) == frame.columns and len(pdf) == frame.height


def test_unknown_table_names_the_known_ones():
    with pytest.raises(KeyError, match="meetings"):
        pad.load("meeting")  # type: ignore[arg-type]


def test_import_loads_no_data_and_no_dataframe_library():
    code = (
        "import sys, pak_afghan_diplomacy; "
        "print(any(m in sys.modules for m in ('polars', 'pandas', 'pyarrow', 'pandera')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_info_lists_every_article():
    out = subprocess.run([CLI, "info"], capture_output=True, text=True, check=True).stdout
    for article_id, url in pad.load("articles").select("article_id", "url").rows():
        assert (url or f"seeds/{article_id}.txt") in out
    assert "meetings" in out


def test_validate_exits_1_on_an_edited_file(tmp_path):
    import shutil

    from tests.conftest import DATASETS

    copy = tmp_path / "datasets"
    shutil.copytree(DATASETS, copy)
    csv = copy / "csv" / "persons.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace("Ishaq Dar", "Ishaq Darr"), encoding="utf-8")
    run = subprocess.run([CLI, "validate", "--path", str(copy)], capture_output=True, text=True)
    assert run.returncode == 1
    assert "hash" in run.stderr and "csv equals parquet" in run.stderr
    ok = subprocess.run([CLI, "validate", "--path", str(DATASETS)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr


def test_validate_a_users_own_file_against_a_table(tmp_path):
    from tests.conftest import DATASETS

    good = subprocess.run(
        [CLI, "validate", "--table", "meetings", str(DATASETS / "csv" / "meetings.csv")], capture_output=True, text=True
    )
    assert good.returncode == 0, good.stderr
    frame = pl.read_csv(DATASETS / "csv" / "meetings.csv", infer_schema=False)
    frame = frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(pl.lit("party")).otherwise("kind").alias("kind")
    )
    bad = tmp_path / "mine.csv"
    frame.write_csv(bad)
    report = tmp_path / "problems.json"
    run = subprocess.run(
        [CLI, "validate", "--table", "meetings", str(bad), "--report", str(report)], capture_output=True, text=True
    )
    assert run.returncode == 1
    assert "isin" in run.stderr and "party" in run.stderr and "Traceback" not in run.stderr
    import json

    (problem,) = json.loads(report.read_text())
    assert (problem["field"], problem["value"]) == ("kind", "party")
