"""A downloaded package, a user's path and a half-done command are untrusted (#19 groups 3-7).

Each case of the audit: a FIFO, a device or a link out is refused before it is opened; no read
is unbounded; `validate` checks span bounds without seeds and refuses resources that are not our
tables; paths the user did not name are never written; `new-article` is all or nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from pak_afghan_diplomacy import cli
from pak_afghan_diplomacy.pipeline.publish import render
from pak_afghan_diplomacy.pipeline.publish.verify import verify
from pak_afghan_diplomacy.schema import MODELS
from tests.conftest import DATASETS, ROOT, tree_bytes

CLI = str(Path(sys.executable).with_name("pak-afghan-diplomacy"))


@pytest.fixture
def package(tmp_path) -> Path:
    out = tmp_path / "datasets"
    shutil.copytree(DATASETS, out)
    return out


def _run(*argv: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """The command in its own process, so that a regression hangs for `timeout` seconds, not forever."""
    return subprocess.run([CLI, *argv], capture_output=True, text=True, timeout=timeout)


def _edit_descriptor(package: Path, edit) -> None:
    path = package / "datapackage.json"
    path.write_text(json.dumps(edit(json.loads(path.read_text(encoding="utf-8")))), encoding="utf-8")


def _checks(problems) -> set[tuple[str, str]]:
    return {(p.where, p.check) for p in problems}


# --------------------------------------------------------------------------- group 4: hangs, unbounded reads


def test_a_fifo_descriptor_is_refused_without_blocking(package):
    (package / "datapackage.json").unlink()
    os.mkfifo(package / "datapackage.json")
    run = _run("validate", "--path", str(package), timeout=60)
    assert run.returncode == 1 and "FIFO" in run.stderr and "Traceback" not in run.stderr
    run = _run("info", "--path", str(package), timeout=60)
    assert run.returncode == 1 and "FIFO" in run.stderr and "datapackage.json" in run.stderr


def test_a_fifo_table_is_refused_by_validate_and_info(package):
    (package / "parquet" / "meetings.parquet").unlink()
    os.mkfifo(package / "parquet" / "meetings.parquet")
    problems, _ = verify(package)
    assert ("datapackage.json:meetings", "file exists") in _checks(problems)
    assert any("FIFO" in p.message for p in problems)
    run = _run("info", "--path", str(package), timeout=60)
    assert run.returncode == 1 and "FIFO" in run.stderr and "meetings.parquet" in run.stderr


def test_a_link_to_a_device_is_refused_unread(package):
    target = package / "csv" / "meetings.csv"
    target.unlink()
    target.symlink_to("/dev/zero")
    start = time.perf_counter()
    problems, _ = verify(package)
    assert time.perf_counter() - start < 30
    found = [p for p in problems if p.where == "datapackage.json:meetings-csv"]
    assert found and "outside the package" in found[0].message


def test_a_device_inside_the_package_is_refused_unread(package, monkeypatch):
    """Even where the path stays inside, the open file is checked: a character device is not a table."""
    from pak_afghan_diplomacy.pipeline.publish import untrusted

    with pytest.raises(untrusted.Refused, match="a device"):
        untrusted.read_regular(Path("/dev/zero"), 1 << 20)


def test_a_file_far_larger_than_its_bytes_is_not_read(package):
    """A 20 MB one-line CSV where the descriptor says a few hundred bytes: refused after 1 MiB, unparsed."""
    (package / "csv" / "persons.csv").write_bytes(b"x" * (20 << 20))
    problems, _ = verify(package)
    found = [p for p in problems if p.where == "datapackage.json:persons-csv"]
    assert [(p.check, p.field) for p in found] == [("bytes", "bytes")]
    assert "not read further" in found[0].message


def test_a_sparse_two_gib_table_is_refused_not_read(package):
    """The audit's 2 GiB sparse CSV made polars panic at 6.5 GB RSS: now it is refused unread."""
    with open(package / "csv" / "meetings.csv", "r+b") as fh:
        fh.truncate(2 << 30)
    start = time.perf_counter()
    problems, _ = verify(package)
    assert time.perf_counter() - start < 30
    assert ("datapackage.json:meetings-csv", "bytes") in _checks(problems)


def test_a_descriptor_of_a_million_resources_is_refused_at_once(package):
    many = [{"name": f"r{i}", "path": "csv/persons.csv"} for i in range(1_000_000)]  # about 48 MB of JSON
    _edit_descriptor(package, lambda d: {**d, "resources": many})
    start = time.perf_counter()
    problems, _ = verify(package)
    assert time.perf_counter() - start < 30
    assert any(p.check == "shape" and "1,000,000 resources" in p.message for p in problems)


def test_a_deeply_nested_descriptor_is_refused_located(package):
    path = package / "datapackage.json"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"keywords": [', '"deep": ' + "[" * 2000 + "]" * 2000 + ', "keywords": [', 1))
    problems, _ = verify(package)
    assert [(p.check, "nested" in p.message) for p in problems] == [("refused", True)]
    for command in ("validate", "info"):
        run = _run(command, "--path", str(package))
        assert run.returncode == 1, (command, run.stderr)
        assert "nested" in run.stderr and "Traceback" not in run.stderr


def test_a_table_that_makes_polars_panic_is_a_problem(monkeypatch, package):
    from pak_afghan_diplomacy.pipeline.publish import verify as verify_module

    def panic(*args, **kwargs):
        raise pl.exceptions.PanicException("index out of bounds")

    monkeypatch.setattr(verify_module.pl, "read_csv", panic)
    problems, _ = verify(package)
    assert ("datapackage.json:meetings-csv", "readable") in _checks(problems)


# --------------------------------------------------------------------------- group 7: what validate checks


def test_a_duplicate_resource_placed_first_is_refused(package):
    _edit_descriptor(package, lambda d: {**d, "resources": [d["resources"][6], *d["resources"]]})
    name = json.loads((package / "datapackage.json").read_text())["resources"][0]["name"]
    problems, _ = verify(package)
    found = [p for p in problems if p.check == "duplicate resource"]
    assert [p.value for p in found] == [name]


def test_a_resource_not_in_our_table_list_is_refused_unread(package):
    extra = {"name": '=HYPERLINK("http://x")', "path": "csv/persons.csv", "format": "csv"}
    _edit_descriptor(package, lambda d: {**d, "resources": [*d["resources"], extra]})
    problems, _ = verify(package)
    assert [p.check for p in problems] == ["unknown resource"]


def _rerender(package: Path, edit) -> None:
    """Rewrite the package through our own renderer, so every hash and size agrees with the edit."""
    frames = {name: pl.read_parquet(package / "parquet" / f"{name}.parquet") for name in MODELS}
    frames = edit(frames)
    for rel, data in render.render(frames).items():
        (package / rel).write_bytes(data)


def test_spans_past_the_body_are_caught_without_seeds(package):
    _rerender(
        package,
        lambda f: {
            **f,
            "evidence": f["evidence"].with_columns(pl.col("char_start") + 100_000, pl.col("char_end") + 100_000),
        },
    )
    problems, _ = verify(package, None)
    assert problems and {p.check for p in problems} == {"inside body"}
    run = _run("validate", "--path", str(package), "--seeds", str(ROOT / "seeds"))
    assert run.returncode == 1


def test_validate_says_what_it_checked(package, tmp_path):
    bare = tmp_path / "bare" / "datasets"
    shutil.copytree(DATASETS, bare)
    run = _run("validate", "--path", str(bare))
    assert run.returncode == 0 and "spans inside their bodies" in run.stdout and "seeds/" not in run.stdout


def test_info_refuses_a_resource_path_outside_the_package(package, tmp_path):
    outside = tmp_path / "elsewhere.parquet"
    shutil.copy(package / "parquet" / "meetings.parquet", outside)
    _edit_descriptor(
        package,
        lambda d: {
            **d,
            "resources": [{**r, "path": str(outside)} if r["name"] == "meetings" else r for r in d["resources"]],
        },
    )
    run = _run("info", "--path", str(package))
    assert run.returncode == 1 and "outside the package" in run.stderr


# --------------------------------------------------------------------------- group 5: only what the user named


@pytest.mark.parametrize("argv", [["validate", "--path", ""], ["info", "--path", ""], ["validate", "--seeds", ""]])
def test_an_empty_path_is_a_usage_error_not_the_installed_package(argv, capsys):
    assert cli.main(argv) == 2
    assert "names no folder" in capsys.readouterr().err


def test_build_out_empty_is_a_usage_error(checkout, capsys):
    before = tree_bytes(checkout.datasets)
    assert cli.main(["build", "--root", str(checkout.root), "--out", ""]) == 2
    assert tree_bytes(checkout.datasets) == before


@pytest.mark.parametrize("inside", ["build/pkg", "seeds/pkg", "build", "seeds/x/y"])
def test_build_out_inside_the_inputs_is_refused(checkout, capsys, inside):
    before = {name: tree_bytes(checkout.root / name) for name in ("build", "seeds")}
    assert cli.main(["build", "--root", str(checkout.root), "--out", str(checkout.root / inside)]) == 2
    assert {name: tree_bytes(checkout.root / name) for name in ("build", "seeds")} == before
    assert not (checkout.root / inside).exists() or inside == "build"
    assert "never writes" in capsys.readouterr().err


def test_draft_out_through_a_dangling_link_is_refused(tmp_path, capsys):
    link = tmp_path / "draft.yaml"
    link.symlink_to(tmp_path / "nowhere" / "target.yaml")
    (tmp_path / "nowhere").mkdir()
    assert cli.main(["draft", "004_5fd66b92c6fc2c14", "--root", str(ROOT), "--out", str(link)]) == 1
    assert not (tmp_path / "nowhere" / "target.yaml").exists()
    assert "symbolic link" in capsys.readouterr().err


# --------------------------------------------------------------------------- exit codes at the boundary


def test_pad_debug_shows_the_traceback_and_still_exits_4(monkeypatch, capsys):
    monkeypatch.setenv("PAD_DEBUG", "1")
    monkeypatch.setattr(cli, "cmd_info", lambda args: 1 / 0)
    assert cli.main(["info"]) == 4
    err = capsys.readouterr().err
    assert "Traceback" in err and "ZeroDivisionError" in err and "internal error" in err


@pytest.mark.parametrize(("command", "code"), [("info", 1), ("docs", 4)])
def test_a_rust_panic_is_caught_at_the_boundary(monkeypatch, capsys, command, code):
    def panic(args):
        raise pl.exceptions.PanicException("called `Option::unwrap()` on a `None` value")

    monkeypatch.setattr(cli, f"cmd_{command}", panic)
    assert cli.main([command]) == code
    err = capsys.readouterr().err
    assert "Traceback" not in err and "panic" in err.lower()


def test_a_recursion_error_is_caught_at_the_boundary(monkeypatch, capsys):
    def deep(args):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(cli, "cmd_info", deep)
    assert cli.main(["info"]) == 1
    assert "nested too deeply" in capsys.readouterr().err


# --------------------------------------------------------------------------- group 6: new-article is atomic


ARTICLE = "Envoy visits Kabul\n\nA fictional envoy met a fictional minister in Kabul on Monday.\n"


def _new_article(checkout, text: str | bytes, tmp_path, name: str = "article.txt") -> int:
    source = tmp_path / name
    source.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return cli.main(["new-article", str(source), "--root", str(checkout.root)])


@pytest.mark.parametrize("blank", ["\u00a0\u00a0\n", "\u3000\n", "\u2028\u2028", " \t\n\r\n"])
def test_new_article_of_only_whitespace_writes_nothing(checkout, tmp_path, capsys, blank):
    before = {name: tree_bytes(checkout.root / name) for name in ("build", "seeds")}
    assert _new_article(checkout, blank, tmp_path) == 1
    assert {name: tree_bytes(checkout.root / name) for name in ("build", "seeds")} == before
    assert "no text" in capsys.readouterr().err


def test_new_article_without_build_folder_writes_nothing(checkout, tmp_path, capsys):
    shutil.rmtree(checkout.curation)
    before = tree_bytes(checkout.seeds)
    assert _new_article(checkout, ARTICLE, tmp_path) == 3
    assert tree_bytes(checkout.seeds) == before
    err = capsys.readouterr().err
    assert "build: no such file or folder" in err


def test_new_article_of_a_device_says_what_it_is(checkout, capsys):
    assert cli.main(["new-article", "/dev/null", "--root", str(checkout.root)]) == 1
    err = capsys.readouterr().err
    assert "no such file" not in err and "device" in err


def _added(checkout) -> set[str]:
    return {p.name for p in checkout.seeds.iterdir()} | {p.name for p in checkout.curation.iterdir()}


@pytest.mark.parametrize("killed_after", [1, 2])
def test_a_stopped_new_article_is_repaired_by_a_rerun(checkout, tmp_path, monkeypatch, killed_after):
    """Stopped after the curation (1) or the seed (2) was put in place: the re-run completes it, once."""
    from pak_afghan_diplomacy.tools import new_article

    real, calls = new_article.write_whole, []

    def stopping(path, data, staging="."):
        calls.append(path)
        if len(calls) > killed_after:
            raise KeyboardInterrupt
        real(path, data, staging)

    before = _added(checkout)
    monkeypatch.setattr(new_article, "write_whole", stopping)
    assert _new_article(checkout, ARTICLE, tmp_path) == 130
    monkeypatch.setattr(new_article, "write_whole", real)
    half = _added(checkout) - before
    assert len(half) == killed_after and not any(n.startswith(".") for n in half)
    assert _new_article(checkout, ARTICLE, tmp_path) == 0
    added = _added(checkout) - before
    assert len(added) == 2
    seed = next(n for n in added if n.endswith(".txt"))
    pins = (checkout.seeds / "SHA256SUMS").read_text(encoding="utf-8")
    assert pins.count(seed) == 1
    assert _new_article(checkout, ARTICLE, tmp_path) == 1  # and then it is a duplicate, nothing more


def test_a_full_disk_leaves_no_empty_seed(checkout, tmp_path, monkeypatch):

    real_fsync = os.fsync
    calls = []

    def full(fd):
        calls.append(fd)
        if len(calls) == 2:  # the seed, after the curation file
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    before = _added(checkout)
    monkeypatch.setattr(os, "fsync", full)  # os is one module: the writer new_article uses sees it
    assert _new_article(checkout, ARTICLE, tmp_path) == 3
    half = _added(checkout) - before
    assert all(n.endswith(".yaml") for n in half)  # the curation only: no seed, empty or not; no staging
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert _new_article(checkout, ARTICLE, tmp_path) == 0


# --------------------------------------------------------------------------- validate --rebuild


@pytest.mark.parametrize(
    ("table", "edit"),
    [
        ("meetings", lambda f: f.with_columns(pl.col("description").str.replace("visit", "secret visit"))),
        ("articles", lambda f: f.with_columns(pl.col("published_date").str.replace("2023", "2022"))),
        ("statements", lambda f: f.with_columns(pl.col("speaker_id").str.replace("ishaq-dar", "mohammad-sadiq"))),
    ],
)
def test_a_forged_package_passes_the_checks_but_not_a_rebuild(checkout, capsys, table, edit):
    """A package rewritten through our own renderer (hashes agree): only --rebuild can tell."""
    _rerender(checkout.datasets, lambda f: {**f, table: edit(f[table])})
    problems, _ = verify(checkout.datasets, checkout.seeds)
    assert all(p.check not in ("hash", "bytes") for p in problems)
    assert cli.main(["validate", "--path", str(checkout.datasets), "--rebuild"]) == 1
    err = capsys.readouterr().err
    assert "rebuild" in err and f"parquet/{table}.parquet" in err


def test_rebuild_needs_a_checkout(package, capsys):
    assert cli.main(["validate", "--path", str(package), "--rebuild"]) == 2
    assert "not a checkout" in capsys.readouterr().err


def test_a_report_is_written_whole_or_not_at_all(tmp_path, monkeypatch):
    from pak_afghan_diplomacy.pipeline import problems as problems_module
    from pak_afghan_diplomacy.pipeline.problems import Problem, write_report

    report = tmp_path / "problems.csv"

    def full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(problems_module.os, "fsync", full)
    with pytest.raises(OSError):
        write_report([Problem("x", message="m")], report)
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- the release's digest


def test_the_changelog_and_cite_publish_the_descriptors_sha256():
    """A user checks a download against this; a rebuild that changes datapackage.json updates the CHANGELOG too."""
    import hashlib
    import re

    import pak_afghan_diplomacy as pad

    digest = hashlib.sha256((DATASETS / "datapackage.json").read_bytes()).hexdigest()
    unreleased = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8").split("\n## ")[1]
    assert re.findall(r"`datapackage.json` sha256: `([0-9a-f]{64})`", unreleased) == [digest]
    assert pad.cite().sha256 == digest and digest in pad.cite().text
