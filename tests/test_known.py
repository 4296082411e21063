"""A file's sha256 trusted from its stat record only while the record holds, never for a file changed just now."""

from __future__ import annotations

import hashlib
import os
import time

import pytest

from pak_afghan_diplomacy.pipeline import build
from pak_afghan_diplomacy.pipeline.article import cache, known
from tests.conftest import build_fails


def _known(tmp_path) -> known.Known:
    return known.Known(cache.Store(tmp_path / ".cache"))


def _rewrite_keeping_size_and_mtime(path, data: bytes) -> None:
    st = path.stat()
    assert len(data) == st.st_size
    path.write_bytes(data)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # what `touch -d` could restore; ctime moves on
    assert path.stat().st_mtime_ns == st.st_mtime_ns


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_an_aged_file_is_trusted_from_its_record_until_its_stat_changes(tmp_path, monkeypatch):
    monkeypatch.setattr(known, "RACY_NS", 50_000_000)
    path = tmp_path / "a.txt"
    path.write_bytes(b"first")
    time.sleep(0.1)  # older than the racy window when it is read
    k = _known(tmp_path)
    assert k.hashed(path) == _sha(b"first")
    k.save()
    assert _known(tmp_path).sha256(path) == _sha(b"first")  # trusted: not read
    _rewrite_keeping_size_and_mtime(path, b"other")  # a stale record: its ctime no longer matches
    again = _known(tmp_path)
    assert again.sha256(path) is None and again.hashed(path) == _sha(b"other")
    path.write_bytes(b"longer text")
    assert _known(tmp_path).sha256(path) is None


def test_a_file_rewritten_with_the_same_size_and_mtime_within_the_racy_window_is_hashed_again(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"first")  # changed just now: within RACY_NS of being read
    k = _known(tmp_path)
    assert k.hashed(path) == _sha(b"first")
    k.save()
    assert _known(tmp_path).sha256(path) is None  # never recorded
    _rewrite_keeping_size_and_mtime(path, b"other")
    assert _known(tmp_path).hashed(path) == _sha(b"other")


def test_a_damaged_or_foreign_record_file_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setattr(known, "RACY_NS", 0)
    path = tmp_path / "a.txt"
    path.write_bytes(b"first")
    time.sleep(0.01)
    k = _known(tmp_path)
    k.hashed(path)
    k.save()
    (entry,) = [p for p in (tmp_path / ".cache" / "stat").rglob("*") if p.is_file()]
    good = entry.read_bytes()
    for bad in (good[:-3], good.replace(_sha(b"first").encode(), _sha(b"forged").encode()), b"junk"):
        entry.write_bytes(bad)
        assert _known(tmp_path).sha256(path) is None


def test_a_seed_edited_behind_an_old_record_is_still_refused(checkout, monkeypatch):
    monkeypatch.setattr(known, "RACY_NS", 0)  # every file counts as aged: records are written and used
    time.sleep(0.01)
    build(checkout, jobs=1)
    seed = sorted(checkout.seeds.glob("*.txt"))[0]
    assert _known(checkout.root).sha256(seed) is not None  # recorded by the build
    data = seed.read_bytes()
    _rewrite_keeping_size_and_mtime(seed, data[:-1] + (b"X" if data[-1:] != b"X" else b"Y"))
    problems = build_fails(checkout)
    assert any(p.where == f"seeds/{seed.name}" and p.check == "sha256" for p in problems)


@pytest.mark.parametrize("edit", ["curation", "registry"])
def test_a_curation_file_edited_behind_an_old_record_is_read_again(checkout, monkeypatch, edit):
    monkeypatch.setattr(known, "RACY_NS", 0)
    time.sleep(0.01)
    build(checkout, jobs=1)
    files = sorted(p for p in checkout.curation.glob("*.yaml") if (p.name == "registry.yaml") == (edit == "registry"))
    path = files[0]
    text = path.read_bytes()
    assert b"\n# x" not in text
    _rewrite_keeping_size_and_mtime(path, text[:-4] + b"\n# x")  # a comment in place of the last 4 bytes
    k = _known(checkout.root)
    assert k.sha256(path) is None and k.hashed(path) == _sha(path.read_bytes())
