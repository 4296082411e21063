"""Facts fixed for issue #12 ("from B− to A"): each test fails if its defect comes back."""

from __future__ import annotations

import polars as pl

import pak_afghan_diplomacy as pad

T = {name: pad.load(name) for name in pad.tables()}


def _row(table: str, **where) -> dict:
    frame = T[table]
    for col, value in where.items():
        frame = frame.filter(pl.col(col) == value)
    (row,) = frame.to_dicts()
    return row


def test_the_december_2024_visits_end_is_open():
    visit = _row("meetings", meeting_id="2024-12-sadiq-visit-kabul")
    assert visit["date"] == "2024-12-23/.." and visit["date_latest"] is None
    assert str(visit["date_earliest"]) == "2024-12-23"


def test_march_22_without_a_year_is_not_pinned_to_2025():
    meeting = _row("meetings", meeting_id="2025-03-22-sadiq-muttaqi-kabul")
    assert meeting["date_precision"] == "interval" and meeting["date_latest"] is None
    assert str(meeting["date_earliest"]) == "2022-03-22"
    assert "2019" in meeting["date_note"] and "March 2023" in meeting["date_note"]


def test_003s_monday_briefing_and_publication_have_no_upper_bound():
    briefing = _row("meetings", meeting_id="2025-03-dar-briefing")
    assert briefing["date"].endswith("/..") and briefing["date_latest"] is None
    article = _row("articles", article_id="003_bfa8549fb6924636")
    assert article["published_latest"] is None and article["published_date_basis"] == "inferred"


def test_004s_update_stamp_is_not_a_stated_publication_date():
    article = _row("articles", article_id="004_5fd66b92c6fc2c14")
    assert article["published_date_basis"] == "inferred" and "Updated 21 July 2023" in article["published_date_note"]


def test_every_row_resting_on_asif_ali_links_the_name_conflict():
    linked = set(
        T["conflict_records"]
        .filter(pl.col("conflict_id") == "asif-ali-name")
        .select("record_table", "record_id")
        .rows()
    )
    assert {
        ("persons", "asif-durrani"),
        ("person_names", "asif-durrani:001_a76334a16812bac6:Asif Ali"),
        ("meeting_participants", "2023-09-durrani-visit-kabul:asif-durrani"),
    } <= linked


def test_000_says_the_agreement_was_stated_during_the_muttaqi_meeting():
    s = _row("statements", statement_id="000-sadiq-x-agreed")
    assert s["meeting_id"] == "2024-12-sadiq-muttaqi-kabul"


def test_attribution_text_is_the_articles_words():
    for s in T["statements"].iter_rows(named=True):
        assert "..." not in (s["attribution_text"] or ""), s["statement_id"]


def test_omitted_statements_are_curated():
    assert _row("statements", statement_id="003-sadiq-briefing-recent-visit")["speaker_id"] == "mohammad-sadiq"
    fo = _row("statements", statement_id="003-fo-refrained-from-mentioning-ttp")
    assert fo["speaker_organization_id"] == "pak-foreign-office"
    assert _row("statements", statement_id="004-police-suicide-bombers")["speaker_organization_id"] == "pak-police"
    assert _row("statements", statement_id="001-un-turned-down-taliban-requests")["speaker_organization_id"] == (
        "united-nations"
    )


def test_the_friday_briefing_statements_are_dated():
    for s in T["statements"].filter(pl.col("speaker_id") == "mumtaz-zahra-baloch").iter_rows(named=True):
        assert s["date"] == "2023-07-21" and s["date_inferred"], s["statement_id"]


def test_the_postponed_visit_and_durranis_dismissal_reason_are_recorded():
    assert "postponed" in _row("meetings", meeting_id="2024-12-sadiq-visit-kabul")["note"]
    role = _row("roles", role_id="asif-durrani/special-representative-afghanistan/2023")
    assert "disagreements over Islamabad’s policy towards Afghanistan" in role["note"]
