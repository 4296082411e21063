"""Facts fixed for issue #18 ("from C+ to A"): each test names the fact and fails if its defect comes back."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import pak_afghan_diplomacy as pad
from pak_afghan_diplomacy import dates
from pak_afghan_diplomacy.pipeline.article.records.roles import certainly_overlap, latest_observation
from pak_afghan_diplomacy.pipeline.article.records.statements import joint_voices
from tests.conftest import build_fails

T = {name: pad.load(name) for name in pad.tables()}
A000, A001, A002, A003, A004 = (
    "000_a18c864ded8c9230",
    "001_a76334a16812bac6",
    "002_0d9ee7f76d7cf8bd",
    "003_bfa8549fb6924636",
    "004_5fd66b92c6fc2c14",
)


def _row(table: str, **where) -> dict:
    frame = T[table]
    for col, value in where.items():
        frame = frame.filter(pl.col(col) == value)
    (row,) = frame.to_dicts()
    return row


def _break(checkout, stem: str, old: str, new: str) -> list:
    path = checkout.curation / f"{stem}.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return build_fails(checkout)


# -- 1. derived values -------------------------------------------------------------------------------------------

_day = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31))


@st.composite
def _observed(draw) -> tuple[str, str]:
    """A generated observation: a day, a month, a closed interval, or an interval open at its end."""
    lo = draw(_day)
    shape = draw(st.sampled_from(["day", "month", "closed", "open"]))
    if shape == "day":
        value = lo.isoformat()
    elif shape == "month":
        value = lo.strftime("%Y-%m")
    elif shape == "closed":
        value = f"{lo.isoformat()}/{(lo + dt.timedelta(days=draw(st.integers(0, 400)))).isoformat()}"
    else:
        value = f"{lo.isoformat()}/.."
    return value, draw(st.sampled_from(["current", "ended"]))


@given(st.lists(_observed(), min_size=1, max_size=8))
def test_the_latest_observation_is_one_the_curation_states_and_none_certainly_later(observed):
    chosen = latest_observation(observed)
    assert chosen in observed  # derived ⊆ stated: never a made-up date or status
    first = dates.bounds(chosen[0])[0]
    for value, _ in observed:
        # no other observation is certainly later than the chosen one: an open end never outranks a later start
        assert dates.bounds(value)[0] <= first


@given(_observed(), _observed())
def test_an_open_end_never_wins_over_a_later_start(a, b):
    opened = (f"{dates.bounds(a[0])[0].isoformat()}/..", a[1])
    later_lo = dates.bounds(b[0])[0]
    if later_lo > dates.bounds(opened[0])[0]:
        assert latest_observation([opened, b]) == b


def test_sadiqs_second_term_is_not_current_as_of_a_date_before_it_began():
    role = _row("roles", role_id="mohammad-sadiq/special-representative-afghanistan/2024")
    # 003 shows the term held as of its own (open-ended) date; a later source may show it ended
    assert _row("role_observations", role_id=role["role_id"], article_id="003_bfa8549fb6924636")["status"] == "current"
    assert dates.bounds(role["observed_date"])[0] >= role["start_earliest"]
    observed = {
        o for (o,) in T["role_observations"].filter(pl.col("role_id") == role["role_id"]).select("observed_date").rows()
    }
    assert role["observed_date"] in observed


def test_no_current_role_is_shown_as_of_a_date_that_may_precede_its_start():
    for r in (
        T["roles"].filter(pl.col("status") == "current", pl.col("start_earliest").is_not_null()).iter_rows(named=True)
    ):
        assert dates.bounds(r["observed_date"])[0] >= r["start_earliest"], r["role_id"]


@st.composite
def _meeting(draw):
    people = draw(st.sets(st.sampled_from([f"p{i}" for i in range(6)]), min_size=1))
    groups = draw(st.sets(st.sampled_from(["g1", "g2"])))
    keys = frozenset(people | groups)
    inferred = frozenset(draw(st.sets(st.sampled_from(sorted(keys)))))
    named = draw(st.none() | st.lists(st.sampled_from(sorted(people)), max_size=3))
    return keys, inferred, set(people), named


@given(_meeting())
def test_joint_voices_are_participants_the_curation_names_or_whose_presence_is_stated(m):
    keys, inferred, persons, named = m
    voices = joint_voices(keys, inferred, persons, named)
    assert set(voices) <= keys & persons  # derived ⊆ the meeting's named participants
    if named is None:
        assert not set(voices) & inferred  # an inferred presence is never a voice by default
    else:
        assert set(voices) == set(named)


def test_002s_both_officials_are_sadiq_and_muttaqi_not_nizami():
    voices = T["statement_speakers"].filter(pl.col("statement_id") == "002-joint-muttaqi-peace-security")
    assert set(voices["person_id"]) == {"mohammad-sadiq", "amir-khan-muttaqi"}


def test_every_joint_voice_is_a_participant_of_the_statements_meeting():
    joint = T["statement_speakers"].filter(pl.col("capacity") == "joint")
    statements = T["statements"].select("statement_id", "meeting_id")
    parts = T["meeting_participants"].select("meeting_id", "person_id", "participation_basis")
    rows = joint.join(statements, on="statement_id").join(parts, on=["meeting_id", "person_id"], how="left")
    assert rows["participation_basis"].null_count() == 0


# -- 2. dates and ids ---------------------------------------------------------------------------------------------


def test_every_meeting_id_names_a_period_that_holds_its_earliest_date():
    for mid, lo in T["meetings"].select("meeting_id", "date_earliest").rows():
        m = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?-", mid)
        if m:
            stated = "-".join(g for g in m.groups() if g)
            assert lo is not None and lo.isoformat().startswith(stated), (mid, lo)


def test_a_meeting_id_naming_another_year_is_refused_at_its_line(checkout):
    problems = _break(checkout, "registry", 'date: "2025-03-22"\n', 'date: "2022-03-22/.."\n')
    assert any(p.check == "id and date" and "2025-03-22-sadiq-muttaqi-kabul" in (p.value or "") for p in problems)


def test_003s_year_rests_on_public_record_with_the_fact_in_the_note():
    meeting = _row("meetings", meeting_id="2025-03-22-sadiq-muttaqi-kabul")
    assert meeting["date_basis"] == "public-record" and meeting["date_inferred"]
    assert "Ishaq Dar" in meeting["date_note"] and "11 March 2024" in meeting["date_note"]


def test_durranis_start_lies_between_sadiqs_resignation_and_his_first_visit():
    durrani = _row("roles", role_id="asif-durrani/special-representative-afghanistan/2023")
    sadiq = _row("roles", role_id="mohammad-sadiq/special-representative-afghanistan/2019")
    visit = _row("meetings", meeting_id="2023-07-durrani-visit-kabul")
    assert durrani["start_earliest"] >= sadiq["end_earliest"]
    assert durrani["start_latest"] <= visit["date_earliest"]


def test_durranis_start_rests_on_the_public_record_of_his_appointment_with_its_source():
    durrani = _row("roles", role_id="asif-durrani/special-representative-afghanistan/2023")
    assert durrani["start_date"] == "2023-05-23" and durrani["start_date_inferred"]
    assert durrani["start_date_basis"] == "public-record"
    assert "Public record" in durrani["start_date_note"]
    assert "https://" in durrani["start_date_note"] and "19 July 2023" in durrani["start_date_note"]


def test_asif_ali_is_read_as_durranis_given_names_not_as_an_error():
    conflict = _row("conflicts", conflict_id="asif-ali-name")
    assert "Asif Ali Khan Durrani" in conflict["assessment"] and "error" not in conflict["assessment"]


def test_a_durrani_start_before_sadiqs_resignation_is_refused_as_overlapping(checkout):
    problems = _break(checkout, "registry", 'start_date: "2023-05-23"', 'start_date: "2023-01/2023-02"')
    assert any(
        p.check == "overlapping holders" and p.value == "asif-durrani/special-representative-afghanistan/2023"
        for p in problems
    )


@given(_day, _day, _day, _day)
def test_terms_overlap_only_where_each_began_before_the_other_can_have_ended(s1, e1, s2, e2):
    a, b = (s1, e1, "ended"), (s2, e2, "ended")
    assert certainly_overlap(a, b) == certainly_overlap(b, a)
    if e1 <= s2 or e2 <= s1:
        assert not certainly_overlap(a, b)
    assert not certainly_overlap((None, e1, "ended"), b)  # an unknown start proves nothing


def test_002s_meetings_open_at_the_evening_of_23_december_and_its_publication_after_the_muttaqi_meeting():
    # 002 reports the Muttaqi meeting as held: published no earlier than that meeting (24 December 2024 on
    # public record), and nothing printed closes it
    article = _row("articles", article_id=A002)
    assert article["published_date"] == "2024-12-24/.." and article["published_latest"] is None
    assert article["published_date_basis"] == "public-record"
    for mid in ("2024-12-sadiq-haqqani-kabul", "2024-12-24-sadiq-muttaqi-kabul"):
        report = _row("meeting_sources", meeting_id=mid, article_id=A002)
        assert report["reported_date"] == "2024-12-23/..", mid


def test_000s_today_and_its_publication_date_are_read_one_way():
    article = _row("articles", article_id=A000)
    post = _row("statements", statement_id="000-sadiq-x-discussions")
    assert post["date"] == article["published_date"]
    assert post["date_inferred_part"] == article["published_date_inferred_part"]


def test_an_inferred_part_follows_its_vocabulary():
    """`start`/`end` only for an interval; a date with nothing printed is not `day` or `year` of a printed one."""
    checks = [
        ("articles", "published_date", "published_date_inferred_part"),
        ("meetings", "date", "date_inferred_part"),
        ("meeting_sources", "reported_date", "reported_date_inferred_part"),
        ("statements", "date", "date_inferred_part"),
        ("role_observations", "observed_date", "observed_inferred_part"),
        ("roles", "start_date", "start_date_inferred_part"),
        ("roles", "end_date", "end_date_inferred_part"),
    ]
    for table, column, part in checks:
        for value, which in T[table].select(column, part).rows():
            if which in ("start", "end"):
                assert "/" in value, (table, value, which)


def test_a_single_day_marked_start_is_refused(checkout):
    problems = _break(
        checkout,
        "004_5fd66b92c6fc2c14",
        '  published_date: "2023-07-21"\n  published_date_inferred_part: whole\n',
        '  published_date: "2023-07-21"\n  published_date_inferred_part: start\n',
    )
    assert any(p.check == "inferred part" and p.field.endswith("published_date_inferred_part") for p in problems)


# -- 3. every inference flagged in a column ------------------------------------------------------------------------


def test_003s_upon_his_return_briefing_is_an_inferred_link_to_the_monday_meeting():
    s = _row("statements", statement_id="003-dar-satisfaction")
    assert s["meeting_basis"] == "inferred" and "Upon his return" in s["meeting_note"]
    assert _row("meetings", meeting_id="2025-03-24-dar-briefing-islamabad")["grouping_uncertain"]


def test_every_meeting_link_says_how_it_is_known():
    for s in T["statements"].iter_rows(named=True):
        linked = s["meeting_id"] or s["about_meeting_id"]
        assert (s["meeting_basis"] is not None) == bool(linked), s["statement_id"]
        if s["meeting_basis"] == "inferred":
            assert s["meeting_note"], s["statement_id"]


def test_001s_durrani_observation_links_asif_ali_and_keeps_no_evidence_of_sadiqs_title():
    linked = set(
        T["conflict_records"]
        .filter(pl.col("conflict_id") == "asif-ali-name")
        .select("record_table", "record_id")
        .rows()
    )
    role = "asif-durrani/special-representative-afghanistan/2023"
    assert ("roles", role) in linked and ("role_observations", f"{role}:{A001}") in linked
    texts = T["evidence"].filter(pl.col("record_id") == role, pl.col("article_id") == A001)["text"]
    assert not any("newly appointed" in t for t in texts)


def test_004s_muttaqi_meeting_is_dated_by_the_captions_and_grouped_like_its_siblings():
    meeting = _row("meetings", meeting_id="2023-07-19-durrani-muttaqi-kabul")
    assert "caption" in meeting["date_note"]
    siblings = T["meetings"].filter(pl.col("part_of") == "2023-07-durrani-visit-kabul")
    assert set(siblings["grouping_uncertain"]) == {True}


def test_003s_observations_rest_on_its_inferred_date_and_say_so():
    for o in T["role_observations"].filter(pl.col("article_id") == A003).iter_rows(named=True):
        assert o["observed_inferred"] and o["note"], o["role_id"]


# -- 4. statements as the article gives them ---------------------------------------------------------------------


def test_a_meeting_id_means_the_words_were_said_at_it():
    for s in T["statements"].filter(pl.col("meeting_id").is_not_null()).iter_rows(named=True):
        assert s["setting"] == "meeting", s["statement_id"]


def test_000_and_001_disagree_on_where_the_agreed_words_were_said():
    linked = set(T["conflict_records"].filter(pl.col("conflict_id") == "agreed-to-work-together-setting")["record_id"])
    assert {"000-sadiq-x-agreed", "001-sadiq-x-agreed"} <= linked
    assert _row("conflicts", conflict_id="agreed-to-work-together-setting")["kind"] == "setting"


def test_004s_taken_up_all_issues_carries_durrani_as_its_subject():
    s = _row("statements", statement_id="004-fo-taken-up-all-issues")
    assert "Asif Durrani" in s["context_text"] and s["text"] in s["context_text"]


def test_journalists_characterisations_are_not_the_speakers_words():
    refrained = _row("statements", statement_id="003-fo-refrained-from-mentioning-ttp")
    assert refrained["attribution_kind"] == "characterization" and refrained["speaker_id"] is None
    assert refrained["reported_via_organization_id"] == "pak-foreign-office"  # the statement it describes
    # "described as positive" is someone's words, in the passive with no agent: unattributed, never Sadiq's
    positive = _row("statements", statement_id="003-assessment-described-positive")
    assert positive["attribution_kind"] == "unattributed" and positive["attribution_text"] == "described as"
    assert positive["speaker_id"] is None and positive["speaker_organization_id"] is None
    assert "described as positive" not in _row("statements", statement_id="003-sadiq-recommendations")["text"]


def test_words_said_at_a_meeting_the_article_dates_are_dated():
    reports = T["meeting_sources"].filter(pl.col("reported_date").is_not_null()).select("meeting_id", "article_id")
    at = T["statements"].filter(pl.col("meeting_id").is_not_null()).join(reports, on=["meeting_id", "article_id"])
    assert not at.is_empty()
    for s in at.iter_rows(named=True):
        assert s["date"] is not None, s["statement_id"]


def test_000s_monday_joint_words_are_dated_to_the_monday():
    assert _row("statements", statement_id="000-haqqani-meeting-fraternal-relations")["date"] == "2024-12-23"


def test_001s_twin_haqqani_quotes_are_dated_alike():
    a = _row("statements", statement_id="001-haqqani-collaborative-efforts")
    b = _row("statements", statement_id="001-haqqani-urgency")
    assert a["date"] == b["date"] == "2024-12-24"


# -- 5. omissions ---------------------------------------------------------------------------------------------------


def test_the_pakistani_delegation_is_an_unnamed_participant_of_the_december_visit_and_meetings():
    parts = T["meeting_participants"]
    for mid in ("2024-12-sadiq-visit-kabul", "2024-12-sadiq-haqqani-kabul"):
        row = _row("meeting_participants", participant_id=f"{mid}:pakistani-delegation")
        assert row["side"] == "PAK" and row["person_id"] is None, mid
    ev = T["evidence"].filter(pl.col("record_id") == "2024-12-sadiq-visit-kabul:pakistani-delegation")
    assert {A000, A001, A002} <= set(ev["article_id"])
    assert not parts.filter(pl.col("participant_id") == "2024-12-sadiq-visit-kabul:iag-senior-officials").is_empty()


def test_unattributed_background_claims_are_curated():
    assert _row("statements", statement_id="004-ttp-said-to-have-sanctuaries")["attribution_kind"] == "unattributed"
    assert _row("statements", statement_id="001-western-countries-refused-contacts")["speaker_id"] is None


# -- 8. sources reachable --------------------------------------------------------------------------------------------


def test_the_articles_found_online_say_how_their_url_was_established():
    for a in T["articles"].iter_rows(named=True):
        assert (a["url"] is None) == (a["url_basis"] is None), a["article_id"]
    assert _row("articles", article_id=A004)["url"].startswith("https://www.arabnews.pk/")
    assert _row("articles", article_id=A004)["publisher"] == "Arab News"


# -- review 18 (grade A−): its findings, each as the fact it fixes -------------------------------------------------


def test_003s_monday_briefing_is_24_march_2025_on_public_record_and_its_id_names_a_month_its_date_establishes():
    meeting = _row("meetings", meeting_id="2025-03-24-dar-briefing-islamabad")
    assert meeting["date"] == "2025-03-24" and meeting["date_precision"] == "day"
    assert meeting["date_inferred"] and meeting["date_basis"] == "public-record"
    assert "21–23 March 2025" in meeting["date_note"] and "24 March 2025" in meeting["date_note"]
    assert meeting["meeting_id"].startswith(meeting["date"][:7])
    assert meeting["city"] == "Islamabad" and meeting["place_basis"] == "public-record" and meeting["place_note"]
    report = _row("meeting_sources", meeting_id="2025-03-24-dar-briefing-islamabad", article_id=A003)
    assert report["reported_date"] == "2025-03-24" and "“on Monday”" in report["reported_date_note"]
    for sid in (
        "003-pakistan-decided-dialogue",
        "003-dar-sustained-engagement",
        "003-sadiq-briefing-recent-visit",
        "003-dar-satisfaction",
    ):
        said = _row("statements", statement_id=sid)
        assert said["meeting_id"] == "2025-03-24-dar-briefing-islamabad" and said["date"] == "2025-03-24", sid
        assert said["date_inferred"] and "public record" in said["date_note"], sid


def test_001_reports_tuesday_24_december_as_past_so_it_is_published_no_earlier_than_that_day():
    article = _row("articles", article_id=A001)
    assert article["published_date"] == "2024-12-24/2024-12-31"
    assert article["published_earliest"] == dt.date(2024, 12, 24) and article["published_date_inferred_part"] == "whole"
    assert "24 December 2024" in article["published_date_note"]
    seen = T["role_observations"].filter(pl.col("article_id") == A001)
    assert not seen.is_empty() and set(seen["observed_date"]) == {"2024-12-24/2024-12-31"}
    # Sadiq's reappointment could not be "current" in 001 before the day 001 reports him at work.
    sadiq = _row("role_observations", role_id="mohammad-sadiq/special-representative-afghanistan/2024", article_id=A001)
    assert sadiq["status"] == "current" and sadiq["observed_date"].startswith("2024-12-24")


def test_001s_original_page_was_not_found_and_the_copy_found_is_named_only_in_the_note():
    article = _row("articles", article_id=A001)
    assert article["url"] is None and article["url_basis"] is None and article["publisher"] is None
    assert "newsfromrss.com" in article["url_note"] and "not found" in article["url_note"]


def test_sadiqs_march_2025_visit_and_its_azizi_talks_are_21_to_23_march_on_public_record_inferred_alike():
    visit = _row("meetings", meeting_id="2025-03-sadiq-visit-kabul")
    talks = _row("meetings", meeting_id="2025-03-sadiq-azizi-kabul")
    for m in (visit, talks):
        assert m["date"] == "2025-03-21/2025-03-23" and m["date_basis"] == "public-record", m["meeting_id"]
        assert m["date_inferred_part"] == "whole" and "21–23 March 2025" in m["date_note"], m["meeting_id"]
    muttaqi = _row("meetings", meeting_id="2025-03-22-sadiq-muttaqi-kabul")
    assert visit["date_earliest"] <= muttaqi["date_earliest"] <= visit["date_latest"]
    assert _row("statements", statement_id="003-both-nations-maximize-trade")["date"] == talks["date"]


def test_sadiqs_second_term_began_by_23_december_2024_when_002_has_him_received_in_kabul_in_the_post():
    role = _row("roles", role_id="mohammad-sadiq/special-representative-afghanistan/2024")
    # the articles bound it to 1-23 December 2024 (the note says so); public record names the day inside them
    assert role["start_date"] == "2024-12-05" and role["start_date_basis"] == "public-record"
    assert role["start_latest"] <= dt.date(2024, 12, 23) and role["start_date_inferred"]
    assert "December 23, 2024" in role["start_date_note"] and "https://" in role["start_date_note"]


def test_durranis_presence_on_the_september_2023_visit_is_inferred_from_001s_asif_ali_and_names_the_conflict():
    row = _row("meeting_participants", participant_id="2023-09-durrani-visit-kabul:asif-durrani")
    assert row["participation_basis"] == "inferred" and "asif-ali-name" in row["participation_note"]
    linked = _row("conflict_records", conflict_id="asif-ali-name", record_id=row["participant_id"])
    assert linked["record_table"] == "meeting_participants"


def test_001s_the_delegations_of_the_december_muttaqi_talks_are_both_sides_unnamed_groups():
    # 001's "the delegations" names both sides: the Afghan side is an inferred row with those words; the
    # Pakistani row is labelled with 000's "A Pakistani delegation", its 001 evidence Sadiq's "his country's team"
    for group, side, label, words in (
        ("pakistani-delegation", "PAK", "A Pakistani delegation", "led his country’s team at the talks"),
        ("afghan-delegation", "AFG", "the delegations (the Afghan side)", "the delegations"),
    ):
        row = _row("meeting_participants", participant_id=f"2024-12-24-sadiq-muttaqi-kabul:{group}")
        assert row["side"] == side and row["person_id"] is None and row["unnamed"] == label, group
        ev = T["evidence"].filter((pl.col("record_id") == row["participant_id"]) & (pl.col("article_id") == A001))
        assert any(words in t for t in ev["text"]), group
    afghan = _row("meeting_participants", participant_id="2024-12-24-sadiq-muttaqi-kabul:afghan-delegation")
    assert afghan["participation_basis"] == "inferred" and "no article names an Afghan" in afghan["participation_note"]


def test_004s_durrani_reaffirmed_has_no_setting_because_the_article_does_not_say_where_it_was_said():
    said = _row("statements", statement_id="004-durrani-reaffirmed-commitment")
    assert said["setting"] is None and said["meeting_id"] is None
    assert said["about_meeting_id"] == "2023-07-durrani-visit-kabul" and said["meeting_basis"] == "inferred"
    assert said["date"] is None  # the occasion is not dated by the article


def test_no_published_note_points_readers_at_the_registry_a_build_file_they_do_not_get():
    for name, frame in T.items():
        for col in [c for c in frame.select(pl.col(pl.String)).columns if c == "note" or c.endswith("_note")]:
            hits = frame.filter(pl.col(col).str.contains("registry's", literal=True))
            assert hits.is_empty(), (name, col, hits.row(0) if len(hits) else None)
    report = _row("meeting_sources", meeting_id="2025-03-22-sadiq-muttaqi-kabul", article_id=A003)
    assert "2025-03-22-sadiq-muttaqi-kabul" in report["reported_date_note"]


def test_004s_three_muttaqi_spellings_are_the_two_captions_and_the_list_of_those_durrani_met():
    (row,) = (
        T["person_names"]
        .filter((pl.col("person_id") == "amir-khan-muttaqi") & (pl.col("article_id") == A004))
        .filter(pl.col("name") == "Amir Khan Muttaqi")
        .to_dicts()
    )
    assert "both captions" in row["note"] and "also in" not in row["note"]


def test_every_role_id_is_person_post_and_first_year_so_sadiqs_embassy_and_nizamis_post_match_theirs():
    for r in T["roles"].iter_rows(named=True):
        person, post, *year = r["role_id"].split("/")
        assert (person, post) == (r["person_id"], r["post_id"]), r["role_id"]
        assert year == [] or (len(year) == 1 and re.fullmatch(r"\d{4}", year[0])), r["role_id"]
        if year and r["start_earliest"] is not None:
            assert int(year[0]) == r["start_earliest"].year, r["role_id"]
    assert _row("roles", role_id="mohammad-sadiq/ambassador-afghanistan/2008")["post_id"] == "ambassador-afghanistan"
    assert _row("roles", role_id="ubaid-nizamani/charge-d-affaires")["post_id"] == "charge-d-affaires"


def test_003s_pakistan_reaffirmed_sits_in_the_march_22_account_and_is_linked_there_by_inference_as_pakistans():
    said = _row("statements", statement_id="003-pakistan-reaffirmed-engagement")
    assert said["meeting_id"] == "2025-03-22-sadiq-muttaqi-kabul" and said["meeting_basis"] == "inferred"
    assert said["setting"] == "meeting" and said["date"] == "2025-03-22" and said["date_inferred"]
    assert said["speaker_id"] is None and said["speaker_organization_id"] == "pak-government"


# -- second review 18b (grade A−): its findings, each as the fact it fixes, on the article that states it ----------


def _date_columns(frame: pl.DataFrame):
    """Each `*_inferred_part` column with the date column it describes."""
    for col in frame.columns:
        if col.endswith("_inferred_part"):
            base = col.removesuffix("_inferred_part")
            if base in frame.columns:
                yield base, col


def test_an_open_end_of_a_date_is_never_the_part_said_to_be_inferred():
    """002 prints the December 2024 visit's start and no end: nothing is inferred at an open end."""
    seen = 0
    for name in pad.tables():
        for date_col, part_col in _date_columns(T[name]):
            for date, part in T[name].select(date_col, part_col).iter_rows():
                seen += 1
                if date is not None and date.endswith("/.."):
                    assert part != "end", (name, date_col, date)
                if date is not None and date.startswith("../"):
                    assert part != "start", (name, date_col, date)
    assert seen
    visit = _row("meeting_sources", meeting_id="2024-12-sadiq-visit-kabul", article_id=A002)
    assert visit["reported_date"] == "2024-12-23" and visit["reported_date_basis"] == "stated"


def test_004s_dateline_islamabad_is_not_given_as_where_its_statements_were_made():
    for s in T["statements"].filter(pl.col("article_id") == A004).iter_rows(named=True):
        assert "in Islamabad" not in (s["note"] or ""), s["statement_id"]
    for sid in ("004-baloch-discussed-all-issues", "004-fo-taken-up-all-issues"):
        assert "dateline" in _row("statements", statement_id=sid)["note"], sid


def test_000s_agreed_words_are_at_the_meeting_as_000_says_and_the_x_post_reading_is_a_conflict():
    s = _row("statements", statement_id="000-sadiq-x-agreed")
    assert s["meeting_id"] == "2024-12-24-sadiq-muttaqi-kabul" and s["setting"] == "meeting"
    # 000 gives the meeting no day: the meeting's date, flagged
    assert s["date"] == "2024-12-24" and s["date_inferred"] and s["date_inferred_part"] == "whole"
    records = T["conflict_records"].filter(pl.col("conflict_id") == "agreed-to-work-together-setting")
    assert {"000-sadiq-x-agreed", "001-sadiq-x-agreed"} <= set(records["record_id"])
    assert _row("statements", statement_id="001-sadiq-x-agreed")["setting"] == "X post"


def test_channels_not_named_in_the_statements_own_sentence_are_flagged_inferred():
    interior = _row("statements", statement_id="000-sadiq-collaborative-efforts")
    assert interior["reported_via_organization_id"] == "afg-interior-ministry"
    assert interior["reported_via_basis"] == "inferred" and "Ministry of Interior" in interior["reported_via_note"]
    # 001's "according to the statement" names no one: whose statement is read from the sentence before
    urgency = _row("statements", statement_id="001-haqqani-urgency")
    assert urgency["reported_via_basis"] == "inferred" and "Haqqani’s office" in urgency["reported_via_note"]
    # a channel named in the words' own sentence is stated
    assert _row("statements", statement_id="000-sadiq-urgency")["reported_via_basis"] == "stated"
    # 003's first paragraph cites no source: the decision is not given a channel, and the inference is said.
    decided = _row("statements", statement_id="003-pakistan-decided-dialogue")
    assert decided["reported_via"] is None and decided["reported_via_organization_id"] is None
    assert "inference" in decided["note"]
    dar = _row("statements", statement_id="003-dar-sustained-engagement")
    assert dar["reported_via_organization_id"] == "pak-foreign-office" and dar["reported_via_basis"] == "inferred"
    assert "preceding sentence" in dar["reported_via_note"]


def test_004s_taken_up_all_issues_text_names_durrani_who_took_them_up():
    s = _row("statements", statement_id="004-fo-taken-up-all-issues")
    assert s["article_id"] == A004 and s["speaker_organization_id"] == "pak-foreign-office"
    assert s["text"].startswith("Pakistan’s special representative to Afghanistan, Ambassadors Asif Durrani,")
    assert s["text"].endswith(
        "has taken up all issues of mutual concern, including militant threat and attacks in "
        "Pakistan, with the Afghan Taliban authorities"
    )


def test_003s_high_level_meeting_records_no_attendee_003_does_not_name_and_says_why():
    unnamed = T["meeting_participants"].filter(
        (pl.col("meeting_id") == "2025-03-24-dar-briefing-islamabad") & pl.col("person_id").is_null()
    )
    assert unnamed.is_empty()
    note = _row("meetings", meeting_id="2025-03-24-dar-briefing-islamabad")["note"]
    assert "no unnamed participant is recorded" in note and "public record" in note


def test_the_march_2025_public_record_names_its_sources():
    for mid in ("2025-03-sadiq-visit-kabul", "2025-03-22-sadiq-muttaqi-kabul", "2025-03-24-dar-briefing-islamabad"):
        assert "https://" in _row("meetings", meeting_id=mid)["date_note"], mid
    s = _row("statements", statement_id="003-pakistan-reaffirmed-engagement")
    # the link rests on the article's order; the readout only agrees, and the note says which is which
    assert s["meeting_basis"] == "inferred" and "https://" in s["meeting_note"]
    assert "does not rest on it" in s["meeting_note"]


def test_000_reports_the_muttaqi_meeting_in_december_2024_flagged():
    src = _row("meeting_sources", meeting_id="2024-12-24-sadiq-muttaqi-kabul", article_id=A000)
    assert src["reported_date"] == "2024-12" and src["reported_date_basis"] == "inferred"


def test_004s_repeated_headline_and_update_stamp_are_excluded_as_furniture():
    ex = T["body_exclusions"].filter(pl.col("article_id") == A004)
    texts = list(ex["text"])
    assert "Updated 21 July 2023" in texts
    title = _row("articles", article_id=A004)["title"]
    # the headline opens the body; its second printing, under the follow button, is furniture
    again = ex.filter(pl.col("text").str.ends_with(title))
    assert again.height == 1 and again["char_start"][0] > _row("articles", article_id=A004)["body_start"]


def test_002s_condolences_are_spoken_for_sharif_dar_and_the_unnamed_aide_between_them():
    s = _row("statements", statement_id="002-sadiq-condolences")
    assert "his aide" in s["text"] and "could also be read as describing Dar" in s["note"]
    behalf = T["statement_speakers"].filter(
        (pl.col("statement_id") == "002-sadiq-condolences") & (pl.col("capacity") == "on behalf of")
    )
    assert {"shehbaz-sharif", "ishaq-dar"} <= set(behalf["person_id"])
    aide = behalf.filter(pl.col("unnamed").is_not_null())
    assert aide["unnamed"].to_list() == ["his aide"] and aide["speaker_key"].to_list() == ["unnamed:his-aide"]
    assert aide["person_id"].to_list() == [None] and aide["organization_id"].to_list() == [None]


def test_an_unnamed_voice_must_be_words_of_its_statement(checkout):
    problems = _break(checkout, "002_0d9ee7f76d7cf8bd", '{unnamed: "his aide"}', '{unnamed: "his deputy"}')
    assert any(p.field and p.field.endswith(".unnamed") and "verbatim" in p.message for p in problems), problems


def test_003s_recommendations_id_no_longer_names_the_positive_assessment_it_excludes():
    ids = set(T["statements"]["statement_id"])
    assert "003-sadiq-recommendations" in ids
    assert "003-sadiq-recommendations-positive-assessment" not in ids
    changelog = (Path(__file__).parents[1] / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "`003-sadiq-recommendations-positive-assessment`" in changelog


def test_002s_words_at_its_undated_meetings_take_those_meetings_dates_flagged():
    # 002 gives the Haqqani and Muttaqi meetings no day: their words take the meetings' dates as curated
    # from all reports (a later source narrowing a meeting does not change 002's file): the Haqqani
    # meeting's disputed 23-24 December 2024, the Muttaqi meeting's 24 December (001's Tuesday, public record)
    said = T["statements"].filter(
        (pl.col("article_id") == A002) & (pl.col("meeting_id") == "2024-12-sadiq-haqqani-kabul")
    )
    assert not said.is_empty()
    for s in said.iter_rows(named=True):
        assert s["date"] == "2024-12-23/2024-12-24" and s["date_inferred"], s["statement_id"]
        assert "001's “Tuesday”" in s["date_note"], s["statement_id"]
    joint = _row("statements", statement_id="002-joint-muttaqi-peace-security")
    assert joint["date"] == "2024-12-24" and joint["date_inferred"] and "001's “Tuesday”" in joint["date_note"]


def test_the_muttaqi_meeting_is_dated_to_001s_tuesday_which_public_record_confirms():
    meeting = _row("meetings", meeting_id="2024-12-24-sadiq-muttaqi-kabul")
    assert (str(meeting["date_earliest"]), str(meeting["date_latest"])) == ("2024-12-24", "2024-12-24")
    report = _row("meeting_sources", meeting_id="2024-12-24-sadiq-muttaqi-kabul", article_id=A001)
    assert report["reported_date"] == "2024-12-24"


def test_the_muttaqi_meetings_two_delegations_are_told_apart_and_attributions_name_only_the_speaker():
    groups = T["meeting_participants"].filter(
        (pl.col("meeting_id") == "2024-12-24-sadiq-muttaqi-kabul") & pl.col("person_id").is_null()
    )
    labels = dict(zip(groups["participant_id"], groups["unnamed"], strict=True))
    assert labels["2024-12-24-sadiq-muttaqi-kabul:pakistani-delegation"] == "A Pakistani delegation"
    assert _row("statements", statement_id="002-haqqani-current-situation-demands")["attribution_text"] == "stating,"
    western = _row("statements", statement_id="001-western-countries-refused-contacts")
    assert western["attribution_text"] == "Western countries" and western["text"].startswith("have refused")


def test_004s_list_of_those_durrani_met_is_evidence_of_each_meeting_it_lists():
    for mid in ("2023-07-19-durrani-muttaqi-kabul", "2023-07-durrani-azizi-kabul", "2023-07-durrani-kabir-kabul"):
        texts = T["evidence"].filter((pl.col("record_id") == mid) & (pl.col("article_id") == A004))["text"]
        assert any(t.startswith("Durrani met with") for t in texts), mid


def test_a_role_date_without_its_basis_is_refused_by_the_schema():
    from pak_afghan_diplomacy.schema import MODELS

    roles = T["roles"]
    assert roles.filter(pl.col("start_date").is_not_null())["start_date_basis"].null_count() == 0
    broken = roles.with_columns(pl.lit(None, dtype=pl.String).alias("start_date_basis"))
    with pytest.raises(Exception, match="a_role_date_says_how_it_is_known"):
        MODELS["roles"].validate(broken, lazy=True)


def test_canonical_names_are_the_fullest_forms_and_every_printed_spelling_stays():
    # persons.name is the fullest correct form (public record here); the articles' spellings are kept
    assert _row("persons", person_id="asif-durrani")["name"] == "Asif Ali Khan Durrani"
    durrani = set(T["person_names"].filter(pl.col("person_id") == "asif-durrani")["name"])
    assert {"Asif Durrani", "Asif Durani", "Asif Ali"} <= durrani
    assert _row("persons", person_id="ubaid-nizamani")["name"] == "Ubaid ur Rehman Nizamani"
    assert "Ubaid Nizami" in set(T["person_names"].filter(pl.col("person_id") == "ubaid-nizamani")["name"])


def test_002s_joint_efforts_attribution_names_the_speaker_not_the_statement_before_it():
    s = _row("statements", statement_id="002-sadiq-commitment-joint-efforts")
    assert s["attribution_text"] == "Ambassador Sadiq"


def test_004_places_only_balochs_first_quotation_at_the_briefing_the_rest_is_flagged_inferred():
    first = _row("statements", statement_id="004-baloch-discussed-all-issues")
    assert first["setting"] == "press briefing" and first["setting_basis"] == "stated"
    assert first["reported_via"] == "press briefing"
    for sid in ("004-baloch-threats-from-afghan-soil", "004-baloch-afghanistan-commitment-ttp"):
        s = _row("statements", statement_id=sid)
        assert s["setting"] == "press briefing" and s["setting_basis"] == "inferred", sid
        assert "press briefing on Friday" in s["setting_note"] and s["reported_via"] is None, sid
        assert "inferred" in s["date_note"], sid
    # words at a meeting take the basis of their link to it
    assert _row("statements", statement_id="003-dar-satisfaction")["setting_basis"] == "inferred"
    # 002's Sadiq words sit inside its account of the Haqqani meeting, as Haqqani's reply does: both stated
    for sid in ("002-sadiq-condolences", "002-haqqani-commonalities"):
        s = _row("statements", statement_id=sid)
        assert s["meeting_basis"] == "stated" and s["setting_basis"] == "stated", sid
    assert _row("statements", statement_id="002-joint-muttaqi-peace-security")["setting_basis"] == "stated"


def test_an_inferred_setting_without_its_note_is_refused_at_its_line(checkout):
    problems = _break(
        checkout,
        "004_5fd66b92c6fc2c14",
        '    setting: "press briefing"\n    date: "2023-07-21"\n    date_inferred_part: day\n    date_basis: inferred\n'
        '    date_note: "“a press briefing',
        '    setting: "press briefing"\n    setting_basis: inferred\n    date: "2023-07-21"\n'
        '    date_inferred_part: day\n    date_basis: inferred\n    date_note: "“a press briefing',
    )
    assert any(p.field and p.field.endswith(".setting_basis") and "setting_note" in p.message for p in problems)


def test_a_setting_without_its_basis_is_refused_by_the_schema():
    from pak_afghan_diplomacy.schema import MODELS

    broken = T["statements"].with_columns(pl.lit(None, dtype=pl.String).alias("setting_basis"))
    with pytest.raises(Exception, match="a_setting_says_how_it_is_known"):
        MODELS["statements"].validate(broken, lazy=True)


def test_000s_ttp_claim_is_islamabads_words_and_the_reporters_description_stays_in_the_context():
    s = _row("statements", statement_id="000-islamabad-ttp-uses-afghan-soil")
    assert s["text"] == "uses Afghan soil to launch attacks in Pakistan."
    assert s["context_text"].startswith("its adversary, the TTP, which is based in Afghanistan")
    assert s["speaker_organization_id"] == "pak-government"


def test_004_sets_durranis_july_visit_amid_the_khyber_attack():
    link = T["incident_links"].filter(
        (pl.col("incident_id") == "2023-07-20-khyber-attack") & (pl.col("record_id") == "2023-07-durrani-visit-kabul")
    )
    assert link["article_id"].to_list() == [A004] and link["relation"].to_list() == ["amid"]


def test_ishaq_dars_foreign_ministry_begins_on_11_march_2024_on_public_record_with_its_sources():
    role = _row("roles", role_id="ishaq-dar/foreign-minister/2024")
    assert role["start_date"] == "2024-03-11" and role["start_date_basis"] == "public-record"
    assert "https://" in role["start_date_note"]


def test_a_weekday_in_an_article_that_prints_no_month_or_year_infers_the_whole_date():
    for sid in ("000-haqqani-meeting-fraternal-relations", "001-haqqani-urgency"):
        assert _row("statements", statement_id=sid)["date_inferred_part"] == "whole", sid
    tuesday = _row("meeting_sources", meeting_id="2024-12-sadiq-haqqani-kabul", article_id=A001)
    assert tuesday["reported_date_inferred_part"] == "whole"
    # 004 prints July 19, 2023: its Friday infers the day only
    assert _row("statements", statement_id="004-baloch-discussed-all-issues")["date_inferred_part"] == "day"


def test_an_inferred_channel_without_its_note_is_refused_and_the_schema_wants_every_channels_basis(checkout):
    from pak_afghan_diplomacy.schema import MODELS

    broken = T["statements"].with_columns(pl.lit(None, dtype=pl.String).alias("reported_via_basis"))
    with pytest.raises(Exception, match="a_channel_says_how_it_is_known"):
        MODELS["statements"].validate(broken, lazy=True)
    problems = _break(
        checkout,
        "003_bfa8549fb6924636",
        '    reported_via_basis: inferred\n    reported_via_note: "“According to a Foreign Office statement,” opens',
        '    reported_via_basis: inferred\n    # reported_via_note: "“According to a Foreign Office statement,” opens',
    )
    assert any(
        p.field and p.field.endswith(".reported_via_basis") and "reported_via_note" in p.message for p in problems
    ), problems


def test_partial_quotes_carry_the_clause_they_sit_in_and_attributions_only_name_the_speaker():
    fraternal = _row("statements", statement_id="000-haqqani-meeting-fraternal-relations")
    assert (
        fraternal["context_text"]
        == "emphasized the need to strengthen “fraternal relations between the two countries.”"
    )
    must = _row("statements", statement_id="001-muttaqi-must-enhance-coordination")
    assert must["attribution_text"] == "Muttaqi said without elaborating that"
    assert must["context_text"].startswith("to develop trade and transit ties further, both governments")
    assert _row("statements", statement_id="001-muttaqi-desires-positive-relations")["attribution_text"] == (
        "The chief Taliban diplomat stated that"
    )


def test_a_spelling_read_as_a_misprint_of_a_public_record_name_is_flagged_inferred():
    row = T["person_names"].filter((pl.col("person_id") == "ubaid-nizamani") & (pl.col("article_id") == A002))
    assert row["name"].to_list() == ["Ubaid Nizami"] and row["inferred"].to_list() == [True]


def test_the_facts_an_incident_and_a_tuesday_date_rest_on_are_evidence():
    khyber = T["evidence"].filter(pl.col("record_id") == "2023-07-20-khyber-attack")["text"].to_list()
    assert any("two suicide bombers attacked a compound" in t for t in khyber)
    muttaqi = T["evidence"].filter(
        (pl.col("record_id") == "2024-12-24-sadiq-muttaqi-kabul") & (pl.col("article_id") == A001)
    )["text"]
    assert "hosted meetings Tuesday" in muttaqi.to_list()


def test_decisions_and_refusals_the_articles_report_without_words_are_positions_not_speech():
    for sid in (
        "001-western-countries-refused-contacts",
        "001-un-turned-down-taliban-requests",
        "003-pakistan-decided-dialogue",
    ):
        assert _row("statements", statement_id=sid)["content_kind"] == "position", sid
    for sid in ("004-pakistan-raised-ttp-lukewarm", "000-islamabad-ttp-uses-afghan-soil", "002-sadiq-condolences"):
        assert _row("statements", statement_id=sid)["content_kind"] == "speech", sid


def test_the_two_afghan_host_groups_of_the_december_visit_say_they_may_overlap():
    groups = T["meeting_participants"].filter(
        (pl.col("meeting_id") == "2024-12-sadiq-visit-kabul")
        & pl.col("person_id").is_null()
        & (pl.col("side") == "AFG")
    )
    notes = dict(zip(groups["unnamed"], groups["participation_note"], strict=True))
    assert "overlap" in notes["other authorities"]
    assert "overlap" in notes["senior officials of the Interim Afghan Government (IAG)"]


def test_001s_haqqani_words_are_dated_by_the_tuesday_001_hosts_the_meetings_on():
    for sid in ("001-haqqani-collaborative-efforts", "001-haqqani-urgency"):
        s = _row("statements", statement_id=sid)
        assert s["date"] == "2024-12-24" and "hosted meetings Tuesday" in s["date_note"], sid


def test_001s_x_post_is_dated_from_the_tuesday_001_gives_the_talks_it_reports_as_held():
    post = _row("statements", statement_id="001-sadiq-x-agreed")
    assert (str(post["date_earliest"]), str(post["date_latest"])) == ("2024-12-24", "2024-12-31")


def test_000s_pakistani_delegation_met_muttaqi_and_haqqani_and_000_is_evidence_of_it():
    for mid in ("2024-12-24-sadiq-muttaqi-kabul", "2024-12-sadiq-haqqani-kabul"):
        ev = T["evidence"].filter(
            (pl.col("record_table") == "meeting_participants")
            & (pl.col("record_id") == f"{mid}:pakistani-delegation")
            & (pl.col("article_id") == A000)
        )
        assert "A Pakistani delegation, led by Mohammad Sadiq" in ev["text"].to_list(), mid
        assert len(ev) == 2, mid  # and the words that name whom it met


def test_nizamanis_id_is_his_public_record_name_and_002s_misprint_stays_a_spelling():
    assert _row("persons", person_id="ubaid-nizamani")["name"] == "Ubaid ur Rehman Nizamani"
    assert "ubaid-nizami" not in set(T["persons"]["person_id"])
    assert _row("roles", role_id="ubaid-nizamani/charge-d-affaires")["person_id"] == "ubaid-nizamani"


def test_nizamani_present_during_the_discussions_is_placed_in_both_meetings_by_inference():
    for mid in ("2024-12-24-sadiq-muttaqi-kabul", "2024-12-sadiq-haqqani-kabul"):
        p = _row("meeting_participants", meeting_id=mid, person_id="ubaid-nizamani")
        assert p["participation_basis"] == "inferred" and "the discussions" in p["participation_note"], mid
    visit = _row("meeting_participants", meeting_id="2024-12-sadiq-visit-kabul", person_id="ubaid-nizamani")
    assert visit["participation_basis"] == "stated"


def test_notes_say_what_each_source_claims_and_001_dates_the_meetings_to_tuesday():
    conflict = _row("conflicts", conflict_id="haqqani-meeting-date")
    assert "hosted meetings Tuesday" in conflict["description"]
    assert "statement rather than" not in conflict["assessment"]
    note = _row("utterances", utterance_id="collaborative-efforts-relationship-between-peoples")["note"]
    assert "Haqqani’s office" in note and "disputed" in note
    # "Haqqani's office" / "Muttaqi's office" read as their ministries: the same basis as the speaker's
    # attribution (stated), with the reading in the note
    for sid in ("001-haqqani-collaborative-efforts", "001-afg-foreign-ministry-focused-on-relations"):
        s = _row("statements", statement_id=sid)
        assert s["reported_via_basis"] == s["attribution_basis"] == "stated", sid
        assert "office" in s["reported_via_note"], sid


def test_003_is_published_within_the_week_of_its_monday_as_001_is_within_its_tuesdays():
    article = _row("articles", article_id=A003)
    assert (str(article["published_earliest"]), str(article["published_latest"])) == ("2025-03-24", "2025-03-31")


def test_004s_policy_lines_at_the_briefing_are_linked_to_the_visit_by_inference_its_agenda_by_the_words():
    for sid in ("004-baloch-raised-at-every-engagement", "004-baloch-hope-adhere-commitments"):
        s = _row("statements", statement_id=sid)
        assert s["about_meeting_id"] == "2023-07-durrani-visit-kabul" and s["meeting_basis"] == "inferred", sid
    assert _row("statements", statement_id="004-baloch-assure-agenda")["meeting_basis"] == "stated"  # "this visit"


def test_001s_he_stressed_is_placed_at_the_haqqani_meeting_by_inference():
    s = _row("statements", statement_id="001-haqqani-urgency")
    assert s["meeting_id"] == "2024-12-sadiq-haqqani-kabul"
    assert s["meeting_basis"] == "inferred" and s["setting_basis"] == "inferred"
    assert _row("statements", statement_id="001-haqqani-collaborative-efforts")["meeting_basis"] == "stated"


def test_ishaq_dars_role_id_names_its_first_year_now_that_its_start_is_dated():
    role = _row("roles", role_id="ishaq-dar/foreign-minister/2024")
    assert role["start_earliest"].year == 2024
    assert "ishaq-dar/foreign-minister" not in set(T["roles"]["role_id"])


def test_the_urgency_conflict_says_000_cites_the_interior_ministry_for_the_other_speaker():
    assessment = _row("conflicts", conflict_id="urgency-attribution")["assessment"]
    assert "According to a statement from the Taliban Ministry of Interior" in assessment
    note = _row("utterances", utterance_id="urgency-of-accelerating-joint-efforts")["note"]
    assert "002 names no source" in note


def test_the_dismissed_reason_for_durranis_removal_says_why_it_is_no_statement():
    (row,) = T["dismissals"].filter(pl.col("text").str.contains("disagreements over")).to_dicts()
    assert row["article_id"] == A000 and "no verb of saying" in row["reason"]


def test_the_day_dated_muttaqi_meeting_id_names_its_day_and_the_old_id_is_in_the_changelog():
    ids = set(T["meetings"]["meeting_id"])
    assert "2024-12-24-sadiq-muttaqi-kabul" in ids and "2024-12-sadiq-muttaqi-kabul" not in ids
    changelog = (Path(__file__).parents[1] / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "`2024-12-sadiq-muttaqi-kabul` → `2024-12-24-sadiq-muttaqi-kabul`" in changelog


def test_topics_reported_without_quotation_are_in_the_meetings_descriptions():
    haqqani = _row("meetings", meeting_id="2024-12-sadiq-haqqani-kabul")["description"]
    assert "important matters aimed at improving relations" in haqqani
    march = _row("meetings", meeting_id="2025-03-22-sadiq-muttaqi-kabul")["description"]
    assert "peace, security, trade and people-to-people ties (003)" in march
    azizi = _row("meetings", meeting_id="2025-03-sadiq-azizi-kabul")["description"]
    assert "economic collaboration and transit agreements" in azizi
    assert "fraternal ties" in _row("meetings", meeting_id="2024-12-sadiq-visit-kabul")["description"]


def test_003s_recommendations_named_without_words_are_a_position():
    s = _row("statements", statement_id="003-sadiq-recommendations")
    assert s["content_kind"] == "position" and s["speaker_id"] == "mohammad-sadiq"


def test_001s_afghan_delegation_implied_by_the_delegations_is_an_inference():
    row = _row("meeting_participants", participant_id="2024-12-24-sadiq-muttaqi-kabul:afghan-delegation")
    # 001's plural covers both sides: the printed words, then the side this row is
    assert row["unnamed"] == "the delegations (the Afghan side)" and row["participation_basis"] == "inferred"


def test_an_observation_dated_by_a_public_record_publication_date_says_so():
    obs = T["role_observations"].filter(pl.col("article_id") == A003)
    assert obs.height and all("public record" in n for n in obs["note"] if n is not None)
    assert _row("meetings", meeting_id="2023-07-durrani-azizi-kabul")["place_basis"] == "stated"


def test_002s_words_at_the_haqqani_meeting_take_its_disputed_interval_and_link_the_date_conflict():
    linked = set(T["conflict_records"].filter(pl.col("conflict_id") == "haqqani-meeting-date")["record_id"].to_list())
    for sid in ("002-haqqani-urgency", "002-sadiq-condolences", "002-joint-haqqani-continued-cooperation"):
        s = _row("statements", statement_id=sid)
        assert s["meeting_id"] == "2024-12-sadiq-haqqani-kabul" and s["date"] == "2024-12-23/2024-12-24", sid
        assert sid in linked, sid


def test_001s_background_stance_of_the_taliban_is_a_position_as_its_neighbours_are():
    for sid in (
        "001-taliban-reject-criticism-as-interference",
        "001-western-countries-refused-contacts",
        "001-un-turned-down-taliban-requests",
    ):
        assert _row("statements", statement_id=sid)["content_kind"] == "position", sid


def test_the_rows_resting_on_nizamis_identification_say_so():
    assert "public record" in _row("roles", role_id="ubaid-nizamani/charge-d-affaires")["note"]
    for mid in ("2024-12-sadiq-visit-kabul", "2024-12-24-sadiq-muttaqi-kabul", "2024-12-sadiq-haqqani-kabul"):
        row = _row("meeting_participants", participant_id=f"{mid}:ubaid-nizamani")
        assert "Ubaid Nizami" in row["participation_note"] and "public record" in row["participation_note"], mid


def test_004s_headline_states_kabul_for_its_meetings_and_003s_visit_leaves_it_inferred():
    for mid in ("2023-07-durrani-kabir-kabul", "2023-07-durrani-azizi-kabul"):
        row = _row("meetings", meeting_id=mid)
        assert row["city"] == "Kabul" and row["place_basis"] == "stated" and "headline" in row["place_note"], mid
    for mid in ("2025-03-22-sadiq-muttaqi-kabul", "2025-03-sadiq-azizi-kabul"):
        assert _row("meetings", meeting_id=mid)["place_basis"] == "inferred", mid


def test_words_dated_by_inference_at_a_disputed_meeting_must_link_its_date_conflict(checkout):
    problems = _break(
        checkout,
        "registry",
        "      - {table: statements, id: 002-sadiq-condolences}\n",
        "",
    )
    (p,) = [p for p in problems if p.check == "disputed date not linked"]
    assert p.where.endswith("002_0d9ee7f76d7cf8bd.yaml") and p.line and p.field == "date", p
    assert "haqqani-meeting-date" in p.message and "002-sadiq-condolences" in p.message, p


def test_an_interval_open_at_one_end_names_the_bound_it_infers():
    # 002 prints no date; it was published on or after 24 December 2024, and nothing closes it
    a = _row("articles", article_id=A002)
    assert a["published_date"] == "2024-12-24/.." and a["published_date_inferred_part"] == "start"
    for r in T["role_observations"].filter(pl.col("article_id") == A002).iter_rows(named=True):
        assert r["observed_date"] == "2024-12-24/.." and r["observed_inferred_part"] == "start", r["role_id"]
    i = _row("incidents", incident_id="taliban-relocate-ttp-from-border")
    assert i["date"] == "../2024-12-31" and i["date_inferred_part"] == "end"


def test_whole_for_an_interval_open_at_one_end_is_refused_with_its_file_and_line(checkout):
    problems = _break(checkout, A002, "  published_date_inferred_part: start", "  published_date_inferred_part: whole")
    found = [p for p in problems if "open_interval" in p.check and p.where.endswith(f"{A002}.yaml")]
    assert found and all(p.line for p in found), problems


def test_sadiqs_first_term_keeps_000s_2019_and_says_public_record_has_june_2020():
    r = _row("roles", role_id="mohammad-sadiq/special-representative-afghanistan/2019")
    assert r["start_date"] == "2019" and "6 June 2020" in r["note"] and "contradicts" in r["note"]


def test_003s_characterized_foreign_office_statement_is_about_the_monday_meeting_like_its_other_rows():
    rows = {
        sid: _row("statements", statement_id=sid)
        for sid in ("003-fo-refrained-from-mentioning-ttp", "003-sadiq-briefing-recent-visit")
    }
    fo, briefing = rows["003-fo-refrained-from-mentioning-ttp"], rows["003-sadiq-briefing-recent-visit"]
    assert fo["about_meeting_id"] == briefing["meeting_id"] == "2025-03-24-dar-briefing-islamabad"
    assert fo["meeting_id"] is None and fo["meeting_basis"] == "inferred" and fo["date"] == briefing["date"]


def test_a_persons_name_no_article_prints_is_flagged_public_record_with_its_source():
    sadiq = _row("persons", person_id="mohammad-sadiq")
    assert sadiq["name"] == "Mohammad Sadiq Khan" and sadiq["name_basis"] == "public-record"
    assert "pakistantoday.com.pk" in sadiq["note"]
    assert _row("persons", person_id="amir-khan-muttaqi")["name_basis"] == "stated"  # 001 prints it


def test_a_fuller_name_without_its_source_is_refused_at_its_registry_line(checkout):
    text = (checkout.curation / "registry.yaml").read_text(encoding="utf-8")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "{id: mohammad-sadiq," in t)
    problems = _break(
        checkout,
        "registry",
        text.splitlines()[line - 1] + "\n",
        "  - {id: mohammad-sadiq, name: Mohammad Sadiq Khan}\n",
    )
    (p,) = [p for p in problems if p.check == "name not printed"]
    assert p.where.endswith("registry.yaml") and p.line == line and p.field == "persons.note", p


def test_000s_quoted_topic_of_the_haqqani_meeting_is_dismissed_not_filed_as_joint_speech():
    d = T["dismissals"].filter(pl.col("article_id") == A000)
    (row,) = [r for r in d.iter_rows(named=True) if "bilateral issues of common interest" in r["text"]]
    assert "topic" in row["reason"] and "not words" in row["reason"]
    assert (
        "bilateral issues of common interest"
        in _row("meetings", meeting_id="2024-12-sadiq-haqqani-kabul")["description"]
    )


def test_the_ttps_spellings_in_the_articles_are_in_its_note():
    note = _row("organizations", organization_id="ttp")["note"]
    assert all(form in note for form in ("Tehrik-e-Taliban", "Tehreek-e-Taliban", "Tehrik-i-Taliban"))


def test_each_kabul_meetings_evidence_shows_the_place():
    for mid in (
        "2024-12-sadiq-haqqani-kabul",
        "2023-07-durrani-kabir-kabul",
        "2023-07-durrani-azizi-kabul",
        "2025-03-22-sadiq-muttaqi-kabul",
        "2025-03-sadiq-azizi-kabul",
    ):
        ev = T["evidence"].filter((pl.col("record_table") == "meetings") & (pl.col("record_id") == mid))
        assert any("Kabul" in t for t in ev["text"]), mid
