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


def test_a_decision_or_agreement_reported_with_no_words_is_proposed_as_a_position():
    """An unread draft must not publish "both sides agreed to …" as words someone said."""
    from pak_afghan_diplomacy.tools.drafting import render

    text = (
        "Report\nAt the end, both sides agreed to reopen the crossing at Torkham for trade."
        " Laila Nurzai stressed the need for regular dialogue between the neighbours."
    )
    d = draft(text)
    kinds = {text[s.start : s.end]: s.content for s in d.statements}
    assert kinds == {
        "agreed to reopen the crossing at Torkham for trade": "position",
        "stressed the need for regular dialogue between the neighbours": "speech",
    }, kinds
    lines = render.statements(d, text, (0, len(text)), "900")
    assert lines.count("    content_kind: position") == 1 and lines.count("    content_kind: speech") == 1, lines


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


# Dates that belong to the meeting, and publication dates as the page prints them (#17).


def page_draft(text: str):
    from pak_afghan_diplomacy.tools.drafting import page

    return page.draft("900_test", text, Context(REGISTRY, {}))


def test_a_page_dated_only_to_the_month_gives_a_weekday_meeting_the_interval_of_that_weekday():
    head, d = page_draft("Envoys meet\nMay 2031\nFarid Azimi met Omid Sarwari in Kabul on Monday.")
    assert (head.published.value, head.published.basis) == ("2031-05", "stated")
    (m,) = d.meetings
    # the Monday on or before 1 May 2031 (28 April) … the Monday on or before 31 May (26 May)
    assert m.date == "2031-04-28/2031-05-26" and m.date_basis == "inferred" and "Monday" in m.date_note


def test_a_dateline_without_a_year_takes_it_from_a_full_date_printed_in_the_body():
    text = (
        "Envoys meet\nKABUL, May 7 (Frontier Wire) - Farid Azimi met Omid Sarwari in Kabul on Tuesday.\n"
        "The old commission was dissolved on April 20, 2031, and a charter of 2019 lapsed."
    )
    head, d = page_draft(text)
    assert (head.published.value, head.published.basis) == ("2031-05-07", "inferred")
    assert "April 20, 2031" in head.published.note and "without a year" in head.published.note
    (m,) = d.meetings  # "May 7" is the day the report was filed, not the meeting's: Tuesday before it
    assert m.date == "2031-05-06" and "its year inferred" in m.date_note


def test_a_dateline_whose_year_nothing_establishes_is_asked_never_guessed():
    from pak_afghan_diplomacy.tools.new_article import prefill

    text = "Envoys meet\nKABUL, May 7 (Frontier Wire) - Farid Azimi met Omid Sarwari in Kabul on Tuesday.\n"
    head, d = page_draft(text)
    assert head.published is None and head.undated == "KABUL, May 7 (Frontier Wire)"
    assert [m.date for m in d.meetings] == [None]  # not 7 May of some year, not a Tuesday of a guessed year
    (line,) = [x for x in prefill("900_test", text, set()).splitlines() if "published_date:" in x]
    assert "TODO" in line and "without a year" in line and "2031" not in line


def test_a_body_date_far_from_the_dateline_lends_no_year():
    text = "Talks\nKABUL, May 7 (Frontier Wire) - Farid Azimi met Omid Sarwari.\nSigned on January 3, 2019."
    head, _ = page_draft(text)
    assert head.published is None  # a treaty of 2019 says nothing of the year this report was filed: ask


def test_a_weekday_that_dates_the_briefing_is_not_given_to_the_talks_it_reports():
    d = draft(
        "Report\nThe spokesperson said on Thursday that talks on trade between Farid Azimi and Laila Nurzai "
        "in Kabul earlier this month had been useful."
    )
    (m,) = d.meetings
    assert sorted(m.persons) == ["farid-azimi", "laila-nurzai"]
    assert m.date == "2031-05-01/2031-05-09" and "Thursday" not in m.date_note


def test_a_meeting_whose_only_date_is_the_reports_is_left_undated():
    d = draft("Report\nFarid Azimi said on Thursday, a month after his visit to Kabul, that trade had grown.")
    (m,) = d.meetings
    assert (m.kind, m.date) == ("visit", None)  # neither Thursday nor "the month of publication": a question


def test_a_weekday_is_kept_only_inside_the_month_the_sentence_places_the_meeting_in():
    (inside,) = draft("Report\nFarid Azimi met Omid Sarwari on a Monday in April.").meetings
    assert inside.date == "2031-04-07/2031-04-28"  # the Mondays of April 2031, not Monday 5 May
    (outside,) = draft("Report\nFarid Azimi met Omid Sarwari in April, the ministry said on Monday.").meetings
    assert outside.date == "2031-04"


def test_last_month_is_the_month_before_publication():
    (r,) = when.find("They met last month.", (dt.date(2031, 1, 9),) * 2, "2031-01-09")
    assert (r.value, r.basis) == ("2030-12", "inferred")


def test_a_visit_dated_by_its_arrival_spans_the_days_it_is_said_to_last():
    (m,) = draft("Report\nFarid Azimi arrived in Kabul on Tuesday on a three-day visit.").meetings
    assert (m.kind, m.date) == ("visit", "2031-05-06/2031-05-08") and "arrival" in m.date_note
    (day,) = draft("Report\nFarid Azimi is in Kabul on a three-day visit, he said on Tuesday.").meetings
    assert day.date != "2031-05-06/2031-05-08"  # not dated by an arrival: no span is claimed from it


def test_a_later_undated_meeting_starts_no_earlier_than_the_first_possible_day_of_the_one_before():
    _, d = page_draft(
        "Envoys meet\nMay 2031\nFarid Azimi met Omid Sarwari in Kabul on Monday.\n"
        "Trade was on the agenda.\nAzimi later called on Zarin Hotak."
    )
    assert [m.date for m in d.meetings] == ["2031-04-28/2031-05-26", "2031-04-28/2031-05-31"]


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("on Monday", "2031-05-05/.."),  # the Monday on or before 9 May 2031, or a later one
        ("on May 3", "2031-05-03/.."),
        ("yesterday", "2031-05-08/.."),
        ("earlier this month", "2031-05-01/.."),
        ("last month", "2031-04-01/.."),
    ],
)
def test_a_publication_date_open_at_its_end_gives_open_relative_dates(sentence, value):
    (r,) = when.find(f"They met {sentence}.", (dt.date(2031, 5, 9), None), "2031-05-09/..")
    assert (r.value, r.basis, r.hi) == (value, "inferred", None) and "open at its end" in r.note


def test_an_open_publication_date_gives_no_month_of_publication_fallback():
    text = "Report\nFarid Azimi met Omid Sarwari in Kabul."
    context = Context(REGISTRY, {}, (dt.date(2031, 5, 9), None), "2031-05-09/..")
    (m,) = RuleBasedExtractor().draft("900_test", text, (0, len(text)), context).meetings
    assert m.date is None


def test_a_drafted_date_open_at_its_end_proposes_the_start_as_the_inferred_part():
    """The schema refuses `whole` for an interval open at one end: a draft must not propose it."""
    from pak_afghan_diplomacy.tools.drafting import render

    text = "Report\nFarid Azimi met Omid Sarwari in Kabul on Monday."
    context = Context(REGISTRY, {}, (dt.date(2031, 5, 9), None), "2031-05-09/..")
    d = RuleBasedExtractor().draft("900_test", text, (0, len(text)), context)
    (m,) = d.meetings
    assert m.date == "2031-05-05/.." and m.date_basis == "inferred", m
    lines, _ = render.meetings(d, text, (0, len(text)))
    assert any(line.startswith("    date_inferred_part: start") for line in lines), lines
