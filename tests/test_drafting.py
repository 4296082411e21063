"""The drafting rules on small invented reports: each rule proposes the fact a curator would write."""

from __future__ import annotations

import datetime as dt

import pytest

from pak_afghan_diplomacy.tools.drafting import Context, Draft, RuleBasedExtractor, when

# An invented registry: no real person in it.
REGISTRY = {
    "persons": [
        {"id": "farid-azimi", "name": "Farid Azimi"},
        {"id": "laila-nurzai", "name": "Laila Nurzai"},
    ],
    "organizations": [
        {"id": "afg-gov", "name": "Interim Afghan Government", "country": "AFG", "classification": "government"},
        {"id": "pak-gov", "name": "Government of Pakistan", "country": "PAK", "classification": "government"},
        {"id": "pak-fo", "name": "Ministry of Foreign Affairs of Pakistan (Foreign Office)", "country": "PAK",
         "classification": "ministry"},
    ],
    "posts": [
        {"id": "foreign-minister", "title": "Minister of Foreign Affairs", "aliases": ["Foreign Minister"]},
        {"id": "envoy", "title": "Special Envoy for Afghanistan", "aliases": ["special envoy"]},
        {"id": "spokesperson", "title": "Spokesperson"},
    ],
    "roles": [
        {"id": "laila-nurzai/foreign-minister", "person": "laila-nurzai", "organization": "afg-gov",
         "post": "foreign-minister", "status": "current"},
        {"id": "farid-azimi/envoy", "person": "farid-azimi", "organization": "pak-gov", "post": "envoy",
         "status": "current"},
    ],
    "meetings": [
        {"id": "2031-05-azimi-nurzai-kabul", "kind": "bilateral meeting", "date": "2031-05-05/2031-05-06",
         "participants": [{"person": "farid-azimi", "side": "PAK", "participation": "visitor"},
                          {"person": "laila-nurzai", "side": "AFG", "participation": "host"}]},
    ],
}  # fmt: skip

PUBLISHED = "2031-05-09"  # a Friday


def draft(text: str, published: str | None = PUBLISHED, spellings: dict[str, str] | None = None) -> Draft:
    bounds = (dt.date.fromisoformat(published),) * 2 if published else None
    context = Context(REGISTRY, spellings or {}, bounds, published)
    return RuleBasedExtractor().draft("900_test", text, (0, len(text)), context)


def said(d: Draft, text: str, words: str) -> tuple[str, str | None, str]:
    """(kind, speaker, mode) of the drafted statement holding `words`."""
    i = text.index(words)
    (s,) = [s for s in d.statements if s.start <= i < s.end]
    return s.kind, s.speaker, s.mode


def test_a_titled_unknown_name_is_a_new_person_with_a_slug():
    d = draft("Kabul talks\nThe talks were led by Ambassador Omid Sarwari of the delegation.")
    (p,) = d.persons
    assert (p.person, p.new, p.rule) == ("omid-sarwari", True, "new")


def test_a_portfolio_after_minister_for_is_not_part_of_the_name():
    d = draft("Rail talks\nThe Minister for Railways Omid Sarwari arrived in Kabul on Sunday.")
    assert [p.person for p in d.persons] == ["omid-sarwari"]


def test_a_misspelling_resolves_by_fuzzy_match_with_its_score():
    d = draft("Envoy news\nSpecial envoy Farid Azeemi arrived on Monday.")
    (p,) = d.persons
    assert p.person == "farid-azimi" and p.rule.startswith("fuzzy 0.")
    assert float(p.rule.split()[1]) >= 0.85


def test_a_surname_alone_refers_back_to_the_full_name():
    text = "Report\nLaila Nurzai spoke first. Later Nurzai left the hall."
    d = draft(text)
    assert [(m.text, m.person) for m in d.mentions] == [("Laila Nurzai", "laila-nurzai"), ("Nurzai", "laila-nurzai")]


def test_place_and_month_words_are_not_persons():
    d = draft("News\nThe Foreign Office in Islamabad met on Monday in March with officials from Saudi Arabia.")
    assert d.persons == []


def test_a_title_before_the_name_is_a_role_matched_to_the_registry():
    d = draft("Report\nAfghan Foreign Minister Laila Nurzai arrived.")
    (r,) = d.roles
    assert (r.person, r.post, r.role, r.status) == ("laila-nurzai", "foreign-minister", "laila-nurzai/foreign-minister",
                                                    "current")  # fmt: skip


def test_former_after_the_name_ends_the_role():
    d = draft("Report\nFarid Azimi, Pakistan’s former special envoy, spoke.")
    (r,) = d.roles
    assert (r.post, r.status) == ("envoy", "ended")


def test_a_title_followed_by_the_next_name_belongs_to_that_name():
    d = draft("Report\nHe met Farid Azimi, Foreign Minister Laila Nurzai and others.")
    assert {(r.person, r.post) for r in d.roles} == {("laila-nurzai", "foreign-minister")}


def test_he_said_after_a_quotation_is_the_person_before_it():
    text = "Report\nFarid Azimi met officials. “We will return soon,” he said."
    assert said(draft(text), text, "We will return") == ("person", "farid-azimi", "direct")


def test_a_quoted_fragment_inside_reported_speech_is_partial():
    text = "Report\nLaila Nurzai said that talks were “very useful” for both sides."
    assert said(draft(text), text, "very useful") == ("person", "laila-nurzai", "partial")


def test_an_office_that_speaks_is_the_organization_of_its_holder():
    text = "Report\nNurzai’s office said in a statement that the meeting focused on trade and transit."
    d = draft(text, spellings={"Nurzai": "laila-nurzai"})
    assert said(d, text, "the meeting focused") == ("organization", "afg-gov", "indirect")


def test_a_descriptor_refers_to_the_person_holding_that_post():
    text = "Report\nFarid Azimi, Pakistan’s special envoy, arrived. “Good talks,” the Pakistani envoy wrote on X."
    d = draft(text)
    assert said(d, text, "Good talks") == ("person", "farid-azimi", "direct")
    assert [s.channel for s in d.statements] == ["X post"]


def test_reported_speech_without_quote_marks_is_an_indirect_candidate():
    text = "Report\nLaila Nurzai stressed the need for regular dialogue between the neighbours."
    assert said(draft(text), text, "regular dialogue") == ("person", "laila-nurzai", "indirect")


def test_both_sides_speak_jointly():
    text = "Report\nAt the end, both sides emphasized the importance of open trade routes."
    assert said(draft(text), text, "open trade routes") == ("joint", None, "indirect")


def test_a_quotation_nobody_is_said_to_have_said_is_proposed_as_dismissed():
    text = "Report\nThe market was described as “booming” in the spring."
    d = draft(text)
    assert d.statements == [] and [text[s.start : s.end] for s in d.dismissed] == ["booming"]


def test_a_meeting_on_a_weekday_is_the_latest_one_before_publication():
    d = draft("Report\nFarid Azimi met Omid Sarwari in Kabul on Tuesday.")
    (m,) = d.meetings
    assert (m.persons, m.city, m.date, m.date_basis) == (["farid-azimi", "omid-sarwari"], "Kabul", "2031-05-06",
                                                         "inferred")  # fmt: skip
    assert "Tuesday" in m.date_note


def test_a_subject_meeting_several_counterparts_gives_one_meeting_each():
    d = draft("Report\nFarid Azimi met with Omid Sarwari, Zarin Hotak and other officials yesterday.")
    assert [sorted(m.persons) for m in d.meetings] == [["farid-azimi", "omid-sarwari"], ["farid-azimi", "zarin-hotak"]]
    assert {m.date for m in d.meetings} == {"2031-05-08"}


def test_a_meeting_that_fits_a_registry_meeting_is_proposed_as_its_new_source():
    d = draft("Report\nFarid Azimi held talks with Laila Nurzai on Monday.")
    (m,) = d.meetings
    assert m.registry == "2031-05-azimi-nurzai-kabul" and m.date == "2031-05-05"


def test_a_weekday_is_narrowed_by_the_registry_meeting_it_joins():
    """Published in a month only: any Monday of it, narrowed to the days of the registry meeting it joins."""
    text = "Report\nFarid Azimi held talks with Laila Nurzai on Monday."
    context = Context(REGISTRY, {}, (dt.date(2031, 5, 1), dt.date(2031, 5, 31)), "2031-05")
    (m,) = RuleBasedExtractor().draft("900_test", text, (0, len(text)), context).meetings
    assert m.date == "2031-05-05" and "registry meeting 2031-05-azimi-nurzai-kabul" in m.date_note


def test_a_visit_verb_gives_a_visit_with_its_place():
    d = draft("Report\nFarid Azimi visited Kabul on May 2.")
    (m,) = d.meetings
    assert (m.kind, m.persons, m.city, m.date) == ("visit", ["farid-azimi"], "Kabul", "2031-05-02")


@pytest.mark.parametrize(
    ("sentence", "published", "value", "basis"),
    [
        ("on Friday", "2031-05-09", "2031-05-09", "inferred"),
        ("on Saturday", "2031-05-09", "2031-05-03", "inferred"),
        ("today", "2031-05-09", "2031-05-09", "inferred"),
        ("yesterday", "2031-05-01", "2031-04-30", "inferred"),
        ("on December 30", "2031-01-05", "2030-12-30", "inferred"),
        ("on 4 May", "2031-05-09", "2031-05-04", "inferred"),
        ("earlier this month", "2031-05-09", "2031-05-01/2031-05-09", "inferred"),
        ("on May 4, 2030", "2031-05-09", "2030-05-04", "stated"),
        ("in September 2029", "2031-05-09", "2029-09", "stated"),
        ("in September", "2031-05-09", "2030-09", "inferred"),
    ],
)
def test_dates_resolve_against_the_publication_date(sentence, published, value, basis):
    day = dt.date.fromisoformat(published)
    (r,) = when.find(f"They met {sentence}.", (day, day), published)
    assert (r.value, r.basis) == (value, basis)
    assert r.note


def test_a_weekday_under_a_month_only_publication_stays_an_interval():
    (r,) = when.find("They met on Monday.", (dt.date(2031, 5, 1), dt.date(2031, 5, 31)), "2031-05")
    assert r.value == "2031-04-28/2031-05-26"


def test_no_publication_date_leaves_relative_dates_unresolved():
    assert when.find("They met on Monday and on March 3.", None, None) == []
