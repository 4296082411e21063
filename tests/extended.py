"""A checkout extended with fictional articles that change existing records (#17 item 4).

`extend(root)` adds, as a contributor would (new-article, then the curation), two fictional
reports (tests/fixtures/extended/): one narrows a registry meeting's date and prints a new
spelling of a registry person; the other names a new holder of a one-holder post (ending the
registry holder's role) and reports a new meeting, inserted at the top of the registry's
meetings. The fact tests must pass on the result as on the five seeds.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from pak_afghan_diplomacy.tools.new_article import add

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "extended"
NARROWED = "2024-12-24-sadiq-muttaqi-kabul"
ENDED = "mohammad-sadiq/special-representative-afghanistan/2024"


def extend(root: Path) -> list[str]:
    """Add the fictional reports to the checkout at `root`; returns their article ids."""
    ids = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("narrowing", "successor"):
            source = Path(tmp) / f"{name}.txt"
            shutil.copy(FIXTURE / f"{name}.txt", source)
            article_id, target = add(source, root / "seeds", root / "build")
            shutil.copy(FIXTURE / f"{name}.yaml", target)
            ids.append(article_id)
    path = root / "build" / "registry.yaml"
    text = path.read_text(encoding="utf-8")
    # as a curator edits it: the narrowed date in its record, the ended role, new records at the top
    text = _in_record(
        text,
        NARROWED,
        r'    date: "[^"]*"\n(?:    date_inferred_part: \w+\n)?    date_basis: [\w-]+\n(?:    date_note: .*\n)?',
        '    date: "2024-12-24"\n    date_basis: stated\n'
        '    date_note: "Printed “December 24, 2024” by a later (fictional) source; 001’s “Tuesday” agrees."\n',
    )
    text = _in_record(text, ENDED, r"    status: current\n", "    status: ended\n")
    text = _first(text, "persons", "  - {id: farhan-exemplo, name: Farhan Exemplo}\n")
    text = _first(
        text,
        "roles",
        "  - {id: farhan-exemplo/special-representative-afghanistan/2026, person: farhan-exemplo, "
        'organization: pak-government, post: special-representative-afghanistan, start_date: "2026", '
        "start_date_basis: inferred, start_date_inferred_part: whole, "
        'start_date_note: "Named by February 2026 (fictional).", status: current}\n',
    )
    text = _first(text, "meetings", MEETING)
    path.write_text(text, encoding="utf-8")
    return ids


MEETING = """  - id: 2026-02-01-exemplo-muttaqi-kabul
    kind: bilateral meeting
    date: "2026-02-01"
    date_basis: inferred
    date_inferred_part: day
    date_note: "“on Sunday”, before the Monday 2 February 2026 publication (fictional)."
    city: Kabul
    country: AFG
    place_basis: stated
    description: Farhan Exemplo meets Amir Khan Muttaqi (fictional).
    participants:
      - {person: farhan-exemplo, side: PAK, participation: visitor}
      - {person: amir-khan-muttaqi, side: AFG, participation: host}
"""


def _in_record(text: str, rid: str, old: str, new: str) -> str:
    """Substitute the first match of `old` inside the registry's block record `- id: <rid>`."""
    head = re.search(rf"^  - id: {re.escape(rid)}\n", text, re.M)
    assert head, f"fixture drift: no record {rid!r}"
    nxt = re.compile(r"^(?:  [-#]|\S)", re.M).search(text, head.end())
    found = re.compile(old, re.M).search(text, head.start(), nxt.start() if nxt else len(text))
    assert found, f"fixture drift: {old!r} not in record {rid!r}"
    return text[: found.start()] + new + text[found.end() :]


def _first(text: str, section: str, record: str) -> str:
    """`record` inserted as the first item of the registry's `section`."""
    head = re.search(rf"^{section}:\n(?:#.*\n|  #.*\n)*", text, re.M)
    assert head, f"fixture drift: no section {section!r}"
    return text[: head.end()] + record + text[head.end() :]
