"""The fact tests on a checkout holding more articles, some of which change existing records (#17 item 4).

A copy of the checkout (its tracked files) gains the fictional reports of tests/extended.py as a
contributor adds them: one narrows a meeting's date and prints a new spelling of a registry person;
one names a new holder of a one-holder post and a new meeting inserted at the top of the registry.
The package is rebuilt there, and the tests about the data, the curation checks and the build run
against that copy (its own src/ first on the path, so `pad.load` reads its datasets/). A test that
pins a line number, a row's index or the five-article state of a record fails here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from pak_afghan_diplomacy.pipeline import Layout, build
from tests.conftest import ROOT
from tests.extended import extend

FACT_TESTS = [
    "tests/test_grade_a.py",
    "tests/test_grade_a18.py",
    "tests/test_curation.py",
    "tests/test_load.py",
    "tests/test_silent_acceptances.py",
    "tests/test_bad_inputs.py",
    "tests/test_reconcile.py",
    "tests/test_reviewer_checks.py",
    "tests/test_hostile.py",
    "tests/test_build.py",
    "tests/test_schema.py",
]


def test_the_fact_tests_pass_on_a_checkout_extended_with_fictional_articles(tmp_path):
    if os.environ.get("PAD_EXTENDED_CHECKOUT"):  # already the inner run: never recurse
        return
    copy = tmp_path / "checkout"
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, tracked.decode().split("\0")):
        if (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    added = extend(copy)
    assert len(list((copy / "seeds").glob("*.txt"))) == len(list((ROOT / "seeds").glob("*.txt"))) + len(added)
    build(Layout(copy))  # the committed package of the extended checkout
    env = {**os.environ, "PYTHONPATH": str(copy / "src"), "PAD_EXTENDED_CHECKOUT": "1"}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", *FACT_TESTS],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
