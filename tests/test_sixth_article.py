"""A sixth article, added as a contributor would: `new-article`, curation, `build`, `validate`, `info`.

The article is fictional (tests/fixtures/fictional/), written for these tests and never
published. It exercises what ordinary reports say: a URL and a publisher known from the
site, unnamed participants with a count, a visit and the talks that were part of it, talks
whose grouping is uncertain, a meeting with no stated date, the date of an X post, an
unattributed report, an inferred place and a role seen at the article's date.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "fictional"
CLI = str(Path(sys.executable).with_name("pak-afghan-diplomacy"))


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([CLI, *args], capture_output=True, text=True)


@pytest.fixture(scope="module")
def sixth(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("sixth")
    for name in ("seeds", "build", "datasets"):
        shutil.copytree(ROOT / name, root / name)
    added = _run("new-article", str(FIXTURE / "article.txt"), "--root", str(root))
    assert added.returncode == 0, added.stderr
    article_id = re.search(r"added seeds/(\S+)\.txt", added.stdout).group(1)
    (root / "build" / "registry").mkdir(exist_ok=True)
    shutil.copy(FIXTURE / "registry.yaml", root / "build" / "registry" / "zz-fictional.yaml")
    shutil.copy(FIXTURE / "article.yaml", root / "build" / f"{article_id}.yaml")
    built = _run("build", "--root", str(root))
    assert built.returncode == 0, built.stderr
    return root, article_id


def _table(root: Path, name: str) -> pl.DataFrame:
    return pl.read_parquet(root / "datasets" / "parquet" / f"{name}.parquet")


def test_the_package_with_a_sixth_article_validates_and_lists_it(sixth):
    root, _ = sixth
    valid = _run("validate", "--path", str(root / "datasets"), "--seeds", str(root / "seeds"))
    assert valid.returncode == 0, valid.stderr
    info = _run("info", "--path", str(root / "datasets"))
    assert info.returncode == 0, info.stderr
    assert "https://example.org/fictional/minister-visits-kabul" in info.stdout
    articles = len(list((root / "seeds").glob("*.txt")))
    assert f"sources ({articles} articles)" in info.stdout


def test_the_articles_provenance_is_recorded(sixth):
    root, article_id = sixth
    (row,) = _table(root, "articles").filter(pl.col("article_id") == article_id).to_dicts()
    assert row["url"] == "https://example.org/fictional/minister-visits-kabul"
    assert (row["publisher"], row["publisher_basis"], row["language"]) == ("Example Fictional News", "site", "en")
    assert row["accessed"] == "2025-04-15"
    text = (root / "seeds" / f"{article_id}.txt").read_text(encoding="utf-8")
    body = text[row["body_start"] : row["body_end"]]
    assert body.startswith("Fictional minister") and "FICTIONAL REPORT" not in body and "Read more" not in body


def test_unnamed_participants_are_kept_as_printed_with_their_count(sixth):
    root, _ = sixth
    (row,) = (
        _table(root, "meeting_participants")
        .filter(pl.col("participant_id") == "fx-2025-04-fictus-visit-kabul:federal-secretaries")
        .to_dicts()
    )
    assert row["person_id"] is None
    assert (row["unnamed"], row["count"], row["side"]) == (
        "federal secretaries for commerce, railways and interior",
        3,
        "PAK",
    )


def test_talks_are_part_of_the_visit_and_their_grouping_is_flagged(sixth):
    root, _ = sixth
    (talks,) = _table(root, "meetings").filter(pl.col("meeting_id") == "fx-2025-04-14-fictus-talks-kabul").to_dicts()
    assert talks["part_of"] == "fx-2025-04-fictus-visit-kabul"
    assert talks["grouping_uncertain"] is True and "not clear" in talks["note"]
    assert (talks["city"], talks["place_basis"]) == ("Kabul", "inferred") and talks["place_note"]


def test_a_meeting_with_no_stated_date_is_bounded_by_publication_only(sixth):
    root, article_id = sixth
    (rail,) = _table(root, "meetings").filter(pl.col("meeting_id") == "fx-rail-talks").to_dicts()
    assert rail["date"] == "../2025-04-14"
    assert rail["date_earliest"] is None and str(rail["date_latest"]) == "2025-04-14"
    (source,) = _table(root, "meeting_sources").filter(pl.col("meeting_id") == "fx-rail-talks").to_dicts()
    assert source["article_id"] == article_id and source["reported_date"] is None


def test_a_posts_date_and_an_unattributed_report(sixth):
    root, _ = sixth
    statements = {r["statement_id"]: r for r in _table(root, "statements").to_dicts()}
    post = statements["fx-fictus-trade-must-never-stop"]
    assert (post["date"], post["date_inferred"], post["setting"]) == ("2025-04-14", True, "X post")
    assert "today" in post["date_note"]
    report = statements["fx-crossings-reopened"]
    assert report["attribution_kind"] == "unattributed"
    assert report["speaker_id"] is None and report["speaker_organization_id"] is None


def test_a_role_is_seen_at_the_articles_date(sixth):
    root, article_id = sixth
    seen = _table(root, "role_observations").filter(pl.col("article_id") == article_id)
    assert ("zarak-fictus/railways-minister-fx", "2025-04-14", "current") in seen.select(
        "role_id", "observed_date", "status"
    ).rows()
    (role,) = _table(root, "roles").filter(pl.col("role_id") == "zarak-fictus/railways-minister-fx").to_dicts()
    assert (role["title"], role["observed_date"], role["status"]) == ("Minister of Railways", "2025-04-14", "current")
