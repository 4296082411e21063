"""Untrusted curation (#19): each hostile edit of the audit is refused with a located problem, or built as it should.

Groups 1 (false facts), 2 (invisible text), 3 (crashes) and 8 (messages) of issue #19, one test per case:
each fails without its fix.
"""

from __future__ import annotations

import unicodedata

import pytest

from pak_afghan_diplomacy.pipeline import problems as problems_module
from tests.test_bad_inputs import ARTICLE, REGISTRY, Edit, assert_located

STATEMENT = '    text: "has taken up all issues of mutual concern, including militant threat and attacks in Pakistan'
OCCURRENCE_EDITS = [
    Edit(
        f"occurrence {n} on a statement",
        ARTICLE,
        STATEMENT,
        f"    occurrence: {n}\n{STATEMENT}",
        "range",
        ".occurrence",
    )
    for n in (-1, 0)
] + [
    Edit(
        "occurrence -1 on an exclusion",
        ARTICLE,
        '{quote: "Short Url", reason:',
        '{quote: "Short Url", occurrence: -1, reason:',
        "range",
        ".occurrence",
    ),
    Edit(
        "context_occurrence -1",
        ARTICLE,
        STATEMENT,
        f"    context_occurrence: -1\n{STATEMENT}",
        "range",
        ".context_occurrence",
    ),
    Edit(
        "count beyond Int64",
        REGISTRY,
        'unnamed: "other high-ranking Taliban officials",',
        'unnamed: "other high-ranking Taliban officials", count: 99999999999999999999,',
        "range",
        ".count",
    ),
]


@pytest.mark.parametrize("edit", OCCURRENCE_EDITS, ids=lambda e: e.name)
def test_whole_numbers_are_bounded(checkout, edit):
    assert_located(checkout, edit)


PERSON = "  - {id: ishaq-dar, name: Ishaq Dar}"
INVISIBLE = {
    "zero-width space": "\\u200B",
    "BOM": "\\uFEFF",
    "tag character": "\\U000E0041",
    "soft hyphen": "\\u00AD",
    "zero-width joiner": "\\u200D",
    "word joiner": "\\u2060",
    "non-character": "\\uFFFE",
}


@pytest.mark.parametrize("name", INVISIBLE)
def test_invisible_characters_in_a_name_are_refused_with_position(checkout, name):
    edit = Edit(
        name, REGISTRY, PERSON, f'  - {{id: ishaq-dar, name: "Ishaq{INVISIBLE[name]} Dar"}}', "control character"
    )
    assert_located(checkout, edit)


def test_invisible_characters_in_a_note_are_refused_with_position(checkout):
    from tests.conftest import build_fails
    from tests.test_bad_inputs import _edit

    edit = Edit("zwsp in note", REGISTRY, PERSON, '  - {id: ishaq-dar, name: Ishaq Dar, note: "a\\u200Bb"}', "")
    line = _edit(checkout.root, edit)
    found = [p for p in build_fails(checkout) if p.check == "control character"]
    assert [(p.line, p.field) for p in found] == [(line, "persons[7].note")]
    assert "U+200B at character 2 (ZERO WIDTH SPACE)" in found[0].message
    assert "\\u200b" in (found[0].value or "")  # shown, not hidden: two identical-looking strings no more


def test_a_decomposed_post_title_is_refused(checkout):
    nfd = unicodedata.normalize("NFD", "Chargé d’Affaires")
    edit = Edit("NFD title", REGISTRY, "title: Chargé d’Affaires", f"title: {nfd}", "not NFC", ".title")
    assert_located(checkout, edit)


def test_format_characters_are_every_cf_character_of_this_python():
    """The written-out list of category Cf is the running Unicode's (a newer Python adds to it, never silently)."""
    import re

    listed = re.compile(f"[{problems_module.FORMAT_CHARS}]")
    cf = [chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf"]
    assert all(listed.match(ch) for ch in cf)
    assert all(unicodedata.category(chr(c)) == "Cf" for c in range(0x110000) if listed.match(chr(c)))


def test_an_unquoted_octal_looking_code_is_shown_as_typed(checkout):
    from tests.conftest import build_fails

    edit = Edit("octal", REGISTRY, '    cameo_code: "042"', "    cameo_code: 042", "type", ".cameo_code")
    assert_located(checkout, edit)
    found = [p for p in build_fails(checkout) if p.field and p.field.endswith("cameo_code")]
    assert found[0].value == "042" and "042" in found[0].message and "quote it" in found[0].message
