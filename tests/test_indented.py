"""The descriptor's text is `json.dumps(..., ensure_ascii=False, indent=2)`'s, without its Python encoder."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from pak_afghan_diplomacy.pipeline.publish import indented
from tests.conftest import ROOT

_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
_values = st.recursive(_scalars, lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner), max_leaves=40)


@settings(max_examples=300, deadline=None)
@given(_values)
def test_any_plain_value_gives_the_text_json_dumps_gives(value):
    assert indented.dumps(value) == json.dumps(value, ensure_ascii=False, indent=2)


def test_the_published_descriptor_is_the_text_of_its_own_values():
    text = (ROOT / "datasets" / "datapackage.json").read_text(encoding="utf-8")
    assert indented.dumps(json.loads(text)) + "\n" == text


def test_a_value_it_does_not_write_is_left_to_json_dumps():
    value = {"a": (1, "two"), 3: [{"b": "\x00\u2028é"}]}  # a tuple and a key that is not text
    assert indented.dumps(value) == json.dumps(value, ensure_ascii=False, indent=2)
