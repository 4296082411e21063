"""Publication links the files whose bytes are already in place, and still replaces the package whole or not at all."""

from __future__ import annotations

import json
import os

import pytest

from pak_afghan_diplomacy.pipeline.publish import atomic

DESCRIPTOR = json.dumps({"name": "pak-afghan-diplomacy"}).encode()


def _package(a: bytes, b: bytes) -> dict[str, bytes]:
    return {"csv/a.csv": a, "csv/b.csv": b, atomic.DESCRIPTOR: DESCRIPTOR}


def test_a_file_with_the_same_bytes_is_linked_and_a_changed_one_written(tmp_path):
    out = tmp_path / "datasets"
    atomic.write_atomic(_package(b"same\n", b"old\n"), out)
    before = (out / "csv/a.csv").stat().st_ino
    b_before = (out / "csv/b.csv").stat().st_ino
    atomic.write_atomic(_package(b"same\n", b"new\n"), out)  # b: same size, other bytes
    assert (out / "csv/a.csv").stat().st_ino == before  # linked, not written again
    assert (out / "csv/b.csv").stat().st_ino != b_before and (out / "csv/b.csv").read_bytes() == b"new\n"
    assert all((out / p).stat().st_nlink == 1 for p in _package(b"", b""))  # the previous package is gone
    assert sorted(p.name for p in tmp_path.iterdir()) == ["datasets"]


def test_a_file_a_user_linked_elsewhere_is_written_anew_and_their_copy_left_alone(tmp_path):
    out = tmp_path / "datasets"
    atomic.write_atomic(_package(b"same\n", b"old\n"), out)
    mine = tmp_path / "mine.csv"
    os.link(out / "csv/a.csv", mine)
    atomic.write_atomic(_package(b"same\n", b"old\n"), out)
    assert (out / "csv/a.csv").stat().st_ino != mine.stat().st_ino
    assert mine.stat().st_nlink == 1 and mine.read_bytes() == b"same\n"


def test_a_failed_publication_that_linked_files_leaves_the_package_in_place_whole(tmp_path):
    out = tmp_path / "datasets"
    atomic.write_atomic(_package(b"same\n", b"old\n"), out)
    with pytest.raises(OSError, match="simulated"):
        atomic.write_atomic(_package(b"same\n", b"new\n"), out, _fail_after=2)  # a linked, b written, then fails
    assert {p: (out / p).read_bytes() for p in _package(b"", b"")} == _package(b"same\n", b"old\n")
    assert all((out / p).stat().st_nlink == 1 for p in _package(b"", b""))  # staging removed, links with it
    assert sorted(p.name for p in tmp_path.iterdir()) == ["datasets"]
