"""Facts of the dataset, checked against the published tables and the seed texts themselves."""

from __future__ import annotations

import polars as pl
import pytest

import pak_afghan_diplomacy as pad
from tests.conftest import ROOT

SEEDS = {p.stem: p.read_text(encoding="utf-8") for p in (ROOT / "seeds").glob("*.txt")}
T = {name: pad.load(name) for name in pad.tables()}


def _rows(table: str, **where) -> list[dict]:
    frame = T[table]
    for col, value in where.items():
        frame = frame.filter(pl.col(col) == value)
    return frame.to_dicts()


def test_every_span_is_the_seeds_characters_inside_the_body():
    bodies = {r["article_id"]: (r["body_start"], r["body_end"]) for r in T["articles"].iter_rows(named=True)}
    for table in ("statements", "evidence"):
        for r in T[table].iter_rows(named=True):
            lo, hi = bodies[r["article_id"]]
            assert lo <= r["char_start"] < r["char_end"] <= hi
            assert SEEDS[r["article_id"]][r["char_start"] : r["char_end"]] == r["text"]


def test_articles_hashes_and_bodies_exclude_appended_pages():
    for r in T["articles"].iter_rows(named=True):
        text = SEEDS[r["article_id"]]
        body = text[r["body_start"] : r["body_end"]]
        assert "Read More" not in body and "Gaza" not in body and "Qatar" not in body
    gaza = _rows("articles", article_id="004_5fd66b92c6fc2c14")[0]
    assert SEEDS[gaza["article_id"]][gaza["body_end"] :].count("Gaza") > 3


def test_one_person_many_spellings():
    sadiq = {r["name"] for r in _rows("person_names", person_id="mohammad-sadiq")}
    assert {"Mohammad Sadiq", "Muhammad Sadiq", "Sadiq"} <= sadiq
    durrani = {r["name"]: r for r in _rows("person_names", person_id="asif-durrani")}
    assert {"Asif Durrani", "Asif Durani", "Asif Ali"} <= set(durrani)
    assert durrani["Asif Ali"]["inferred"] is True and durrani["Asif Ali"]["note"]


def test_the_wrong_name_is_a_flagged_conflict_not_a_silent_fix():
    conflict = _rows("conflicts", conflict_id="asif-ali-name")[0]
    assert conflict["kind"] == "name"
    linked = _rows("conflict_records", conflict_id=conflict["conflict_id"])
    assert {"record_table": "persons", "record_id": "asif-durrani"} in [
        {k: r[k] for k in ("record_table", "record_id")} for r in linked
    ]
    sides = {r["article_id"] for r in _rows("evidence", record_table="conflicts", record_id=conflict["conflict_id"])}
    assert "001_a76334a16812bac6" in sides and len(sides) >= 2


def test_the_sadiq_haqqani_meeting_is_one_row_reported_by_000_001_and_002():
    (meeting,) = _rows("meetings", meeting_id="2024-12-sadiq-haqqani-kabul")
    sources = {r["article_id"]: r for r in _rows("meeting_sources", meeting_id=meeting["meeting_id"])}
    assert {"000_a18c864ded8c9230", "001_a76334a16812bac6", "002_0d9ee7f76d7cf8bd"} <= set(sources)
    assert meeting["source_count"] == len(sources)
    evidenced = {r["article_id"] for r in _rows("evidence", record_table="meetings", record_id=meeting["meeting_id"])}
    assert evidenced == set(sources)


def test_disagreeing_dates_are_kept_and_flagged():
    (meeting,) = _rows("meetings", meeting_id="2024-12-sadiq-haqqani-kabul")
    assert meeting["date"] == "2024-12-23/2024-12-24" and meeting["date_precision"] == "interval"
    sources = {r["article_id"]: r for r in _rows("meeting_sources", meeting_id=meeting["meeting_id"])}
    assert sources["000_a18c864ded8c9230"]["reported_date"] == "2024-12-23"
    assert sources["001_a76334a16812bac6"]["reported_date"] == "2024-12-24"
    assert all(sources[a]["reported_date_inferred"] for a in ("000_a18c864ded8c9230", "001_a76334a16812bac6"))
    conflict = _rows("conflict_records", record_table="meetings", record_id=meeting["meeting_id"])
    assert [_rows("conflicts", conflict_id=c["conflict_id"])[0]["kind"] for c in conflict] == ["date"]


def test_one_utterance_two_speakers_is_an_attribution_conflict():
    a = _rows("statements", statement_id="000-sadiq-collaborative-efforts")[0]
    b = _rows("statements", statement_id="001-haqqani-collaborative-efforts")[0]
    assert a["utterance_id"] == b["utterance_id"] is not None
    assert (a["speaker_id"], b["speaker_id"]) == ("mohammad-sadiq", "sirajuddin-haqqani")
    linked = {
        r["record_id"]
        for c in _rows("conflicts", kind="attribution")
        for r in _rows("conflict_records", conflict_id=c["conflict_id"])
    }
    assert {a["statement_id"], b["statement_id"]} <= linked


def test_quote_with_missing_closing_mark_is_a_statement():
    text = SEEDS["001_a76334a16812bac6"]
    start = text.index("“must enhance") + 1
    (s,) = [r for r in T["statements"].iter_rows(named=True) if r["char_start"] == start]
    assert s["speaker_id"] == "amir-khan-muttaqi"
    assert s["text"].endswith("between Afghanistan and Pakistan.")


def test_scare_quotes_are_not_statements():
    assert not [t for t in T["statements"]["text"] if t.strip("“”.,") == "hideouts"]


def test_dates_keep_their_precision():
    (visit,) = _rows("meetings", meeting_id="2023-09-durrani-visit-kabul")
    assert (visit["date"], visit["date_precision"]) == ("2023-09", "month")
    assert (str(visit["date_earliest"]), str(visit["date_latest"])) == ("2023-09-01", "2023-09-30")
    (former,) = _rows("roles", role_id="asif-durrani/special-representative-afghanistan/2023")
    # 000's "dismissed in September" (no year) is dated by public record to the day, and says so
    assert (former["end_date"], former["end_date_inferred"], former["status"]) == ("2024-09-10", True, "ended")
    assert former["end_date_basis"] == "public-record" and "September" in former["end_date_note"]


@pytest.mark.parametrize("table", ["persons", "roles", "meetings", "meeting_participants", "conflicts"])
def test_every_row_has_evidence(table):
    key = {
        "persons": "person_id",
        "roles": "role_id",
        "meetings": "meeting_id",
        "meeting_participants": "participant_id",
        "conflicts": "conflict_id",
    }[table]
    evidenced = set(T["evidence"].filter(pl.col("record_table") == table)["record_id"])
    assert set(T[table][key]) <= evidenced


def test_the_december_2024_talks_were_part_of_sadiqs_visit():
    for mid in ("2024-12-sadiq-haqqani-kabul", "2024-12-24-sadiq-muttaqi-kabul"):
        (meeting,) = _rows("meetings", meeting_id=mid)
        assert meeting["part_of"] == "2024-12-sadiq-visit-kabul"


def test_004s_list_of_interlocutors_is_flagged_as_uncertain_grouping_with_its_unnamed_officials():
    for mid in ("2023-07-durrani-kabir-kabul", "2023-07-durrani-azizi-kabul"):
        (meeting,) = _rows("meetings", meeting_id=mid)
        assert meeting["grouping_uncertain"] and meeting["part_of"] == "2023-07-durrani-visit-kabul"
        # placed by 004's headline ("meets Afghan Taliban leaders in Kabul"), which the note quotes
        assert meeting["place_basis"] == "stated" and "leaders in Kabul" in meeting["place_note"]
    (officials,) = _rows("meeting_participants", participant_id="2023-07-durrani-visit-kabul:other-taliban-officials")
    assert officials["person_id"] is None and officials["unnamed"] == "other high-ranking Taliban officials"


def test_000s_x_posts_are_dated_to_the_days_the_article_allows():
    (post,) = _rows("statements", statement_id="000-sadiq-x-discussions")
    # "today", the day 000 was published: after the Muttaqi meeting it reports as held (24 December 2024)
    assert (post["date"], post["date_inferred"]) == ("2024-12-24/2024-12-31", True)
    assert (str(post["date_earliest"]), str(post["date_latest"])) == ("2024-12-24", "2024-12-31")


def test_durranis_post_is_seen_held_in_2023_and_left_by_december_2024():
    seen = {
        r["article_id"]: r["status"]
        for r in _rows("role_observations", role_id="asif-durrani/special-representative-afghanistan/2023")
    }
    assert seen["004_5fd66b92c6fc2c14"] == "current"
    assert seen["000_a18c864ded8c9230"] == seen["001_a76334a16812bac6"] == "ended"
    (role,) = _rows("roles", role_id="asif-durrani/special-representative-afghanistan/2023")
    assert role["status"] == "ended" and role["title"] == "Special Representative for Afghanistan"


def test_a_post_is_found_by_any_wording_a_source_prints():
    aliases = {r["alias"] for r in _rows("post_aliases", post_id="special-representative-afghanistan")}
    assert {"Special Envoy for Afghanistan", "special envoy for Afghan affairs"} <= aliases


def test_joint_words_are_attributed_to_both_sides_of_their_meeting():
    (joint,) = _rows("statements", statement_id="002-joint-haqqani-continued-cooperation")
    assert joint["attribution_kind"] == "joint" and joint["speaker_id"] is None
    assert joint["meeting_id"] == "2024-12-sadiq-haqqani-kabul"
