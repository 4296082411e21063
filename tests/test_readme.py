"""The README's Python examples run as written (docs that drift from the code are a bug)."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT

BLOCKS = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), flags=re.S)


@pytest.mark.parametrize("code", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_example_runs(code, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "my_meetings.csv").write_bytes((ROOT / "datasets" / "csv" / "meetings.csv").read_bytes())
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    for name, func in namespace.items():  # an example pytest test is run too
        if name.startswith("test_") and callable(func):
            func()
