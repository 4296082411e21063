"""Properties of the build: deterministic, lossless, round-trips, and never crashes on fuzzed curation."""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import time
import unicodedata
from pathlib import Path

import polars as pl
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pak_afghan_diplomacy.pipeline import BuildError, Layout, build
from pak_afghan_diplomacy.pipeline.publish.render import csv_bytes, parquet_bytes, sort_frame
from pak_afghan_diplomacy.pipeline.publish.verify import read_table, verify
from pak_afghan_diplomacy.schema import MODELS
from pak_afghan_diplomacy.schema.frictionless import polars_schema
from tests.conftest import DATASETS, ROOT, tree_bytes

# CI runs 60 cases of each fuzz test; `make fuzz` runs PAD_FUZZ_EXAMPLES=1000 of each.
FUZZ_EXAMPLES = int(os.environ.get("PAD_FUZZ_EXAMPLES", "60"))


def _curation_docs() -> dict[str, dict]:
    """Every curation file by its path under build/: registry.yaml, registry/*.yaml parts, articles."""
    paths = [*sorted((ROOT / "build").glob("*.yaml")), *sorted((ROOT / "build").glob("registry/*.yaml"))]
    return {p.relative_to(ROOT / "build").as_posix(): yaml.safe_load(p.read_text(encoding="utf-8")) for p in paths}


def _registry(docs: dict[str, dict]) -> dict[str, list]:
    """registry.yaml and its parts, merged section by section (popped from `docs`)."""
    merged: dict[str, list] = {}
    for name in [n for n in docs if n == "registry.yaml" or n.startswith("registry/")]:
        for section, items in docs.pop(name).items():
            merged.setdefault(section, []).extend(items or [])
    return merged


def test_two_builds_are_identical(rebuilt, tmp_path):
    again = tmp_path / "again"
    build(Layout(ROOT), again)
    assert tree_bytes(again) == tree_bytes(rebuilt)


def test_order_of_entries_and_files_does_not_change_the_output(tmp_path):
    """Reverse every list in every curation file: the published bytes stay the same."""
    root = tmp_path / "reordered"
    shutil.copytree(ROOT / "seeds", root / "seeds")
    (root / "build").mkdir()

    def reverse(node):
        if isinstance(node, list):
            return [reverse(x) for x in reversed(node)]
        if isinstance(node, dict):
            return {k: reverse(v) for k, v in reversed(list(node.items()))}
        return node

    docs = _curation_docs()
    for name in reversed(list(docs)):  # files written in reverse order too
        doc = docs[name]
        # evidence lists are order-free; `occurrence` counts in the text, not in the file
        text = yaml.safe_dump(reverse(doc), allow_unicode=True, sort_keys=False)
        (root / "build" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "build" / name).write_text(text, encoding="utf-8")
    build(Layout(root), root / "datasets")
    assert tree_bytes(root / "datasets") == tree_bytes(DATASETS)


def test_every_curated_fact_appears_exactly_once():
    """Count reconciliation from the curation files to the published tables."""
    docs = _curation_docs()
    registry = _registry(docs)
    tables = {name: pl.read_parquet(DATASETS / "parquet" / f"{name}.parquet") for name in MODELS}
    articles = list(docs.values())

    def count(section):
        return sum(len(a.get(section) or []) for a in articles)

    def quotes(section):
        n = 0
        for a in articles:
            for item in a.get(section) or []:
                ev = item["evidence"]
                n += len(ev) if isinstance(ev, list) else 1
        return n

    assert tables["articles"].height == len(articles)
    assert tables["persons"].height == len(registry["persons"])
    assert tables["person_names"].height == len(registry["persons"]) + count("names")
    assert tables["organizations"].height == len(registry["organizations"])
    assert tables["posts"].height == len(registry["posts"])
    assert tables["post_aliases"].height == sum(len(p.get("aliases") or []) for p in registry["posts"])
    assert tables["roles"].height == len(registry["roles"])
    assert tables["role_observations"].height == count("roles")
    assert tables["meetings"].height == len(registry["meetings"])
    assert tables["meeting_sources"].height == count("meetings")
    assert tables["meeting_participants"].height == sum(len(m["participants"]) for m in registry["meetings"])
    assert tables["utterances"].height == len(registry["utterances"])
    assert tables["statements"].height == count("statements")
    assert tables["conflicts"].height == len(registry["conflicts"])
    assert tables["conflict_records"].height == sum(len(c["records"]) for c in registry["conflicts"])
    evidence = tables["evidence"]
    expected = {s: quotes(s) for s in ("names", "roles", "meetings", "participants", "conflicts", "incidents")}
    by_table = dict(evidence.group_by("record_table").len().iter_rows())
    # a person's spellings and the persons table share evidence rows: names -> persons
    assert by_table == {
        "persons": expected["names"],
        "roles": expected["roles"],
        "meetings": expected["meetings"],
        "meeting_participants": expected["participants"],
        "conflicts": expected["conflicts"],
        "incidents": expected["incidents"],
    }
    assert tables["dismissals"].height == count("dismissed")
    assert tables["incidents"].height == len(registry.get("incidents") or [])
    assert tables["incident_sources"].height == count("incidents")


TRICKY = st.one_of(
    st.none(),
    st.text(
        alphabet=st.sampled_from(list("aZ09 ,;\"'\n\r\t|–—“”‘’«»é\u00a0\u200bçЖ中🙂\\")),
        min_size=1,
        max_size=20,
    ).filter(lambda s: s != ""),
)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            TRICKY, st.booleans(), st.integers(-(2**62), 2**62), st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31))
        ),
        max_size=8,
    )
)
def test_csv_and_parquet_round_trip_tricky_values(rows):
    """Nulls, non-ASCII text (curly quotes, no-break spaces, emoji), newlines, extreme ints and dates."""
    columns = polars_schema(MODELS["meetings"])
    frame = pl.DataFrame(
        [
            {
                **dict.fromkeys(columns),
                "meeting_id": f"m{i}",
                "date": "2024",
                "date_earliest": d,
                "date_latest": d,
                "date_precision": "year",
                "date_inferred": b,
                "date_basis": "inferred" if b else "stated",
                "date_note": t,
                "city": t,
                "kind": "visit",
                "description": t or "x",
                "grouping_uncertain": b,
                "note": t,
                "source_count": abs(n) + 1,
            }
            for i, (t, b, n, d) in enumerate(rows)
        ],
        schema=columns,
    )
    frame = sort_frame("meetings", frame)
    assert read_table("meetings", parquet_bytes("meetings", frame), "parquet").equals(frame)
    assert read_table("meetings", csv_bytes(frame), "csv").equals(frame)


# --------------------------------------------------------------------------- fuzzing

MUTATIONS = ("delete line", "duplicate line", "swap lines", "insert junk", "truncate", "replace char", "change value")
JUNK = [
    "",
    ":",
    "- ",
    "  x: 1",
    "{",
    "]",
    "\t",
    "!!python/name:os.system",
    "&a",
    "*a",
    "''",
    "“",
    "null",
    "- id: 000-x",
    "    occurrence: 0",
    '    date: "2024-02-30"',
    "evidence: [",
    '- {quote: "Kabul"}',
]


VALUES = ["null", "7", "true", "[]", "{}", '""', '"2024-13"', "x"]


def _mutate(text: str, kind: str, rnd: random.Random) -> str:
    lines = text.split("\n")
    i = rnd.randrange(len(lines))
    if kind == "delete line":
        del lines[i]
    elif kind == "duplicate line":
        lines.insert(i, lines[i])
    elif kind == "swap lines":
        j = rnd.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "insert junk":
        lines.insert(i, rnd.choice(JUNK))
    elif kind == "truncate":
        return text[: rnd.randrange(len(text))]
    elif kind == "replace char" and lines[i]:
        k = rnd.randrange(len(lines[i]))
        lines[i] = lines[i][:k] + rnd.choice("x:-\"'[]{}#&* ") + lines[i][k + 1 :]
    elif kind == "change value" and ":" in lines[i]:
        key = lines[i].split(":", 1)[0]
        lines[i] = f"{key}: {rnd.choice(VALUES)}"
    return "\n".join(lines)


@pytest.fixture(scope="module")
def fuzz_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("fuzz")
    for name in ("seeds", "build", "datasets"):
        shutil.copytree(ROOT / name, root / name)
    return root


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    file=st.sampled_from(sorted(p.name for p in (ROOT / "build").glob("*.yaml"))),
    mutations=st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=3),
    seed=st.integers(0, 2**32 - 1),
)
def test_fuzzed_curation_builds_valid_output_or_fails_located(fuzz_root, file, mutations, seed):
    rnd = random.Random(seed)
    original = (ROOT / "build" / file).read_text(encoding="utf-8")
    text = original
    for kind in mutations:
        text = _mutate(text, kind, rnd)
    target = fuzz_root / "build" / file
    target.write_text(text, encoding="utf-8")
    try:
        _builds_valid_or_fails_located(fuzz_root)
    finally:
        target.write_text(original, encoding="utf-8")
    assert not [p for p in fuzz_root.iterdir() if p.name.startswith(".datasets.")]


# --------------------------------------------------------------------------- hostile fuzzing
# The generators that found the crashes and hangs of issue #14: deep nesting, alias trees,
# folders where files belong, odd encodings, control and bidi characters, formula starts.

CURATION = sorted(f"build/{p.name}" for p in (ROOT / "build").glob("*.yaml"))
SEED_FILES = sorted(f"seeds/{p.name}" for p in (ROOT / "seeds").iterdir())
CONTROLS = ["\x00", "\x07", "\x08", "\x1b", "\x1b[2J", "\x7f", "\x85", "\x9b", "\u200e", "\u202e", "\u2066", "\u2028"]
ENCODINGS = ["utf-16", "utf-16-le", "utf-32", "latin-1", "cp1252", "utf-8-sig"]
# The classes of issue #19: format (Cf) characters and non-characters, whole numbers and dates out of
# bounds (an `occurrence` of -1, a count past Int64, `9999-12-31` as an interval's end), look-alike
# Cyrillic letters inside a Latin word, decomposed (NFD) text.
KINDS = ["deep", "aliases", "folder", "encoding", "bytes", "control", "formula"]
KINDS += ["invisible", "number", "date", "homoglyph", "nfd"]
INVISIBLE = ["\u200b", "\ufeff", "\U000e0041", "\u00ad", "\u200d", "\u2060", "\ufffe", "\ufdd0", "\u061c"]
NUMBERS = [-1, 0, 2**63, -(2**63) - 1, 99999999999999999999, "042", "0x2a", "1_000", "-0"]
DATES = ["9999-12-31", "2023-07-21/9999-12-31", "../2999", "2999/..", "1066", "1899-12-31", "2999"]
HOMOGLYPHS = {"a": "\u0430", "e": "\u0435", "o": "\u043e", "i": "\u0456", "I": "\u0406", "c": "\u0441"}
DEPTHS = st.one_of(st.integers(1, 200), st.sampled_from([63, 64, 65, 1_000, 10_000, 30_000, 50_000]))


def _nested(kind: str, depth: int) -> str:
    if kind == "brackets":
        return "[" * depth + "]" * depth
    if kind == "braces":
        return "{a: " * depth + "1" + "}" * depth
    return "\n" + "".join("  " * (i + 1) + "- \n" for i in range(min(depth, 2_000))) + "  x"


def _alias_tree(levels: int, width: int) -> str:
    items = ["&l0 [" + ", ".join(["x"] * width) + "]"]
    items += [f"&l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]" for i in range(1, levels)]
    return "[" + ", ".join(items) + "]"


@st.composite
def hostile_edits(draw) -> tuple[str, str, object]:
    """(file, kind, what): one hostile change to one input file."""
    kind = draw(st.sampled_from(KINDS))
    if kind in ("folder", "encoding", "bytes", "control", "invisible"):
        target = draw(st.sampled_from(CURATION + SEED_FILES + ["build/registry/part.yaml"]))
    else:
        target = draw(st.sampled_from(CURATION))
    if kind == "deep":
        what: object = (draw(st.sampled_from(["brackets", "braces", "block"])), draw(DEPTHS))
    elif kind == "aliases":
        what = (draw(st.integers(1, 12)), draw(st.integers(1, 12)))
    elif kind == "encoding":
        what = draw(st.sampled_from(ENCODINGS))
    elif kind == "bytes":
        what = draw(st.binary(min_size=1, max_size=4))
    elif kind == "control":
        what = draw(st.sampled_from(CONTROLS))
    elif kind == "formula":
        what = draw(st.sampled_from(["=", "+", "-", "@", "=cmd|' /C calc'!A0"]))
    elif kind == "invisible":
        what = draw(st.sampled_from(INVISIBLE))
    elif kind == "number":
        what = draw(st.one_of(st.sampled_from(NUMBERS), st.integers(-(2**70), 2**70)))
    elif kind == "date":
        what = draw(st.one_of(st.sampled_from(DATES), st.dates().map(dt.date.isoformat)))
    elif kind in ("homoglyph", "nfd"):
        what = None
    else:
        what = draw(st.booleans())  # whether the folder holds a file
    return target, kind, (what, draw(st.integers(0, 2**32 - 1)))


def _apply(root: Path, target: str, kind: str, what: object, rnd: random.Random) -> None:
    path = root / target
    data = path.read_bytes() if path.is_file() else b"persons: []\n"
    if kind == "folder":
        if path.exists():
            path.unlink()
        path.mkdir(parents=True)
        if what:
            (path / "inside.yaml").write_text("x: 1\n")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "encoding":
        path.write_bytes(data.decode("utf-8").encode(str(what), errors="replace"))
        return
    if kind == "bytes":
        at = rnd.randrange(len(data) + 1)
        path.write_bytes(data[:at] + bytes(what) + data[at:])  # type: ignore[arg-type]
        return
    lines = data.decode("utf-8").split("\n")
    i = rnd.randrange(len(lines))
    line = lines[i]
    if kind == "deep":
        shape, depth = what  # type: ignore[misc]
        lines.insert(i, f"zz: {_nested(shape, depth)}")
    elif kind == "aliases":
        levels, width = what  # type: ignore[misc]
        key = line.split(":", 1)[0] if ":" in line else "zz"
        lines[i] = f"{key}: {_alias_tree(levels, width)}"
    elif kind in ("control", "invisible"):
        at = rnd.randrange(len(line) + 1)
        lines[i] = line[:at] + str(what) + line[at:]
    elif kind in ("number", "date") and ": " in line:
        key, _ = line.split(": ", 1)
        lines[i] = f"{key}: {what}" if kind == "number" else f'{key}: "{what}"'
    elif kind == "homoglyph":
        spots = [j for j, ch in enumerate(line) if ch in HOMOGLYPHS]
        if spots:
            j = spots[rnd.randrange(len(spots))]
            lines[i] = line[:j] + HOMOGLYPHS[line[j]] + line[j + 1 :]
    elif kind == "nfd":
        lines[i] = unicodedata.normalize("NFD", line.replace("e", "é"))
    elif kind == "formula" and ": " in line:
        key, value = line.split(": ", 1)
        quoted = value.startswith('"')
        lines[i] = f'{key}: "{what}{value[1:] if quoted else value}' + ("" if quoted else '"')
    path.write_bytes("\n".join(lines).encode("utf-8"))


@pytest.fixture(scope="module")
def hostile_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    for name in ("seeds", "build", "datasets"):
        shutil.copytree(ROOT / name, root / name)
    return root


def _restore(root: Path, target: str) -> None:
    path = root / target
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()
    if (ROOT / target).exists():
        shutil.copy2(ROOT / target, path)
    if target.startswith("build/registry/") and path.parent.exists():
        shutil.rmtree(path.parent)


def _builds_valid_or_fails_located(root: Path) -> None:
    """Build `root`: a package that passes `validate`, or located problems and the old package untouched."""
    out = root / "datasets"
    before = tree_bytes(out)
    try:
        build(Layout(root), out)
    except BuildError as err:
        assert err.problems
        for p in err.problems:
            assert p.where and p.check and p.message
        assert tree_bytes(out) == before, "a failed build left a partial package"
    else:
        problems, _ = verify(out, root / "seeds")
        assert problems == []
        shutil.rmtree(out)
        shutil.copytree(DATASETS, out)


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edit=hostile_edits())
def test_fuzzed_hostile_inputs_build_valid_output_or_fail_located(hostile_root, edit):
    """Each hostile input is refused with located problems, in bounded time; or, if harmless, builds."""
    target, kind, (what, seed) = edit
    _apply(hostile_root, target, kind, what, random.Random(seed))
    start = time.perf_counter()
    try:
        _builds_valid_or_fails_located(hostile_root)
    finally:
        _restore(hostile_root, target)
    assert time.perf_counter() - start < 20, f"{kind} on {target} took too long"
    assert not [p for p in hostile_root.iterdir() if p.name.startswith(".datasets.")]
