"""Each install line of the README, in a fresh venv from the built wheel: what it enables works, the rest
says in one line which extra to install (never a traceback)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import uv_path

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
    "all": {"pandas", "schema", "plot"},
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
    if "plot" in SETS[name]:
        assert (work / "timeline.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (work / "pad.metadata.json").is_file()
