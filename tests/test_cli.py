"""The command line: help with examples on every command, new-article, and the SQLite export."""

from __future__ import annotations

import csv
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

import pak_afghan_diplomacy as pad
from pak_afghan_diplomacy import __version__
from pak_afghan_diplomacy.schema import MODELS
from pak_afghan_diplomacy.schema.frictionless import keys

CLI = str(Path(sys.executable).with_name("pak-afghan-diplomacy"))
COMMANDS = ["build", "validate", "new-article", "draft", "export", "plot", "info", "docs"]


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([CLI, *args], capture_output=True, text=True, cwd=cwd)


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_has_examples(command):
    run = _run(*([command] if command else []), "--help")
    assert run.returncode == 0
    assert "example" in run.stdout
    if command is None:
        for c in COMMANDS:
            assert c in run.stdout


def test_version():
    assert _run("--version").stdout.strip().endswith(__version__)


def test_usage_error_exits_2():
    assert _run("frobnicate").returncode == 2
    assert _run("validate", "--table", "meetings").returncode == 2


def test_new_article_from_the_command_line(checkout, tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Headline\nMuttaqi said “yes.”\n", encoding="utf-8")
    prefix = max(int(p.name[:3]) for p in checkout.seeds.glob("*.txt")) + 1
    run = _run("new-article", str(article), "--root", str(checkout.root))
    assert run.returncode == 0, run.stderr
    assert f"added seeds/{prefix:03d}_" in run.stdout
    again = _run("new-article", str(article), "--root", str(checkout.root))
    assert again.returncode == 1 and "already a seed" in again.stderr


def test_sqlite_export_has_keys_and_row_counts(tmp_path):
    db = tmp_path / "pad.db"
    run = _run("export", "sqlite", str(db))
    assert run.returncode == 0, run.stderr
    con = sqlite3.connect(db)
    for name, model in MODELS.items():
        assert con.execute(f"SELECT count(*) FROM {name}").fetchone()[0] == pad.load(name).height
        pk = [r[1] for r in sorted(con.execute(f"PRAGMA table_info({name})").fetchall(), key=lambda r: r[5]) if r[5]]
        assert pk == keys(model)["primary_key"]
        fks = {(r[3], r[2], r[4]) for r in con.execute(f"PRAGMA foreign_key_list({name})").fetchall()}
        assert fks == set(keys(model)["foreign_keys"])
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    described = con.execute("SELECT count(*) FROM _columns WHERE length(description) > 10").fetchone()[0]
    assert described == sum(len(m.to_schema().columns) for m in MODELS.values())
    from pak_afghan_diplomacy.export import VIEWS

    for view in VIEWS:  # every view runs against the tables as published
        assert con.execute(f"SELECT * FROM {view}").fetchall(), view
    assert json.loads((tmp_path / "pad.metadata.json").read_text(encoding="utf-8"))["title"]
    assert f"-m {tmp_path / 'pad.metadata.json'}" in run.stdout  # the hint Datasette needs
    assert db.stat().st_mode & 0o044 == 0o044  # readable by a Datasette run as another user


def _package_with_description(tmp_path: Path, text: str) -> Path:
    import shutil

    from tests.conftest import DATASETS

    copy = tmp_path / "pkg"
    shutil.copytree(DATASETS, copy)
    desc = json.loads((copy / "datapackage.json").read_text(encoding="utf-8"))
    desc["resources"][0]["schema"]["fields"][1]["description"] = text
    (copy / "datapackage.json").write_text(json.dumps(desc), encoding="utf-8")
    return copy


def test_export_a_description_with_sql_in_it_adds_no_column(tmp_path, monkeypatch):
    from pak_afghan_diplomacy.export import to_sqlite

    package = _package_with_description(tmp_path, "x\n  evil TEXT, -- y")
    monkeypatch.setattr(pad, "data_dir", lambda: package)
    first = pad.datapackage()["resources"][0]
    to_sqlite(tmp_path / "out" / "pad.db")
    con = sqlite3.connect(tmp_path / "out" / "pad.db")
    columns = [r[1] for r in con.execute(f"PRAGMA table_info({first['name']})")]
    assert sorted(columns) == sorted(f["name"] for f in first["schema"]["fields"])
    stored = con.execute(
        "SELECT description FROM _columns WHERE table_name = ? AND column_name = ?",
        (first["name"], first["schema"]["fields"][1]["name"]),
    ).fetchone()[0]
    assert stored == "x\n  evil TEXT, -- y"


def test_export_never_overwrites_a_file_that_is_not_ours(tmp_path):
    mine = tmp_path / "pad.metadata.json"
    mine.write_text('{"my": "notes"}', encoding="utf-8")
    run = _run("export", "sqlite", str(tmp_path / "pad.db"))
    assert run.returncode == 2 and "--force" in run.stderr
    assert mine.read_text(encoding="utf-8") == '{"my": "notes"}' and not (tmp_path / "pad.db").exists()
    (tmp_path / "other.db").write_bytes(b"my own database")
    run = _run("export", "sqlite", str(tmp_path / "other.db"))
    assert run.returncode == 2 and (tmp_path / "other.db").read_bytes() == b"my own database"
    forced = _run("export", "sqlite", str(tmp_path / "other.db"), "--force")
    assert forced.returncode == 0, forced.stderr
    again = _run("export", "sqlite", str(tmp_path / "other.db"))  # an earlier export is ours to replace
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db", "other.metadata.json", "pad.metadata.json"]


def test_export_never_follows_a_symlink_nor_writes_into_the_package(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep", encoding="utf-8")
    (tmp_path / "pad.db").symlink_to(victim)
    run = _run("export", "sqlite", str(tmp_path / "pad.db"))
    assert run.returncode == 2 and "symbolic link" in run.stderr and victim.read_text(encoding="utf-8") == "keep"
    forced = _run("export", "sqlite", str(tmp_path / "pad.db"), "--force")
    assert forced.returncode == 2 and victim.read_text(encoding="utf-8") == "keep"
    inside = Path(str(pad.data_dir())) / "pad.db"
    run = _run("export", "sqlite", str(inside), "--force")
    assert run.returncode == 2 and "inside the data package" in run.stderr and not inside.exists()
    table = Path(str(pad.data_dir())) / "parquet" / "meetings.parquet"
    before = table.read_bytes()
    run = _run("export", "sqlite", str(table), "--force")
    assert run.returncode == 2 and table.read_bytes() == before


def test_export_to_a_folder_names_the_folder_not_a_staging_file(tmp_path):
    run = _run("export", "sqlite", ".", cwd=tmp_path)
    assert run.returncode == 3 and run.stderr.startswith("export: .: is a folder"), run.stderr
    assert "staging" not in run.stderr and list(tmp_path.iterdir()) == []


def test_a_failed_export_leaves_no_folder_and_no_staging_file(tmp_path, monkeypatch):
    from pak_afghan_diplomacy import export

    def full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(export, "write_database", full)
    target = tmp_path / "new" / "deeper" / "pad.db"
    with pytest.raises(OSError, match="no space left") as err:
        export.to_sqlite(target)
    assert err.value.filename == str(target)
    assert list(tmp_path.iterdir()) == []


def test_a_killed_export_leaves_nothing_and_the_next_run_cleans_a_stale_staging_file(tmp_path):
    import signal
    import time

    stale = tmp_path / ".pad.db.999999999.abcd.pad-staging"  # a pid that cannot be running
    stale.write_bytes(b"half")
    code = (
        "import os, signal, sys, pak_afghan_diplomacy.export as e\n"
        "real = e.write_database\n"
        "def slow(*a):\n    real(*a); print('staged', flush=True); signal.pause()\n"
        "e.write_database = slow\n"
        f"e.to_sqlite({str(tmp_path / 'pad.db')!r})\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "staged"
    assert not stale.exists()  # the run removed the dead run's leftovers
    assert any(p.name.endswith(".pad-staging") for p in tmp_path.iterdir())
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)
    time.sleep(0.1)
    assert list(tmp_path.iterdir()) == [], list(tmp_path.iterdir())


def test_plot_timeline_renders_a_figure(tmp_path):
    import matplotlib.image

    target = tmp_path / "timeline.png"
    run = _run("plot", "timeline", str(target))
    assert run.returncode == 0, run.stderr
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    height, width, _ = matplotlib.image.imread(target).shape
    assert width >= 800 and height > 400


def test_progress_bar_only_for_long_builds_on_a_terminal(monkeypatch):
    from pak_afghan_diplomacy import cli

    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    assert cli._progress_bar() is None
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    start = cli._progress_bar()
    assert start(cli.PROGRESS_FROM - 1) is None
    tick = start(cli.PROGRESS_FROM)
    for i in range(cli.PROGRESS_FROM):
        tick(f"article-{i}")


def _planted_meetings(path: Path) -> dict[int, str]:
    """Our meetings CSV with one failure planted per line; returns line -> the column planted."""
    from tests.conftest import DATASETS

    frame = pl.read_csv(DATASETS / "csv" / "meetings.csv", infer_schema=False)
    plants = {
        0: ("date_earliest", "2024-13-01"),
        1: ("source_count", "two"),
        2: ("kind", "party"),
        4: ("meeting_id", frame["meeting_id"][3]),
        5: ("part_of", "no-such-visit"),
        6: ("date_precision", None),
        7: ("description", '=HYPERLINK("x")'),
        8: ("date_inferred", "yes please"),
        9: ("note", "hidden \u202e text"),
    }
    index = pl.int_range(pl.len())
    frame = frame.with_columns(
        [pl.when(index == i).then(pl.lit(v, dtype=pl.String)).otherwise(c).alias(c) for i, (c, v) in plants.items()]
    )
    frame.write_csv(path)
    return {i + 2: c for i, (c, _) in plants.items()}


def test_validate_table_reports_every_planted_failure_with_its_line(tmp_path):
    bad = tmp_path / "mine.csv"
    planted = _planted_meetings(bad)
    report = tmp_path / "problems.csv"
    run = _run("validate", "--table", "meetings", str(bad), "--report", str(report))
    assert run.returncode == 1 and "Traceback" not in run.stderr and "ignore_errors" not in run.stderr
    found = list(csv.DictReader(report.open(encoding="utf-8")))
    located = {(int(p["line"]), p["field"]) for p in found}
    assert set(planted.items()) <= located, found
    duplicate = next(p for p in found if p["check"] == "duplicate key")
    assert duplicate["value"] in duplicate["message"] and "line 5" in duplicate["message"]


def test_validate_table_finds_what_frictionless_finds(tmp_path):
    frictionless = pytest.importorskip("frictionless")
    bad = tmp_path / "mine.csv"
    _planted_meetings(bad)
    schema = json.loads((Path(__file__).parents[1] / "schema" / "meetings.json").read_text(encoding="utf-8"))
    # A Table Schema resolves a self-reference in the file itself (resource ""); others need a package.
    schema["foreignKeys"] = [
        {**fk, "reference": {**fk["reference"], "resource": ""}}
        for fk in schema.get("foreignKeys", [])
        if fk["reference"]["resource"] == "meetings"
    ]
    resource = frictionless.Resource(
        bad.name, basepath=str(tmp_path), schema=frictionless.Schema.from_descriptor(schema)
    )
    theirs = resource.validate().flatten(["rowNumber", "fieldName", "type", "note"])
    assert theirs and all(row is not None for row, *_ in theirs), theirs
    report = tmp_path / "problems.json"
    _run("validate", "--table", "meetings", str(bad), "--report", str(report))
    ours = json.loads(report.read_text(encoding="utf-8"))
    for row, field, kind, note in theirs:
        field = field or ("part_of" if kind == "foreign-key" else "meeting_id")
        assert any(p["line"] == row and field in p["field"] for p in ours), (row, field, kind, note, ours)


def test_validate_table_writes_a_report_on_success_and_refuses_a_parquet_missing_a_column(tmp_path):
    from tests.conftest import DATASETS

    report = tmp_path / "problems.csv"
    run = _run("validate", "--table", "meetings", str(DATASETS / "csv" / "meetings.csv"), "--report", str(report))
    assert run.returncode == 0, run.stderr
    assert report.read_text(encoding="utf-8").startswith("where,line,row,field")
    short = tmp_path / "short.parquet"
    pl.read_parquet(DATASETS / "parquet" / "meetings.parquet").drop("kind").write_parquet(short)
    run = _run("validate", "--table", "meetings", str(short))
    assert run.returncode == 1 and "column kind is missing" in run.stderr


def test_the_timeline_is_readable_and_honest():
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    from pak_afghan_diplomacy import plot

    drawn = plot.draw()
    try:
        fig = drawn.figure
        scale = plot.README_PX / (fig.get_figwidth() * fig.dpi)
        for text in fig.findobj(match=lambda a: hasattr(a, "get_fontsize") and hasattr(a, "get_text")):
            if text.get_text().strip():
                px = text.get_fontsize() * fig.dpi / 72 * scale
                assert px >= plot.MIN_TEXT_PX, (text.get_text(), px)
        assert drawn.marks and drawn.marks == drawn.legend  # every kind of mark drawn is in the legend
        participants = pad.load("meeting_participants")
        for meeting_id, (envoy, y) in drawn.meetings.items():  # each meeting in its envoy's band
            assert envoy in participants.filter(pl.col("meeting_id") == meeting_id)["person_id"].to_list()
            top, bottom = drawn.bands[envoy]
            assert top <= y <= bottom, (meeting_id, envoy, y, top, bottom)
        left, right = (mdates.num2date(x).date() for x in fig.axes[0].get_xlim())
        first, last = drawn.data_span
        slack = (last - first) * 0.1
        assert left <= first and right >= last and left >= first - slack and right <= last + slack
    finally:
        plt.close(drawn.figure)


def test_a_timeline_label_puts_only_the_other_side_after_with():
    """An aide of the envoy's own side is "joined by", never read as the envoy's counterpart."""
    import matplotlib.pyplot as plt

    from pak_afghan_diplomacy import plot

    assert plot._who(["A"], ["B", "C"]) == " with A, joined by B, C"
    assert plot._who([], ["B"]) == " with B"  # an internal meeting
    assert plot._who([], []) == ""
    assert plot._who([], ["B"], visit=True) == ", joined by B"  # a visit has no one across a table
    drawn = plot.draw()
    plt.close(drawn.figure)
    participants = pad.load("meeting_participants").filter(pl.col("person_id").is_not_null())
    names = dict(pad.load("persons").select("person_id", "name").iter_rows())
    kinds = dict(pad.load("meetings").select("meeting_id", "kind").iter_rows())
    for meeting_id, (envoy, _) in drawn.meetings.items():
        rows = participants.filter(pl.col("meeting_id") == meeting_id)
        side = dict(rows.select("person_id", "side").iter_rows())
        across = {names[p] for p, s in side.items() if s != side[envoy]}
        own = {names[p] for p, s in side.items() if s == side[envoy] and p != envoy}
        label = drawn.labels[meeting_id]
        head, _, joined = label.partition(", joined by ")
        after_with = head.partition(" with ")[2]
        listed, companions = set(filter(None, after_with.split(", "))), set(filter(None, joined.split(", ")))
        if across or kinds[meeting_id] == "visit":
            assert listed == across and companions == own, (meeting_id, label)
        else:
            assert listed == own and not companions, (meeting_id, label)
    # 002 has the Pakistani chargé Nizamani with Sadiq at the Haqqani meeting: Sadiq's side.
    haqqani = drawn.labels["2024-12-sadiq-haqqani-kabul"]
    assert " with Sirajuddin Haqqani" in haqqani and "joined by Ubaid ur Rehman Nizamani" in haqqani, haqqani


def test_no_text_of_the_timeline_overlaps_another_or_leaves_the_figure():
    import matplotlib.pyplot as plt
    from matplotlib.text import Text

    from pak_afghan_diplomacy import plot

    drawn = plot.draw()
    try:
        fig = drawn.figure
        renderer = fig.canvas.get_renderer()
        fig.draw(renderer)
        page = fig.bbox
        axes = fig.axes[0].get_window_extent(renderer)
        ax = fig.axes[0]
        lo, hi = ax.get_xlim()
        ticks = set(ax.get_xticklabels(which="both")) | set(ax.get_yticklabels(which="both"))
        shown = [t for t in ax.get_xticklabels() if lo <= t.get_position()[0] <= hi]  # ticks off the axis are not drawn
        texts = [t for t in fig.findobj(match=Text) if t.get_visible() and t.get_text().strip() and t not in ticks]
        texts += shown
        boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts]
        for text, box in boxes:  # nothing cut at an edge (the legend's first column, the last term label)
            assert page.x0 <= box.x0 and box.x1 <= page.x1 and page.y0 <= box.y0 and box.y1 <= page.y1, text
        for t in fig.axes[0].texts:  # labels inside the plot stay inside it: none runs across the axis
            box = t.get_window_extent(renderer)
            assert axes.x0 <= box.x0 and box.x1 <= axes.x1 and axes.y0 <= box.y0 and box.y1 <= axes.y1, t.get_text()
        for i, (a, box_a) in enumerate(boxes):  # no two labels on top of each other (the incidents' smear)
            for b, box_b in boxes[i + 1 :]:
                assert not box_a.overlaps(box_b), (a, b)
        assert len(drawn.bands) == len(set(drawn.bands.values()))  # every envoy has a band of their own
    finally:
        plt.close(drawn.figure)


def test_problems_on_a_terminal_are_a_wrapped_table(monkeypatch, capsys):
    from pak_afghan_diplomacy import cli
    from pak_afghan_diplomacy.pipeline.problems import Problem

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    monkeypatch.setenv("COLUMNS", "80")
    long = "a sentence long enough to need more than one line of a narrow terminal " * 3
    cli._report([Problem("mine.csv", line=7, field="kind", check="isin", value="party\x1b[2J", message=long)], None)
    import re

    err = capsys.readouterr().err
    assert "\x1b[2J" not in err  # the value's escape is shown, not run
    shown = re.sub(r"\x1b\[[0-9;]*m", "", err)  # rich's own colours take no room on screen
    assert max(len(line) for line in shown.splitlines()) <= 80  # wrapped, never off the edge
    assert "\x1b[2J" not in err and "1 problem(s)" in err and "7" in err
