"""What the build does to stay linear: registry parts, the streaming reader, the synthetic corpus, the benchmark."""

from __future__ import annotations

import subprocess
import sys

import polars as pl
import pytest
import yaml

from pak_afghan_diplomacy.pipeline import Layout, build
from pak_afghan_diplomacy.pipeline.article import candidates
from pak_afghan_diplomacy.pipeline.read import yamlfile
from tests.conftest import ROOT, build_fails, tree_bytes

sys.path.insert(0, str(ROOT / "benchmarks"))
import synthetic


def _split_registry(layout: Layout, moved: tuple[str, ...]) -> None:
    """Move whole sections of registry.yaml into registry/extra.yaml."""
    path = layout.curation / "registry.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    part = {k: doc.pop(k) for k in moved}
    (layout.curation / "registry").mkdir(exist_ok=True)
    (layout.curation / "registry" / "extra.yaml").write_text(
        yaml.safe_dump(part, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_registry_split_into_parts_builds_the_same_package(checkout, tmp_path):
    # roles stay in registry.yaml while the persons they name move to a later part
    _split_registry(checkout, ("persons", "meetings", "conflicts"))
    build(checkout, tmp_path / "out")
    assert tree_bytes(tmp_path / "out") == tree_bytes(ROOT / "datasets")


def test_duplicate_id_across_registry_files_names_both(checkout):
    _split_registry(checkout, ("utterances",))
    extra = checkout.curation / "registry" / "extra.yaml"
    extra.write_text(
        extra.read_text(encoding="utf-8") + "persons:\n- {id: ishaq-dar, name: Ishaq Dar}\n", encoding="utf-8"
    )
    problems = build_fails(checkout)
    dup = [p for p in problems if p.check == "duplicate id"]
    assert [(p.where, p.value) for p in dup] == [("build/registry/extra.yaml", "ishaq-dar")]
    assert "of build/registry.yaml" in dup[0].message


def test_unknown_reference_in_a_registry_part(checkout):
    _split_registry(checkout, ("utterances",))
    extra = checkout.curation / "registry" / "extra.yaml"
    text = extra.read_text(encoding="utf-8")
    extra.write_text(
        text + "roles:\n- {id: x/y/2020, person: nobody-at-all, organization: pak-government, post: prime-minister, "
        "start_date: '2020', status: ended}\n",
        encoding="utf-8",
    )
    problems = build_fails(checkout)
    assert ("build/registry/extra.yaml", "unknown id", "nobody-at-all") in [
        (p.where, p.check, p.value) for p in problems
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: !!python/object/apply:os.system [ls]\n", "unsupported tag"),
        ("a: !!binary aGVsbG8=\n", "unsupported tag"),
        ("<<: {a: 1}\n", "unsupported tag"),
        ("? [1, 2]\n: x\n", "a key must be plain text"),
        ("a: " + "[" * 3000 + "]" * 3000 + "\n", "invalid YAML"),
    ],
)
def test_yaml_reader_refuses_what_is_not_plain_data(tmp_path, text, message):
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    doc, problems = yamlfile.load(path, "x.yaml")
    assert doc is None
    assert [p.check for p in problems] == ["yaml"]
    assert message in problems[0].message


def test_yaml_reader_refuses_an_alias_bomb_and_shares_small_aliases(tmp_path):
    # nine levels of nine aliases: expanding them would make 387 million strings
    lines = ['l0: &l0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 10)]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    doc, problems = yamlfile.load(path, "bomb.yaml")
    assert doc is None
    assert [(p.check, p.line) for p in problems] == [("yaml", 5)]
    assert "alias" in problems[0].message
    path.write_text("\n".join(lines[:3]) + "\n", encoding="utf-8")  # 90 values: fine
    doc, problems = yamlfile.load(path, "bomb.yaml")
    assert not problems
    assert doc["l2"][0] is doc["l1"] and doc.lines["l2"] == 3
    assert doc["l0"] == ["x"] * 9


def test_yaml_scalars_are_the_safe_ones(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("a: 1\nb: 2.5\nc: true\nd: null\ne: 2024-12-23\nf: '7'\ng: !!str 8\n", encoding="utf-8")
    doc, _ = yamlfile.load(path, "s.yaml")
    assert doc == {"a": 1, "b": 2.5, "c": True, "d": None, "e": "2024-12-23", "f": "7", "g": "8"}


def test_name_pass_prefers_the_longest_name_and_whole_words():
    text = "Amir Khan Muttaqi met Muttaqi; Khan Muttaqis and Amir Khan left."
    found = candidates.name_mentions(text, 0, len(text), {"Amir Khan Muttaqi", "Muttaqi", "Amir Khan"})
    assert [(c.start, c.text) for c in found] == [(0, "Amir Khan Muttaqi"), (22, "Muttaqi"), (49, "Amir Khan")]


def test_seed_changed_during_the_build_is_a_problem(checkout, monkeypatch):
    from pak_afghan_diplomacy.pipeline.read import seeds

    real = seeds.read_seeds

    def read_then_edit(folder, *known):
        found = real(folder, *known)
        path = next(iter(sorted(folder.glob("*.txt"))))
        path.write_bytes(path.read_bytes() + b" edited")
        return found

    monkeypatch.setattr(seeds, "read_seeds", read_then_edit)
    problems = build_fails(checkout)
    assert [(p.check, p.message.split(";")[0]) for p in problems] == [("sha256", "bytes changed during the build")]


REAL = len(list((ROOT / "seeds").glob("*.txt")))


def test_synthetic_corpus_builds_with_fresh_ids(tmp_path):
    corpus = synthetic.make_corpus(ROOT, tmp_path / "corpus", 2 * REAL)
    assert "c00001.yaml" in {p.name for p in (corpus / "build" / "registry").iterdir()}
    counts = build(Layout(corpus), corpus / "datasets")
    real = {p.stem: pl.read_parquet(p).height for p in (ROOT / "datasets" / "parquet").glob("*.parquet")}
    assert counts == {name: 2 * n for name, n in real.items()}


def test_synthetic_corpus_of_any_size_rounds_up_to_whole_copies(tmp_path):
    corpus = synthetic.make_corpus(ROOT, tmp_path / "odd", REAL + 2)
    assert len(list((corpus / "seeds").glob("*.txt"))) == 2 * REAL
    with pytest.raises(ValueError, match="at least one"):
        synthetic.make_corpus(ROOT, tmp_path / "none", 0)


def test_benchmark_runs_and_writes_its_results(tmp_path):
    results = tmp_path / "RESULTS.md"
    out = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "bench.py"),
            "--sizes",
            f"{REAL},{REAL + 1}",
            "--rows",
            "2000",
            "--no-loading",
            "--results",
            str(results),
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=600,
    ).stdout
    assert f"{2 * REAL} articles" in out and "validation of 2,000 statements" in out
    text = results.read_text(encoding="utf-8")
    assert f"| {2 * REAL} |" in text and f"real build ({REAL} articles, cold" in text and "validation ≥ 50 ×" in text
    assert "**Machine**" in text


def test_schema_failure_is_located_through_the_row_origins(checkout):
    # a value only the pandera model refuses: the problem still names the registry line that made the row
    path = checkout.curation / "registry.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    n = next(i for i, line in enumerate(lines) if "{id: taliban," in line)
    lines[n] = lines[n].replace("country: AFG", "country: Afghanistan")
    path.write_text("".join(lines), encoding="utf-8")
    problems = build_fails(checkout)
    assert [(p.where, p.line, p.field, p.value) for p in problems] == [
        ("build/registry.yaml", n + 1, "organizations.country", "Afghanistan")
    ]
