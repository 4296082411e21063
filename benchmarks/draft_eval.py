"""How good are the drafts? Leave-one-out on every curated seed, compared with the curated files.

For each article the registry is stripped of every record only that article supports
(persons, roles, meetings), and of the spellings only it prints, so what it introduces
must be found, not looked up. The drafts are compared with the curation: precision and
recall per kind, printed and written to benchmarks/DRAFTS.md with what each rule missed.

    .venv/bin/python benchmarks/draft_eval.py [--root .] [--out benchmarks/DRAFTS.md]
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pak_afghan_diplomacy import dates
from pak_afghan_diplomacy.pipeline.read import curation, seeds
from pak_afghan_diplomacy.pipeline.read.curation import Article
from pak_afghan_diplomacy.tools.drafting import Context, Draft, RuleBasedExtractor

KINDS = ["persons", "roles", "statements", "speakers", "meetings", "participants", "meeting dates"]
TARGETS = {
    "persons": ("recall", 0.95),
    "statements": ("recall", 0.95),
    "speakers": ("accuracy", 0.85),
    "meetings": ("recall", 0.8),
    "participants": ("f1", 0.8),
    "meeting dates": ("accuracy", 0.9),
}


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def leave_one_out(registry: dict[str, list[Any]], articles: dict[str, Article], article_id: str) -> Context:
    """The registry and spellings as they were before `article_id` was curated."""
    others = [a for i, a in articles.items() if i != article_id]
    used = {
        "persons": {n["person"] for a in others for n in a.doc.get("names") or []},
        "roles": {r["role"] for a in others for r in a.doc.get("roles") or []},
        "meetings": {m["meeting"] for a in others for m in a.doc.get("meetings") or []},
    }
    mine = articles[article_id].doc
    own = {
        "persons": {n["person"] for n in mine.get("names") or []} - used["persons"],
        "roles": {r["role"] for r in mine.get("roles") or []} - used["roles"],
        "meetings": {m["meeting"] for m in mine.get("meetings") or []} - used["meetings"],
    }
    stripped = {k: [r for r in v if r.get("id") not in own.get(k, set())] for k, v in registry.items()}
    stripped["roles"] = [r for r in stripped.get("roles", []) if r["person"] not in own["persons"]]
    spellings = {n["name"]: n["person"] for a in others for n in a.doc.get("names") or []}
    spellings.update({p["name"]: p["id"] for p in stripped.get("persons", [])})
    published = mine["article"]["published_date"]
    lo, hi = dates.bounds(published)  # an open-ended publication date gives the drafts no anchor
    bounds = (lo, hi) if lo and hi else None
    return Context(stripped, spellings, bounds, published if bounds else None)


def _span(article: Article, quote: str, occurrence: int | None) -> tuple[int, int] | None:
    found = article.find(quote, occurrence, (article.label, None, "eval"))
    return (found.start, found.end) if isinstance(found, curation.Span) else None


def compare(article: Article, registry: dict[str, list[Any]], draft: Draft, scores: dict[str, Score]) -> None:
    doc, _text, aid = article.doc, article.seed.text, article.article_id
    # persons: a drafted cluster is right when one of its spellings is curated for the person it resolves to
    curated: dict[str, set[str]] = defaultdict(set)
    for n in doc.get("names") or []:
        curated[n["person"]].add(n["name"])
    mapping: dict[str, str] = {}
    for p in draft.persons:
        owner = next((c for c, names in curated.items() if names & set(p.spellings)), None)
        if owner and (p.new or p.person == owner):
            mapping[p.person] = owner
    s = scores["persons"]
    hit = set(mapping.values())
    s.tp += len(hit)
    s.fp += len(draft.persons) - len(mapping)
    s.fn += len(set(curated) - hit)
    s.misses += [f"{aid}: {c} ({', '.join(sorted(curated[c]))})" for c in sorted(set(curated) - hit)]
    s.misses += [
        f"{aid}: extra {p.person} ({', '.join(p.spellings)}, {p.rule})"
        for p in draft.persons
        if p.person not in mapping
    ]
    # roles as (person, post)
    posts = {r["id"]: (r["person"], r["post"]) for r in registry.get("roles") or []}
    want = {posts[r["role"]] for r in doc.get("roles") or []}
    got = {(mapping.get(r.person, r.person), r.post) for r in draft.roles}
    _sets(scores["roles"], aid, want, got)
    _statements(article, draft, mapping, scores)
    _meetings(article, registry, draft, mapping, scores)


def _sets(s: Score, aid: str, want: set, got: set) -> None:
    s.tp += len(want & got)
    s.fp += len(got - want)
    s.fn += len(want - got)
    s.misses += [f"{aid}: missed {w}" for w in sorted(want - got)] + [f"{aid}: extra {g}" for g in sorted(got - want)]


def _kind(st: dict[str, Any]) -> tuple[str, str | None]:
    if st.get("speaker"):
        return "person", st["speaker"]
    if st.get("speaker_organization"):
        return "organization", st["speaker_organization"]
    return st.get("attribution_kind") or "unattributed", None


def _statements(article: Article, draft: Draft, mapping: dict[str, str], scores: dict[str, Score]) -> None:
    aid, text = article.article_id, article.seed.text
    curated = [(st, _span(article, st["text"], st.get("occurrence"))) for st in article.doc.get("statements") or []]
    free = list(draft.statements)
    s, sp = scores["statements"], scores["speakers"]
    for st, span in curated:
        if span is None:
            continue
        match = next((d for d in free if d.start < span[1] and span[0] < d.end), None)
        if match is None:
            s.fn += 1
            s.misses.append(f"{aid}: missed {st['mode']} “{st['text'][:90]}”")
            continue
        free.remove(match)
        s.tp += 1
        want = _kind(st)
        got = (match.kind, mapping.get(match.speaker, match.speaker) if match.kind == "person" else match.speaker)
        if got == want:
            sp.tp += 1
        else:
            sp.fn += 1
            sp.fp += 1
            sp.misses.append(f"{aid}: “{st['text'][:60]}” is {want}, drafted {got} ({match.rule})")
    s.fp += len(free)
    s.misses += [f"{aid}: extra {d.mode} “{text[d.start : d.end][:90]}” ({d.rule})" for d in free]


def _meetings(
    article: Article, registry: dict[str, list[Any]], draft: Draft, mapping: dict[str, str], scores: dict[str, Score]
) -> None:
    aid = article.article_id
    kinds = {m["id"]: m["kind"] for m in registry.get("meetings") or []}
    curated: dict[str, set[str]] = {m["meeting"]: set() for m in article.doc.get("meetings") or []}
    dated = {m["meeting"]: m.get("date") for m in article.doc.get("meetings") or []}
    for p in article.doc.get("participants") or []:
        if p.get("person"):
            curated.setdefault(p["meeting"], set()).add(p["person"])
    drafted = [(d, {mapping.get(p, p) for p in d.persons}) for d in draft.meetings]
    pairs = []
    for mid, want in curated.items():
        for k, (d, got) in enumerate(drafted):
            same = d.registry == mid
            common = len(want & got)
            visit = (kinds.get(mid) == "visit") == (d.kind == "visit")
            need = 1 if d.kind == "visit" else min(2, len(want))  # a visit is its visitor's
            if same or (visit and common >= need):
                pairs.append((same, common, mid, k))
    pairs.sort(reverse=True)
    used_m, used_d, matched = set(), set(), []
    for _, _, mid, k in pairs:
        if mid not in used_m and k not in used_d:
            used_m.add(mid)
            used_d.add(k)
            matched.append((mid, k))
    s, ps, ds = scores["meetings"], scores["participants"], scores["meeting dates"]
    s.tp += len(matched)
    s.fn += len(curated) - len(matched)
    s.fp += len(drafted) - len(matched)
    s.misses += [f"{aid}: missed {mid} {sorted(curated[mid])}" for mid in curated if mid not in used_m]
    s.misses += [f"{aid}: extra {d.kind} {sorted(g)} ({d.rule})" for k, (d, g) in enumerate(drafted) if k not in used_d]
    for mid, k in matched:
        want, (d, got) = curated[mid], drafted[k]
        ps.tp += len(want & got)
        ps.fp += len(got - want)
        ps.fn += len(want - got)
        if want - got or got - want:
            ps.misses.append(f"{aid}: {mid} curated {sorted(want)}, drafted {sorted(got)}")
        if dated.get(mid):
            inside = d.date is not None and dates.inside(dates.bounds(d.date), dates.bounds(dated[mid]))
            ds.tp += inside
            ds.fn += not inside
            ds.fp += not inside
            if not inside:
                ds.misses.append(f"{aid}: {mid} curated {dated[mid]}, drafted {d.date} ({d.date_note})")
    for mid in curated:
        if mid not in used_m:
            ps.fn += len(curated[mid])
    for k, (_, got) in enumerate(drafted):
        if k not in used_d:
            ps.fp += len(got)


def table(scores: dict[str, Score]) -> str:
    rows = ["| kind | precision | recall | F1 | target | met |", "|---|---|---|---|---|---|"]
    for kind in KINDS:
        s = scores[kind]
        target = TARGETS.get(kind)
        values = {"recall": s.recall, "f1": s.f1, "accuracy": s.recall, "precision": s.precision}
        met_goal = target is None or values[target[0]] >= target[1]
        met = met_goal and s.precision >= 0.7
        goal = f"{target[0]} ≥ {target[1]}, precision ≥ 0.7" if target else "precision ≥ 0.7"
        rows.append(f"| {kind} | {s.precision:.2f} | {s.recall:.2f} | {s.f1:.2f} | {goal} | {'yes' if met else 'no'} |")
    return "\n".join(rows)


def evaluate(root: Path, only: set[str] | None = None) -> tuple[dict[str, Score], list[str]]:
    found, problems = seeds.read_seeds(root / "seeds")
    cur, more = curation.read(root / "build", found)
    if cur is None or problems or more:
        raise SystemExit(f"the curation does not read cleanly: {[p.message for p in problems + more][:3]}")
    scores = {k: Score() for k in KINDS}
    extractor = RuleBasedExtractor()
    done = []
    for aid, article in sorted(cur.articles.items()):
        if only is not None and aid not in only:
            continue
        context = leave_one_out(cur.registry, cur.articles, aid)
        context = replace(context, excluded=tuple((s.start, s.end) for s in article.exclusions))
        draft = extractor.draft(aid, article.seed.text, (article.body_start, article.body_end), context)
        compare(article, cur.registry, draft, scores)
        done.append(aid)
    return scores, done


FIRST_HELDOUT_RUN = """\
| kind | precision | recall | F1 | target | met |
|---|---|---|---|---|---|
| persons | 1.00 | 1.00 | 1.00 | recall ≥ 0.95, precision ≥ 0.7 | yes |
| roles | 1.00 | 1.00 | 1.00 | precision ≥ 0.7 | yes |
| statements | 1.00 | 0.80 | 0.89 | recall ≥ 0.95, precision ≥ 0.7 | no |
| speakers | 1.00 | 1.00 | 1.00 | accuracy ≥ 0.85, precision ≥ 0.7 | yes |
| meetings | 1.00 | 0.60 | 0.75 | recall ≥ 0.8, precision ≥ 0.7 | no |
| participants | 1.00 | 0.67 | 0.80 | f1 ≥ 0.8, precision ≥ 0.7 | yes |
| meeting dates | 0.67 | 0.67 | 0.67 | accuracy ≥ 0.9, precision ≥ 0.7 | no |"""


def with_fixture(root: Path, fixture: Path, work: Path) -> str:
    """A copy of `root` with the curated fictional article of the tests added; returns its article id."""
    import hashlib
    import shutil

    for name in ("seeds", "build"):
        shutil.copytree(root / name, work / name)
    data = (fixture / "article.txt").read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    article_id = f"fx_{digest[:16]}"
    (work / "seeds" / f"{article_id}.txt").write_bytes(data)
    with (work / "seeds" / "SHA256SUMS").open("a", encoding="utf-8") as fh:
        fh.write(f"{digest}  {article_id}.txt\n")
    (work / "build" / "registry").mkdir(exist_ok=True)
    shutil.copy(fixture / "registry.yaml", work / "build" / "registry" / "zz-fictional.yaml")
    shutil.copy(fixture / "article.yaml", work / "build" / f"{article_id}.yaml")
    return article_id


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=Path("."))
    ap.add_argument("--heldout", type=Path, default=Path("benchmarks/heldout"), help="a second checkout to score")
    ap.add_argument("--out", type=Path, default=Path("benchmarks/DRAFTS.md"))
    args = ap.parse_args(argv)
    scores, done = evaluate(args.root)
    fixture = args.root / "tests" / "fixtures" / "fictional"
    note = "The fixture article of the growth issue (tests/fixtures/fictional/) was not there: skipped."
    if (fixture / "article.yaml").is_file():
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            article_id = with_fixture(args.root, fixture, Path(tmp))
            fx, _ = evaluate(Path(tmp), only={article_id})
        note = (
            "The fictional fixture article of the growth issue (tests/fixtures/fictional/), "
            "leave-one-out against the real registry plus its own part:\n\n" + table(fx)
        )
    print(f"Drafts compared with the curation, leave-one-out on {len(done)} articles:\n")
    print(table(scores))
    held = None
    if args.heldout and (args.heldout / "build").is_dir():
        held = evaluate(args.heldout)
        print(f"\nHeld-out invented reports ({args.heldout}), leave-one-out on {len(held[1])} articles:\n")
        print(table(held[0]))
    print(f"\n{note}")
    if args.out:
        write(args.out, scores, done, note, held)
        print(f"written to {args.out}")
    return 0


def write(
    path: Path,
    scores: dict[str, Score],
    done: list[str],
    note: str,
    held: tuple[dict[str, Score], list[str]] | None = None,
) -> None:
    parts = [
        "# Drafting pass: how good the drafts are",
        "",
        "`make draft-eval` (`benchmarks/draft_eval.py`) drafts each curated seed leave-one-out (the registry",
        "stripped of every person, role and meeting only that article supports, and of the spellings only it",
        "prints) and compares the drafts with the curated files. Statements match by span overlap; speakers",
        "are scored on matched statements (person, organization, or joint, with the same id); meetings match",
        "by registry id or by at least two shared participants (the visitor, for a visit); a meeting date is",
        "right when the drafted bounds lie inside the curated ones. Roles compare as (person, post) pairs. The",
        "body and its exclusions are the curated ones; the publication date is the curated one.",
        "",
        "**Read these figures as in-sample.** The rules were written while reading these five seeds and",
        "their misses: every general rule that fixed a miss here was kept. No seed string is in the code",
        "(names, sentences), but the vocabularies and patterns were shaped by these articles, so new",
        "reports will score lower. The first run on the held-out reports below is the honest estimate.",
        "",
        f"## The five seeds\n\nArticles: {', '.join(done)}. {note}",
        "",
        table(scores),
    ]
    if held:
        parts += [
            "",
            "## Held-out invented reports",
            "",
            "`benchmarks/heldout/` is a small checkout of two invented reports about invented persons, written",
            "and curated by hand before the drafting pass was first run on them. Its first run gave:",
            "",
            FIRST_HELDOUT_RUN,
            "",
            "Its misses then (a visit told as “arrived on a two-day visit”, a position after a quotation",
            "(“…” and urged …), a clause reported without “that”, a date taken from an aside about something",
            "else (“who was appointed in January”)) were fixed by general rules, and the scoring of visits was",
            "corrected to match a visit by its visitor, as documented; so the current figures are in-sample too:",
            "",
            table(held[0]),
        ]
    parts += ["", "## What the rules missed (five seeds)"]
    for kind in KINDS:
        parts += ["", f"### {kind}", ""]
        parts += [f"- {m}" for m in scores[kind].misses] or ["- nothing"]
    if held:
        parts += ["", "## What the rules missed (held-out reports)"]
        for kind in KINDS:
            if held[0][kind].misses:
                parts += ["", f"### {kind}", "", *[f"- {m}" for m in held[0][kind].misses]]
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
