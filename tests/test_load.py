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
        assert article_id in out and (url or "no URL recorded") in out
    assert "seeds/" not in out  # a wheel ships no seeds: no source points at one
    # wrapped, never overflowing; only a URL stands whole on its own line (folded, it could not be copied)
    urls = {u for _, u in pad.load("articles").select("article_id", "url").rows() if u}
    assert max(len(line) for line in out.splitlines() if line.strip() not in urls) <= 100
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


def test_load_columns_and_filters():
    meetings = pad.load("meetings")
    kind = meetings["kind"][0]
    some = pad.load("meetings", columns=["meeting_id", "kind"], filters={"kind": kind})
    assert some.columns == ["meeting_id", "kind"]
    assert set(some["meeting_id"]) == set(meetings.filter(pl.col("kind") == kind)["meeting_id"])
    kinds = set(meetings["kind"].unique().to_list()[:2])
    either = pad.load("meetings", filters={"kind": list(kinds)})
    assert either.height == meetings.filter(pl.col("kind").is_in(kinds)).height
    pdf = pad.load("meetings", backend="pandas", columns=["meeting_id", "date_earliest"])
    assert list(pdf.columns) == ["meeting_id", "date_earliest"]
    assert str(pdf["date_earliest"].dtype).startswith("datetime")
    with pytest.raises(KeyError, match="meeting_id"):
        pad.load("meetings", columns=["no_such_column"])


def test_scan_is_lazy_and_reads_the_same_rows():
    lazy = pad.scan("statements")
    assert isinstance(lazy, pl.LazyFrame)
    assert lazy.collect().equals(pad.load("statements"))


def test_search_finds_a_person_by_a_misspelling_and_a_post_by_a_wording():
    names = pad.load("person_names")
    person_id, spelling = names.select("person_id", "name").row(0)
    surname = spelling.split()[-1]
    typo = surname[:2] + surname[3:]  # one letter dropped, as a user types it
    found = pad.search(typo)
    assert found.columns == ["kind", "id", "name", "matched", "score"]
    assert person_id in found.filter(pl.col("kind") == "person")["id"].to_list(), found
    post_id, alias = pad.load("post_aliases").row(0)
    assert found.height <= 10
    assert post_id in pad.search(alias).filter(pl.col("kind") == "post")["id"].to_list()
    assert pad.search("zzqqxxwv").height == 0
    accented = spelling.replace("a", "á").replace("i", "í")  # accents typed or not, the same person
    assert person_id in pad.search(accented)["id"].to_list()


def test_describe_has_notebook_displays():
    d = pad.describe("meetings")
    md, page = d._repr_markdown_(), d._repr_html_()
    assert "| `meeting_id` |" in md and "<table>" in page and "meeting_id" in str(d)


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("persons", "person_id"),
        ("organizations", "organization_id"),
        ("posts", "post_id"),
        ("roles", "role_id"),
        ("meetings", "meeting_id"),
        ("statements", "statement_id"),
        ("incidents", "incident_id"),
    ],
)
def test_cite_any_record_kind_gives_its_articles(table, column):
    if table not in pad.tables():
        pytest.skip(f"no {table} table in this package")
    record_id = pad.load(table)[column][0]
    citation = pad.cite(record_id)
    assert citation.articles, record_id
    known = set(pad.load("articles")["article_id"])
    assert {a["article_id"] for a in citation.articles} <= known
    assert all("url" in a for a in citation.articles)
    assert "seeds/" not in str(citation)  # a wheel ships no seeds: never point a reader at one


def test_cite_a_statement_names_its_own_article():
    statement = pad.load("statements").row(0, named=True)
    assert statement["article_id"] in {a["article_id"] for a in pad.cite(statement["statement_id"]).articles}


def test_cite_an_unknown_id_says_so():
    with pytest.raises(KeyError, match="no-such-record"):
        pad.cite("no-such-record")


def _package_copy(tmp_path, monkeypatch):
    import shutil

    from tests.conftest import DATASETS

    copy = tmp_path / "datasets"
    shutil.copytree(DATASETS, copy)
    monkeypatch.setattr(pad, "data_dir", lambda: copy)
    return copy


def test_load_refuses_a_table_with_an_extra_column_or_a_wrong_type(tmp_path, monkeypatch):
    copy = _package_copy(tmp_path, monkeypatch)
    path = copy / "parquet" / "meeting_participants.parquet"
    frame = pl.read_parquet(path)
    frame.with_columns(pl.lit("x").alias("extra")).write_parquet(path)
    with pytest.raises(ValueError, match="unexpected column 'extra'"):
        pad.load("meeting_participants")
    assert "extra" in pad.load("meeting_participants", verify=False).columns
    frame.with_columns(pl.col("count").cast(pl.String)).write_parquet(path)
    with pytest.raises(ValueError, match="count is String, not Int64"):
        pad.load("meeting_participants")


def test_load_refuses_a_table_linked_from_outside_the_package(tmp_path, monkeypatch):
    copy = _package_copy(tmp_path, monkeypatch)
    outside = tmp_path / "outside.parquet"
    path = copy / "parquet" / "persons.parquet"
    path.rename(outside)
    path.symlink_to(outside)
    with pytest.raises(ValueError, match="outside the data package"):
        pad.load("persons")


def test_load_reads_the_descriptor_once_per_version(tmp_path, monkeypatch):
    import json

    copy = _package_copy(tmp_path, monkeypatch)
    reads = []
    real = json.loads
    monkeypatch.setattr(json, "loads", lambda *a, **k: reads.append(1) or real(*a, **k))
    pad.load("persons")
    pad.load("persons")
    assert len(reads) <= 1
    before = len(reads)
    desc = copy / "datapackage.json"
    desc.write_text(desc.read_text(encoding="utf-8").replace('"persons"', '"persons" '), encoding="utf-8")
    pad.load("persons")
    assert len(reads) == before + 1  # an edited descriptor is read again


def test_the_changelog_entry_of_this_version_names_every_table_the_wheel_ships():
    text = pad.doc("changelog").read_text(encoding="utf-8")
    assert f"## {pad.__version__} — " in text
    entry = text.split(f"## {pad.__version__} — ", 1)[1].split("\n## ", 1)[0]
    for table in pad.tables():
        assert f"`{table}`" in entry, table
    assert pad.datapackage()["version"] == pad.__version__
