"""Hostile inputs: each is refused quickly with a located problem, or an exit code that says what failed."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest
import yaml

import pak_afghan_diplomacy as pad
from pak_afghan_diplomacy import cli
from pak_afghan_diplomacy.pipeline.problems import Problem, format_problems, write_report
from pak_afghan_diplomacy.pipeline.publish.verify import verify
from pak_afghan_diplomacy.pipeline.read import yamlfile
from pak_afghan_diplomacy.pipeline.read.seeds import read_pins, read_seeds
from pak_afghan_diplomacy.pipeline.whole import cells
from tests.conftest import DATASETS, ROOT, build_fails

CLI = str(Path(sys.executable).with_name("pak-afghan-diplomacy"))
REGISTRY = "build/registry.yaml"
# a one-line note of the registry's roles, found by how it begins (its wording may grow)
ROLE_NOTE = re.compile(r'^    note: "Ended by his resignation[^\n]*\n', re.MULTILINE)
SEED = "004_5fd66b92c6fc2c14.txt"


def _replace(root: Path, rel: str, old: str | re.Pattern[str], new: str) -> int:
    """Replace `old` by `new` in a file; returns the line where the edit starts."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    if isinstance(old, re.Pattern):
        found = old.search(text)
        assert found, old.pattern
        old = found.group(0)
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


# --------------------------------------------------------------------------- bounded parsing


def _alias_tree() -> str:
    """The issue's case: nine levels of ten aliases each, 10^9 strings if expanded."""
    levels = ["&a [" + ", ".join(["x"] * 10) + "]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        levels.append(f"&{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    return "[" + ", ".join(levels) + "]"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("50,000 brackets", "[" * 50_000 + "]" * 50_000, "nested too deeply"),
        ("50,000 braces", "{a: " * 50_000 + "}" * 50_000, "nested too deeply"),
        ("alias tree", _alias_tree(), "alias"),
        ("long value", '"' + "x" * (yamlfile.MAX_SCALAR + 1) + '"', "characters"),
    ],
)
def test_hostile_yaml_is_refused_fast_and_located(tmp_path, name, value, message):
    path = tmp_path / "registry.yaml"
    path.write_text(f"persons:\n  - id: x\n    note: {value}\n", encoding="utf-8")
    start = time.perf_counter()
    doc, problems = yamlfile.load(path, "build/registry.yaml")
    assert time.perf_counter() - start < 1.0
    assert doc is None
    assert len(problems) == 1 and problems[0].line == 3, problems
    assert message in problems[0].message


def test_deep_block_nesting_is_refused_without_a_crash(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("persons:\n  " + "- " * 50_000 + "x\n", encoding="utf-8")
    start = time.perf_counter()
    doc, problems = yamlfile.load(path, "x.yaml")
    assert time.perf_counter() - start < 1.0
    assert doc is None and problems[0].line == 2 and "nested too deeply" in problems[0].message


def test_a_recursive_alias_is_refused(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("a: &a [1, *a]\n", encoding="utf-8")
    doc, problems = yamlfile.load(path, "x.yaml")
    assert doc is None and "loop" in problems[0].message


def test_alias_tree_in_the_registry_fails_the_build_located(checkout):
    line = _replace(checkout.root, REGISTRY, ROLE_NOTE, f"    note: {_alias_tree()}\n")
    start = time.perf_counter()
    problems = build_fails(checkout)
    assert time.perf_counter() - start < 30
    assert [(p.where, p.line) for p in problems] == [(REGISTRY, line)]


def test_problem_values_are_shown_from_a_bounded_view():
    tree: list = ["x"] * 10
    for _ in range(9):
        tree = [tree] * 10
    start = time.perf_counter()
    shown = yamlfile._show(tree)
    assert time.perf_counter() - start < 0.1
    assert len(shown) <= 60 and shown.startswith("[[[")


# --------------------------------------------------------------------------- characters


@pytest.mark.parametrize(
    ("escaped", "code"),
    [
        ("\\e[31mred", "U+001B at character 7"),
        ("a\\0b", "U+0000 at character 8"),
        ("\\u202Eevil", "U+202E at character 7"),
        ("x\\u2066y", "U+2066 at character 8"),
    ],
)
def test_control_and_bidi_characters_in_curation_are_refused_with_position(checkout, escaped, code):
    roles = yaml.safe_load((checkout.root / REGISTRY).read_text(encoding="utf-8"))["roles"]
    index = next(i for i, r in enumerate(roles) if r.get("note") and r["note"].startswith("Ended by his resignation"))
    line = _replace(checkout.root, REGISTRY, ROLE_NOTE, f'    note: "Ended {escaped}"\n')
    problems = build_fails(checkout)
    found = [p for p in problems if p.check == "control character"]
    assert [(p.where, p.line, p.field) for p in found] == [(REGISTRY, line, f"roles[{index}].note")]
    assert code in found[0].message


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_a_text_cell_a_spreadsheet_would_run_is_refused(checkout, start):
    """OWASP CSV injection: refused at build time, so CSV and Parquet keep identical values."""
    old = "    description: Asif Durrani's three-day visit"
    line = _replace(checkout.root, REGISTRY, old, f'    description: "{start}HYPERLINK(1)" # {old}')
    problems = build_fails(checkout)
    found = [p for p in problems if p.check == "formula"]
    assert [(p.where, p.field) for p in found] == [(REGISTRY, "description")]
    assert found[0].line is not None and found[0].line <= line


def test_cells_check_covers_tab_and_carriage_return_at_the_start_only():
    frame = pl.DataFrame({"person_id": ["a", "b", "c", "d"], "name": ["\tx", "\rx", "ok - fine", "CRLF\r\nends"]})
    found = cells.cell_problems({"persons": frame})
    assert [(p.row, p.check) for p in found] == [("a", "formula"), ("b", "formula")]


def test_terminal_output_never_echoes_escape_sequences(checkout):
    _replace(checkout.root, REGISTRY, ROLE_NOTE, '    note: "\\e]0;pwned\\a\\e[2J"\n')
    _replace(checkout.root, REGISTRY, "  - {id: asif-durrani,", '  - {id: "asif\\e[31m-durrani",')
    run = subprocess.run([CLI, "build", "--root", str(checkout.root)], capture_output=True, text=True)
    assert run.returncode == 1
    assert "\x1b" not in run.stderr + run.stdout and "\x07" not in run.stderr
    assert "\\x1b" in run.stderr and "Traceback" not in run.stderr


def test_problem_table_escapes_what_a_terminal_would_run():
    shown = format_problems([Problem("x\x1b[2J", field="a\u202eb", value="\x9b31m", message="m\x00")])
    assert not any(ch in shown for ch in "\x1b\u202e\x9b\x00")
    assert "\\x1b[2J" in shown and "\\u202e" in shown


def test_report_csv_cells_are_not_formulas(tmp_path):
    report = tmp_path / "problems.csv"
    write_report([Problem("f.yaml", value="=cmd|' /C calc'!A0", message="-1")], report)
    rows = report.read_text(encoding="utf-8").splitlines()
    assert "'=cmd|" in rows[1] and ",'-1" in rows[1]


def test_duplicate_key_names_its_path(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("persons:\n  - id: a\n  - id: b\n    note: x\n    note: y\n", encoding="utf-8")
    _, problems = yamlfile.load(path, "x.yaml")
    assert [(p.check, p.line, p.field) for p in problems] == [("duplicate key", 5, "persons[1].note")]


# --------------------------------------------------------------------------- files that are not what they seem


@pytest.mark.parametrize("rel", ["build/registry/x.yaml", "build/009_0000000000000000.yaml"])
def test_a_folder_in_place_of_a_curation_file_is_located(checkout, rel):
    (checkout.root / rel).mkdir(parents=True)
    problems = build_fails(checkout)
    assert any(p.where == rel for p in problems), problems


def test_a_folder_in_place_of_a_seed_is_located(checkout):
    pins = (checkout.seeds / "SHA256SUMS").read_text(encoding="utf-8")
    (checkout.seeds / "SHA256SUMS").write_text(pins + f"{'0' * 64}  009_folder.txt\n", encoding="utf-8")
    (checkout.seeds / "009_folder.txt").mkdir()
    _, problems = read_seeds(checkout.seeds)
    assert ("seeds/009_folder.txt", "not a file") in [(p.where, p.check) for p in problems]


def test_two_pins_for_one_seed_are_refused(checkout):
    pins = checkout.seeds / "SHA256SUMS"
    right = next(line for line in pins.read_text(encoding="utf-8").splitlines() if SEED in line)
    pins.write_text(f"{'0' * 64}  {SEED}\n" + pins.read_text(encoding="utf-8"), encoding="utf-8")
    _, problems = read_pins(checkout.seeds)
    assert [(p.line, p.check, p.value) for p in problems] == [(right and 6, "duplicate pin", SEED)]
    assert "first on line 1" in problems[0].message
    assert ("seeds/SHA256SUMS", "duplicate pin") in [(p.where, p.check) for p in build_fails(checkout)]


def test_pins_not_utf8_are_located(checkout):
    pins = checkout.seeds / "SHA256SUMS"
    before = pins.read_bytes()
    pins.write_bytes(before + (b"" if before.endswith(b"\n") else b"\n") + b"\xff\xfe  bad.txt\n")
    bad_line = len(pins.read_bytes().splitlines())  # the line just appended, however many pins precede it
    problems = build_fails(checkout)
    assert ("seeds/SHA256SUMS", bad_line, "encoding") in [(p.where, p.line, p.check) for p in problems]


# --------------------------------------------------------------------------- validate


@pytest.fixture
def package(tmp_path) -> Path:
    out = tmp_path / "datasets"
    shutil.copytree(DATASETS, out)
    return out


def _descriptor(package: Path, edit) -> None:
    path = package / "datapackage.json"
    desc = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(edit(desc)), encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "edit"),
    [
        ("descriptor is a list", lambda d: []),
        ("resources is text", lambda d: {**d, "resources": "x"}),
        ("a resource is text", lambda d: {**d, "resources": ["x", *d["resources"][1:]]}),
        ("path is null", lambda d: {**d, "resources": [{**d["resources"][0], "path": None}, *d["resources"][1:]]}),
        ("path is a number", lambda d: {**d, "resources": [{**d["resources"][0], "path": 7}, *d["resources"][1:]]}),
        ("path leaves", lambda d: {**d, "resources": [{**d["resources"][0], "path": "../../etc/passwd"}]}),
        ("source path is a number", lambda d: {**d, "sources": [{"path": 3}]}),
    ],
)
def test_malformed_descriptors_are_problems_not_tracebacks(package, name, edit):
    _descriptor(package, edit)
    problems, _ = verify(package, ROOT / "seeds")
    assert problems or name == "source path is a number"
    for p in problems:
        assert p.where and p.check and p.message


def test_validate_with_a_missing_seed_says_so_and_claims_nothing(package, tmp_path, capsys):
    seeds = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    (seeds / SEED).unlink()
    problems, _ = verify(package, seeds)
    assert [(p.where, p.check) for p in problems] == [(f"seeds/{SEED}", "seed")]
    assert "not checked" in problems[0].message
    assert cli.main(["validate", "--path", str(package)]) == 1
    captured = capsys.readouterr()
    assert "spans checked" not in captured.out and SEED in captured.err


def test_validate_table_refuses_a_compressed_file(tmp_path, capsys):
    target = tmp_path / "meetings.csv"
    target.write_bytes(gzip.compress((DATASETS / "csv" / "meetings.csv").read_bytes()))
    assert cli.main(["validate", "--table", "meetings", str(target)]) == 1
    assert "gzip-compressed" in capsys.readouterr().err


# --------------------------------------------------------------------------- every command, every class


@pytest.fixture
def places(tmp_path, checkout) -> dict[str, str]:
    a_file = tmp_path / "file.txt"
    a_file.write_text("x\n")
    (tmp_path / "folder").mkdir()
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("meeting_id\ncaf\xe9\n".encode("latin-1"))
    broken = tmp_path / "broken"
    shutil.copytree(checkout.root, broken)
    _replace(broken, REGISTRY, ROLE_NOTE, "    note: [\n")
    dir_desc = tmp_path / "dir-desc"
    (dir_desc / "datapackage.json").mkdir(parents=True)
    bad_desc = tmp_path / "bad-desc"
    shutil.copytree(DATASETS, bad_desc)
    (bad_desc / "datapackage.json").write_text('{"name": "pak-afghan-diplomacy", "resources": "x"}')
    latin_desc = tmp_path / "latin-desc"
    shutil.copytree(DATASETS, latin_desc)
    (latin_desc / "datapackage.json").write_bytes(b'{"title": "caf\xe9"}')
    no_parquet = tmp_path / "no-parquet"
    shutil.copytree(DATASETS, no_parquet)
    (no_parquet / "parquet" / "meetings.parquet").unlink()
    return {
        "root": str(checkout.root),
        "file": str(a_file),
        "folder": str(tmp_path / "folder"),
        "underfile": str(a_file / "x"),
        "proc": "/proc/pad-no-such/x",
        "latin1": str(latin1),
        "broken": str(broken),
        "dir-desc": str(dir_desc),
        "bad-desc": str(bad_desc),
        "latin-desc": str(latin_desc),
        "no-parquet": str(no_parquet),
        "missing": str(tmp_path / "missing"),
    }


MATRIX = [
    # (command line with {place} fields, exit code, package the command reads or None)
    ("build --root {root} --out {file}", 2, None),
    ("build --root {root} --out {underfile}/datasets", 3, None),
    ("build --root {root} --out {proc}", 3, None),
    ("build --root {file}", 2, None),
    ("build --root {broken} --report {folder}", 3, None),
    ("build --root {broken} --report {underfile}", 3, None),
    ("validate --path {file}", 3, None),
    ("validate --path {missing}", 3, None),
    ("validate --path {dir-desc}", 3, None),
    ("validate --path {bad-desc}", 1, None),
    ("validate --path {latin-desc}", 1, None),
    ("validate --path {bad-desc} --report {underfile}", 3, None),
    ("validate --path {bad-desc} --seeds {file}", 3, None),
    ("validate --path {bad-desc} --seeds {missing}", 3, None),
    ("validate --table meetings {folder}", 3, None),
    ("validate --table meetings {missing}", 3, None),
    ("validate --table meetings {latin1}", 1, None),
    ("new-article {folder} --root {root}", 3, None),
    ("new-article {latin1} --root {root}", 1, None),
    ("export sqlite {folder}", 3, None),
    ("export sqlite {underfile}", 3, None),
    ("export sqlite {proc}", 3, None),
    ("export sqlite {folder}/pad.db", 3, "no-parquet"),
    ("export sqlite {folder}/pad.db", 1, "bad-desc"),
    ("plot timeline {underfile}.png", 3, None),
    ("plot timeline {proc}.png", 3, None),
    ("info", 3, "missing"),
    ("info", 3, "dir-desc"),
    ("info", 1, "bad-desc"),
    ("info", 1, "latin-desc"),
]


@pytest.mark.parametrize(("command", "code", "reads"), MATRIX)
def test_every_command_fails_in_words_with_its_exit_code(places, monkeypatch, capsys, command, code, reads):
    if reads is not None:
        monkeypatch.setattr(pad, "data_dir", lambda: Path(places[reads]))
    argv = [part.format_map(places) for part in command.split()]
    assert cli.main(argv) == code
    err = capsys.readouterr().err
    assert err.strip() and "Traceback" not in err


@pytest.mark.parametrize(("argv", "code"), [(["plot", "timeline", "x.xyz"], 2), (["export", "sqlite"], 2)])
def test_usage_errors_exit_2(argv, code):
    with pytest.raises(SystemExit) as exit_:
        cli.main(argv)
    assert exit_.value.code == code


def test_usage_errors_do_not_echo_escape_sequences(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["info", "\x1b[2J\u202e"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\u202e" not in err and "\\x1b[2J" in err


def test_a_bug_is_exit_4_not_a_data_failure(monkeypatch, capsys):
    monkeypatch.setattr(cli, "cmd_info", lambda args: 1 / 0)
    assert cli.main(["info"]) == 4
    assert "internal error" in capsys.readouterr().err


def test_exit_codes_from_a_real_process(tmp_path):
    """Outside pytest too: an environment problem is 3, with a sentence and no traceback."""
    run = subprocess.run([CLI, "validate", "--path", str(tmp_path / "nowhere")], capture_output=True, text=True)
    assert run.returncode == 3
    assert "no such file or folder" in run.stderr and "Traceback" not in run.stderr


def test_cells_check_names_every_cell_column_by_column_formula_first():
    frame = pl.DataFrame(
        {
            "person_id": ["a", "b", "c"],
            "name": ["=x", "ok", "y\u202e"],
            "note": [None, "@z\x1b", "fine"],
            "n": [1, 2, 3],
        }
    )
    found = cells.cell_problems({"persons": frame, "not a table": frame, "roles": frame.clear()})
    assert [(p.row, p.field, p.check) for p in found] == [
        ("a", "name", "formula"),
        ("c", "name", "control character"),
        ("b", "note", "formula"),
        ("b", "note", "control character"),
    ]
