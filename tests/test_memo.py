"""Steps of the whole remembered by the tables they read: replayed only when those tables are as they were."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest

from pak_afghan_diplomacy.pipeline import Layout, build
from pak_afghan_diplomacy.pipeline.article import cache, records
from pak_afghan_diplomacy.pipeline.whole import memo
from tests.conftest import real_copies, tree_bytes


class _Sink:
    def __init__(self) -> None:
        self.chunks: list[pl.DataFrame] = []

    def flush(self) -> None:
        pass


def _memo(tmp_path) -> memo.Memo:
    return memo.Memo(cache.Store(tmp_path / ".cache"), "b" * 64, memo.Digests())


def _step(calls: list[str]):
    def run(frames) -> None:
        calls.append("ran")
        frames["doubled"] = frames["a"].with_columns(pl.col("x") * 2)

    return run


def test_a_step_is_replayed_while_what_it_read_is_unchanged_and_run_again_when_it_changed(tmp_path):
    calls: list[str] = []
    state = lambda: ()  # noqa: E731
    frames = {"a": pl.DataFrame({"x": [1, 2]}), "other": pl.DataFrame({"y": ["p"]})}
    assert _memo(tmp_path).finish("s", frames, {}, [], _step(calls), state)
    assert calls == ["ran"] and frames["doubled"]["x"].to_list() == [2, 4]
    # a table it never read changed: replayed, same result
    again = {"a": pl.DataFrame({"x": [1, 2]}), "other": pl.DataFrame({"y": ["q"]})}
    _memo(tmp_path).finish("s", again, {}, [], _step(calls), state)
    assert calls == ["ran"] and again["doubled"].equals(frames["doubled"])
    # the table it read changed: the entry is stale, not trusted
    changed = {"a": pl.DataFrame({"x": [1, 3]}), "other": pl.DataFrame({"y": ["q"]})}
    _memo(tmp_path).finish("s", changed, {}, [], _step(calls), state)
    assert calls == ["ran", "ran"] and changed["doubled"]["x"].to_list() == [2, 6]


def test_a_damaged_entry_is_run_again_not_trusted(tmp_path):
    calls: list[str] = []
    frames = {"a": pl.DataFrame({"x": [1, 2]})}
    _memo(tmp_path).finish("s", frames, {}, [], _step(calls), lambda: ())
    (entry,) = [p for p in (tmp_path / ".cache" / "memo").rglob("*") if p.is_file()]
    good = entry.read_bytes()
    for bad in (good[:-7], good.replace(b'"x"', b'"z"', 1), good[: len(good) // 2], b"not an entry"):
        entry.write_bytes(bad)
        again = {"a": pl.DataFrame({"x": [1, 2]})}
        _memo(tmp_path).finish("s", again, {}, [], _step(calls), lambda: ())
        assert again["doubled"]["x"].to_list() == [2, 4]
    assert calls == ["ran"] * 5


def test_a_step_that_found_a_problem_or_changed_the_builder_is_not_remembered(tmp_path):
    calls: list[str] = []
    problems: list[str] = []

    def complaining(frames) -> None:
        calls.append("ran")
        frames["a"]
        problems.append("wrong")

    for _ in range(2):
        _memo(tmp_path).finish("p", {"a": pl.DataFrame({"x": [1]})}, {}, problems, complaining, lambda: ())
    assert calls == ["ran", "ran"]
    state = [0]

    def meddling(frames) -> None:
        calls.append("meddled")
        state[0] += 1

    for _ in range(2):
        assert not _memo(tmp_path).finish("m", {"a": pl.DataFrame({"x": [1]})}, {}, [], meddling, lambda: state[0])
    assert calls.count("meddled") == 2


def test_rows_a_step_adds_are_replayed_and_a_key_looked_up_and_missing_is_an_input(tmp_path):
    calls: list[str] = []

    def adding(frames) -> None:
        calls.append("ran")
        if "late" not in frames:
            sinks["rows"].chunks.append(pl.DataFrame({"r": ["added"]}))

    sinks = {"rows": _Sink()}
    _memo(tmp_path).finish("a", {"a": pl.DataFrame({"x": [1]})}, sinks, [], adding, lambda: ())
    sinks = {"rows": _Sink()}
    _memo(tmp_path).finish("a", {"a": pl.DataFrame({"x": [1]})}, sinks, [], adding, lambda: ())
    assert calls == ["ran"] and [f["r"].to_list() for f in sinks["rows"].chunks] == [["added"]]
    sinks = {"rows": _Sink()}  # the table it found missing is there now: run again
    _memo(tmp_path).finish("a", {"a": pl.DataFrame({"x": [1]}), "late": pl.DataFrame()}, sinks, [], adding, lambda: ())
    assert calls == ["ran", "ran"] and sinks["rows"].chunks == []


def test_a_check_that_passed_is_skipped_only_while_its_tables_are_unchanged(tmp_path):
    calls: list[int] = []

    def check(frames) -> list[str]:
        calls.append(1)
        return [] if frames["t"]["x"].min() > 0 else ["not positive"]

    ok = {"t": pl.DataFrame({"x": [1]})}
    assert _memo(tmp_path).check("c", {"frames": ok}, check) == []
    assert _memo(tmp_path).check("c", {"frames": ok}, check) == [] and len(calls) == 1
    bad = {"t": pl.DataFrame({"x": [0]})}
    for _ in range(2):  # a check that found problems is not remembered: it reports each time
        assert _memo(tmp_path).check("c", {"frames": bad}, check) == ["not positive"]
    assert len(calls) == 3


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Layout:
    return real_copies(tmp_path_factory, "memo", 2)


def test_after_one_note_changed_the_kinds_finish_is_replayed_and_the_bytes_are_a_cold_builds(
    corpus, tmp_path, monkeypatch
):
    build(corpus, tmp_path / "first", jobs=1)
    path = sorted(p for p in corpus.curation.glob("*.yaml") if p.name != "registry.yaml")[-1]
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(\n +note: )(?=[A-Za-z])", r"\g<1>Changed ", text, count=1), encoding="utf-8")
    seen: list[object] = []
    real = records.roles.finish
    monkeypatch.setattr(records.roles, "finish", lambda *a: seen.append(a) or real(*a))
    try:
        build(corpus, tmp_path / "warm", jobs=1)
        assert seen == []  # the roles' tables did not change: their finish was replayed
        monkeypatch.undo()
        build(corpus, tmp_path / "cold", jobs=1, cache=False)
        assert tree_bytes(tmp_path / "warm") == tree_bytes(tmp_path / "cold")
        assert any(b"Changed " in data for data in tree_bytes(tmp_path / "warm").values())
    finally:
        path.write_text(text, encoding="utf-8")


def test_a_step_handed_some_columns_is_replayed_when_another_column_changed_and_run_when_one_it_reads_did(tmp_path):
    calls: list[str] = []

    def step(frames) -> None:
        calls.append("ran")
        frames["out"] = frames["a"].select(pl.col("x") * 2)

    def finish(a: pl.DataFrame) -> dict[str, pl.DataFrame]:
        frames = {"a": a}
        _memo(tmp_path).finish("c", frames, {}, [], step, lambda: (), {"a": ("x",)})
        return frames

    assert finish(pl.DataFrame({"x": [1, 2], "note": ["p", "q"]}))["out"]["x"].to_list() == [2, 4]
    # only a column it is not handed changed: replayed
    assert finish(pl.DataFrame({"x": [1, 2], "note": ["p", "changed"]}))["out"]["x"].to_list() == [2, 4]
    assert calls == ["ran"]
    # a column it reads changed: run again
    assert finish(pl.DataFrame({"x": [1, 5], "note": ["p", "changed"]}))["out"]["x"].to_list() == [2, 10]
    assert calls == ["ran", "ran"]


def test_a_step_handed_some_columns_cannot_read_another_nor_set_the_table(tmp_path):
    def reads_more(frames) -> None:
        frames["a"].select("note")

    with pytest.raises(pl.exceptions.ColumnNotFoundError):
        _memo(tmp_path).finish(
            "r", {"a": pl.DataFrame({"x": [1], "note": ["n"]})}, {}, [], reads_more, lambda: (), {"a": ("x",)}
        )

    def sets_it(frames) -> None:
        frames["a"] = frames["a"].with_columns(pl.col("x") + 1)

    with pytest.raises(TypeError, match="cut"):
        _memo(tmp_path).finish(
            "s", {"a": pl.DataFrame({"x": [1], "note": ["n"]})}, {}, [], sets_it, lambda: (), {"a": ("x",)}
        )


_NAMES_NOTE = re.compile(r"(\nnames:(?:\n(?:- |  ).*)*?\n  note: )(?=[A-Za-z])")


def _change_a_spelling_note(corpus: Layout) -> tuple[Path, str]:
    """Prefix "Changed " to the note of a spelling in the first article curation that has one;
    returns that file and its text before, to put back."""
    path = next(
        p
        for p in sorted(corpus.curation.glob("*.yaml"))
        if p.name != "registry.yaml" and _NAMES_NOTE.search(p.read_text(encoding="utf-8"))
    )
    text = path.read_text(encoding="utf-8")
    path.write_text(_NAMES_NOTE.sub(r"\g<1>Changed ", text, count=1), encoding="utf-8")
    return path, text


def test_after_a_spelling_note_changed_people_and_conflicts_are_replayed_and_the_bytes_are_a_cold_builds(
    corpus, tmp_path, monkeypatch
):
    build(corpus, tmp_path / "first", jobs=1)
    path, text = _change_a_spelling_note(corpus)
    seen: list[str] = []
    for kind in (records.people, records.conflicts, records.incidents):
        real = kind.finish
        monkeypatch.setattr(kind, "finish", lambda *a, kind=kind, real=real: seen.append(kind.__name__) or real(*a))
    try:
        build(corpus, tmp_path / "warm", jobs=1)
        assert seen == []  # they read no column of person_names the note is in: replayed
        monkeypatch.undo()
        build(corpus, tmp_path / "cold", jobs=1, cache=False)
        warm = tree_bytes(tmp_path / "warm")
        assert warm == tree_bytes(tmp_path / "cold")
        assert any(b"Changed " in data for rel, data in warm.items() if "person_names" in str(rel))
    finally:
        path.write_text(text, encoding="utf-8")


def test_after_a_spelling_note_changed_only_the_foreign_keys_reading_person_names_are_checked_again(
    corpus, tmp_path, monkeypatch
):
    from pak_afghan_diplomacy.pipeline.whole import checks
    from pak_afghan_diplomacy.schema import MODELS
    from pak_afghan_diplomacy.schema.frictionless import keys

    build(corpus, tmp_path / "first", jobs=1)
    path, text = _change_a_spelling_note(corpus)
    ran: list[str] = []
    real = checks.table_key_problems
    monkeypatch.setattr(checks, "table_key_problems", lambda name, frames: ran.append(name) or real(name, frames))
    try:
        build(corpus, tmp_path / "warm", jobs=1)
        reading = {
            n
            for n in MODELS
            if n == "person_names" or "person_names" in {t for _, t, _ in keys(MODELS[n])["foreign_keys"]}
        }
        assert set(ran) == reading  # the tables that read person_names; every other table's keys replayed
        monkeypatch.undo()
        build(corpus, tmp_path / "cold", jobs=1, cache=False)
        assert tree_bytes(tmp_path / "warm") == tree_bytes(tmp_path / "cold")
    finally:
        path.write_text(text, encoding="utf-8")
