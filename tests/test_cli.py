"""The command line: help with examples on every command, new-article, and the SQLite export."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

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
    ddl = con.execute("SELECT sql FROM sqlite_master WHERE name = 'meetings'").fetchone()[0]
    assert "-- First day `date` allows; null if open." in ddl


def test_plot_timeline_renders_a_figure(tmp_path):
    import matplotlib.image

    target = tmp_path / "timeline.png"
    run = _run("plot", "timeline", str(target))
    assert run.returncode == 0, run.stderr
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    height, width, _ = matplotlib.image.imread(target).shape
    assert width > 1000 and height > 400


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
