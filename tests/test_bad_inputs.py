"""Every kind of bad input gets a located, readable error and leaves datasets/ untouched."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from pak_afghan_diplomacy.pipeline import Layout
from tests.conftest import build_fails, tree_bytes

ARTICLE = "build/004_5fd66b92c6fc2c14.yaml"
REGISTRY = "build/registry.yaml"
CLI = str(Path(sys.executable).with_name("pak-afghan-diplomacy"))


@dataclass(frozen=True)
class Edit:
    """Replace the first `old` in `file` by `new`; expect a problem with `check` there."""

    name: str
    file: str
    old: str
    new: str
    check: str
    field: str | None = None  # the end of the problem's field, where one is named
    located: bool = True  # whether the problem carries the line of the edit
    # The registry record (`- id: X`) the edit is made in: `old` is then a regular expression searched
    # inside that record only, so the edit names a fact, not the registry's order or another record's text.
    within: str | None = None


EDITS = [
    Edit("invalid yaml", ARTICLE, "names:\n", "names: [\n", "yaml", located=False),
    Edit(
        "unknown key",
        ARTICLE,
        "    speaker: mumtaz-zahra-baloch",
        "    speker: mumtaz-zahra-baloch",
        "unknown key",
        ".speker",
    ),
    Edit(
        "missing required field",
        REGISTRY,
        "    post: ambassador-afghanistan\n",
        "",
        "missing key",
        "].post",  # a role's post, whichever index the registry gives that role
        located=False,
    ),
    Edit("wrong type", ARTICLE, "    inferred: false", "    inferred: nope", "type", ".inferred"),
    Edit(
        "quote not in article",
        ARTICLE,
        '"Acting Minister for Commerce Nooruddin Azizi"',
        '"Acting Minister for Trade Nooruddin Azizi"',
        "quote",
        ".evidence",
    ),
    Edit(
        "quote outside the body",
        ARTICLE,
        '"Acting Minister for Commerce Nooruddin Azizi"',
        '"Pakistan, seven Muslim nations back Palestinian technocratic body"',
        "quote",
        ".evidence",
    ),
    Edit(
        "ambiguous quote",
        ARTICLE,
        '"Durrani arrived in Kabul on a three-day visit on July 19"',
        '"Durrani"',
        "ambiguous quote",
        ".evidence",
    ),
    Edit(
        "quote in excluded furniture",
        ARTICLE,
        '"Acting Minister for Commerce Nooruddin Azizi"',
        '"Short Url"',
        "excluded",
        ".evidence",
    ),
    Edit(
        "unknown person", ARTICLE, "  - person: nooruddin-azizi", "  - person: nooruddin-azizy", "unknown id", ".person"
    ),
    Edit(
        "unknown organization",
        REGISTRY,
        "organization: pak-embassy-kabul",
        "organization: pak-embasy-kabul",
        "unknown id",
        ".organization",
    ),
    Edit(
        "unknown meeting",
        ARTICLE,
        "  - meeting: 2023-07-durrani-visit-kabul",
        "  - meeting: 2023-07-durrani-visit-kabull",
        "unknown id",
        ".meeting",
    ),
    Edit(
        "duplicate id",
        REGISTRY,
        "  - {id: ishaq-dar, name: Ishaq Dar}",
        "  - {id: ishaq-dar, name: Ishaq Dar}\n  - {id: ishaq-dar, name: Ishaq Dar}",
        "duplicate id",
        ".id",
    ),
    Edit("date that does not parse", REGISTRY, 'start_date: "2008-12"', 'start_date: "2008-13"', "date", ".start_date"),
    Edit("date in words", REGISTRY, 'start_date: "2008-12"', 'start_date: "December 2008"', "date", ".start_date"),
    Edit("end before start", REGISTRY, 'end_date: "2014-04"', 'end_date: "2007-04"', "date order", ".end_date"),
    Edit(
        "speaker not a participant",
        ARTICLE,
        '    speaker: asif-durrani\n    speaker_organization: null\n    attribution: "Durrani"\n    setting: null\n'
        "    about_meeting: 2023-07-durrani-visit-kabul",
        '    speaker: mumtaz-zahra-baloch\n    speaker_organization: null\n    attribution: "Durrani"\n'
        '    setting: "meeting"\n    meeting: 2023-07-durrani-visit-kabul',
        "speaker not a participant",
        ".speaker",
    ),
    Edit(
        "python tag is not executed",
        ARTICLE,
        "  title_basis: stated",
        '  title_basis: !!python/object/apply:os.system ["touch /tmp/pad-pwned"]',
        "yaml",
        located=False,
    ),
]


def _edit(root: Path, edit: Edit) -> int:
    path = root / edit.file
    text = path.read_text(encoding="utf-8")
    if edit.within is not None:
        return _edit_within(path, text, edit)
    assert edit.old in text, f"fixture drift: {edit.old!r} not in {edit.file}"
    at = text.index(edit.old)
    path.write_text(text[:at] + edit.new + text[at + len(edit.old) :], encoding="utf-8")
    return text.count("\n", 0, at) + 1 + (edit.new.count("\n") if edit.name == "duplicate id" else 0)


def _edit_within(path: Path, text: str, edit: Edit) -> int:
    """Substitute the first match of `edit.old` inside the record `- id: <edit.within>`."""
    head = re.search(rf"^(\s*)- id: {re.escape(edit.within)}\n", text, re.M)
    assert head, f"fixture drift: no record {edit.within!r} in {edit.file}"
    # the record runs to the next line indented no deeper than its dash (the next record, a comment, a section)
    nxt = re.compile(rf"^(?:{head.group(1)}[-#]|\S)", re.M).search(text, head.end())
    end = nxt.start() if nxt else len(text)
    found = re.compile(edit.old, re.M).search(text, head.start(), end)
    assert found, f"fixture drift: {edit.old!r} not in record {edit.within!r} of {edit.file}"
    new = found.expand(edit.new)
    path.write_text(text[: found.start()] + new + text[found.end() :], encoding="utf-8")
    return text.count("\n", 0, found.start()) + 1


@pytest.mark.parametrize("edit", EDITS, ids=lambda e: e.name)
def test_bad_curation_is_located(checkout, edit):
    assert_located(checkout, edit)


def assert_located(checkout: Layout, edit: Edit) -> None:
    """Make `edit`; the build fails with a problem of its check in its file (and line, where located)."""
    line = _edit(checkout.root, edit)
    problems = build_fails(checkout)
    hits = [p for p in problems if p.check == edit.check and p.where == edit.file]
    assert hits, [(p.where, p.line, p.field, p.check) for p in problems]
    if edit.field:
        assert any(p.field and p.field.endswith(edit.field) for p in hits), hits
    if edit.located:
        assert any(p.line == line for p in hits), (line, hits)
    assert not Path("/tmp/pad-pwned").exists()


def test_cli_reports_bad_curation_without_traceback(checkout):
    _edit(checkout.root, EDITS[1])
    before = tree_bytes(checkout.datasets)
    run = subprocess.run([CLI, "build", "--root", str(checkout.root)], capture_output=True, text=True)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert ARTICLE in run.stderr and "unknown key" in run.stderr and "speker" in run.stderr
    assert tree_bytes(checkout.datasets) == before


def _repin(layout: Layout, name: str, data: bytes) -> None:
    (layout.seeds / name).write_bytes(data)
    pins = layout.seeds / "SHA256SUMS"
    lines = [line for line in pins.read_text().splitlines() if not line.endswith(name)]
    lines.append(f"{hashlib.sha256(data).hexdigest()}  {name}")
    pins.write_text("\n".join(lines) + "\n")


SEED = "004_5fd66b92c6fc2c14.txt"


def test_seed_not_utf8(checkout):
    _repin(checkout, SEED, "Durrani in Kabul".encode("utf-16"))
    problems = build_fails(checkout)
    assert [(p.where, p.check) for p in problems] == [(f"seeds/{SEED}", "encoding")]


def test_seed_empty(checkout):
    _repin(checkout, SEED, b"")
    problems = build_fails(checkout)
    assert [(p.where, p.check) for p in problems] == [(f"seeds/{SEED}", "empty")]


def test_seed_without_curation(checkout):
    (checkout.curation / SEED.replace(".txt", ".yaml")).unlink()
    problems = build_fails(checkout)
    assert [(p.where, p.check) for p in problems if p.check == "no curation"] == [(f"seeds/{SEED}", "no curation")]


def test_curation_without_seed(checkout):
    (checkout.curation / "009_0000000000000000.yaml").write_text("article: {}\n", encoding="utf-8")
    problems = build_fails(checkout)
    assert ("build/009_0000000000000000.yaml", "no seed") in [(p.where, p.check) for p in problems]


def test_unpinned_seed(checkout):
    (checkout.seeds / "009_0000000000000000.txt").write_text("An article nobody pinned.", encoding="utf-8")
    problems = build_fails(checkout)
    assert ("seeds/009_0000000000000000.txt", "unpinned") in [(p.where, p.check) for p in problems]


@pytest.mark.parametrize("target", ["../README.md", "/etc/hostname", "sub/dir.txt"])
def test_pinned_path_leaving_seeds_is_refused(checkout, target):
    with (checkout.seeds / "SHA256SUMS").open("a") as fh:
        fh.write(f"{'0' * 64}  {target}\n")
    problems = build_fails(checkout)
    assert any(p.check == "path" and p.value == target for p in problems)


def test_symlinked_seed_is_refused(checkout, tmp_path):
    outside = tmp_path / "elsewhere.txt"
    outside.write_bytes((checkout.seeds / SEED).read_bytes())
    (checkout.seeds / SEED).unlink()
    os.symlink(outside, checkout.seeds / SEED)
    problems = build_fails(checkout)
    assert (f"seeds/{SEED}", "path") in [(p.where, p.check) for p in problems]


def test_symlinked_curation_is_refused(checkout, tmp_path):
    name = SEED.replace(".txt", ".yaml")
    outside = tmp_path / name
    outside.write_bytes((checkout.curation / name).read_bytes())
    (checkout.curation / name).unlink()
    os.symlink(outside, checkout.curation / name)
    problems = build_fails(checkout)
    assert (f"build/{name}", "path") in [(p.where, p.check) for p in problems]


@pytest.mark.parametrize("name", ["registry.yaml", "004_5fd66b92c6fc2c14.yaml"])
def test_empty_curation_file_is_a_located_problem(checkout, name):
    (checkout.curation / name).write_text("# nothing yet\n", encoding="utf-8")
    problems = build_fails(checkout)
    assert (f"build/{name}", "empty") in [(p.where, p.check) for p in problems]
