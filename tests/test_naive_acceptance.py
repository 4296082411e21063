"""The held-out reports added by new-article and accepted without reading (#17, Done when).

Every `proposed:` deleted, every TODO filled with the draft's first guess, the registry block
copied in (tests/naive.py): the build must refuse, with a located problem, each trap planted in
the reports that the drafts fall for: a name that is not a person's, a section label as title or
body bound, a registry name with a part added drafted as a new person, a statement text carrying
its reporting words. The traps the drafts now avoid (a dateline as the meeting place, a host
visiting his own capital, a duplicate visit, an attribution not in the body) are asserted absent
or refused, so a regression in the drafts cannot slip through either way.
"""

from __future__ import annotations

import re
import shutil

import pytest
import yaml

from pak_afghan_diplomacy import dates
from pak_afghan_diplomacy.pipeline import Layout
from tests import naive
from tests.conftest import ROOT, build_fails

HELDOUT = ROOT / "benchmarks" / "heldout"


@pytest.fixture(scope="module")
def accepted(tmp_path_factory) -> tuple[Layout, list]:
    """An empty checkout (the held-out organizations and posts only), the ten reports added unread."""
    root = tmp_path_factory.mktemp("naive")
    for name in ("seeds", "build", "datasets"):
        (root / name).mkdir()
    (root / "seeds" / "SHA256SUMS").write_text("", encoding="utf-8")
    full = yaml.safe_load((HELDOUT / "build" / "registry.yaml").read_text(encoding="utf-8"))
    start = {k: (full[k] if k in ("organizations", "posts") else []) for k in full}
    (root / "build" / "registry.yaml").write_text(yaml.safe_dump(start, sort_keys=False), encoding="utf-8")
    reports = sorted((HELDOUT / "seeds").glob("*.txt"))
    copies = []
    for report in reports:  # a contributor's own file, outside the checkout
        copies.append(root.parent / f"{root.name}-{report.name}")
        shutil.copy(report, copies[-1])
    naive.run(root, copies)
    layout = Layout(root)
    return layout, build_fails(layout)


def _registry(layout: Layout) -> dict:
    return yaml.safe_load((layout.curation / "registry.yaml").read_text(encoding="utf-8"))


def _refused(problems, check: str, value=None, where=None) -> list:
    return [
        p
        for p in problems
        if p.check == check and p.line and (value is None or p.value == value) and (where is None or p.where == where)
    ]


def _article(layout: Layout, prefix: str) -> str:
    (path,) = layout.curation.glob(f"{prefix}_*.yaml")
    return f"build/{path.name}"


def test_names_that_are_not_persons_are_refused(accepted):
    layout, problems = accepted
    drafted = {p["name"] for p in _registry(layout)["persons"]}
    for name in ("Frontier Wire App", "Trilateral Dialogue", "Northern Economic Corridor"):
        if name in drafted:
            assert _refused(problems, "not a person", name), name


def test_a_section_label_as_title_or_body_bound_is_refused(accepted):
    layout, problems = accepted
    wire = _article(layout, "002")
    doc = yaml.safe_load((layout.root / wire).read_text(encoding="utf-8"))
    if doc["article"]["title"] == "WORLD":
        assert _refused(problems, "title not a headline", "WORLD", wire)
    if doc["article"]["body"]["start"] == "WORLD":
        assert [p for p in _refused(problems, "body bounded by furniture", where=wire) if p.field.endswith("start")]
    for prefix in ("002", "009"):  # an app prompt, a "Read more" teaser after the report
        where = _article(layout, prefix)
        end = yaml.safe_load((layout.root / where).read_text(encoding="utf-8"))["article"]["body"]["end"]
        if "Read more" in end or "Wire App" in end:  # the scaffold's body.end: the page's last words
            assert [p for p in _refused(problems, "body bounded by furniture", where=where) if p.field.endswith("end")]


def test_a_registry_name_with_a_part_added_is_refused_as_a_near_duplicate(accepted):
    layout, problems = accepted
    ids = {p["id"] for p in _registry(layout)["persons"]}
    for twin, original in (
        ("muhammad-daud-shahrani", "daud-shahrani"),
        ("bashir-ahmed-nooristani", "bashir-ahmad-nuristani"),
    ):
        if twin in ids:
            hits = _refused(problems, "near-duplicate person", twin) + _refused(
                problems, "near-duplicate person", original
            )
            assert hits and original in hits[0].message and twin in hits[0].message


def test_statement_texts_carrying_their_reporting_words_are_refused(accepted):
    layout, problems = accepted
    carrying = []
    for path in sorted(layout.curation.glob("0*.yaml")):
        for i, st in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")).get("statements") or []):
            text = st["text"]
            if re.match(r"(?i)(said|says|according to|has said|that)\b", text) or re.search(
                r"(?i)\b(said|says|added)\W*$", text
            ):
                carrying.append((f"build/{path.name}", f"statements[{i}].text"))
    assert carrying, "the drafts no longer fall for this trap: keep the test honest by planting another"
    refused = {(p.where, p.field) for p in _refused(problems, "reporting words in text")}
    assert set(carrying) <= refused


def test_traps_the_drafts_avoid_are_absent_or_refused(accepted):
    layout, problems = accepted
    registry = _registry(layout)
    texts = {p.stem: p.read_text(encoding="utf-8") for p in layout.seeds.glob("*.txt")}
    for m in registry["meetings"]:
        country, visitors = m.get("country"), [p for p in m["participants"] if p.get("participation") == "visitor"]
        if m["kind"] == "visit" and any(p.get("side") == country for p in visitors):
            assert _refused(problems, "host visiting"), m["id"]
        city = m.get("city")
        if city and m.get("place_basis") == "stated":
            printed = [t for t in texts.values() if re.search(rf"\b{re.escape(city)}\b", t)]
            datelined = all(
                all(
                    re.match(rf"(?i)\s*{re.escape(city)}\s*[,:(–-]", line)
                    for line in t.splitlines()
                    if city.lower() in line.lower()
                )
                for t in printed
            )
            if printed and datelined:
                assert _refused(problems, "dateline place", city), m["id"]
    visits = [m for m in registry["meetings"] if m["kind"] == "visit"]
    for i, a in enumerate(visits):
        for b in visits[i + 1 :]:
            same = {p.get("person") for p in a["participants"] if p.get("participation") == "visitor"} & {
                p.get("person") for p in b["participants"] if p.get("participation") == "visitor"
            }
            if same - {None} and dates.overlap(dates.bounds(a["date"]), dates.bounds(b["date"])):
                assert _refused(problems, "duplicate meeting"), (a["id"], b["id"])
    for path in sorted(layout.curation.glob("0*.yaml")):
        text = texts[path.stem]
        for i, st in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")).get("statements") or []):
            parts = [w.strip() for w in re.split(r"\.\.\.|…", st.get("attribution") or "") if w.strip()]
            if any(part not in text for part in parts):
                assert [
                    p
                    for p in _refused(problems, "quote", where=f"build/{path.name}")
                    if p.field.endswith(f"statements[{i}].attribution")
                ]


def test_every_refusal_is_located_and_names_a_fix(accepted):
    _, problems = accepted
    mine = ("not a person", "near-duplicate person", "title not a headline", "body bounded by furniture")
    mine += ("reporting words in text", "host visiting", "dateline place", "duplicate meeting")
    for p in problems:
        if p.check in mine:
            assert p.where and p.line and p.field and len(p.message) > 60, p
