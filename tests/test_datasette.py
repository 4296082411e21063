"""The SQLite export as a reader meets it in Datasette, through Datasette's own test client: pages, full-text
search, foreign keys shown by name, helper tables hidden, canned queries and views that answer the questions."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import polars as pl
import pytest

import pak_afghan_diplomacy as pad
from pak_afghan_diplomacy.export import QUERIES, VIEWS, to_sqlite

datasette_app = pytest.importorskip("datasette.app")


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ds")
    to_sqlite(folder / "pad.db")
    metadata = json.loads((folder / "pad.metadata.json").read_text(encoding="utf-8"))
    ds = datasette_app.Datasette([str(folder / "pad.db")], metadata=metadata)

    def get(path: str):
        response = asyncio.run(ds.client.get(path))
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
        return response

    return get


def _rows(response) -> list[dict]:
    return response.json()["rows"]


def test_every_page_a_reader_opens_renders(client):
    home = client("/").text
    assert pad.datapackage()["title"] in home
    for view in ("meetings_with_participants", "statements_with_speakers", "posts_held"):
        assert f'href="/pad/{view}"' in home  # readers land on the questions, not on the helper tables
    database = client("/pad").text
    for article in pad.load("articles")["title"]:
        assert article in database  # the articles are listed where readers land
    for table in pad.tables():
        client(f"/pad/{table}")
    for view in VIEWS:
        client(f"/pad/{view}")
    statement = pad.load("statements")["statement_id"][0]
    assert statement in client(f"/pad/statements/{statement}").text


def test_helper_tables_are_hidden(client):
    tables = {t["name"]: t["hidden"] for t in client("/pad.json").json()["tables"]}
    for helper in ("_tables", "_columns", "_package", "statements_fts"):
        assert tables[helper] is True, helper
    assert tables["meetings"] is False


def test_full_text_search_finds_a_word_only_where_it_is(client):
    statements = pad.load("statements")
    word = "TTP"
    having = set(statements.filter(pl.col("text").str.contains(rf"\b{word}\b"))["statement_id"])
    assert having and len(having) < statements.height
    found = {r["statement_id"] for r in _rows(client(f"/pad/statements.json?_search={word}&_shape=objects"))}
    assert having <= found and found < set(statements["statement_id"])


def test_a_spelling_is_searchable(client):
    names = pad.load("person_names")
    spelling = names["name"][0]
    surname = spelling.split()[-1]
    found = _rows(client(f"/pad/person_names.json?_search={surname}&_shape=objects"))
    assert spelling in {r["name"] for r in found}


def test_foreign_keys_show_the_name_not_the_id(client):
    statement = pad.load("statements").filter(pl.col("speaker_id").is_not_null()).row(0, named=True)
    person = pad.load("persons").filter(pl.col("person_id") == statement["speaker_id"])["name"].item()
    rows = _rows(client(f"/pad/statements.json?statement_id={statement['statement_id']}&_labels=on&_shape=objects"))
    assert rows[0]["speaker_id"] == {"value": statement["speaker_id"], "label": person}


def test_canned_queries_answer_what_their_titles_promise(client):
    assert set(QUERIES) <= {q["name"] for q in client("/pad.json").json()["queries"]}
    participants = pad.load("meeting_participants").filter(pl.col("person_id").is_not_null())
    person_id = participants["person_id"][0]
    surname = pad.load("persons").filter(pl.col("person_id") == person_id)["name"].item().split()[-1]
    meetings = set(participants.filter(pl.col("person_id") == person_id)["meeting_id"])
    got = {r["meeting_id"] for r in _rows(client(f"/pad/meetings_of_a_person.json?name={surname}&_shape=objects"))}
    assert meetings <= got
    said = _rows(client("/pad/statements_mentioning.json?word=TTP&_shape=objects"))
    assert said and all("ttp" in (r["text"] + r["context"]).lower() for r in said)  # the words or their clause
    disputed = _rows(client("/pad/disputed_dates.json?_shape=objects"))
    dated = set(pad.load("conflicts").filter(pl.col("kind") == "date")["conflict_id"])
    assert {r["conflict_id"] for r in disputed} == dated


def test_the_meetings_view_keeps_unnamed_groups_and_the_post_held_at_the_date(client):
    rows = _rows(client("/pad/meetings_with_participants.json?_shape=objects&_size=max"))
    participants = pad.load("meeting_participants")
    assert len(rows) == participants.height  # nobody dropped, unnamed groups included
    unnamed = set(participants.filter(pl.col("person_id").is_null())["unnamed"])
    assert unnamed <= {r["participant"] for r in rows}
    roles = pad.load("roles")
    meetings = {m["meeting_id"]: m for m in pad.load("meetings").iter_rows(named=True)}
    persons = dict(pad.load("persons").select("name", "person_id").iter_rows())
    for r in rows:
        if r["participant_kind"] != "person" or not r["post_at_meeting"]:
            continue
        m = meetings[r["meeting_id"]]
        for title in r["post_at_meeting"].split("; "):
            held = roles.filter((pl.col("person_id") == persons[r["participant"]]) & (pl.col("title") == title))
            assert any(
                (x["start_earliest"] is None or m["date_latest"] is None or x["start_earliest"] <= m["date_latest"])
                and (x["end_latest"] is None or m["date_earliest"] is None or x["end_latest"] >= m["date_earliest"])
                for x in held.iter_rows(named=True)
            ), (r["meeting_id"], r["participant"], title)


def test_a_role_ended_before_a_meeting_is_not_its_post(tmp_path):
    """A post held years before the meeting must not be listed: planted in a copy of the tables."""
    import sqlite3

    to_sqlite(tmp_path / "pad.db")
    con = sqlite3.connect(tmp_path / "pad.db")
    meeting_id, person_id = con.execute(
        "SELECT meeting_id, person_id FROM meeting_participants p JOIN meetings m USING (meeting_id) "
        "WHERE person_id IN (SELECT person_id FROM roles) AND m.date_earliest IS NOT NULL LIMIT 1"
    ).fetchone()
    con.execute("CREATE TEMP TABLE r AS SELECT * FROM roles WHERE person_id = ? LIMIT 1", (person_id,))
    con.execute(
        "UPDATE r SET role_id = 'planted', title = 'Planted Old Post', start_earliest = '1990-01-01', "
        "end_earliest = '1991-01-01', end_latest = '1991-01-01', status = 'ended'"
    )
    con.execute("INSERT INTO roles SELECT * FROM r")
    posts = [
        r[0]
        for r in con.execute(
            "SELECT post_at_meeting FROM meetings_with_participants v JOIN persons pe ON pe.name = v.participant "
            "WHERE meeting_id = ? AND pe.person_id = ?",
            (meeting_id, person_id),
        )
    ]
    assert posts and all("Planted Old Post" not in (p or "") for p in posts)


def test_metadata_is_written_for_readers(tmp_path):
    to_sqlite(tmp_path / "pad.db")
    meta = json.loads((tmp_path / "pad.metadata.json").read_text(encoding="utf-8"))
    db = meta["databases"]["pad"]
    assert db["description_html"] and "`" not in json.dumps(db["tables"])  # Markdown rendered, not raw
    assert all(not v.get("description", "").startswith("View:") for v in db["tables"].values())
    assert Path(tmp_path / "pad.db").stat().st_mode & 0o444 == 0o444


def test_joint_words_name_both_speakers_in_the_statements_view(client):
    speakers = pad.load("statement_speakers").filter(pl.col("capacity") == "joint")
    if not speakers.height:
        pytest.skip("no joint statement in this package")
    statement_id = speakers["statement_id"][0]
    names = pad.load("persons").filter(
        pl.col("person_id").is_in(speakers.filter(pl.col("statement_id") == statement_id)["person_id"].implode())
    )["name"]
    (row,) = _rows(client(f"/pad/statements_with_speakers.json?statement_id={statement_id}&_shape=objects"))
    assert all(name in row["speaker"] for name in names), row["speaker"]
