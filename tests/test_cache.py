"""The two-stage build: per-article results cached and computed in parallel, the same bytes every way."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pak_afghan_diplomacy.pipeline import Layout, build, make_tables
from pak_afghan_diplomacy.pipeline.article import cache, candidates, stage
from pak_afghan_diplomacy.pipeline.problems import BuildError
from tests.conftest import REAL, ROOT, cache_entries, calls_of, one_process_bytes, real_copies, tree_bytes

sys.path.insert(0, str(ROOT / "benchmarks"))
import synthetic


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Layout:
    """Three copies of the real corpus: several chunks (stage.CHUNK is lowered by the tests)."""
    return real_copies(tmp_path_factory, "cache", 3)


@pytest.fixture(scope="module")
def one_process(corpus, tmp_path_factory) -> dict[str, bytes]:
    """The package of one process, no cache: what every other way must publish."""
    return one_process_bytes(corpus, tmp_path_factory)


def test_cold_warm_and_parallel_builds_publish_the_bytes_of_one_process(
    corpus, one_process, tmp_path, monkeypatch, small_chunks
):
    monkeypatch.setattr(stage, "PARALLEL_FROM", 1)  # worker processes even for this small corpus
    monkeypatch.setattr(stage, "PARTS_PARALLEL_FROM", 1)  # the registry's parts parsed (and cached) by them too
    shutil.rmtree(corpus.root / ".cache", ignore_errors=True)
    build(corpus, tmp_path / "cold", jobs=2)  # cold cache, chunks computed by two workers
    assert len(cache_entries(corpus, "articles")) > 1 and len(cache_entries(corpus, "registry")) == 1
    assert len(cache_entries(corpus, "parts")) == len(list((corpus.curation / "registry").glob("*.yaml"))) + 1
    assert tree_bytes(tmp_path / "cold") == one_process
    build(corpus, tmp_path / "warm", jobs=2)  # every chunk and the registry from the cache
    assert tree_bytes(tmp_path / "warm") == one_process


def test_a_tampered_or_foreign_entry_is_rebuilt_not_trusted(corpus, one_process, tmp_path, small_chunks):
    build(corpus, tmp_path / "first", jobs=1)
    assert not cache_entries(corpus, "whole")  # a build that published keeps its package, not its tables whole
    make_tables(corpus, jobs=1)  # which keeps them
    entries = cache_entries(corpus, "articles")
    registry = cache_entries(corpus, "registry")
    whole = cache_entries(corpus, "whole")
    bundled = cache_entries(corpus, "bundle")
    assert len(entries) >= 3 and whole and len(bundled) == 1
    good = {p: p.read_bytes() for p in [*entries, *registry, *whole, *bundled]}
    for p in whole:  # the checked tables of the whole corpus: a damaged copy sends the build to its chunks
        p.write_bytes(good[p].replace(b"format", b"formal", 1))
    # and damaged bundles of every chunk's rows and names-pass, to send the build to each chunk's own entries
    for p in [*bundled, *cache_entries(corpus, "names-bundle")]:
        good[p] = p.read_bytes()
        data = bytearray(good[p])
        data[-10] ^= 0xFF
        p.write_bytes(bytes(data))
    # a flipped byte in the rows of one chunk, a truncated entry, another chunk's entry under this key,
    # and a registry entry whose payload was edited with its header left alone
    data = bytearray(good[entries[0]])
    data[-10] ^= 0xFF
    entries[0].write_bytes(bytes(data))
    entries[1].write_bytes(good[entries[1]][:100])
    entries[2].write_bytes(good[entries[0]])
    reg = bytearray(good[registry[0]])
    reg[-3] ^= 0x01
    registry[0].write_bytes(bytes(reg))
    # a registry part's parsed document and a chunk's names-pass result, each edited in its payload
    # and a rendered table's files, each edited in its payload
    for p in (
        cache_entries(corpus, "parts")[0],
        cache_entries(corpus, "names")[0],
        cache_entries(corpus, "rendered")[0],
    ):
        good[p] = p.read_bytes()
        p.write_bytes(good[p].replace(b'"', b"'", 1) if p.parent.parent.name == "names" else good[p][:-5] + b"XXXXX")
    build(corpus, tmp_path / "again", jobs=1)
    assert tree_bytes(tmp_path / "again") == one_process
    make_tables(corpus, jobs=1)  # the whole entry is written back by a build that keeps it
    assert {p: p.read_bytes() for p in good} == good  # each was recomputed and written back


def test_an_entry_with_blobs_is_read_only_by_a_reader_of_blobs():
    data = cache.pack("k" * 64, {}, {"x": 1}, {"state": b'{"a":1}'})
    assert cache.unpack_blobs(data, "k" * 64, {}) == ({}, {"x": 1}, {"state": b'{"a":1}'})
    with pytest.raises(cache.Invalid):
        cache.unpack(data, "k" * 64, {})
    for bad in (data.replace(b'"a":1', b'"a":2'), data[:-1]):
        with pytest.raises(cache.Invalid):
            cache.unpack_blobs(bad, "k" * 64, {})


def test_an_entry_that_is_not_ours_is_refused_by_its_reader():
    frames: dict = {}
    data = cache.pack("k" * 64, frames, {"x": 1})
    assert cache.unpack(data, "k" * 64, {}) == ({}, {"x": 1})
    for bad in (data.replace(b'"x":1', b'"x":2'), b"not an entry", data[:-1], data.replace(b"k" * 64, b"j" * 64)):
        with pytest.raises(cache.Invalid):
            cache.unpack(bad, "k" * 64, {})


def test_one_changed_article_rebuilds_its_chunk_and_publishes_what_a_cold_build_does(corpus, tmp_path, small_chunks):
    build(corpus, tmp_path / "before", jobs=1)
    before = {p.name for p in cache_entries(corpus, "articles")}
    path = sorted(p for p in corpus.curation.glob("*.yaml") if p.name != "registry.yaml")[-1]
    text = path.read_text(encoding="utf-8")
    assert re.search(r"\n +note: [A-Za-z]", text)  # a plain note to change (a stated title must stay as printed)
    path.write_text(re.sub(r"(\n +note: )(?=[A-Za-z])", r"\g<1>Changed ", text, count=1), encoding="utf-8")
    try:
        build(corpus, tmp_path / "warm", jobs=1)
        after = {p.name for p in cache_entries(corpus, "articles")}
        assert len(after - before) == 1  # one new chunk entry; every other chunk was read from the cache
        build(corpus, tmp_path / "cold", jobs=1, cache=False)
        assert tree_bytes(tmp_path / "warm") == tree_bytes(tmp_path / "cold")
        assert any(b"Changed " in data for data in tree_bytes(tmp_path / "warm").values())
    finally:
        path.write_text(text, encoding="utf-8")


def test_a_registry_edit_no_article_reads_parses_one_part_and_keeps_every_chunk(
    corpus, one_process, tmp_path, monkeypatch, small_chunks
):
    build(corpus, tmp_path / "first", jobs=1)
    registry = corpus.curation / "registry.yaml"
    text = registry.read_text(encoding="utf-8")
    registry.write_text(text + "# a comment changes no id, no index\n", encoding="utf-8")
    try:
        chunks, parts = (
            calls_of(monkeypatch, stage, "run_chunk"),
            calls_of(monkeypatch, stage.curation, "read_registry_file"),
        )
        names = calls_of(monkeypatch, stage.coverage, "names")
        build(corpus, tmp_path / "edited", jobs=1)
        assert len(parts) == 1  # registry.yaml parsed again; every other part from the cache
        assert chunks == [] and names == []  # every chunk's rows and names pass from the cache
        assert tree_bytes(tmp_path / "edited") == one_process
    finally:
        registry.write_text(text, encoding="utf-8")


def test_the_registry_parts_are_parsed_by_the_workers_and_publish_the_same_bytes(
    corpus, one_process, tmp_path, monkeypatch, small_chunks
):
    monkeypatch.setattr(stage, "PARTS_PARALLEL_FROM", 1)
    monkeypatch.setattr(stage, "PARALLEL_FROM", 1)
    shutil.rmtree(corpus.root / ".cache", ignore_errors=True)
    build(corpus, tmp_path / "parallel", jobs=2, cache=False)  # parts, chunks and names in two workers
    assert tree_bytes(tmp_path / "parallel") == one_process
    assert not (corpus.root / ".cache").exists()


def test_coverage_problems_are_the_same_computed_in_workers_from_the_cache_or_in_one_process(
    tmp_path, monkeypatch, small_chunks
):
    layout = Layout(synthetic.make_corpus(ROOT, tmp_path / "corpus", 3 * REAL))
    path = sorted(p for p in layout.curation.glob("*.yaml") if p.name != "registry.yaml")[-1]
    text = path.read_text(encoding="utf-8")
    entry = re.search(r"\nnames:\n(- person: [^\n]*\n(?:  [^\n]*\n)*)", text)
    assert entry  # its first names entry dropped: the spelling is printed but curated nowhere in it
    path.write_text(text.replace(entry.group(1), "", 1), encoding="utf-8")
    monkeypatch.setattr(stage, "PARALLEL_FROM", 1)

    def problems(**kwargs) -> set:
        with pytest.raises(BuildError) as err:
            build(layout, tmp_path / "out", **kwargs)
        return set(err.value.problems)

    cold = problems(jobs=2)  # chunks and the names pass in workers, cached
    assert any(p.where == f"build/{path.name}" and p.check == "uncurated name" for p in cold)
    assert problems(jobs=2) == cold  # every chunk and names result from the cache
    assert problems(jobs=1, cache=False) == cold


def test_the_code_version_covers_every_source_file():
    package = Path(stage.__file__).resolve().parents[2]
    assert package.name == "pak_afghan_diplomacy"
    assert len(cache.code_version()) == 64
    assert (package / "pipeline" / "article" / "records" / "statements.py").is_file()  # found by rglob("*.py")


_ALPHABET = "ab AB-_é’\n.1"


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet=_ALPHABET, max_size=60),
    names=st.sets(st.text(alphabet=_ALPHABET, min_size=1, max_size=6), max_size=8),
    bounds=st.tuples(st.integers(0, 60), st.integers(0, 60)),
)
def test_the_names_index_finds_what_the_longest_first_alternation_finds(text, names, bounds):
    start, end = min(bounds), min(max(bounds), len(text))
    start = min(start, end)
    ordered = sorted(names, key=lambda n: (-len(n), n))
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, ordered)) + r")(?!\w)") if names else None
    expected = [(m.start(), m.end()) for m in pattern.finditer(text, start, end)] if pattern else []
    assert [(c.start, c.end) for c in candidates.name_mentions(text, start, end, names)] == expected


def test_a_package_already_in_place_is_checked_file_by_file_and_left_or_replaced(corpus, one_process, tmp_path):
    out = tmp_path / "datasets"
    build(corpus, out, jobs=1)
    csv = out / "csv" / "statements.csv"
    stamp = csv.stat().st_mtime_ns
    build(corpus, out, jobs=1)  # nothing changed: the files in place are the ones this build publishes
    assert csv.stat().st_mtime_ns == stamp and tree_bytes(out) == one_process
    csv.write_bytes(csv.read_bytes().replace(b",", b";", 1))  # a published file edited by hand
    build(corpus, out, jobs=1)
    assert tree_bytes(out) == one_process


def test_the_cache_keeps_one_entry_of_the_registry_and_of_the_whole(checkout, tmp_path):
    build(checkout, tmp_path / "a", jobs=1)
    make_tables(checkout, jobs=1)  # keeps its tables whole
    assert len(cache_entries(checkout, "whole")) == 1
    registry = checkout.curation / "registry.yaml"
    registry.write_text(registry.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    build(checkout, tmp_path / "b", jobs=1)
    for kind in ("registry", "published"):
        assert len(cache_entries(checkout, kind)) == 1, kind
    assert not cache_entries(checkout, "whole")  # the other inputs' entry dropped; a build that published keeps none
    make_tables(checkout, jobs=1)
    assert len(cache_entries(checkout, "whole")) == 1
    assert tree_bytes(tmp_path / "a") == tree_bytes(tmp_path / "b")


def _restated(data: bytes, state_edit) -> bytes:
    """A registry entry whose state (the blob `#state`) was changed by `state_edit`, its header made to match."""
    import json

    end = data.index(b"\n")
    header = json.loads(data[:end])
    payload = data[end + 1 :]
    out, at = [], 0
    for part in header["parts"]:
        blob = payload[at : at + part[1]]
        at += part[1]
        if part[0] == cache.BLOB + "state":
            blob = state_edit(blob)
            part[1] = len(blob)
        out.append(blob)
    payload = b"".join(out)
    header["sha256"] = __import__("hashlib").sha256(payload).hexdigest()
    return json.dumps(header).encode() + b"\n" + payload


def test_a_cached_registry_state_is_decoded_only_when_read_and_one_that_does_not_decode_is_made_again(corpus, tmp_path):
    from pak_afghan_diplomacy.pipeline.article import records

    build(corpus, tmp_path / "first", jobs=1)
    fresh = stage.registry(corpus.curation, records.KINDS, cache.Store(None)).builder
    store = cache.Store(corpus.root / ".cache")
    key = stage.registry_key(corpus.curation)
    (entry,) = cache_entries(corpus, "registry")
    good = entry.read_bytes()
    try:
        for damage in (None, lambda state: state[:-9], lambda state: b"{}"):
            if damage is not None:
                entry.write_bytes(_restated(good, damage))
            builder = stage.registry(corpus.curation, records.KINDS, store, key=key).builder
            assert builder is not None and "_deferred" in vars(builder)  # read, its state not yet decoded
            assert builder.canonical_names == fresh.canonical_names and "_deferred" in vars(builder)
            assert builder.conflicts == fresh.conflicts and "_deferred" not in vars(builder)
            assert builder.ids == fresh.ids and builder.published == fresh.published
    finally:
        entry.write_bytes(good)


def test_a_registry_entry_with_a_state_that_does_not_decode_publishes_a_cold_builds_bytes(corpus, tmp_path):
    build(corpus, tmp_path / "first", jobs=1)
    (entry,) = cache_entries(corpus, "registry")
    entry.write_bytes(_restated(entry.read_bytes(), lambda state: b"[not the state"))
    for p in cache_entries(corpus, "whole") + cache_entries(corpus, "memo"):  # the tables made again, every finish run
        p.unlink()
    path = sorted(p for p in corpus.curation.glob("*.yaml") if p.name != "registry.yaml")[0]
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(\n +note: )(?=[A-Za-z])", r"\g<1>Changed ", text, count=1), encoding="utf-8")
    try:
        build(corpus, tmp_path / "warm", jobs=1)
        build(corpus, tmp_path / "cold", jobs=1, cache=False)
        assert tree_bytes(tmp_path / "warm") == tree_bytes(tmp_path / "cold")
    finally:
        path.write_text(text, encoding="utf-8")


def test_after_one_article_changed_no_table_is_digested_whole_and_the_bytes_are_one_process(
    corpus, one_process, tmp_path, small_chunks, monkeypatch
):
    build(corpus, tmp_path / "first", jobs=1)
    path = sorted(p for p in corpus.curation.glob("*.yaml") if p.name != "registry.yaml")[1]
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(\n +note: )(?=[A-Za-z])", r"\g<1>Changed ", text, count=1), encoding="utf-8")
    digested: list[tuple[str, int]] = []
    real = cache.frame_digest
    monkeypatch.setattr(
        cache, "frame_digest", lambda name, frame: digested.append((name, frame.height)) or real(name, frame)
    )
    try:
        build(corpus, tmp_path / "warm", jobs=1)
        monkeypatch.undo()
        build(corpus, tmp_path / "cold", jobs=1, cache=False)
        warm = tree_bytes(tmp_path / "warm")
        assert warm == tree_bytes(tmp_path / "cold")
        assert any(b"Changed " in data for data in warm.values())
    finally:
        path.write_text(text, encoding="utf-8")
    import polars as pl

    rows = pl.read_parquet(tmp_path / "warm" / "parquet" / "evidence.parquet").height
    # the changed chunk's rows are digested (with and without their origins), the table only by its parts'
    assert ("evidence", rows) not in digested and any(name == "evidence" and 0 < n < rows for name, n in digested)


@pytest.mark.parametrize(
    "tagged",
    [
        '{"$":"dn","v":5}',
        '{"$":"df","v":[["a"]]}',
        '{"$":"dt","v":3}',
        '{"$":"df","v":{"k":[["x"]]}}',
        '{"$":"d","v":[[1]]}',
    ],
)
def test_a_tagged_value_of_another_shape_reads_as_invalid_not_as_an_error(tagged):
    """An entry's sha256 proves it whole, not ours: a tag this code writes, with a value of another shape,
    is an entry to rebuild (Invalid), never an exception out of the build."""
    with pytest.raises(cache.Invalid):
        cache.decode_json(tagged)
