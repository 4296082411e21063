"""The wheel as users get it: data inside once, installable and loadable outside the repo."""

from __future__ import annotations

import os
import subprocess
import zipfile
from collections import Counter

from pak_afghan_diplomacy.schema import MODELS
from tests.conftest import DATASETS, ROOT, uv_path


def test_wheel_holds_the_package_and_each_resource_exactly_once(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    dupes = [n for n, c in Counter(names).items() if c > 1]
    assert dupes == []
    published = {p.relative_to(DATASETS).as_posix() for p in DATASETS.rglob("*") if p.is_file()}
    shipped = {
        n.removeprefix("pak_afghan_diplomacy/datasets/")
        for n in names
        if n.startswith("pak_afghan_diplomacy/datasets/")
    }
    assert shipped == published
    assert "pak_afghan_diplomacy/py.typed" in names
    for shipped in ("DICTIONARY.md", "CHANGELOG.md", "CITATION.cff", "timeline.png"):
        assert f"pak_afghan_diplomacy/docs/{shipped}" in names, shipped
    assert not [n for n in names if n.startswith(("seeds/", "build/", "schema/", "tests/"))]


def test_wheel_installs_and_loads_every_table_outside_the_repo(wheel, tmp_path):
    venv = tmp_path / "venv"
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    env.pop("VIRTUAL_ENV", None)
    subprocess.run([uv_path(), "venv", "--quiet", "--python", os.sys.executable, str(venv)], check=True, env=env)
    py = venv / "bin" / "python"
    # the user's install: the wheel with the pandas extra, and DuckDB; no dev dependencies
    subprocess.run(
        [uv_path(), "pip", "install", "--quiet", "--python", str(py), f"{wheel}[pandas]", "duckdb"],
        check=True,
        env=env,
        capture_output=True,
    )
    freeze = subprocess.run(
        [uv_path(), "pip", "freeze", "--python", str(py)], check=True, env=env, capture_output=True, text=True
    ).stdout.lower()
    for dev_only in ("pandera", "frictionless", "pytest", "pyyaml", "matplotlib"):
        assert f"{dev_only}==" not in freeze, dev_only
    code = (
        "import pak_afghan_diplomacy as pad, polars, pandas\n"
        "assert 'site-packages' in str(pad.data_dir()), pad.data_dir()\n"
        "for t in pad.tables():\n"
        "    a = pad.load(t); b = pad.load(t, backend='pandas')\n"
        "    assert isinstance(a, polars.DataFrame) and isinstance(b, pandas.DataFrame)\n"
        "    assert a.height == len(b)\n"
        "import duckdb\n"
        "d = pad.data_dir()\n"
        "q = f\"SELECT count(*) FROM '{d}/parquet/meetings.parquet' WHERE kind = 'visit'\"\n"
        "n = duckdb.sql(q).fetchall()[0][0]\n"
        "assert n == pad.load('meetings').filter(polars.col('kind') == 'visit').height > 0\n"
        "print(len(pad.tables()))\n"
    )
    out = subprocess.run([str(py), "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(len(MODELS))
    info = subprocess.run(
        [str(venv / "bin" / "pak-afghan-diplomacy"), "info"], check=True, capture_output=True, text=True, cwd=tmp_path
    )
    articles = len(list((ROOT / "seeds").glob("*.txt")))
    assert f"sources ({articles} articles)" in info.stdout


def test_core_install_is_what_the_readme_says(wheel):
    """Loading, searching (rapidfuzz), exporting (sqlite-utils) and `info` (rich) need no extra; nothing else."""
    meta = next(n for n in zipfile.ZipFile(wheel).namelist() if n.endswith("METADATA"))
    requires = [
        line.split(":", 1)[1].strip()
        for line in zipfile.ZipFile(wheel).read(meta).decode().splitlines()
        if line.startswith("Requires-Dist:")
    ]
    core = sorted(r.split(">")[0].split("=")[0].strip() for r in requires if "extra ==" not in r)
    assert core == ["polars", "pyarrow", "rapidfuzz", "rich", "sqlite-utils"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install pak-afghan-diplomacy            # polars, pyarrow, sqlite-utils, rapidfuzz, rich" in readme


def test_sdist_is_built(wheel):
    assert list(wheel.parent.glob("*.tar.gz"))
