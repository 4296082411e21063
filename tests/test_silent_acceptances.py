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
        "      - {table: meetings, id: 2024-12-sadiq-haqqani-kabul}\n",
        "      - {table: meetings, id: 2024-12-sadiq-haqqani-kabul}\n"
        "      - {table: conflicts, id: haqqani-meeting-date}\n",
        "self reference",
        ".id",
        located=False,
    ),
    Edit(
        "conflict with no records",
        REGISTRY,
        "    records:\n      - {table: persons, id: asif-durrani}\n"
        "      - {table: person_names, person: asif-durrani, name: Asif Ali}\n"
        "      - {table: meetings, id: 2023-09-durrani-visit-kabul}\n"
        "      - {table: meeting_participants, meeting: 2023-09-durrani-visit-kabul, person: asif-durrani}\n"
        "      - {table: roles, id: asif-durrani/special-representative-afghanistan/2023}\n"
        "      - {table: role_observations, role: asif-durrani/special-representative-afghanistan/2023, "
        "article: 001_a76334a16812bac6}\n",
        "    records: []\n",
        "empty",
        ".records",
    ),
    Edit(
        "visit without participants",
        REGISTRY,
        "    participants:\n      - {person: asif-durrani, side: PAK, participation: visitor}\n  # December 2024",
        "    participants: []\n  # December 2024",
        "empty",
        ".participants",
    ),
    Edit(
        "inferred without a note",
        REGISTRY,
        "    start_date_basis: inferred\n    start_date_note:",
        "    start_date_basis: inferred\n    note_elsewhere:",
        "inferred without note",
        "start_date_basis",
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
