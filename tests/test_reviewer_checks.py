"""Checks that back the reviewer (#17): what a draft accepted without reading would publish, refused.

Each case makes one mistake a rubber-stamped draft makes, in a scratch copy of the checkout, and
expects a located problem (file, line, field) whose message names a fix that destroys no fact.
"""

from __future__ import annotations

import shutil

import pytest

from pak_afghan_diplomacy.pipeline import Layout, build
from tests.conftest import ROOT, build_fails
from tests.test_bad_inputs import ARTICLE, Edit, assert_located
from tests.test_reconcile import Sixth

OTHER = "build/002_0d9ee7f76d7cf8bd.yaml"

EDITS = [
    Edit(
        "attribution not in the body",
        ARTICLE,
        '    attribution: "according to Baloch"',
        '    attribution: "according to the spokesperson"',
        "quote",
        ".attribution",
    ),
    Edit(
        "attribution part after a gap not in the body",
        ARTICLE,
        '    attribution: "according to Baloch"',
        '    attribution: "the issue ... according to the ministry"',
        "quote",
        ".attribution",
    ),
    Edit(
        "text ending on its reporting words",
        ARTICLE,
        'to pose a threat to other’s security"',
        'to pose a threat to other’s security, Baloch said"',
        "reporting words in text",
        ".text",
    ),
    Edit(
        "text starting with its reporting words",
        ARTICLE,
        '    text: "it has time and again raised the matter of TTP',
        '    text: "says it has time and again raised the matter of TTP',
        "reporting words in text",
        ".text",
    ),
    Edit(
        "title a one-word label",
        OTHER,
        '  title: "Ambassador Mohammad Sadiq, Meets Afghan Officials in Kabul"',
        '  title: "WORLD"',
        "title not a headline",
        "article.title",
    ),
    Edit(
        "title the lede",
        OTHER,
        '  title: "Ambassador Mohammad Sadiq, Meets Afghan Officials in Kabul"',
        '  title: "Pakistan’s special envoy met officials in Kabul and discussed trade, transit and security '
        'with them over two days of talks that both governments described as constructive and useful."',
        "title not a headline",
        "article.title",
    ),
    Edit(
        "body ending on a teaser",
        OTHER,
        '    end: "for the benefit of both countries and the broader region."',
        '    end: "Read More »"',
        "body bounded by furniture",
        "article.body.end",
    ),
    Edit(
        "body starting on page furniture",
        ARTICLE,
        '    start: "Pakistani envoy meets Afghan Taliban leaders in Kabul, shares Islamabad’s concerns'
        ' over militancy"',
        '    start: "Short Url"',
        "body bounded by furniture",
        "article.body.start",
    ),
]


@pytest.mark.parametrize("edit", EDITS, ids=lambda e: e.name)
def test_a_rubber_stamped_mistake_is_refused(checkout, edit):
    assert_located(checkout, edit)


# --------------------------------------------------------------------------- across records

FX_VISIT = "  - id: fx-2025-04-fictus-visit-kabul\n"
AFTER_FX = "  - id: fx-rail-talks\n"  # the registry part's last meeting: a curator appends after it


@pytest.fixture
def sixth(checkout: Layout, tmp_path) -> Sixth:
    """The fictional article (tests/fixtures/fictional/) added to a scratch checkout, as curated."""
    return Sixth(checkout, tmp_path)


def _hits(problems, check):
    return [p for p in problems if p.check == check]


def test_a_new_person_with_a_name_part_added_is_a_near_duplicate_unless_declared_distinct(sixth):
    sixth.edit(
        sixth.registry,
        "  - {id: habib-exemplar,",
        "  - {id: zarak-ali-fictus, name: Zarak Ali Fictus}\n  - {id: habib-exemplar,",
    )
    (hit,) = _hits(build_fails(sixth.layout), "near-duplicate person")
    assert hit.where == "build/registry/zz-fictional.yaml" and hit.line == sixth.line_of(
        sixth.registry, "zarak-ali-fictus"
    )
    assert hit.value == "zarak-ali-fictus" and "zarak-fictus" in hit.message and "part added or dropped" in hit.message
    assert "distinct_from: [zarak-fictus]" in hit.message  # the fix for two real people; never a deletion alone
    sixth.edit(
        sixth.registry,
        "  - {id: zarak-ali-fictus, name: Zarak Ali Fictus}",
        '  - {id: zarak-ali-fictus, name: Zarak Ali Fictus, distinct_from: [zarak-fictus], note: "His cousin."}',
    )
    assert not _hits(build_fails(sixth.layout), "near-duplicate person")  # (fails on: he has no evidence)


@pytest.mark.parametrize(
    ("printed", "how"),
    [("Zarak Fictus Khan", "part added"), ("Zarrak Fiktus", "transliteration"), ("Mr Zarak Fictus", "title")],
)
def test_a_near_duplicate_name_is_found_by_its_parts(sixth, printed, how):
    slug = printed.lower().replace(" ", "-")
    sixth.edit(
        sixth.registry, "  - {id: habib-exemplar,", f"  - {{id: {slug}, name: {printed}}}\n  - {{id: habib-exemplar,"
    )
    hits = _hits(build_fails(sixth.layout), "near-duplicate person")
    assert [h.value for h in hits] == [slug], (how, hits)


VISIT_AGAIN = """  - id: fx-fictus-visit-islamabad
    kind: visit
    date: "2025-04-14/.."
    date_basis: inferred
    date_inferred_part: end
    date_note: "Drafted from the dateline."
    city: Islamabad
    country: AFG
    place_basis: stated
    description: A drafted second visit.
    participants:
      - {person: zarak-fictus, side: PAK, participation: visitor}
"""


def test_a_duplicate_visit_is_found_by_its_visitor_and_overlap_not_by_place_or_exact_participants(sixth, tmp_path):
    sixth.edit(sixth.registry, AFTER_FX, VISIT_AGAIN + AFTER_FX)
    sixth.edit(
        sixth.article,
        "\nparticipants:\n",
        '  - {meeting: fx-fictus-visit-islamabad, date: null, evidence: "arrived in Kabul on Sunday"}\n'
        "\nparticipants:\n"
        '  - {meeting: fx-fictus-visit-islamabad, person: zarak-fictus, evidence: "Zarak Fictus arrived"}\n',
    )
    (dup,) = _hits(build_fails(sixth.layout), "duplicate meeting")
    assert dup.value == "fx-fictus-visit-islamabad" and dup.line == sixth.line_of(
        sixth.registry, "fx-fictus-visit-islamabad"
    )
    assert "looks like fx-2025-04-fictus-visit-kabul" in dup.message and "zarak-fictus" in dup.message


OPEN_VISIT = """  - id: fx-open-visit
    kind: visit
    date: "2024-12-20/.."
    date_basis: inferred
    date_inferred_part: start
    date_note: "Began on 20 December 2024, by inference; the end is not printed."
    city: Kabul
    country: AFG
    place_basis: inferred
    place_note: "For the test."
    description: An earlier visit, open-ended.
    participants:
      - {person: zarak-fictus, side: PAK, participation: visitor}
"""


def test_an_open_ended_visit_is_closed_by_its_articles_date_and_overlaps_nothing_later(sixth, tmp_path):
    """Reported by 000 (December 2024): it cannot be the April 2025 visit's twin, though open at the end."""
    sixth.edit(sixth.registry, FX_VISIT, OPEN_VISIT + FX_VISIT)
    older = sixth.layout.curation / "000_a18c864ded8c9230.yaml"
    sixth.edit(
        older,
        "\nparticipants:\n",
        '\n  - {meeting: fx-open-visit, date: null, evidence: "A Pakistani delegation"}\n\nparticipants:\n'
        '  - {meeting: fx-open-visit, person: zarak-fictus, evidence: "A Pakistani delegation"}\n',
    )
    build(sixth.layout, tmp_path / "out")  # no duplicate: 2024-12-20..2024-12-31 and 2025-04-13..14 do not overlap


def test_a_host_does_not_visit_his_own_country(sixth):
    text = sixth.registry.read_text(encoding="utf-8")
    at = text.index(FX_VISIT)
    old = "      - {person: zarak-fictus, side: PAK, participation: visitor}"
    sixth.registry.write_text(text[:at] + text[at:].replace(old, old.replace("PAK", "AFG"), 1), encoding="utf-8")
    (hit,) = _hits(build_fails(sixth.layout), "host visiting")
    assert hit.line == sixth.line_of(sixth.registry, "fx-2025-04-fictus-visit-kabul")
    assert "participation: host" in hit.message and "correct the side" in hit.message


@pytest.fixture
def heldout(tmp_path) -> Layout:
    for name in ("seeds", "build"):
        shutil.copytree(ROOT / "benchmarks" / "heldout" / name, tmp_path / name)
    (tmp_path / "datasets").mkdir()
    return Layout(tmp_path)


def test_the_heldout_reports_build_as_curated(heldout, tmp_path):
    build(heldout, tmp_path / "out")


def test_a_place_printed_only_in_the_dateline_is_not_a_stated_place(heldout):
    registry = heldout.curation / "registry.yaml"
    text = registry.read_text(encoding="utf-8")
    at = text.index("  - id: 2015-01-13-jadoon-karimzai-kabul")
    text = text[:at] + text[at:].replace("    city: Kabul\n", "    city: Islamabad\n", 1)
    registry.write_text(
        text.replace(
            'country: AFG\n    place_basis: stated\n    place_note: "Filed',
            'country: PAK\n    place_basis: stated\n    place_note: "Filed',
            1,
        ),
        encoding="utf-8",
    )
    (hit,) = _hits(build_fails(heldout), "dateline place")
    assert hit.value == "Islamabad" and "002_73af723b58082116" in hit.message and "dateline" in hit.message
    assert hit.where == "build/registry.yaml" and hit.field == "meetings.city"


def test_a_name_that_is_not_a_persons_is_refused_unless_the_curator_says_it_is(sixth):
    sixth.edit(
        sixth.registry,
        "  - {id: habib-exemplar,",
        "  - {id: fictus-wire-app, name: Fictus Wire App}\n  - {id: habib-exemplar,",
    )
    (hit,) = _hits(build_fails(sixth.layout), "not a person")
    assert hit.line == sixth.line_of(sixth.registry, "fictus-wire-app") and hit.field == "persons.name"
    assert "dismissed" in hit.message and "note" in hit.message
    sixth.edit(sixth.registry, "name: Fictus Wire App}", 'name: Fictus Wire App, note: "A person: so named."}')
    assert not _hits(build_fails(sixth.layout), "not a person")


def test_a_long_message_prints_whole_in_the_terminal_wrapped_under_its_column():
    from pak_afghan_diplomacy.pipeline.problems import MESSAGE_WIDTH, Problem, format_problems

    advice = " ".join(f"word{i}" for i in range(120))  # ~700 characters of advice
    shown = format_problems([Problem("build/x.yaml", line=3, field="f", check="c", value="v", message=advice)])
    assert " ".join(shown.split()).count("word") == 120 and "word119" in shown and "…" not in shown
    lines = shown.splitlines()[2:-1]
    column = lines[0].index("word0")
    assert len(lines) > 1 and all(
        line[:column].strip() == "" and line[column:].startswith("word") for line in lines[1:]
    )
    assert all(len(line) - column <= MESSAGE_WIDTH for line in lines)
