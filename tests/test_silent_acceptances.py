"""Curation that used to be published without a word, each now refused with a located problem."""

from __future__ import annotations

import pytest

from tests.test_bad_inputs import ARTICLE, REGISTRY, Edit, assert_located

EDITS = [
    Edit(
        "meeting date outside its bounds",
        ARTICLE,
        '  - meeting: 2023-07-19-durrani-muttaqi-kabul\n    date: "2023-07-19"',
        '  - meeting: 2023-07-19-durrani-muttaqi-kabul\n    date: "2019-01-01"',
        "date outside bounds",
        "meetings.date",
    ),
    Edit(
        "conflict listing itself",
        REGISTRY,
        r"^    records:\n",
        "    records:\n      - {table: conflicts, id: haqqani-meeting-date}\n",
        "self reference",
        ".id",
        located=False,
        within="haqqani-meeting-date",
    ),
    Edit(
        "conflict with no records",
        REGISTRY,
        r"^    records:\n(?:      - .*\n)+",
        "    records: []\n",
        "empty",
        ".records",
        within="asif-ali-name",
    ),
    Edit(
        "visit without participants",
        REGISTRY,
        r"^    participants:\n(?:      [- ].*\n)+",  # each item, with its continuation lines
        "    participants: []\n",
        "empty",
        ".participants",
        within="2023-09-durrani-visit-kabul",
    ),
    Edit(
        "inferred without a note",
        REGISTRY,
        r"^(    start_date_basis: (?:inferred|public-record)\n)    start_date_note: .*\n",
        r"\1",
        "inferred without note",
        "start_date_basis",
        within="mohammad-sadiq/special-representative-afghanistan/2024",
    ),
    Edit(
        "whitespace as evidence",
        ARTICLE,
        '    evidence: "Foreign Office spokesperson Mumtaz Zahra Baloch"',
        '    evidence: "\\n\\n\\n\\n\\n"',
        "no words",
        ".evidence",
    ),
    Edit(
        "a bullet as evidence",
        ARTICLE,
        '    evidence: "Foreign Office spokesperson Mumtaz Zahra Baloch"',
        '    evidence: {quote: "•", occurrence: 1}',
        "no words",
        ".evidence",
    ),
    Edit(
        "published in the future",
        ARTICLE,
        '  published_date: "2023-07-21"',
        '  published_date: "2999-07-21"',
        "future date",
        "published_date",
    ),
]


@pytest.mark.parametrize("edit", EDITS, ids=lambda e: e.name)
def test_silent_acceptance_is_refused(checkout, edit):
    assert_located(checkout, edit)
