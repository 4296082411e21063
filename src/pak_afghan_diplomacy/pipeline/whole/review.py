"""Meetings a draft accepted without reading gets wrong, judged across the tables and the seed texts.

- A visit whose visitor is on the side of the country visited: a host does not visit his own
  country (a draft reads "X received Y in Islamabad" as X visiting).
- A place given as stated that the reporting articles print only in a dateline ("ISLAMABAD,
  Jan 14 (Wire) -"): where the report was filed from, not where the talks were held.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping

import polars as pl

from pak_afghan_diplomacy.pipeline.article.assemble import Tables
from pak_afghan_diplomacy.pipeline.problems import Problem


def _problem(tables: Tables, mid: str, field: str, check: str, value: str, message: str) -> Problem:
    """A problem located at meeting `mid`'s registry entry (or at the meetings table)."""
    where, line = tables.locate("meetings", mid) or ("meetings", None)
    return Problem(where, line=line, field=field, check=check, value=value, message=message)


def host_visiting(tables: Tables) -> list[Problem]:
    frames = tables.frames
    visits = frames["meetings"].filter(pl.col("kind") == "visit").select("meeting_id", "country")
    visitors = frames["meeting_participants"].filter(
        pl.col("participation") == "visitor", pl.col("person_id").is_not_null()
    )
    problems = []
    for mid, country, person, side in (
        visits.join(visitors, on="meeting_id").select("meeting_id", "country", "person_id", "side").rows()
    ):
        if country is None or side != country:
            continue
        problems.append(
            _problem(
                tables,
                mid,
                "meetings.participants",
                "host visiting",
                f"{mid}:{person}",
                f"{person} is the visitor of visit {mid} to {country} but on the side of {country}: a host does "
                f"not visit his own country. If {person} received someone there, {person} is the host "
                f"(participation: host) of a meeting with the person received, whose visit it is; if the "
                f"side is wrong, correct the side",
            )
        )
    return problems


def _dateline(city: str) -> re.Pattern[str]:
    # at the start of a line: the city (perhaps with its country), then a comma, colon, dash or bracket
    return re.compile(rf"(?im)^[ \t]*{re.escape(city)}\b(?=[ \t]*(?:,|:|\(|–|—|-))")


def _printed(body: str, city: str) -> bool | None:
    """Whether `city` is printed in `body` outside a dateline (False: only in one; None: not at all)."""
    lines = {m.start() for m in _dateline(city).finditer(body)}
    found = None
    for m in re.finditer(rf"(?i)\b{re.escape(city)}\b", body):
        at = body.rfind("\n", 0, m.start()) + 1
        if any(at <= d <= m.start() for d in lines) and body[at : m.start()].strip() == "":
            found = False if found is None else found
        else:
            return True
    return found


def dateline_places(tables: Tables, texts: Mapping[str, str]) -> list[Problem]:
    frames = tables.frames
    bodies = {a: (s, e) for a, s, e in frames["articles"].select("article_id", "body_start", "body_end").rows()}
    sources: dict[str, list[str]] = defaultdict(list)
    for mid, article in frames["meeting_sources"].select("meeting_id", "article_id").rows():
        sources[mid].append(article)
    stated = frames["meetings"].filter(pl.col("place_basis") == "stated", pl.col("city").is_not_null())
    cities = dict(stated.select("meeting_id", "city").rows())
    # each article's text is read once: (article, city) -> printed outside a dateline? (None: not printed)
    wanted: dict[str, set[str]] = defaultdict(set)
    for mid, city in cities.items():
        for article in sources.get(mid, []):
            wanted[article].add(city)
    seen: dict[tuple[str, str], bool | None] = {}
    for article, names in wanted.items():
        start, end = bodies[article]
        body = texts[article][start:end]
        for city in names:
            seen[(article, city)] = _printed(body, city)
    problems = []
    for mid, city in cities.items():
        found = [(a, seen[(a, city)]) for a in sources.get(mid, [])]
        dated = [a for a, printed in found if printed is False]
        if not dated or any(printed for _, printed in found):
            continue
        problems.append(
            _problem(
                tables,
                mid,
                "meetings.city",
                "dateline place",
                city,
                f"meeting {mid} is placed in {city} (place_basis: stated), but its articles "
                f"({', '.join(sorted(set(dated)))}) print {city} only in the dateline, where the report was "
                f"filed from: give the place the article says the meeting was held, or set city: null (or an "
                f"inferred place with place_note saying why)",
            )
        )
    return problems


def problems(tables: Tables, texts: Mapping[str, str] | None) -> list[Problem]:
    return host_visiting(tables) + (dateline_places(tables, texts) if texts is not None else [])
