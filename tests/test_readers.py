"""The faster reader and the one walk (#21) say what the slower code said, value for value, problem for problem."""

from __future__ import annotations

import random

import pytest
import yaml

from pak_afghan_diplomacy.pipeline.read import curation, unfinished, walk, yamlfile
from tests.conftest import ROOT
from tests.test_properties import MUTATIONS, _mutate

CURATION = sorted((ROOT / "build").glob("*.yaml"))


def _spec(name: str) -> dict:
    return curation.REGISTRY_SPEC if name == curation.REGISTRY else curation.ARTICLE_SPEC


def _docs():
    """Every curation file, and 40 mutated copies of each (the fuzz test's mutations, fixed seeds)."""
    for path in CURATION:
        text = path.read_text(encoding="utf-8")
        yield path.name, text
        for seed in range(40):
            rnd = random.Random(seed)
            mutated = text
            for kind in rnd.sample(MUTATIONS, rnd.randint(1, 3)):
                mutated = _mutate(mutated, kind, rnd)
            yield path.name, mutated


def test_one_walk_says_what_the_spec_check_and_the_placeholder_walk_said(tmp_path):
    compared = 0
    for name, text in _docs():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        doc, _ = yamlfile.load(path, name)
        if doc is None:
            continue
        shape, todo = walk.check(doc, _spec(name), name)
        assert shape == yamlfile.check_mapping(doc, _spec(name), name, "", 1), name
        assert todo == unfinished.problems(doc, name), name
        compared += 1
    assert compared > len(CURATION)


def test_one_walk_keeps_placeholders_under_unknown_keys_and_odd_types(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text(
        "article: [TODO title]\nnames:\n  - person: p\n    name: TODO\n    evidence: [{quote: TODO q, x: [TODO]}]\n"
        "zz: {deep: [TODO a]}\nmeetings:\n  - meeting: m\n    date_basis: inferred\n    evidence: q\n",
        encoding="utf-8",
    )
    doc, _ = yamlfile.load(path, "a.yaml")
    shape, todo = walk.check(doc, curation.ARTICLE_SPEC, "a.yaml")
    assert shape == yamlfile.check_mapping(doc, curation.ARTICLE_SPEC, "a.yaml", "", 1)
    assert todo == unfinished.problems(doc, "a.yaml")
    fields = [(p.field, p.check) for p in todo]
    assert ("article[0]", "placeholder") in fields and ("zz.deep[0]", "placeholder") in fields
    assert ("names[0].evidence[0].x[0]", "placeholder") in fields
    assert ("meetings[0].date_basis", "inferred without note") in fields


@pytest.mark.parametrize(
    "value", ["", "x", "yes", "No", "~", "null", "0o17", "0x1f", "1_0", "1:20", ".inf", "-.NaN", "2024-01-01", "<<"]
)
def test_plain_scalars_resolve_as_pyyaml_resolves_them(value):
    loader = yamlfile._Loader("")
    assert yamlfile._resolve(value) == loader.resolve(yaml.ScalarNode, value, (True, False))
    assert yamlfile._resolve(value) == loader.resolve(yaml.ScalarNode, value, (True, False))  # from the memo


@pytest.mark.parametrize(
    ("line", "check"),
    [
        ('x: "a\\u200bb"', "control character"),  # only the escape makes it: the text itself is clean
        ('x: "a\\x07b"', "control character"),
        ("x: a\u200bb", "control character"),
        ("x: 'a\u202eb'", "control character"),
        ('x: "e\\u0301"', "not NFC"),
        ("x: e\u0301", "not NFC"),
    ],
)
def test_refused_and_unnormalised_text_is_found_however_it_is_written(tmp_path, line, check):
    path = tmp_path / "x.yaml"
    path.write_text(f"a: 1\n{line}\n", encoding="utf-8")
    _, problems = yamlfile.load(path, "x.yaml")
    assert [(p.line, p.field, p.check) for p in problems] == [(2, "x", check)]


def test_clean_text_with_escapes_and_a_bom_is_read_without_problems(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_bytes('\ufeffa: "caf\\u00e9 \\"x\\""\nb: Kabul’s\n'.encode())
    doc, problems = yamlfile.load(path, "x.yaml")
    assert problems == [] and doc == {"a": 'café "x"', "b": "Kabul’s"}
