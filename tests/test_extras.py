"""Each install line of the README, in a fresh venv from the built wheel: what it enables works, the rest
says in one line which extra to install (never a traceback); and every README line a user runs
(the Python blocks, the shell commands) runs from the wheel with every extra installed."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT, uv_path

# What each README example needs (an extra, or nothing beyond the core install).
SHELL = {
    "info": ((["info"]), None),
    "docs": ((["docs", "changelog"]), None),
    "export": ((["export", "sqlite", "pad.db"]), None),
    "validate": ((["validate"]), "schema"),
    "validate-table": ((["validate", "--table", "meetings", "mine.csv"]), "schema"),
    "plot": ((["plot", "timeline", "timeline.png"]), "plot"),
}
PYTHON = {
    "load": (
        "import pak_afghan_diplomacy as pad; pad.load('meetings'); print(pad.describe('meetings')); "
        "print(pad.cite('2024-12-sadiq-haqqani-kabul'))",
        None,
    ),
    "new-api": (
        "import pak_afghan_diplomacy as pad; person = pad.load('persons')['person_id'][0]; "
        "assert pad.cite(person).articles; assert pad.search(pad.load('persons')['name'][0]).height; "
        "assert pad.scan('meetings').collect().height == pad.load('meetings', columns=['meeting_id']).height; "
        "assert pad.describe('meetings')._repr_html_()",
        None,
    ),
    "pandas": (
        "import pak_afghan_diplomacy as pad; m = pad.load('meetings', backend='pandas'); "
        "assert m['date_latest'].dt.year.notna().any()",
        "pandas",
    ),
    "schema": (
        "import polars as pl; from pak_afghan_diplomacy.schema import Meetings, dtypes; "
        "Meetings.validate(pl.read_csv('mine.csv', schema=dtypes('meetings')), lazy=True)",
        "schema",
    ),
}
SETS = {
    "core": set(),
    "pandas": {"pandas"},
    "schema": {"schema"},
    "plot": {"plot"},
    "all": {"pandas", "schema", "plot", "duckdb"},
}


@pytest.fixture(scope="module")
def venvs(wheel, tmp_path_factory) -> dict[str, Path]:
    """One fresh venv per extra set, with the wheel installed as the README says."""
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    env.pop("VIRTUAL_ENV", None)
    made = {}
    for name, extras in SETS.items():
        venv = tmp_path_factory.mktemp(f"venv-{name}")
        subprocess.run([uv_path(), "venv", "--quiet", "--python", os.sys.executable, str(venv)], check=True, env=env)
        spec = f"{wheel}[{','.join(sorted(extras))}]" if extras else str(wheel)
        py = venv / "bin" / "python"
        subprocess.run([uv_path(), "pip", "install", "--quiet", "--python", str(py), spec], check=True, env=env)
        made[name] = venv
    return made


def _work(tmp_path: Path, venv: Path) -> Path:
    """A folder outside the repository holding a valid CSV of ours for the `validate --table` examples."""
    py = venv / "bin" / "python"
    subprocess.run(
        [str(py), "-c", "import pak_afghan_diplomacy as pad; pad.load('meetings').write_csv('mine.csv')"],
        check=True,
        cwd=tmp_path,
    )
    return tmp_path


def _one_line_naming(run: subprocess.CompletedProcess, extra: str) -> None:
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert "Traceback" not in run.stderr, run.stderr
    assert len(lines) == 1 and f"'{extra}' extra" in lines[0], run.stderr


@pytest.mark.parametrize("name", list(SETS))
def test_each_extra_set_runs_the_readme_commands_it_should(venvs, tmp_path, name):
    venv = venvs[name]
    work = _work(tmp_path, venv)
    cli = str(venv / "bin" / "pak-afghan-diplomacy")
    for example, (args, needs) in SHELL.items():
        run = subprocess.run([cli, *args], capture_output=True, text=True, cwd=work)
        if needs is None or needs in SETS[name]:
            assert run.returncode == 0, (example, run.stderr)
        else:
            assert run.returncode == 3, (example, run.returncode, run.stderr)
            _one_line_naming(run, needs)
    for example, (code, needs) in PYTHON.items():
        run = subprocess.run([str(venv / "bin" / "python"), "-c", code], capture_output=True, text=True, cwd=work)
        if needs is None or needs in SETS[name]:
            assert run.returncode == 0, (example, run.stderr)
        else:
            assert run.returncode == 1 and f"'{needs}' extra" in run.stderr.splitlines()[-1], (example, run.stderr)
            assert "terminate called" not in run.stderr, (example, run.stderr)
    if "plot" in SETS[name]:
        assert (work / "timeline.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (work / "pad.metadata.json").is_file()


USER_SECTIONS = ("Loading the data", "Checking your own data with our schemas")


def _readme_blocks(lang: str) -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = []
    for title in USER_SECTIONS:
        section = text.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]
        blocks += re.findall(rf"```{lang}\n(.*?)```", section, re.S)
    return blocks


def _readme_commands() -> list[str]:
    """The shell lines of the user sections: `sh` blocks and the `run:` steps of the CI example."""
    lines = [line for block in _readme_blocks("sh") for line in block.splitlines()]
    lines += [
        line.split("run:", 1)[1] for block in _readme_blocks("yaml") for line in block.splitlines() if "run:" in line
    ]
    return [line.split(" #")[0].strip() for line in lines if line.strip()]


def test_the_readme_names_only_extras_the_wheel_has():
    extras = set().union(*SETS.values())
    for command in _readme_commands():
        if command.startswith("pip install"):
            for named in re.findall(r"\[([^\]]+)\]", command):
                assert set(named.split(",")) <= extras, command


def test_every_readme_line_runs_from_the_wheel(venvs, tmp_path):
    venv = venvs["all"]
    work = _work(tmp_path, venv)
    (work / "my_meetings.csv").write_bytes((work / "mine.csv").read_bytes())
    (work / "data").mkdir()
    (work / "data" / "my_meetings.csv").write_bytes((work / "mine.csv").read_bytes())
    python = str(venv / "bin" / "python")
    blocks = _readme_blocks("python")
    assert blocks
    for code in blocks:
        tests = re.findall(r"^def (test_\w+)\(", code, re.M)  # a pytest file: call its tests
        run = subprocess.run(
            [python, "-c", code + "".join(f"\n{t}()" for t in tests)], capture_output=True, text=True, cwd=work
        )
        assert run.returncode == 0 and "terminate called" not in run.stderr, (code, run.stderr)
    commands = [c for c in _readme_commands() if c.startswith("pak-afghan-diplomacy ")]
    assert commands
    for command in commands:
        program, *args = command.split()
        run = subprocess.run([str(venv / "bin" / program), *args], capture_output=True, text=True, cwd=work)
        assert run.returncode == 0, (command, run.stderr)
