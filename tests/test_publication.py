"""Publication: nothing but our package is ever replaced, and `datasets/` is complete at every instant."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from pak_afghan_diplomacy.pipeline import Layout, build
from pak_afghan_diplomacy.pipeline.publish import atomic
from pak_afghan_diplomacy.pipeline.publish import render as publish
from pak_afghan_diplomacy.pipeline.publish.atomic import OutputRefused
from pak_afghan_diplomacy.pipeline.publish.verify import verify
from pak_afghan_diplomacy.schema import MODELS
from tests.conftest import DATASETS, ROOT, tree_bytes

CLI = str(Path(sys.executable).with_name("pak-afghan-diplomacy"))


@pytest.fixture(scope="module")
def new_files() -> dict[str, bytes]:
    """The published package's files, rendered again from its tables."""
    frames = {name: pl.read_parquet(DATASETS / "parquet" / f"{name}.parquet") for name in MODELS}
    return publish.render(frames)


@pytest.fixture
def old_files(new_files) -> dict[str, bytes]:
    """A different but complete package: the same files with a changed descriptor."""
    desc = json.loads(new_files[publish.DESCRIPTOR])
    desc["version"] = "0.0.0-old"
    return {**new_files, publish.DESCRIPTOR: json.dumps(desc).encode()}


def _leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


# --------------------------------------------------------------------------- what --out may replace


def _home_like(tmp: Path) -> Path:
    home = tmp / "home"
    (home / "Documents").mkdir(parents=True)
    (home / ".bashrc").write_text("export PATH\n")
    return home


@pytest.mark.parametrize("target", ["root", "build", "seeds", "home", "a file", "package plus a file"])
def test_out_refuses_anything_but_our_package(checkout, tmp_path, target):
    root = checkout.root
    out = {
        "root": root,
        "build": root / "build",
        "seeds": root / "seeds",
        "home": _home_like(tmp_path),
        "a file": root / "notes.txt",
        "package plus a file": root / "datasets",
    }[target]
    if target == "a file":
        out.write_text("mine\n")
    if target == "package plus a file":
        (out / "README.md").write_text("mine\n")
    before = tree_bytes(out) if out.is_dir() else out.read_bytes()
    with pytest.raises(OutputRefused, match=r"refusing|besides the package"):
        build(checkout, out)
    assert (tree_bytes(out) if out.is_dir() else out.read_bytes()) == before
    assert not _leftovers(out)


def test_out_refusal_is_a_usage_error_on_the_command_line(checkout):
    run = subprocess.run(
        [CLI, "build", "--root", str(checkout.root), "--out", str(checkout.root)], capture_output=True, text=True
    )
    assert run.returncode == 2
    assert "not a published package" in run.stderr and "Traceback" not in run.stderr
    assert (checkout.root / "build" / "registry.yaml").is_file()


def test_out_may_be_absent_empty_or_our_package(tmp_path, new_files, old_files):
    for out in (tmp_path / "absent", tmp_path / "empty"):
        if out.name == "empty":
            out.mkdir()
        atomic.write_atomic(new_files, out)
        assert tree_bytes(out) == new_files
        atomic.write_atomic(old_files, out)  # our package: replaced
        assert tree_bytes(out) == old_files


def test_file_browser_litter_does_not_block_a_rebuild(tmp_path, new_files, old_files):
    out = tmp_path / "datasets"
    atomic.write_atomic(old_files, out)
    (out / ".DS_Store").write_bytes(b"\0")
    atomic.write_atomic(new_files, out)
    assert tree_bytes(out) == new_files


def test_a_symlinked_out_is_refused(tmp_path, new_files):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    with pytest.raises(OutputRefused, match="symbolic link"):
        atomic.write_atomic(new_files, tmp_path / "link")


# --------------------------------------------------------------------------- atomic at every step


def _steps(new_files, old_files, tmp_path) -> list[str]:
    seen: list[str] = []
    out = tmp_path / "count" / "datasets"
    atomic.write_atomic(old_files, out)
    original = atomic._checkpoint
    atomic._checkpoint = seen.append
    try:
        atomic.write_atomic(new_files, out)
    finally:
        atomic._checkpoint = original
    return seen


def _at_step(k: int, action: Callable[[str], None]) -> Callable[[str], None]:
    """A checkpoint that runs `action` at the k-th step (0-based) of one publication."""
    calls: list[str] = []

    def checkpoint(name: str) -> None:
        calls.append(name)
        if len(calls) == k + 1:
            action(name)

    return checkpoint


def _fail(name: str) -> None:
    raise OSError(f"injected failure at {name}")


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "two renames"])
def test_a_failure_at_any_step_leaves_a_complete_package(tmp_path, monkeypatch, new_files, old_files, exchange):
    if not exchange:
        monkeypatch.setattr(atomic, "_exchange", lambda a, b: False)
    steps = _steps(new_files, old_files, tmp_path)
    assert len(steps) > len(new_files)
    for k, step in enumerate(steps):
        out = tmp_path / f"k{k}" / "datasets"
        atomic.write_atomic(old_files, out)

        monkeypatch.setattr(atomic, "_checkpoint", _at_step(k, _fail))
        with contextlib.suppress(OSError):
            atomic.write_atomic(new_files, out)
        monkeypatch.setattr(atomic, "_checkpoint", lambda name: None)
        assert tree_bytes(out) in (old_files, new_files), step
        atomic.write_atomic(new_files, out)
        assert tree_bytes(out) == new_files and not _leftovers(out), step


def test_os_replace_failing_leaves_the_previous_package(tmp_path, monkeypatch, new_files, old_files):
    out = tmp_path / "datasets"
    atomic.write_atomic(old_files, out)
    monkeypatch.setattr(atomic, "_exchange", lambda a, b: False)
    calls = []

    def replace(a, b, real=os.replace):
        calls.append((a, b))
        if len(calls) == 2:  # the staging folder into place, after the old one moved away
            raise OSError("injected")
        return real(a, b)

    monkeypatch.setattr(atomic.os, "replace", replace)
    with pytest.raises(OSError, match="injected"):
        atomic.write_atomic(new_files, out)
    assert tree_bytes(out) == old_files and not _leftovers(out)


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "two renames"])
def test_a_kill_at_any_step_leaves_a_complete_package(tmp_path, monkeypatch, new_files, old_files, exchange):
    """A real SIGKILL of a publishing process between every pair of filesystem steps.

    With renameat2, `datasets/` is complete at every instant. With the two-rename fallback, a
    kill between the renames leaves it absent for a moment; the next build puts it back.
    """
    if not exchange:
        monkeypatch.setattr(atomic, "_exchange", lambda a, b: False)  # the forked child inherits it
    steps = _steps(new_files, old_files, tmp_path)
    for k, step in enumerate(steps):
        out = tmp_path / f"k{k}" / "datasets"
        atomic.write_atomic(old_files, out)
        pid = os.fork()
        if pid == 0:  # the child publishes and dies at step k
            try:
                atomic._checkpoint = _at_step(k, lambda name: os.kill(os.getpid(), signal.SIGKILL))
                atomic.write_atomic(new_files, out)
            finally:
                os._exit(0)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, step
        if exchange or out.exists():
            assert tree_bytes(out) in (old_files, new_files), step
        else:
            assert step == "previous moved away"
        atomic.write_atomic(new_files, out)  # the next build clears what the killed one left
        assert tree_bytes(out) == new_files and not _leftovers(out), step


WRITER = """
import json, sys
from pathlib import Path
from pak_afghan_diplomacy.pipeline.publish import atomic
source, out, n = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
files = {p.relative_to(source).as_posix(): p.read_bytes() for p in sorted(source.rglob("*")) if p.is_file()}
desc = json.loads(files["datapackage.json"])
for i in range(n):
    desc["version"] = f"{sys.argv[4]}-{i}"
    atomic.write_atomic({**files, "datapackage.json": json.dumps(desc).encode()}, out)
"""


def test_readers_never_see_a_half_published_package(tmp_path, new_files):
    """Two writers publish 120 times in all (in turn, under the lock) while this process reads: always complete."""
    out = tmp_path / "datasets"
    atomic.write_atomic(new_files, out)
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(DATASETS), str(out), "60", f"w{i}"], stderr=subprocess.PIPE)
        for i in range(2)
    ]
    reads, missing, superseded = 0, [], 0
    deadline = time.monotonic() + 60
    while any(w.poll() is None for w in writers) and time.monotonic() < deadline:
        # What is at `out` is checked whole. A folder opened just before a publication is the previous
        # package, which the writer removes once the new one is in place: a reader still inside it
        # sees it go, and a reader (as `load()` does) opens the package again. So a listing of a folder
        # that is no longer the one at `out` is counted apart, not as a half-published package.
        try:
            fd = os.open(out, os.O_RDONLY)
        except OSError as exc:  # `out` itself missing: never allowed
            missing.append(repr(exc))
            break
        try:
            listed = os.fstat(fd)
            names = set(os.listdir(fd))
            desc_fd = os.open("datapackage.json", os.O_RDONLY, dir_fd=fd)
            with os.fdopen(desc_fd, "rb") as fh:
                desc = json.loads(fh.read())
            assert desc["name"] == "pak-afghan-diplomacy"
            assert {"csv", "parquet", "datapackage.json"} <= names
        except (OSError, ValueError, AssertionError) as exc:
            now = out.stat() if out.exists() else None
            if now is not None and (now.st_ino, now.st_dev) != (listed.st_ino, listed.st_dev):
                superseded += 1  # the previous package, replaced while this reader was inside it
            else:
                missing.append(repr(exc))
        finally:
            os.close(fd)
        reads += 1
        time.sleep(0.0002)  # leave the writers a CPU
    errors = [w.communicate()[1].decode() for w in writers]
    assert [w.returncode for w in writers] == [0, 0], errors
    assert reads > 100
    assert missing == []
    assert not _leftovers(out)
    problems, _ = verify(out)
    assert problems == []


def test_a_killed_build_is_cleaned_by_the_next(checkout):
    """Leftover staging and moved-away folders of a killed build: the next build clears them."""
    out = checkout.datasets
    (out.parent / ".datasets.new-abc").mkdir()
    (out.parent / ".datasets.new-abc" / "half").write_text("x")
    shutil.copytree(out, out.parent / ".datasets.old-def")
    build(Layout(checkout.root))
    assert not _leftovers(out)
    assert tree_bytes(out) == tree_bytes(DATASETS)


def test_the_previous_package_is_put_back_when_a_kill_left_none(tmp_path, new_files, old_files):
    out = tmp_path / "datasets"
    atomic.write_atomic(old_files, out)
    os.replace(out, tmp_path / ".datasets.old-xyz")  # as the fallback leaves it between its renames
    with pytest.raises(OSError):
        atomic.write_atomic(new_files, out, _fail_after=3)
    assert tree_bytes(out) == old_files and not _leftovers(out)


def test_a_package_holds_only_what_the_target_check_accepts(new_files):
    assert {rel.split("/")[0] for rel in new_files} == atomic.PUBLISHED


def test_nothing_is_left_in_the_checkout_by_a_build(rebuilt):
    assert _leftovers(rebuilt) == []
    assert _leftovers(ROOT / "datasets") == []


def test_large_strings_made_arrow_strings_without_pyarrow_compute_equal_pyarrows_cast():
    import pyarrow as pa

    from pak_afghan_diplomacy.pipeline.publish import render as publish_render

    for values in (["a", None, "ccc", "", "é" * 5], [None, None], []):
        whole = pa.array(values, type=pa.large_string())
        for array in (whole, whole.slice(1), whole.slice(0, max(len(values) - 1, 0))):
            out = publish_render._as(array, pa.string())
            out.validate(full=True)
            assert out.equals(array.cast(pa.string())) and out.type == pa.string()
