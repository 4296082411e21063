"""How good are the drafts? Each curated seed drafted again and compared with its curated file.

Realistic mode (the default) drafts each article exactly as `new-article` does: the page
as it comes (no curated body, exclusions or publication date: the proposed title, body
bounds and printed date are scored too), against the registry as it stood before the
article (stripped of every person, role and meeting only it or a later article supports,
and of the spellings only they print). `--mode curated` hands the drafts the curated body,
exclusions and publication date, and strips only the article itself (leave-one-out): an
easier test, kept for comparison. Precision and recall per kind are printed and written to
benchmarks/DRAFTS.md with what each rule missed.

    .venv/bin/python benchmarks/draft_eval.py [--mode realistic|curated] [--root .] [--out benchmarks/DRAFTS.md]
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
from pak_afghan_diplomacy.tools.drafting import Context, Draft, RuleBasedExtractor, page

KINDS = ["persons", "roles", "statements", "speakers", "meetings", "participants", "meeting dates"]
HEAD_KINDS = ["titles", "bodies", "publication dates"]
# Realistic mode: every kind, the bar (#17): precision >= 0.9 and recall >= 0.8.
REALISTIC = (0.9, 0.8)
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
    asked: int = 0  # misses where nothing was proposed (a TODO question), not a wrong value
    narrower: list[str] = field(default_factory=list)  # counted right, but narrower than the curated bounds

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


def leave_one_out(
    registry: dict[str, list[Any]], articles: dict[str, Article], article_id: str, before: bool = False
) -> Context:
    """The registry and spellings without what only `article_id` supports (`before`: or a later article)."""
    others = [a for i, a in articles.items() if (i < article_id if before else i != article_id)]
    used = {
        "persons": {n["person"] for a in others for n in a.doc.get("names") or []},
        "roles": {r["role"] for a in others for r in a.doc.get("roles") or []},
        "meetings": {m["meeting"] for a in others for m in a.doc.get("meetings") or []},
    }
    mine = articles[article_id].doc
    later = [a.doc for i, a in articles.items() if i == article_id or (before and i > article_id)]
    own = {
        "persons": {n["person"] for d in later for n in d.get("names") or []} - used["persons"],
        "roles": {r["role"] for d in later for r in d.get("roles") or []} - used["roles"],
        "meetings": {m["meeting"] for d in later for m in d.get("meetings") or []} - used["meetings"],
    }
    stripped = {k: [r for r in v if r.get("id") not in own.get(k, set())] for k, v in registry.items()}
    stripped["roles"] = [r for r in stripped.get("roles", []) if r["person"] not in own["persons"]]
    spellings = {n["name"]: n["person"] for a in others for n in a.doc.get("names") or []}
    spellings.update({p["name"]: p["id"] for p in stripped.get("persons", [])})
    if before:  # new-article knows no publication date but the one printed on the page (page.draft finds it)
        return Context(stripped, spellings)
    published = mine["article"]["published_date"]
    lo, hi = dates.bounds(published)  # an open-ended publication date: dates read from its first day on
    bounds = (lo, hi) if lo else None
    return Context(stripped, spellings, bounds, published if bounds else None)


def _span(article: Article, quote: str, occurrence: int | None) -> tuple[int, int] | None:
    found = article.find(quote, occurrence, (article.label, None, "eval"))
    return (found.start, found.end) if isinstance(found, curation.Span) else None


def compare(
    article: Article,
    registry: dict[str, list[Any]],
    draft: Draft,
    scores: dict[str, Score],
    known: frozenset[str] = frozenset(),
) -> None:
    """Score `draft`; `known`: the persons the drafts' registry already had (proposing one as new is wrong)."""
    doc, _text, aid = article.doc, article.seed.text, article.article_id
    # persons: a drafted cluster is right when one of its spellings is curated for the person it resolves to
    curated: dict[str, set[str]] = defaultdict(set)
    for n in doc.get("names") or []:
        curated[n["person"]].add(n["name"])
    mapping: dict[str, str] = {}
    for p in draft.persons:
        owner = next((c for c, names in curated.items() if names & set(p.spellings)), None)
        if owner and ((p.new and owner not in known) or p.person == owner):
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


def compare_head(article: Article, proposed: page.Head, scores: dict[str, Score]) -> None:
    """Title, body bounds and publication date as proposed, against the curated ones."""
    head, aid = article.doc["article"], article.article_id
    said = " ".join((proposed.title or "").split())
    body = (article.body_start, article.body_end)
    printed = proposed.published[0] if proposed.published else None
    for kind, want, got, shown in (
        ("titles", " ".join(head["title"].split()), said or None, said),
        ("bodies", body, proposed.body, f"{proposed.start!r}…{proposed.end!r}"),
        ("publication dates", head["published_date"], printed, printed),
    ):
        s = scores[kind]
        if got is None:
            s.fn += 1
            s.misses.append(f"{aid}: none proposed (curated {want!r})")
        elif got == want:
            s.tp += 1
        else:
            s.fp += 1
            s.fn += 1
            s.misses.append(f"{aid}: proposed {shown!r}, curated {_shown(article, kind, want)!r}")


def _shown(article: Article, kind: str, want: Any) -> Any:
    if kind != "bodies":
        return want
    text = article.seed.text
    return f"{' '.join(text[want[0] :].split()[:6])!r}…{' '.join(text[: want[1]].split()[-6:])!r}"


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
            ds.fp += not inside and d.date is not None  # a question (no date proposed) is not a wrong fact
            if not inside:
                ds.misses.append(f"{aid}: {mid} curated {dated[mid]}, drafted {d.date} ({d.date_note})")
                ds.asked += d.date is None
            elif dates.bounds(d.date) != dates.bounds(dated[mid]):
                ds.narrower.append(f"{aid}: {mid} curated {dated[mid]}, drafted {d.date} ({d.date_note})")
    for mid in curated:
        if mid not in used_m:
            ps.fn += len(curated[mid])
    for k, (_, got) in enumerate(drafted):
        if k not in used_d:
            ps.fp += len(got)


def table(scores: dict[str, Score]) -> str:
    rows = ["| kind | precision | recall | F1 | target | met |", "|---|---|---|---|---|---|"]
    for kind in KINDS + HEAD_KINDS:
        if kind not in scores:
            continue
        s = scores[kind]
        if kind in HEAD_KINDS or HEAD_KINDS[0] in scores:  # realistic mode: one bar for every kind
            met = s.precision >= REALISTIC[0] and s.recall >= REALISTIC[1]
            goal = f"precision ≥ {REALISTIC[0]}, recall ≥ {REALISTIC[1]}"
            rows.append(
                f"| {kind} | {s.precision:.2f} | {s.recall:.2f} | {s.f1:.2f} | {goal} | {'yes' if met else 'no'} |"
            )
            continue
        target = TARGETS.get(kind)
        values = {"recall": s.recall, "f1": s.f1, "accuracy": s.recall, "precision": s.precision}
        met_goal = target is None or values[target[0]] >= target[1]
        met = met_goal and s.precision >= 0.7
        goal = f"{target[0]} ≥ {target[1]}, precision ≥ 0.7" if target else "precision ≥ 0.7"
        rows.append(f"| {kind} | {s.precision:.2f} | {s.recall:.2f} | {s.f1:.2f} | {goal} | {'yes' if met else 'no'} |")
    return "\n".join(rows)


def evaluate(root: Path, only: set[str] | None = None, mode: str = "realistic") -> tuple[dict[str, Score], list[str]]:
    found, problems = seeds.read_seeds(root / "seeds")
    cur, more = curation.read(root / "build", found)
    if cur is None or problems or more:
        raise SystemExit(f"the curation does not read cleanly: {[p.message for p in problems + more][:3]}")
    realistic = mode == "realistic"
    scores = {k: Score() for k in KINDS + (HEAD_KINDS if realistic else [])}
    extractor = RuleBasedExtractor()
    done = []
    for aid, article in sorted(cur.articles.items()):
        if only is not None and aid not in only:
            continue
        context = leave_one_out(cur.registry, cur.articles, aid, before=realistic)
        if realistic:
            proposed, draft = page.draft(aid, article.seed.text, context, extractor)
            compare_head(article, proposed, scores)
        else:
            context = replace(context, excluded=tuple((s.start, s.end) for s in article.exclusions))
            draft = extractor.draft(aid, article.seed.text, (article.body_start, article.body_end), context)
        compare(article, cur.registry, draft, scores, frozenset(p["id"] for p in context.registry.get("persons", [])))
        done.append(aid)
    return scores, done


# The held-out set's first realistic run (#17), before any drafting rule was changed for its reports:
# recorded once in this file, never recomputed, so the report shows the out-of-sample estimate beside today's.
FIRST_RUN = Path(__file__).parent / "heldout" / "FIRST_RUN.md"

# The first (curated-mode) run of the two held-out reports of the growth issue, for the record.
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
    ap.add_argument("--mode", choices=("realistic", "curated"), default="realistic", help="what the drafts are handed")
    ap.add_argument("--out", type=Path, default=Path("benchmarks/DRAFTS.md"))
    args = ap.parse_args(argv)
    heldout = args.heldout if args.heldout and (args.heldout / "build").is_dir() else None
    runs: dict[str, dict[str, tuple[dict[str, Score], list[str]]]] = {}
    for mode in (args.mode, "curated" if args.mode == "realistic" else "realistic"):
        runs[mode] = {"seeds": evaluate(args.root, mode=mode)}
        if heldout:
            runs[mode]["heldout"] = evaluate(heldout, mode=mode)
    note = "The fixture article of the growth issue (tests/fixtures/fictional/) was not there: skipped."
    fixture = args.root / "tests" / "fixtures" / "fictional"
    if (fixture / "article.yaml").is_file():
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            article_id = with_fixture(args.root, fixture, Path(tmp))
            fx, _ = evaluate(Path(tmp), only={article_id}, mode="curated")
        note = (
            "The fictional fixture article of the growth issue (tests/fixtures/fictional/), "
            "leave-one-out against the real registry plus its own part:\n\n" + table(fx)
        )
    for name, (scores, done) in runs[args.mode].items():
        where = args.root if name == "seeds" else heldout
        print(f"{args.mode} mode, {where} ({len(done)} articles):\n\n{table(scores)}\n")
    if args.out:
        write(args.out, runs, note)
        print(f"written to {args.out}")
    return 0


def _first_run() -> str:
    """The recorded first run, without its own heading (it sits under one here)."""
    if not FIRST_RUN.is_file():
        return "(not recorded: benchmarks/heldout/FIRST_RUN.md is missing)"
    return FIRST_RUN.read_text(encoding="utf-8").split("\n", 2)[2].strip()


def _misses(scores: dict[str, Score]) -> list[str]:
    parts: list[str] = []
    for kind in KINDS + HEAD_KINDS:
        s = scores.get(kind)
        if s and (s.misses or s.narrower):
            parts += ["", f"### {kind}", "", *[f"- {m}" for m in s.misses]]
            if kind == "meeting dates":
                parts += ["", split(s)] + (
                    ["", "Counted right, but narrower than the curated bounds (the draft claims more than the"]
                    + ["curator could establish, or the curator was cautious):", ""]
                    + [f"- {m}" for m in s.narrower]
                    if s.narrower
                    else []
                )
    return parts or ["", "- nothing"]


def split(s: Score) -> str:
    """Of the meeting dates counted wrong, how many were left as a question and how many were a wrong date."""
    proposed = s.tp + s.fp
    return (
        f"Of {s.fn} meeting date(s) missed, {s.asked} were left undated (a TODO question: recall only, like a"
        f" title or body the draft does not propose) and {s.fp} were a wrong date: of the dates proposed, {s.tp}"
        f" of {proposed} were right. Counting a question as wrong too (the rule before this run), the figure"
        f" would be {s.tp / (s.tp + s.fn) if s.tp + s.fn else 1.0:.2f} for precision and recall alike."
    )


def write(path: Path, runs: dict[str, dict[str, tuple[dict[str, Score], list[str]]]], note: str) -> None:
    real, cur = runs["realistic"], runs["curated"]
    parts = [
        "# Drafting pass: how good the drafts are",
        "",
        "`make draft-eval` (`benchmarks/draft_eval.py`) drafts each curated article again and compares the",
        "drafts with its curated file. **Realistic mode** (the default, and the figures that count) drafts",
        "each article exactly as `new-article` does (`tools/drafting/page.py`): the page as it comes, with no",
        "curated body, exclusions or publication date; the proposed title, body bounds and printed",
        "publication date are scored too; the registry is the one that stood before the article (every",
        "person, role and meeting only it or a later article supports removed, and the spellings only they",
        "print). Statements match by span overlap; speakers are scored on matched statements (person,",
        "organization, or joint, with the same id); meetings match by registry id or by at least two shared",
        "participants (the visitor, for a visit); a meeting date is right when the drafted bounds lie inside",
        "the curated ones; roles compare as (person, post) pairs; a title must equal the curated one, a body",
        "both its curated bounds, a publication date the curated value. A title, body or publication date",
        "the draft does not propose (left as a TODO question) costs recall, never precision; so does a",
        "matched meeting left undated (until this run it counted against both: each run below says what",
        "the older rule gives). Target for every kind: precision ≥ 0.9, recall ≥ 0.8.",
        "",
        "## Held-out invented reports (realistic mode)",
        "",
    ]
    if "heldout" in real:
        scores, done = real["heldout"]
        parts += [
            f"`benchmarks/heldout/` holds {len(done)} invented reports about invented persons, each written and",
            "curated by hand before the drafting pass was run on it, in the styles of the pages that fooled",
            "the drafts (#17): wire copy with a section label, dateline and credit; a spokesperson's briefing;",
            "a host who receives; a registry name printed with a part added, and in another transliteration;",
            "a three-party meeting; a dialogue series and an economic corridor in capitals; a standfirst that",
            "repeats the lede; talks between delegations with an unnamed side; a new holder of a one-holder",
            "post; an unattributed report; a page cut mid-sentence; a “Read more” teaser; and, added for the",
            "meeting dates, a page dated only to the month, a wire dateline whose year only the body prints, and",
            "a weekday that dates the spokesperson's briefing rather than the talks it reports.",
            "",
            "### First run, before any rule was changed for these reports",
            "",
            _first_run(),
            "",
            "### Now",
            "",
            "After the rules below were changed for the first run's misses (general rules: labels, credits and",
            "teasers outside the body, a lede is no title, no person for an app, series or corridor, name-part",
            "resolution, reported clauses without “that”, unattributed reports, a dateline is no meeting",
            "place, “talks between”), and then for the meeting dates (a date line of only a month and year is",
            "the publication date, and a weekday then the interval of its days; a dateline without a year takes",
            "it from a full date the body prints a few weeks before, said so, else the scaffold asks; the",
            "dateline's day and a weekday that dates the reporting — “said on Thursday that talks …”, “at the",
            "briefing on Thursday” — are never the meeting's; a weekday keeps only its days inside a month the",
            "sentence places the meeting in): **these figures are in-sample now**; the first runs are the",
            "honest estimate for unseen reports. Three meetings stay undated: 001 prints no date at all, 002's",
            "wire copy prints “Jan 14” and no year anywhere, and 006 dates its visit only as “a month after”",
            "it; the drafts leave them as questions (the scaffold asks) rather than guess, which costs recall.",
            "Until this run the scorer also counted such a question against precision, unlike a title, body or",
            "publication date left as a question; it now counts only a wrong date there. The rule was changed",
            "after these figures were seen: the split under “meeting dates” gives the older rule's figure too.",
            "",
            table(scores),
        ]
    parts += ["", "## The five seeds (realistic mode)", "", table(real["seeds"][0])]
    parts += [
        "",
        "## Curated mode (in-sample, easier)",
        "",
        "The drafts handed the curated body, exclusions and publication date, leave-one-out (only the",
        "article's own records stripped). The rules were written while reading the five seeds and their",
        "misses, so these figures are in-sample; kept for comparison with earlier reports.",
        "",
        f"The five seeds ({', '.join(cur['seeds'][1])}):",
        "",
        table(cur["seeds"][0]),
        "",
        note,
    ]
    if "heldout" in cur:
        parts += [
            "",
            "The held-out reports, curated mode. The first run of its first two reports (the growth issue) was:",
            "",
            FIRST_HELDOUT_RUN,
            "",
            f"and all {len(cur['heldout'][1])} reports now give:",
            "",
            table(cur["heldout"][0]),
        ]
    parts += ["", "## What the rules miss now: held-out reports (realistic mode)"]
    parts += _misses(real["heldout"][0]) if "heldout" in real else ["", "- (no held-out set)"]
    parts += ["", "## What the rules miss now: the five seeds (realistic mode)", *_misses(real["seeds"][0])]
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
