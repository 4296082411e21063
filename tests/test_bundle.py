"""The bundle of every chunk (article/bundle.py): unchanged chunks read at once, never trusted blindly."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from pak_afghan_diplomacy.pipeline import Layout, build
from pak_afghan_diplomacy.pipeline.article import bundle, cache, stage
from tests.conftest import REAL, cache_entries, calls_of, one_process_bytes, real_copies, tree_bytes


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Layout:
    return real_copies(tmp_path_factory, "bundle", 3)


@pytest.fixture(scope="module")
def one_process(corpus, tmp_path_factory) -> dict[str, bytes]:
    return one_process_bytes(corpus, tmp_path_factory)


def _no_whole(layout: Layout) -> None:
    """Drop the cached whole, so that a build goes to its chunks (and so to the bundle)."""
    shutil.rmtree(layout.root / ".cache" / "whole", ignore_errors=True)


def _edit(path: Path, word: str) -> str:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(\n +note: )(?=[A-Za-z])", rf"\g<1>{word} ", text, count=1), encoding="utf-8")
    return text


def test_unchanged_chunks_come_from_the_bundle_which_one_change_does_not_rewrite(
    corpus, one_process, tmp_path, small_chunks, monkeypatch
):
    shutil.rmtree(corpus.root / ".cache", ignore_errors=True)
    build(corpus, tmp_path / "cold", jobs=1)
    (entry,) = cache_entries(corpus, "bundle")
    written = entry.read_bytes()
    n_chunks = len(cache_entries(corpus, "articles"))
    assert n_chunks >= 3
    _no_whole(corpus)
    unpacked = calls_of(monkeypatch, stage, "_unpack_chunk")
    build(corpus, tmp_path / "warm", jobs=1)
    assert not unpacked and tree_bytes(tmp_path / "warm") == one_process  # every chunk from the bundle
    path = sorted(p for p in corpus.curation.glob("*.yaml") if p.name != "registry.yaml")[REAL]
    text = _edit(path, "Bundled")
    monkeypatch.setattr(bundle, "REWRITE", 1)  # a small corpus: rewritten only when more rows differ than it holds
    try:
        computed = calls_of(monkeypatch, stage, "run_chunk")
        build(corpus, tmp_path / "one", jobs=1)
        assert len(computed) == 1 and not unpacked  # the changed chunk computed, none read on its own
        assert entry.read_bytes() == written  # one chunk of many: the bundle is left as it was
        assert len(cache_entries(corpus, "articles")) == n_chunks + 1  # the changed chunk has an entry of its own
        _no_whole(corpus)
        build(corpus, tmp_path / "again", jobs=1)  # that entry read, the rest from the bundle
        assert len(computed) == 1 and len(unpacked) == 1
        monkeypatch.undo()
        build(corpus, tmp_path / "fresh", jobs=1, cache=False)
        fresh = tree_bytes(tmp_path / "fresh")
        assert tree_bytes(tmp_path / "one") == fresh == tree_bytes(tmp_path / "again")
        assert any(b"Bundled " in data for data in fresh.values())
    finally:
        path.write_text(text, encoding="utf-8")


def test_the_bundle_is_written_again_when_enough_differs_and_publishes_the_same_bytes(
    corpus, one_process, tmp_path, small_chunks, monkeypatch
):
    build(corpus, tmp_path / "first", jobs=1)
    (entry,) = cache_entries(corpus, "bundle")
    written = entry.read_bytes()
    monkeypatch.setattr(bundle, "REWRITE", 10**9)  # any chunk not from it is enough
    path = sorted(p for p in corpus.curation.glob("*.yaml") if p.name != "registry.yaml")[1]
    text = _edit(path, "Rebundled")
    try:
        build(corpus, tmp_path / "one", jobs=1)
        (again,) = cache_entries(corpus, "bundle")
        assert again.read_bytes() != written
        _no_whole(corpus)
        unpacked = calls_of(monkeypatch, stage, "_unpack_chunk")
        computed = calls_of(monkeypatch, stage, "run_chunk")
        build(corpus, tmp_path / "from-bundle", jobs=1)
        assert not unpacked and not computed  # the changed chunk is in the new bundle too
        monkeypatch.undo()
        build(corpus, tmp_path / "fresh", jobs=1, cache=False)
        assert tree_bytes(tmp_path / "one") == tree_bytes(tmp_path / "from-bundle") == tree_bytes(tmp_path / "fresh")
    finally:
        path.write_text(text, encoding="utf-8")
    _no_whole(corpus)
    build(corpus, tmp_path / "back", jobs=1)
    assert tree_bytes(tmp_path / "back") == one_process


def _resign(data: bytes, key: str, edit) -> bytes:
    """The entry's frames and doc, `edit`ed, packed again as a valid entry under `key`."""
    frames, doc = cache.unpack(data, json.loads(data[: data.index(b"\n")])["key"], stage._schemas())
    frames, doc = edit(frames, doc)
    return cache.pack(key, frames, doc)


@pytest.mark.parametrize("damage", ["flipped", "truncated", "another index", "rows miscounted", "a chunk twice"])
def test_a_damaged_or_foreign_bundle_is_refused_and_written_again(
    corpus, one_process, tmp_path, small_chunks, monkeypatch, damage
):
    build(corpus, tmp_path / "first", jobs=1)
    (entry,) = cache_entries(corpus, "bundle")
    good = entry.read_bytes()
    index = entry.name
    if damage == "flipped":
        bad = bytearray(good)
        bad[len(bad) // 2] ^= 0x01
        entry.write_bytes(bytes(bad))
    elif damage == "truncated":
        entry.write_bytes(good[:-7])
    elif damage == "another index":  # a bundle made for another registry index, found under this one's name
        entry.write_bytes(_resign(good, "0" * 64, lambda f, d: (f, d)))
    elif damage == "rows miscounted":  # re-signed: every check of the entry passes but the rows' count

        def miscount(frames, doc):
            counts = doc["chunks"][0][1]
            counts[next(iter(counts))] += 1
            return frames, doc

        entry.write_bytes(_resign(good, index, miscount))
    else:

        def twice(frames, doc):
            doc["chunks"][1][0] = doc["chunks"][0][0]
            return frames, doc

        entry.write_bytes(_resign(good, index, twice))
    assert bundle.read(cache.Store(corpus.root / ".cache"), index, stage._schemas()) is None
    _no_whole(corpus)
    unpacked = calls_of(monkeypatch, stage, "_unpack_chunk")
    build(corpus, tmp_path / "again", jobs=1)
    assert unpacked  # the chunks read from their own entries
    assert tree_bytes(tmp_path / "again") == one_process
    assert entry.read_bytes() == good  # and the bundle written again, as it was


def test_a_bundle_whose_marks_do_not_decode_has_that_chunk_made_again(corpus, one_process, tmp_path, small_chunks):
    build(corpus, tmp_path / "first", jobs=1)
    (entry,) = cache_entries(corpus, "bundle")
    index = entry.name

    def bad_marks(frames, doc):
        doc["chunks"][0][8] = "[[1]]"
        return frames, doc

    entry.write_bytes(_resign(entry.read_bytes(), index, bad_marks))
    shutil.rmtree(corpus.root / ".cache" / "names", ignore_errors=True)  # so that the names pass needs the marks
    _no_whole(corpus)
    build(corpus, tmp_path / "again", jobs=1)
    assert tree_bytes(tmp_path / "again") == one_process


def test_the_names_pass_of_unchanged_chunks_comes_from_one_entry_and_a_damaged_one_is_not_trusted(
    corpus, one_process, tmp_path, small_chunks, monkeypatch
):
    from pak_afghan_diplomacy.pipeline.article import coverage

    shutil.rmtree(corpus.root / ".cache", ignore_errors=True)
    build(corpus, tmp_path / "cold", jobs=1)
    (entry,) = cache_entries(corpus, "names-bundle")
    shutil.rmtree(corpus.root / ".cache" / "names")  # the chunks' own entries gone: only the bundle of them
    path = sorted(p for p in corpus.curation.glob("*.yaml") if p.name != "registry.yaml")[2]
    text = _edit(path, "Named")
    monkeypatch.setattr(bundle, "REWRITE", 1)
    calls: list[object] = []
    real = coverage.names
    monkeypatch.setattr(coverage, "names", lambda *a: calls.append(a) or real(*a))
    try:
        build(corpus, tmp_path / "one", jobs=1)
        assert len(calls) == 1  # the changed chunk's names pass; every other chunk's from the one entry
        good = entry.read_bytes()
        bad = bytearray(good)
        bad[-5] ^= 0x01
        entry.write_bytes(bytes(bad))
        _no_whole(corpus)
        build(corpus, tmp_path / "again", jobs=1)
        assert len(calls) > 2  # not trusted: every chunk without an entry of its own checked again
        monkeypatch.undo()
        build(corpus, tmp_path / "fresh", jobs=1, cache=False)
        assert tree_bytes(tmp_path / "one") == tree_bytes(tmp_path / "again") == tree_bytes(tmp_path / "fresh")
    finally:
        path.write_text(text, encoding="utf-8")
