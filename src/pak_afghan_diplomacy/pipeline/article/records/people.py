"""Persons and their spellings: the registry's canonical name, and each form an article prints."""

from __future__ import annotations

import re
import unicodedata
from itertools import combinations
from typing import TYPE_CHECKING, Any

import polars as pl
from rapidfuzz import fuzz

from pak_afghan_diplomacy.pipeline.problems import char_at
from pak_afghan_diplomacy.pipeline.read.curation import Article
from pak_afghan_diplomacy.pipeline.read.origin import line_of, source_of

if TYPE_CHECKING:
    from pak_afghan_diplomacy.pipeline.article.assemble import Builder


# Head words of names that are not people's: products, media, events, series, projects, places, bodies.
# A draft that takes every capitalised run for a person proposes these ("Frontier Wire App").
_NOT_PERSONAL = re.compile(
    r"\b(?:app|application|website|wire|news|agency|agencies|media|tv|television|radio|channel|newspaper|"
    r"dialogue|dialog|talks|conference|summit|forum|meeting|series|round|process|initiative|plan|project|"
    r"programme|program|corridor|pipeline|highway|motorway|railway|road|airport|port|gate|bridge|square|"
    r"crossing|border|province|district|valley|city|state|republic|kingdom|ministry|office|council|"
    r"committee|commission|assembly|parliament|senate|government|party|movement|front|army|force|forces|"
    r"police|bank|fund|company|corporation|group|institute|university|school|hospital|mosque|embassy|"
    r"consulate|mission|organisation|organization|union|nations|accord|agreement|treaty|declaration)\b",
    re.IGNORECASE,
)


def not_a_person(name: str) -> str | None:
    """The word that makes `name` read as something other than a person's name, if any."""
    m = _NOT_PERSONAL.search(name)
    return m.group() if m else None


def fold(name: str) -> str:
    """A name as compared for duplicates: NFKC (fullwidth, ligatures) and case folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def scripts(name: str) -> set[str]:
    """The scripts of a name's letters (`LATIN`, `CYRILLIC`, ...), from their Unicode names."""
    return {unicodedata.name(ch, "?").split()[0] for ch in name if ch.isalpha()}


def mixed_script(b: Builder, name: str, where: str, line: int | None, fieldname: str) -> None:
    """A name mixing Latin with Cyrillic or Greek letters is a homoglyph (`Іshaq` with a Cyrillic І)."""
    found = scripts(name)
    if len(found & {"LATIN", "CYRILLIC", "GREEK"}) > 1:
        odd = next(
            (i for i, ch in enumerate(name) if ch.isalpha() and not unicodedata.name(ch, "").startswith("LATIN")), 0
        )
        b.problem(
            where,
            line,
            fieldname,
            "mixed scripts",
            name,
            f"{char_at(name, odd)} among {', '.join(sorted(found))} letters: a look-alike letter? retype the name",
        )


def registry(b: Builder, records: dict[str, dict[str, Any]]) -> None:
    b.canonical_names.update(p["name"] for p in records["persons"].values())
    for i, (pid, p) in enumerate(records["persons"].items()):
        mixed_script(b, p["name"], source_of(p), line_of(p, "name"), f"persons[{i}].name")
        key = fold(p["name"])
        if key in b.person_keys:
            other, src, line, noted = b.person_keys[key]
            if not (noted and p.get("note")):
                b.problem(
                    source_of(p),
                    line_of(p, "name"),
                    f"persons[{i}].name",
                    "duplicate person",
                    p["name"],
                    f"the same name as {other} ({src} line {line}): one person, one id; "
                    "two persons of one name each need a note telling them apart",
                )
        else:
            b.person_keys[key] = (pid, source_of(p), line_of(p, "name"), bool(p.get("note")))
        row = {"person_id": pid, "name": p["name"], "name_basis": None, "note": p.get("note")}  # basis: finish()
        b.add("persons", row, source_of(p), line_of(p))
        if (word := not_a_person(p["name"])) and not p.get("note"):
            b.problem(
                source_of(p),
                line_of(p),
                "persons.name",
                "not a person",
                p["name"],
                f"“{p['name']}” reads as the name of something other than a person (“{word}”: a product, "
                f"medium, event, project, place or body): if it is not a person, delete it with its names "
                f"entries and put its words in each article's dismissed (reason: not a person); if it is "
                f"one, say so in the person's note",
            )
        distinct = [d for d in p.get("distinct_from") or [] if isinstance(d, str)]
        for j, other in enumerate(distinct):
            b.ref_later("persons", other, source_of(p), line_of(p, "distinct_from"), f"persons.distinct_from[{j}]")
        if distinct and not p.get("note"):
            b.problem(
                source_of(p),
                line_of(p, "distinct_from"),
                "persons.note",
                "distinct without note",
                pid,
                "say in note why this person is not the one whose name resembles theirs",
            )
        b.distinct_persons[pid] = frozenset(distinct)
        b.add(
            "person_names",
            {
                "name_id": f"{pid}:canonical:{p['name']}",
                "person_id": pid,
                "name": p["name"],
                "article_id": None,
                "inferred": False,
                "note": p.get("note"),
            },
            source_of(p),
            line_of(p),
        )


def article(b: Builder, a: Article) -> None:
    for i, n in enumerate(a.doc.get("names") or []):
        f = f"names[{i}]"
        if not b.ref("persons", n["person"], a.label, line_of(n, "person"), f"{f}.person"):
            continue
        mixed_script(b, n["name"], a.label, line_of(n, "name"), f"{f}.name")
        spans = b.spans(a, n, f"{f}.evidence")
        for s in spans:
            if n["name"] not in s.text:
                b.problem(
                    a.label,
                    line_of(n, "evidence"),
                    f"{f}.evidence",
                    "name not in quote",
                    s.text,
                    f"the quote must contain the name {n['name']!r} as printed",
                )
        b.add(
            "person_names",
            {
                "name_id": f"{n['person']}:{a.article_id}:{n['name']}",
                "person_id": n["person"],
                "name": n["name"],
                "article_id": a.article_id,
                "inferred": bool(n.get("inferred", False)),
                "note": n.get("note"),
            },
            a.label,
            line_of(n),
        )
        b.evidence("persons", n["person"], a, spans, line_of(n))


# Two spellings with as many parts are one name in two transliterations when the whole is this close
# (rapidfuzz ratio, as coverage's FUZZY_MIN) and no part is further apart than PART_MIN: short parts
# vary more ("Nooristani"/"Nuristani" 84, "Ahmed"/"Ahmad" 80), a different name does not ("Ali"/"Ahmad").
WHOLE_MIN = 85
PART_MIN = 75
# Words printed before a name that are not part of it (a draft may glue one on): titles, honorifics.
_NOT_A_NAME_PART = re.compile(
    r"^(?:mr|mrs|ms|dr|h\.?e\.?|sir|haji|hajji|mawlawi|maulvi|molvi|mullah|maulana|sheikh|shaikh|khalifa|"
    r"sardar|syed|sayed|mian|engineer|eng|general|gen|ambassador|minister|secretary|envoy|president|"
    r"premier|deputy|acting|foreign|interior|prime|spokesperson|spokesman|spokeswoman)\.?$",
    re.IGNORECASE,
)


def name_parts(name: str) -> tuple[str, ...]:
    return tuple(w.casefold() for w in re.findall(r"[^\W\d_][\w’'-]*", name))


def close_names(a: tuple[str, ...], b: tuple[str, ...]) -> str | None:
    """How two spellings are one name: a part added or dropped, another transliteration, a title glued on."""
    core_a = tuple(w for w in a if not _NOT_A_NAME_PART.match(w)) or a
    core_b = tuple(w for w in b if not _NOT_A_NAME_PART.match(w)) or b
    if core_a == core_b:
        return "the same name with a title or honorific" if a != b else "the same name"
    short, long = sorted((core_a, core_b), key=len)
    if len(short) >= 2 and len(short) < len(long) and set(short) <= set(long):
        return "the same name with a part added or dropped"
    pairs = zip(core_a, core_b, strict=False)
    if (
        len(core_a) == len(core_b) >= 2
        and fuzz.ratio(" ".join(core_a), " ".join(core_b)) >= WHOLE_MIN
        and all(fuzz.ratio(x, y) >= PART_MIN for x, y in pairs)
    ):
        return "the same name in another transliteration"
    return None


def _core(parts: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(w for w in parts if not _NOT_A_NAME_PART.match(w)) or parts


def _keys(parts: tuple[str, ...]) -> set[tuple]:
    """Blocking keys: two spellings that can be close share one (a subset of parts, or the initials)."""
    core = _core(parts)
    keys: set[tuple] = {("initials", tuple(w[0] for w in core))}
    if len(core) <= 6:
        for n in range(2, len(core) + 1):
            keys.update(("parts", frozenset(sub)) for sub in combinations(core, n))
    return keys


# The only columns finish() reads of these tables: it is handed them cut so (whole/memo.py), and an edit
# to another column (a spelling's note) does not make it run again over the whole corpus.
READS = {"person_names": ("person_id", "name", "article_id")}


def _name_basis(b: Builder, frames: dict[str, pl.DataFrame]) -> None:
    """`stated` where an article prints the person's name as it stands; else it is public record, whose
    source the note must give (a curator's fuller form is never published as if printed)."""
    printed = {
        (pid, name.lower())
        for pid, name in frames["person_names"]
        .filter(pl.col("article_id").is_not_null())
        .select("person_id", "name")
        .rows()
    }
    persons = frames["persons"]
    bases = []
    for pid, name, note, where, line in persons.select("person_id", "name", "note", "_where", "_line").rows():
        stated = (pid, name.lower()) in printed
        bases.append("stated" if stated else "public-record")
        if not stated and not note:
            b.problem(
                where,
                line,
                "persons.note",
                "name not printed",
                name,
                f"no article prints {pid}'s name as {name!r}: give the public record of this fuller form in the "
                "person's note (a source a reader can check), or use a form an article prints",
            )
    frames["persons"] = persons.with_columns(pl.Series("name_basis", bases, pl.String))


def finish(b: Builder, frames: dict[str, pl.DataFrame]) -> None:
    """A new person whose name is a registry person's with a part added or dropped, another
    transliteration or a title glued on is most likely that person drafted twice.

    Compared by canonical name, not person by person: persons of one canonical name are the same
    spelling twice, which no draft proposes (it resolves an exact name), so they are left to the
    curator; and the candidate pairs come from shared blocking keys, so the check stays linear.
    """
    _name_basis(b, frames)
    canonical = dict(frames["persons"].select("person_id", "name").rows())
    groups: dict[str, list[tuple]] = {}
    for pid, name, where, line in frames["persons"].select("person_id", "name", "_where", "_line").rows():
        groups.setdefault(name, []).append((pid, where, line))
    spellings: dict[str, set[tuple[str, ...]]] = {}
    for pid, name in frames["person_names"].select("person_id", "name").rows():
        if pid in canonical and len(parts := name_parts(name)) > 1:
            spellings.setdefault(canonical[pid], set()).add(parts)
    index: dict[tuple, set[str]] = {}
    for name, forms in spellings.items():
        for parts in forms:
            for key in _keys(parts):
                index.setdefault(key, set()).add(name)
    pairs = {tuple(sorted(pair)) for names in index.values() if len(names) > 1 for pair in combinations(names, 2)}
    order = {name: i for i, name in enumerate(groups)}
    for first, second in sorted(pairs, key=lambda p: (order[p[0]], order[p[1]])):
        old, new = sorted((first, second), key=order.__getitem__)  # the later-listed is reported
        how = next((h for x in spellings[old] for y in spellings[new] if (h := close_names(x, y))), None)
        if how is None:
            continue
        a = groups[old][0][0]
        for c, where, line in groups[new]:
            if c in b.distinct_persons.get(a, ()) or a in b.distinct_persons.get(c, ()):
                continue
            b.problem(
                where,
                line,
                "persons",
                "near-duplicate person",
                c,
                f"{c} ({new}) and {a} ({old}) look like one person ({how}): if they are, delete {c} and "
                f"give its spellings to {a} in each article's names (person: {a}), with the roles, meetings and "
                f"statements drafted for {c}; if they are two people, add distinct_from: [{a}] to {c} with a note "
                f"saying how they differ",
            )
