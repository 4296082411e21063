"""Untrusted curation (#19): each hostile edit of the audit is refused with a located problem, or built as it should.

Groups 1 (false facts), 2 (invisible text), 3 (crashes) and 8 (messages) of issue #19, one test per case:
each fails without its fix.
"""

from __future__ import annotations

import unicodedata

import pytest

from pak_afghan_diplomacy.pipeline import problems as problems_module
from tests.test_bad_inputs import ARTICLE, REGISTRY, Edit, assert_located

STATEMENT = (
    '    text: "Pakistan’s special representative to Afghanistan, Ambassadors Asif Durrani, has taken up all issues'
    " of mutual concern, including militant threat and attacks in Pakistan"
)
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


# --------------------------------------------------------------------------- false facts (group 1)

PUBLISHED = '  published_date: "2023-07-21"\n'
VISIT = "    description: Asif Durrani's three-day visit to Kabul, his first as Pakistan's special representative.\n"
MUTTAQI_PART = "    description: Asif Durrani meets Acting Foreign Minister Amir Khan Muttaqi.\n    part_of: "
KABIR_PART = "    description: Asif Durrani meets Acting Prime Minister Abdul Kabir.\n    part_of: "
FO_STATEMENT = "    speaker: null\n    speaker_organization: pak-foreign-office\n"
FIRST_DATE = '    date: "2023-07-21"\n    date_inferred_part: day\n    date_basis: inferred\n'
FALSE_FACTS = [
    Edit(
        "speaker never named",
        ARTICLE,
        FO_STATEMENT,
        "    speaker: ishaq-dar\n    speaker_organization: null\n",
        "speaker not named",
        ".speaker",
    ),
    Edit(
        "one spelling, two persons",
        ARTICLE,
        '  - person: amir-khan-muttaqi\n    name: "Amir Khan Muttaqi"',
        '  - {person: abdul-kabir, name: "Durrani", evidence: "Durrani met with"}\n'
        '  - person: amir-khan-muttaqi\n    name: "Amir Khan Muttaqi"',
        "one spelling, two persons",
    ),
    Edit(
        "a second Ishaq Dar",
        REGISTRY,
        "  - {id: ubaid-nizamani,",
        "  - {id: ishaq-dar-2, name: Ishaq  dar}\n  - {id: ubaid-nizamani,",
        "duplicate person",
        ".name",
    ),
    Edit("homoglyph name", REGISTRY, PERSON, "  - {id: ishaq-dar, name: \u0406shaq Dar}", "mixed scripts", ".name"),
    Edit(
        "part_of cycle of 2",
        REGISTRY,
        VISIT,
        VISIT + "    part_of: 2023-07-19-durrani-muttaqi-kabul\n",
        "part_of cycle",
        located=False,
    ),
    Edit(
        "part_of cycle of 3",
        REGISTRY,
        VISIT,
        VISIT + "    part_of: 2023-07-durrani-kabir-kabul\n",
        "part_of cycle",
        located=False,
    ),
    Edit(
        "part of a later visit",
        REGISTRY,
        MUTTAQI_PART + "2023-07-durrani-visit-kabul",
        MUTTAQI_PART + "2024-12-sadiq-visit-kabul",
        "date outside bounds",
        "part_of",
        located=False,
    ),
    Edit(
        "published with a far end",
        ARTICLE,
        PUBLISHED,
        '  published_date: "2023-07-21/9999-12-31"\n',
        "future date",
        "published_date",
    ),
    Edit("published by 2999", ARTICLE, PUBLISHED, '  published_date: "../2999"\n', "future date", "published_date"),
    Edit(
        "as_of in 2999",
        ARTICLE,
        '    evidence: "Afghanistan’s Acting Prime Minister Mawlawi Abdul Kabir"\n  - role: nooruddin-azizi',
        '    as_of: "2999"\n    as_of_basis: stated\n'
        '    evidence: "Afghanistan’s Acting Prime Minister Mawlawi Abdul Kabir"\n  - role: nooruddin-azizi',
        "future date",
        ".as_of",
    ),
    Edit(
        "a statement dated after its article",
        ARTICLE,
        FIRST_DATE,
        '    date: "2023-08-21"\n    date_basis: stated\n',
        "date order",
        ".date",
    ),
    Edit(
        "another article's prefix",
        ARTICLE,
        "  - id: 004-fo-taken-up-all-issues",
        "  - id: 003-fo-taken-up-all-issues",
        "id prefix",
        ".id",
    ),
    Edit(
        "stated title not in the seed",
        ARTICLE,
        '  title: "Pakistani envoy meets Afghan Taliban leaders in Kabul, shares Islamabad’s concerns over militancy"',
        '  title: "Pakistan and Afghanistan sign a peace treaty"',
        "quote",
        "article.title",
    ),
    Edit(
        "country XYZ",
        REGISTRY,
        "  - {id: pak-police, name: Police of Pakistan (the unit is not named), country: PAK,",
        "  - {id: pak-police, name: Police of Pakistan (the unit is not named), country: XYZ,",
        "code",
        ".country",
    ),
    Edit(
        "side ZZZ",
        REGISTRY,
        "      - {person: asif-durrani, side: PAK, participation: visitor}",
        "      - {person: asif-durrani, side: ZZZ, participation: visitor}",
        "code",
        ".side",
    ),
    Edit("language zz", ARTICLE, "  language: en\n", "  language: zz\n", "code", "article.language"),
    Edit(
        "two statements on one span",
        ARTICLE,
        "  - id: 004-baloch-discussed-all-issues\n",
        STATEMENT.replace("    text:", "  - text:")
        + ', with the Afghan Taliban authorities"\n    id: 004-fo-again\n    mode: indirect\n'
        "    speaker_organization: pak-foreign-office\n  - id: 004-baloch-discussed-all-issues\n",
        "duplicate span",
        ".text",
    ),
]


@pytest.mark.parametrize("edit", FALSE_FACTS, ids=lambda e: e.name)
def test_a_false_fact_is_refused(checkout, edit):
    assert_located(checkout, edit)


@pytest.mark.parametrize(
    ("accessed", "check"), [("9999-01-01", "future date"), ("2020-01-01", "date order")], ids=["in 9999", "too early"]
)
def test_an_impossible_access_date_is_refused(checkout, accessed, check):
    path = checkout.root / ARTICLE
    text = path.read_text(encoding="utf-8")
    path.write_text("".join(line for line in text.splitlines(True) if not line.startswith("  accessed:")), "utf-8")
    assert_located(checkout, Edit(accessed, ARTICLE, PUBLISHED, f'  accessed: "{accessed}"\n' + PUBLISHED, check))


def test_the_same_seed_bytes_twice_are_one_article_not_two_sources(checkout):
    from tests.conftest import build_fails

    seed = checkout.seeds / "004_5fd66b92c6fc2c14.txt"
    twin = "009_0000000000000009"
    (checkout.seeds / f"{twin}.txt").write_bytes(seed.read_bytes())
    pins = checkout.seeds / "SHA256SUMS"
    digest = pins.read_text(encoding="utf-8").split("004_5fd66b92c6fc2c14.txt")[0].splitlines()[-1].split()[0]
    pins.write_text(pins.read_text(encoding="utf-8") + f"{digest}  {twin}.txt\n", encoding="utf-8")
    text = (checkout.curation / "004_5fd66b92c6fc2c14.yaml").read_text(encoding="utf-8")
    (checkout.curation / f"{twin}.yaml").write_text(text.replace("- id: 004-", f"- id: {twin[:3]}-"), encoding="utf-8")
    found = [(p.where, p.check) for p in build_fails(checkout)]
    assert (f"seeds/{twin}.txt", "duplicate seed") in found
