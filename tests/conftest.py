"""Shared fixtures: the checkout, a fresh build of it, and a scratch copy to break."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pak_afghan_diplomacy.pipeline import BuildError, Layout, build
from pak_afghan_diplomacy.pipeline.article import stage
from pak_afghan_diplomacy.pipeline.problems import Problem

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT / "datasets"
REAL = len(list((ROOT / "seeds").glob("*.txt")))  # articles in the real corpus


@pytest.fixture(scope="session")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package built from seeds/ and build/ into a temporary folder."""
    out = tmp_path_factory.mktemp("rebuilt") / "datasets"
    build(Layout(ROOT), out)
    return out


@pytest.fixture
def checkout(tmp_path: Path) -> Layout:
    """A scratch copy of the inputs and the published package, safe to corrupt."""
    for name in ("seeds", "build", "datasets"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return Layout(tmp_path)


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def real_copies(tmp_path_factory: pytest.TempPathFactory, name: str, copies: int) -> Layout:
    """`copies` copies of the real corpus (benchmarks/synthetic.py), in a fresh folder: several chunks
    once `stage.CHUNK` is lowered."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import synthetic

    return Layout(synthetic.make_corpus(ROOT, tmp_path_factory.mktemp(name) / "corpus", copies * REAL))


def one_process_bytes(corpus: Layout, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The package `corpus` makes in one process without a cache: what every other way must publish."""
    out = tmp_path_factory.mktemp("one") / "datasets"
    build(corpus, out, jobs=1, cache=False)
    assert not (corpus.root / ".cache").exists()
    return tree_bytes(out)


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of a few articles: a corpus of a few copies of the real one makes several."""
    monkeypatch.setattr(stage, "CHUNK", 4)
    monkeypatch.setattr(stage, "MAX_CHUNK", 6)


def cache_entries(layout: Layout, kind: str) -> list[Path]:
    """The files of one kind of entry in `layout`'s cache."""
    return sorted(p for p in (layout.root / ".cache" / kind).rglob("*") if p.is_file())


def calls_of(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> list[object]:
    """Every call of module.<name> from now on (the one-process build calls them in this process)."""
    seen: list[object] = []
    real = getattr(module, name)

    def counted(*args, **kwargs):
        seen.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return seen


def build_fails(layout: Layout) -> list[Problem]:
    """Build `layout`, expecting failure: located problems, and datasets/ left byte for byte as it was."""
    before = tree_bytes(layout.datasets)
    with pytest.raises(BuildError) as err:
        build(layout)
    assert tree_bytes(layout.datasets) == before, "a failed build touched datasets/"
    assert err.value.problems
    for p in err.value.problems:
        assert p.where and p.check and p.message, p
    return err.value.problems


def uv_path() -> str:
    local = ROOT / ".tools" / "bin" / "uv"
    found = str(local) if local.exists() else shutil.which("uv")
    if not found:
        pytest.fail("uv is needed to build the wheel: run `make test`, which installs it")
    return found


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    subprocess.run(
        [uv_path(), "build", "--wheel", "--sdist", "--out-dir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        env=env,
    )
    (found,) = out.glob("*.whl")
    return found
