"""A file's sha256 trusted from its stat record only while the record holds, never for a file changed just now."""

from __future__ import annotations

import hashlib
import os
import re
import time

import pytest

from pak_afghan_diplomacy.pipeline import build
from pak_afghan_diplomacy.pipeline.article import cache, known
from tests.conftest import build_fails, tree_bytes


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


def _recorded(tmp_path, path, data: bytes) -> None:
    """`path` written with `data`, aged past the racy window (RACY_NS lowered by the test), hashed and recorded."""
    path.write_bytes(data)
    time.sleep(0.1)
    k = _known(tmp_path)
    assert k.hashed(path) == _sha(data)
    k.save()


def test_an_aged_file_is_trusted_from_its_record_until_its_stat_changes(tmp_path, monkeypatch):
    monkeypatch.setattr(known, "RACY_NS", 50_000_000)
    path = tmp_path / "a.txt"
    _recorded(tmp_path, path, b"first")
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


def _package(root) -> known.Known:
    return known.Known(cache.Store(root / ".cache"), known.PACKAGE)


def _other_bytes(path) -> bytes:
    """The file's bytes with one byte changed (the same size)."""
    data = path.read_bytes()
    return data[:-2] + (b"X" if data[-2:-1] != b"X" else b"Y") + data[-1:]


def test_a_published_file_rewritten_behind_its_record_is_hashed_again_and_replaced(checkout, monkeypatch):
    monkeypatch.setattr(known, "RACY_NS", 0)  # every file counts as aged: the package's records are written
    build(checkout, jobs=1)
    good = tree_bytes(checkout.datasets)
    time.sleep(0.01)
    build(checkout, jobs=1)  # nothing changed: the package in place is hashed once and recorded
    csv = checkout.datasets / "csv" / "statements.csv"
    assert _package(checkout.root).sha256(csv) == _sha(good["csv/statements.csv"])  # trusted from now on
    _rewrite_keeping_size_and_mtime(csv, _other_bytes(csv))  # a stale record: the ctime moved on
    assert _package(checkout.root).sha256(csv) is None
    build(checkout, jobs=1)  # not in place after all: published again, the edited file neither kept nor linked
    assert tree_bytes(checkout.datasets) == good


def test_a_published_file_rewritten_within_the_racy_window_is_hashed_again(checkout):
    build(checkout, jobs=1)  # just written: within RACY_NS of any look, so never recorded
    good = tree_bytes(checkout.datasets)
    build(checkout, jobs=1)
    csv = checkout.datasets / "csv" / "statements.csv"
    assert _package(checkout.root).sha256(csv) is None  # too recent to trust
    _rewrite_keeping_size_and_mtime(csv, _other_bytes(csv))
    build(checkout, jobs=1)
    assert tree_bytes(checkout.datasets) == good


def test_a_changed_table_renders_anew_and_the_others_are_linked_only_when_in_place(checkout, monkeypatch):
    """A rendered table's entry keeps sha256s, not bytes: a file in place with other bytes is not linked."""
    monkeypatch.setattr(known, "RACY_NS", 0)
    build(checkout, jobs=1)
    time.sleep(0.01)
    build(checkout, jobs=1)  # records of the package
    path = sorted(p for p in checkout.curation.glob("*.yaml") if p.name != "registry.yaml")[0]
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(\n +note: )(?=[A-Za-z])", r"\g<1>Changed ", text, count=1), encoding="utf-8")
    csv = checkout.datasets / "csv" / "persons.csv"  # a table the note leaves as it is
    before = csv.read_bytes()
    posts = checkout.datasets / "parquet" / "posts.parquet"  # another, left as it was
    inode = posts.stat().st_ino
    _rewrite_keeping_size_and_mtime(csv, _other_bytes(csv))
    build(checkout, jobs=1)
    assert (checkout.datasets / "csv" / "persons.csv").read_bytes() == before  # rendered again, not linked
    assert (checkout.datasets / "parquet" / "posts.parquet").stat().st_ino == inode  # linked by its record
    build(checkout, checkout.root / "cold", jobs=1, cache=False)
    assert tree_bytes(checkout.datasets) == tree_bytes(checkout.root / "cold")


def test_a_written_file_touched_since_it_was_written_is_not_recorded(tmp_path, monkeypatch):
    monkeypatch.setattr(known, "RACY_NS", 0)
    path = tmp_path / "a.csv"
    path.write_bytes(b"first")
    written = tuple(known._stat_of(os.stat(path)))
    _rewrite_keeping_size_and_mtime(path, b"other")  # by someone else, after the build wrote it
    k = _package(tmp_path)
    k.wrote(path, written, _sha(b"first"))
    assert k.sha256(path) is None  # the stat is no longer the one taken when it was written
    k.wrote(path, tuple(known._stat_of(os.stat(path))), _sha(b"other"))
    assert k.sha256(path) == _sha(b"other")


def _reads(monkeypatch) -> list[int]:
    """Count the builds that read the seeds (the long way: records per file)."""
    from pak_afghan_diplomacy.pipeline.read import seeds

    calls: list[int] = []
    real = seeds.read_seeds

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(seeds, "read_seeds", counted)
    return calls


def test_inputs_listed_as_when_the_package_was_made_are_not_read(checkout, monkeypatch):
    monkeypatch.setattr(known, "RACY_NS", 0)  # every file counts as aged: the listing is kept
    time.sleep(0.01)
    build(checkout, jobs=1)
    good = tree_bytes(checkout.datasets)
    reads = _reads(monkeypatch)
    build(checkout, jobs=1)
    assert reads == [] and tree_bytes(checkout.datasets) == good  # nothing read, nothing written
    (checkout.datasets / "csv" / "persons.csv").unlink()  # the package no longer in place: the long way
    build(checkout, jobs=1)
    assert reads == [1] and tree_bytes(checkout.datasets) == good


@pytest.mark.parametrize("edit", ["seed", "curation", "registry", "added file"])
def test_an_input_changed_behind_the_listing_is_read_again(checkout, monkeypatch, edit):
    monkeypatch.setattr(known, "RACY_NS", 0)
    time.sleep(0.01)
    build(checkout, jobs=1)
    reads = _reads(monkeypatch)
    if edit == "seed":
        seed = sorted(checkout.seeds.glob("*.txt"))[0]
        _rewrite_keeping_size_and_mtime(seed, _other_bytes(seed))
    elif edit == "added file":
        (checkout.curation / "notes.txt").write_text("a file the build does not read\n", encoding="utf-8")
    else:  # the same bytes written again, the mtime put back: only the ctime says so
        articles = sorted(p for p in checkout.curation.glob("*.yaml") if p.name != "registry.yaml")
        path = articles[0] if edit == "curation" else checkout.curation / "registry.yaml"
        _rewrite_keeping_size_and_mtime(path, path.read_bytes())
    if edit == "seed":
        problems = build_fails(checkout)
        assert any(p.check == "sha256" for p in problems)
    else:
        build(checkout, jobs=1)
    assert reads == [1]


def test_inputs_changed_just_now_are_never_taken_from_a_listing(checkout, monkeypatch):
    path = checkout.curation / "registry.yaml"
    path.write_bytes(path.read_bytes())  # within RACY_NS of the listing
    build(checkout, jobs=1)
    assert not list((checkout.root / ".cache").glob("inputs/*/*"))  # too recent to be trusted later
    reads = _reads(monkeypatch)
    build(checkout, jobs=1)
    assert reads == [1]


def test_a_damaged_or_forged_listing_entry_is_ignored(checkout, monkeypatch):
    monkeypatch.setattr(known, "RACY_NS", 0)
    time.sleep(0.01)
    build(checkout, jobs=1)
    (entry,) = list((checkout.root / ".cache").glob("inputs/*/*"))
    good = entry.read_bytes()
    reads = _reads(monkeypatch)
    for bad in (good[:-3], good.replace(good.split(b"\n", 1)[1][:64], b"0" * 64), b"junk"):
        entry.write_bytes(bad)
        build(checkout, jobs=1)
    assert reads == [1, 1, 1]


def test_a_listing_holding_a_link_is_never_trusted(tmp_path, monkeypatch):
    # a link's own stat stays as it was when what it points at is rewritten, so such a listing proves
    # nothing (the build refuses links among its inputs too; this does not lean on that)
    monkeypatch.setattr(known, "RACY_NS", 0)
    folder = tmp_path / "build"
    folder.mkdir()
    (folder / "a.yaml").write_text("a: 1\n", encoding="utf-8")
    time.sleep(0.01)
    assert known.inputs([folder]).aged
    (tmp_path / "elsewhere.yaml").write_text("b: 2\n", encoding="utf-8")
    (folder / "b.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    time.sleep(0.01)
    assert not known.inputs([folder]).aged


def test_a_record_is_compared_with_the_listings_stat_and_a_file_rewritten_since_is_read_by_the_next_listing(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(known, "RACY_NS", 50_000_000)
    folder = tmp_path / "build"
    folder.mkdir()
    path = folder / "a.yaml"
    _recorded(tmp_path, path, b"first")
    listed = known.inputs([folder])
    assert set(listed.stats) == {str(path)}
    real = os.stat
    asked: list[object] = []
    monkeypatch.setattr(os, "stat", lambda p, **kw: asked.append(p) or real(p, **kw))
    assert known.Known(cache.Store(tmp_path / ".cache"), listed=listed.stats).sha256(path) == _sha(b"first")
    assert asked == []  # the listing's stat, not one taken again
    _rewrite_keeping_size_and_mtime(path, b"other")  # behind the record: the ctime moves
    again = known.Known(cache.Store(tmp_path / ".cache"), listed=known.inputs([folder]).stats)
    assert again.sha256(path) is None and again.hashed(path) == _sha(b"other")
    link = folder / "b.yaml"  # a link's own stat is never a record's (its inode is its own)
    link.symlink_to(path)
    assert known.Known(cache.Store(tmp_path / ".cache"), listed=known.inputs([folder]).stats).sha256(link) is None


def test_a_file_rewritten_just_now_behind_its_record_is_hashed_and_the_records_are_not_rewritten(tmp_path, monkeypatch):
    monkeypatch.setattr(known, "RACY_NS", 50_000_000)
    path = tmp_path / "a.txt"
    _recorded(tmp_path, path, b"first")
    entry = next((tmp_path / ".cache").glob("stat/*/*"))
    before = entry.read_bytes()
    _rewrite_keeping_size_and_mtime(path, b"other")  # within the racy window now: not recorded
    again = _known(tmp_path)
    assert again.hashed(path) == _sha(b"other")
    again.save()
    assert entry.read_bytes() == before  # the old record stays, and cannot hold: its ctime is not the file's
    assert _known(tmp_path).sha256(path) is None and _known(tmp_path).hashed(path) == _sha(b"other")
