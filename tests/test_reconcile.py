"""What a curator gets wrong when adding an article, and the located message that names the fix.

Each test adds the fictional article (tests/fixtures/fictional/) to a scratch checkout, makes
one mistake in it, and checks that the build refuses it with a problem naming the file,
the line where that can be known, and what to do.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pak_afghan_diplomacy.pipeline import Layout, build
from pak_afghan_diplomacy.tools.new_article import add
from tests.conftest import ROOT, build_fails

FIXTURE = ROOT / "tests" / "fixtures" / "fictional"


class Sixth:
    """The fictional article in a scratch checkout: its seed text, curation and registry part, editable."""

    def __init__(self, layout: Layout, tmp: Path, extra_text: str = ""):
        source = tmp / "article.txt"
        text = (FIXTURE / "article.txt").read_text(encoding="utf-8")
        if extra_text:
            text = text.replace("reopened to lorries.\n", f"reopened to lorries.\n\n{extra_text}\n")
        source.write_text(text, encoding="utf-8")
        self.layout = layout
        self.article_id, self.article = add(source, layout.seeds, layout.curation)
        self.label = f"build/{self.article_id}.yaml"
        (layout.curation / "registry").mkdir(exist_ok=True)
        self.registry = layout.curation / "registry" / "zz-fictional.yaml"
        shutil.copy(FIXTURE / "registry.yaml", self.registry)
        curated = (FIXTURE / "article.yaml").read_text(encoding="utf-8")
        if extra_text:
            last = extra_text.split()[-2:]
            curated = curated.replace('end: "reopened to lorries."', f'end: "{" ".join(last)}"')
        self.article.write_text(curated, encoding="utf-8")

    def edit(self, path: Path, old: str, new: str) -> None:
        text = path.read_text(encoding="utf-8")
        assert old in text, f"fixture drift: {old!r}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def line_of(self, path: Path, needle: str) -> int:
        return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


@pytest.fixture
def sixth(checkout: Layout, tmp_path: Path) -> Sixth:
    return Sixth(checkout, tmp_path)


def test_the_fictional_article_builds_as_curated(sixth, tmp_path):
    build(sixth.layout, tmp_path / "out")


DUPLICATE = """  - id: fx-talks-again
    kind: bilateral meeting
    date: "2025-04"
    date_inferred_part: whole
    date_basis: inferred
    date_note: "A second entry for the same talks."
    city: Kabul
    country: AFG
    place_basis: inferred
    place_note: "As the other."
    description: The same talks under a new id.
    participants:
      - {person: zarak-fictus, side: PAK, participation: visitor}
      - {person: nooruddin-azizi, side: AFG, participation: host}
      - {person: habib-exemplar, side: AFG, participation: host}
"""
REPORT_DUPLICATE = """  - meeting: fx-talks-again
    date: null
    evidence: "Fictus held talks with"
participants:
  - {meeting: fx-talks-again, person: zarak-fictus, evidence: "Fictus held talks with"}
  - {meeting: fx-talks-again, person: nooruddin-azizi, evidence: "Acting Commerce Minister Nooruddin Azizi"}
  - {meeting: fx-talks-again, person: habib-exemplar, evidence: "Mawlawi Habib Exemplar"}
"""


def test_a_duplicate_meeting_under_a_new_id_is_refused_unless_declared_distinct(sixth, tmp_path):
    sixth.edit(sixth.registry, "  - id: fx-rail-talks\n", DUPLICATE + "  - id: fx-rail-talks\n")
    sixth.edit(sixth.article, "\nparticipants:\n", "\n" + REPORT_DUPLICATE)
    problems = build_fails(sixth.layout)
    (dup,) = [p for p in problems if p.check == "duplicate meeting"]
    assert dup.where == "build/registry/zz-fictional.yaml"
    assert dup.line == sixth.line_of(sixth.registry, "fx-talks-again")
    assert "fx-2025-04-14-fictus-talks-kabul" in dup.message and "distinct_from" in dup.message
    sixth.edit(
        sixth.registry,
        "    description: The same talks under a new id.\n",
        "    description: The same talks under a new id.\n    distinct_from: [fx-2025-04-14-fictus-talks-kabul]\n"
        '    note: "A second round the same month, with the same people."\n',
    )
    build(sixth.layout, tmp_path / "out")


def test_an_articles_date_outside_the_meetings_bounds_needs_a_conflict(sixth, tmp_path):
    old = (
        '    date: "2025-04-14"\n    date_inferred_part: day\n    date_basis: inferred\n'
        '    date_note: "“on Monday”: the publication day'
    )
    sixth.edit(sixth.article, old, old.replace("2025-04-14", "2019-01-01"))
    problems = build_fails(sixth.layout)
    (late,) = [p for p in problems if p.check == "date outside bounds"]
    assert late.where == sixth.label and late.line == sixth.line_of(sixth.article, "meeting: fx-2025-04-14")
    assert "2025-04-14..2025-04-14" in late.message and "conflict of kind date" in late.message
    sixth.edit(
        sixth.registry,
        "meetings:\n",
        "conflicts:\n  - id: fx-talks-date\n    kind: date\n    description: The article prints two dates.\n"
        "    records:\n      - {table: meetings, id: fx-2025-04-14-fictus-talks-kabul}\n\nmeetings:\n",
    )
    sixth.edit(
        sixth.article,
        "dismissed: []",
        'conflicts:\n  - {conflict: fx-talks-date, evidence: "on Monday"}\n\ndismissed: []',
    )
    build(sixth.layout, tmp_path / "out")


@pytest.mark.parametrize(
    ("sentence", "value", "check", "words"),
    [
        (
            "Zarak Fictos thanked his hosts.",
            "Zarak Fictos",
            "unknown spelling",
            "resembles the known 'Zarak Fictus'",
        ),
        ("Zarak Ibn Fictus thanked his hosts.", "Zarak Ibn Fictus", "unknown spelling", "name part dropped or added"),
        (
            "Ambassador Gulab Rahmani thanked his hosts.",
            "Gulab Rahmani",
            "uncurated name",
            "after the title 'Ambassador'",
        ),
    ],
)
def test_a_name_no_entry_covers_is_refused_with_where_it_is_printed(checkout, tmp_path, sentence, value, check, words):
    sixth = Sixth(checkout, tmp_path, extra_text=sentence)
    problems = build_fails(sixth.layout)
    (hit,) = [p for p in problems if p.value == value]
    assert (hit.where, hit.field, hit.check) == (sixth.label, "names", check)
    text = (checkout.seeds / f"{sixth.article_id}.txt").read_text(encoding="utf-8")
    line = text[: text.index(sentence)].count("\n") + 1
    assert words in hit.message and f"seed line {line}, column" in hit.message
    assert "names:" in hit.message and "dismissed:" in hit.message


def test_role_evidence_must_name_a_wording_of_its_post(sixth):
    sixth.edit(
        sixth.article,
        'evidence: "Pakistan’s Minister for Railways Zarak Fictus"}',
        'evidence: "Zarak Fictus arrived in Kabul"}',
    )
    (hit,) = [p for p in build_fails(sixth.layout) if p.check == "post wording"]
    assert hit.where == sixth.label and hit.field == "roles[0].evidence"
    assert "Minister of Railways / Minister for Railways" in hit.message and "aliases" in hit.message


def test_two_current_holders_of_a_one_holder_post_are_refused(sixth):
    sixth.edit(
        sixth.registry,
        "\nmeetings:\n",
        "\n  - {id: habib-exemplar/commerce-minister, person: habib-exemplar, organization: afg-commerce-ministry, "
        "post: commerce-minister, status: current}\n\nmeetings:\n",
    )
    sixth.edit(
        sixth.article,
        "\nmeetings:\n",
        '\n  - {role: habib-exemplar/commerce-minister, status: current, evidence: "Commerce Minister Nooruddin Azizi, '
        'Mawlawi Habib Exemplar"}\n\nmeetings:\n',
    )
    hits = [p for p in build_fails(sixth.layout) if p.check == "two current holders"]
    assert {p.value for p in hits} == {"habib-exemplar/commerce-minister", "nooruddin-azizi/commerce-minister"}
    # both shown current on 14 April 2025: the message asks about a duplicate person or a misdrafted title first,
    # and never advises ending a role an article shows current
    assert all("duplicate" in p.message and "wrong name" in p.message for p in hits)
    assert not any("status to ended" in p.message for p in hits)


def test_a_later_holder_of_a_one_holder_post_asks_for_an_ended_observation_not_a_changed_one(sixth):
    """Judged as of each observation: Azizi current in 2025-04, a new minister shown current in 2026."""
    sixth.edit(
        sixth.registry,
        "\nmeetings:\n",
        "\n  - {id: habib-exemplar/commerce-minister, person: habib-exemplar, organization: afg-commerce-ministry, "
        "post: commerce-minister, status: current}\n\nmeetings:\n",
    )
    sixth.edit(
        sixth.article,
        "\nmeetings:\n",
        '\n  - {role: habib-exemplar/commerce-minister, status: current, as_of: "2026-01", as_of_basis: stated, '
        'evidence: "Commerce Minister Nooruddin Azizi, Mawlawi Habib Exemplar"}'
        "\n\nmeetings:\n",
    )
    problems = build_fails(sixth.layout)
    hits = [p for p in problems if p.check == "two current holders"]
    assert [p.value for p in hits] == ["nooruddin-azizi/commerce-minister"], hits  # the earlier holder, once
    (hit,) = hits
    assert f"add to {sixth.label} an observation of nooruddin-azizi/commerce-minister with status: ended" in hit.message
    assert "Keep the observation as of" in hit.message and "duplicate person" in hit.message


def test_a_straight_apostrophe_is_shown_against_the_articles_curly_one(sixth):
    sixth.edit(
        sixth.article,
        '"Pakistan’s Minister for Railways Zarak Fictus"',
        '"Pakistan\'s Minister for Railways Zarak Fictus"',
    )
    (hit,) = [p for p in build_fails(sixth.layout) if p.check == "quote"]
    assert "straight ' where the article prints '’'" in hit.message
    assert "seed line 6, column 8" in hit.message


def test_an_uncurated_quotation_says_where_and_which_section(sixth):
    text = sixth.article.read_text(encoding="utf-8")
    start = text.index("  - id: fx-fictus-trade-must-never-stop")
    sixth.article.write_text(text[:start] + text[text.index("  - id: fx-crossings-reopened") :], encoding="utf-8")
    (hit,) = [p for p in build_fails(sixth.layout) if p.check == "uncurated quotation"]
    assert hit.where == sixth.label and "seed line 10, column 2" in hit.message and "statements:" in hit.message
