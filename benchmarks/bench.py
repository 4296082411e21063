"""The performance benchmark: build scaling, validation throughput, loading. Prints and writes RESULTS.md.

Run it with `make bench` (every size) or, for a quick look,
`python benchmarks/bench.py --sizes 5,500 --rows 100000 --results /tmp/results.md`.

Each build runs in a fresh interpreter (`python -m pak_afghan_diplomacy.cli build`) and is
timed from outside, so interpreter start and imports are included. Peak memory is the largest
sum, sampled every 50 ms, of the proportional set size (PSS) of the build and all its worker
processes (the whole tree, shared pages counted once). At each size the build runs four times:
cold (no `.cache/`), again with nothing changed, after one article's curation changed, and
after the registry changed; beside them, the floor: PyYAML's C loader alone parsing every
curation file and every seed read and hashed, in one process. Targets are in `TARGETS`; a
figure that misses one is marked.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import synthetic

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
SIZES = (5, 5_000, 50_000)
REAL_ARTICLES = len(list((ROOT / "seeds").glob("*.txt")))
ROWS = 1_000_000
TARGETS = {
    "real build (s)": 3.0,
    "cold over floor": 1.5,
    "one changed over cold": 0.1,
    "largest cold (s)": 60.0,
    "largest cold peak (GiB)": 1.0,
    "largest one changed (s)": 10.0,
    "largest nothing changed (s)": 5.0,
    "marginal per-article ratio": 1.2,
    "validation speed-up": 50.0,
    "loading ratio": 1.1,
}
HEAVY = ("polars", "pyarrow", "pandas", "pandera", "yaml")


@dataclass
class Run:
    seconds: float
    peak_mib: float
    output: str


def _children(pid: int) -> list[int]:
    try:
        tasks = Path(f"/proc/{pid}/task").iterdir()
        return [int(c) for t in tasks for c in (t / "children").read_text().split()]
    except (OSError, ValueError):
        return []


def _pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _tree_pss_kib(pid: int) -> int:
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += _pss_kib(p)
        todo += _children(p)
    return total


# A user's install keeps bytecode (pip compiles it; Python writes it on first import); a machine
# whose environment sets PYTHONDONTWRITEBYTECODE compiles every module from source on every run
# (over a second of a cached build). The commands measured run as an install does; the first
# build (the real corpus) writes the bytecode.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run(args: list[str], cwd: Path | None = None) -> Run:
    """Run a command to completion; wall time and the peak PSS of it and its worker processes."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            peak[0] = max(peak[0], _tree_pss_kib(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(args)}\n{out}")
    # the sampler can miss a short peak; the largest single process (wait4) bounds it from below
    return Run(seconds, max(peak[0], usage.ru_maxrss) / 1024, out)  # KiB on Linux


FLOOR = r"""
import hashlib, sys, time
from pathlib import Path
import yaml
root = Path(sys.argv[1])
for path in sorted((root / "build").rglob("*.yaml")):
    yaml.load(path.read_bytes().decode("utf-8"), Loader=yaml.CSafeLoader)
for path in sorted((root / "seeds").glob("*.txt")):
    hashlib.sha256(path.read_bytes()).hexdigest()
"""


REAL_REPEAT = 3


def real_build(root: Path, out: Path) -> Run:
    """The real corpus built cold (no `.cache/`, no package) REAL_REPEAT times after one build that writes
    our modules' bytecode (a wheel's install compiles it; the environment's other packages are compiled
    when it is made, as pip does): the run of median wall time."""
    build_run(root, out)
    runs = []
    for _ in range(REAL_REPEAT):
        shutil.rmtree(root / ".cache", ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
        runs.append(build_run(root, out))
    return sorted(runs, key=lambda r: r.seconds)[len(runs) // 2]


def build_run(root: Path, out: Path) -> Run:
    r = run([sys.executable, "-m", "pak_afghan_diplomacy.cli", "build", "--root", str(root), "--out", str(out)])
    print(f"  build of {root.name}: {r.seconds:.2f} s, peak {r.peak_mib:,.0f} MiB", flush=True)
    return r


# --------------------------------------------------------------------------- 1. scaling


@dataclass
class Size:
    articles: int
    floor: Run | None
    cold: Run
    unchanged: Run | None
    one_changed: Run | None
    registry_changed: Run | None


SKIPPABLE = ("floor", "unchanged", "one", "registry")


def _edit_one_article(corpus: Path) -> tuple[Path, str]:
    """Edit one article's curation; returns the file and its text before, to put back."""
    files = sorted(p for p in (corpus / "build").glob("*.yaml") if p.name != synthetic.REGISTRY)
    path = files[len(files) // 2]
    text = path.read_text(encoding="utf-8")
    # a note, not the title: a stated title must stay the headline the body prints
    path.write_text(re.sub(r"(\n +note: )(?=[A-Za-z])", r"\g<1>Edited ", text, count=1), encoding="utf-8")
    return path, text


def _edit_registry(corpus: Path) -> tuple[Path, str]:
    path = corpus / "build" / synthetic.REGISTRY
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "# edited\n", encoding="utf-8")
    return path, text


def scaling(
    sizes: list[int], work: Path, skip_at_largest: set[str] = frozenset(), keep: bool = False
) -> tuple[Run, list[Size]]:
    """Each size's builds; with `keep`, each corpus is left in `work` as it was made (the edits put back),
    for the next run to use again, and only its `.cache/` and package are removed."""
    real_root = work / "real"
    shutil.rmtree(real_root, ignore_errors=True)  # always today's seeds and curation
    for name in ("seeds", "build"):
        shutil.copytree(ROOT / name, real_root / name)
    real = real_build(real_root, work / "real-datasets")
    print(f"real corpus ({REAL_ARTICLES} articles): {real.seconds:.2f} s, peak {real.peak_mib:.0f} MiB", flush=True)
    out: list[Size] = []
    for asked in sizes:
        corpus = work / f"corpus-{asked}"
        # a corpus left whole (every seed pinned) by an earlier run from the same sources is used again
        sums = corpus / "seeds" / "SHA256SUMS"
        stamp = corpus / ".made-from"
        pinned = len(sums.read_text(encoding="utf-8").splitlines()) if sums.is_file() else 0
        made_from = stamp.read_text(encoding="utf-8") if stamp.is_file() else ""
        if pinned != len(list((corpus / "seeds").glob("*.txt"))) or pinned < asked or made_from != _sources():
            synthetic.make_corpus(ROOT, corpus, asked)
            stamp.write_text(_sources(), encoding="utf-8")
        shutil.rmtree(corpus / ".cache", ignore_errors=True)
        shutil.rmtree(corpus / "datasets", ignore_errors=True)
        n = len(list((corpus / "seeds").glob("*.txt")))  # rounded up to whole copies of the real corpus
        skip = skip_at_largest if asked == max(sizes) else set()
        floor = None if "floor" in skip else run([sys.executable, "-c", FLOOR, str(corpus)])
        print(f"  floor of {corpus.name}: {_s(floor)}", flush=True)
        cold = build_run(corpus, corpus / "datasets")
        unchanged = None if "unchanged" in skip else build_run(corpus, corpus / "datasets")
        one = reg = None
        edited: list[tuple[Path, str]] = []
        if "one" not in skip:
            edited.append(_edit_one_article(corpus))
            one = build_run(corpus, corpus / "datasets")
        if "registry" not in skip:
            edited.append(_edit_registry(corpus))
            reg = build_run(corpus, corpus / "datasets")
        out.append(Size(n, floor, cold, unchanged, one, reg))
        print(
            f"{n:>7,} articles: floor {_s(floor)} | cold {_s(cold)} ({cold.peak_mib:,.0f} MiB) | nothing changed "
            f"{_s(unchanged)} | one article changed {_s(one)} | registry changed {_s(reg)}",
            flush=True,
        )
        if keep:
            for path, text in edited:
                path.write_text(text, encoding="utf-8")
            for name in (".cache", "datasets"):
                shutil.rmtree(corpus / name, ignore_errors=True)
        else:
            shutil.rmtree(corpus)
    return real, out


@functools.cache
def _sources() -> str:
    """sha256 of what a synthetic corpus is made from: the real seeds and curation, and the generator."""
    digest = hashlib.sha256()
    files = [*sorted((ROOT / "seeds").rglob("*")), *sorted((ROOT / "build").rglob("*"))]
    files.append(ROOT / "benchmarks" / "synthetic.py")
    for path in files:
        if path.is_file():
            digest.update(f"{path.relative_to(ROOT)}\0".encode() + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _s(r: Run | None) -> str:
    return "not run" if r is None else f"{r.seconds:.2f} s"


NAMES = r"""
import json, random, sys, time
from pathlib import Path
from pak_afghan_diplomacy.pipeline import run
from pak_afghan_diplomacy.pipeline.article import cache, coverage, records, stage
from pak_afghan_diplomacy.pipeline.read import curation, seeds
layout = run.Layout(Path(sys.argv[1]))
found, _ = seeds.read_seeds(layout.seeds)
reg = stage.registry(layout.curation, records.KINDS, cache.Store(None))
_, planned = curation.plan(layout.curation, found)
chunk = stage.run_chunk(reg.builder, stage.items(planned))
texts = seeds.Texts(found)
base = reg.builder.canonical_names | set(chunk.names)
rng = random.Random(21)
syll = ["ab", "dul", "ha", "mid", "ka", "rim", "za", "hir", "nu", "ra", "sha", "fiq", "mo", "ham", "ed", "jan"]
def word():
    return "".join(rng.choice(syll) for _ in range(rng.randint(2, 3))).capitalize()
fake = set()
while len(fake) < 10_000:
    fake.add(f"{word()} {word()}")
fake = sorted(fake)
out = {}
for extra in (0, 1_000, 10_000):
    known = coverage.spellings(base | set(fake[:extra]))
    coverage.names(chunk.marks, texts, known)  # warm: the index of these names is built once per build
    t, reps = time.perf_counter(), 20
    for _ in range(reps):
        coverage.names(chunk.marks, texts, known)
    out[len(base) + extra] = 1000 * (time.perf_counter() - t) / (reps * len(chunk.marks))
print(json.dumps(out))
"""


def names_scaling() -> dict[int, float]:
    """The names pass: ms per article against registries of a dozen, 1,000 and 10,000 more names."""
    import json

    result = {
        int(k): v
        for k, v in json.loads(run([sys.executable, "-c", NAMES, str(ROOT)]).output.strip().splitlines()[-1]).items()
    }
    print("names pass per article: " + ", ".join(f"{v:.2f} ms at {k:,} names" for k, v in result.items()), flush=True)
    return result


# --------------------------------------------------------------------------- 2. validation

VALIDATE = r"""
import json, sys, time
import polars as pl
from pak_afghan_diplomacy.schema import MODELS
from pak_afghan_diplomacy.schema.frictionless import table_schema
rows, csv_path = int(sys.argv[1]), sys.argv[2]
real = pl.read_parquet("datasets/parquet/statements.parquet")
copies = -(-rows // real.height)
frame = pl.concat(
    [real.with_columns(pl.col("statement_id") + f"-c{k:06d}") for k in range(copies)]
).head(rows).rechunk()  # contiguous, as a table read from a file is
frame.write_csv(csv_path)
model = MODELS["statements"]
t = time.perf_counter()
model.validate(frame, lazy=True)
ours = time.perf_counter() - t
import frictionless
schema = table_schema("statements")
schema.pop("foreignKeys", None)  # other tables are not there; pandera checks no foreign keys either
t = time.perf_counter()
import os
resource = frictionless.Resource(
    path=os.path.basename(csv_path),
    basepath=os.path.dirname(csv_path),
    schema=frictionless.Schema.from_descriptor(schema),
)
report = frictionless.validate(resource)
theirs = time.perf_counter() - t
print(json.dumps({"rows": frame.height, "ours": ours, "frictionless": theirs, "valid": report.valid,
                  "errors": [m for (m,) in report.flatten(["message"])][:3] if not report.valid else []}))
"""


def validation(rows: int, work: Path) -> dict:
    import json

    out = run([sys.executable, "-c", VALIDATE, str(rows), str(work / "statements.csv")], cwd=ROOT).output
    result = json.loads(out.strip().splitlines()[-1])
    print(
        f"validation of {result['rows']:,} statements: pandera-polars {result['ours']:.2f} s, "
        f"frictionless-py {result['frictionless']:.1f} s",
        flush=True,
    )
    return result


# --------------------------------------------------------------------------- 3. loading

LOAD_OURS = r"""
import sys
import pak_afghan_diplomacy as p
heavy = sorted(m for m in {HEAVY} if m in sys.modules)
for name in p.tables():
    p.load(name)
print(",".join(heavy))
"""
LOAD_BARE = r"""
import glob, polars as pl
for f in sorted(glob.glob(sys.argv[1] + "/*.parquet")):
    pl.read_parquet(f)
"""


def loading(repeat: int = 15) -> dict:
    """Ours and bare polars in turn, `repeat` pairs after one warm-up pair; the ratio is the median of the
    pairs' ratios (the two of a pair run seconds apart, so a load that drifts over the run cancels)."""
    folder = ROOT / "datasets" / "parquet"
    ours, bare, heavy = [], [], ""
    for i in range(repeat + 1):
        r = run([sys.executable, "-c", LOAD_OURS.replace("{HEAVY}", repr(HEAVY))], cwd=Path(tempfile.gettempdir()))
        b = run([sys.executable, "-c", "import sys\n" + LOAD_BARE, str(folder)], cwd=Path(tempfile.gettempdir()))
        heavy = r.output.strip()
        if i:
            ours.append(r.seconds)
            bare.append(b.seconds)
    result = {
        "ours": statistics.median(ours),
        "bare": statistics.median(bare),
        "ratio": statistics.median(o / b for o, b in zip(ours, bare, strict=True)),
        "pairs": repeat,
        "heavy_on_import": heavy,
    }
    print(
        f"loading every table: {result['ours']:.3f} s (import pak_afghan_diplomacy + load) vs "
        f"{result['bare']:.3f} s (import polars + read_parquet); heavy modules on import: {heavy or 'none'}",
        flush=True,
    )
    return result


# --------------------------------------------------------------------------- report


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kib = int(
            next(x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal")).split()[1]
        )
        mem = f", {kib / 1024**2:.0f} GiB RAM"
    except (OSError, StopIteration):
        pass
    versions = ", ".join(
        f"{p} {metadata.version(p)}" for p in ("polars", "pyarrow", "pandera", "pyyaml", "frictionless")
    )
    installed = {d.metadata["Name"].lower() for d in metadata.distributions()}
    env = "build-only environment (`[build]` extra, no pandas)" if "pandas" not in installed else "dev environment"
    return (
        f"{cpu}, {os.cpu_count()} cores{mem}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; {versions}; {env}"
    )


def verdict(value: float, target: float, lower_is_better: bool = True) -> str:
    ok = value <= target if lower_is_better else value >= target
    return "met" if ok else "**missed**"


def report(real: Run, sizes: list[Size], names: dict[int, float] | None, val: dict | None, load: dict | None) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench` (benchmarks/bench.py) on {time.strftime('%Y-%m-%d')}.",
        "",
        f"**Machine**: {machine()}.",
        "",
        f"**Load**: {LOAD_NOTE}",
        "",
        "## 1. Build scaling",
        "",
        "Each build is `pak-afghan-diplomacy build` in a fresh interpreter, start-up included, on 2 cores "
        "(the per-article stage in worker processes, one per core). Synthetic corpora are copies of the five "
        "real articles and their curation with fresh ids (benchmarks/synthetic.py), one registry part per copy, "
        "so every check runs on every copy. *Floor*: PyYAML's C loader alone parsing every curation file "
        "(registry included) and every seed read and hashed, in one process. *Cold*: no `.cache/`. "
        "*Nothing changed*: the same checkout again. *One changed*: one article's note edited. "
        "*Registry changed*: a comment appended to registry.yaml (registry.yaml alone is parsed again and the "
        "registry's rows remade from the cached parts; every article's result is keyed by the registry's "
        "index, which a comment leaves as it was, so no article is read again; an edit that changes the "
        "index, an id added or a line moved, reads every article again, as a cold build does). "
        "Peak memory: the largest sampled sum of PSS over the build and its workers.",
        "",
        "| articles | floor (s) | cold (s) | cold / floor | peak cold (MiB) | nothing changed (s) | "
        "one changed (s) | one / cold | registry changed (s) | peak registry changed (MiB) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def sec(r: Run | None) -> str:
        return "not run" if r is None else f"{r.seconds:.2f}"

    def over(a: Run | None, b: Run | None) -> str:
        return "" if a is None or b is None else f"{a.seconds / b.seconds:.2f}"

    for z in sizes:
        lines.append(
            f"| {z.articles:,} | {sec(z.floor)} | {z.cold.seconds:.2f} | {over(z.cold, z.floor)} | "
            f"{z.cold.peak_mib:,.0f} | {sec(z.unchanged)} | {sec(z.one_changed)} | {over(z.one_changed, z.cold)} | "
            f"{sec(z.registry_changed)} | "
            f"{'' if z.registry_changed is None else f'{z.registry_changed.peak_mib:,.0f}'} |"
        )
    base = next((z for z in sizes if z.articles == 5), None)
    marginal: dict[int, float] = {}
    if base:
        for z in sizes:
            if z.articles > 5:
                marginal[z.articles] = (z.cold.seconds - base.cold.seconds) / (z.articles - 5)
        if marginal:
            lines += [
                "",
                "Marginal cold cost per article, (t(n) − t(5)) / (n − 5): "
                + ", ".join(f"{1000 * m:.2f} ms at {n:,}" for n, m in marginal.items())
                + ".",
            ]
    if names:
        lines += [
            "",
            "The names pass (every known spelling, titled names, runs resembling a known full name) on the five "
            "real articles against registries with more and more names (random two-word names added): "
            + ", ".join(f"{v:.2f} ms per article at {k:,} names" for k, v in names.items())
            + ".",
        ]
    lines += ["", "## Targets", "", "| target | figure | |", "|---|---|---|"]
    lines.append(
        f"| real build ({REAL_ARTICLES} articles, cold, median of {REAL_REPEAT}), start-up included < 3 s | "
        f"{real.seconds:.2f} s | "
        f"{verdict(real.seconds, TARGETS['real build (s)'])} |"
    )
    big = [z for z in sizes if z.articles >= 5_000]
    for z in big:
        if z.floor:
            r = z.cold.seconds / z.floor.seconds
            lines.append(
                f"| cold build ≤ 1.5 × the PyYAML-C floor ({z.articles:,}) | {r:.2f} × | "
                f"{verdict(r, TARGETS['cold over floor'])} |"
            )
        if z.one_changed:
            r = z.one_changed.seconds / z.cold.seconds
            lines.append(
                f"| one article changed ≤ 0.1 × cold ({z.articles:,}) | {r:.2f} × | "
                f"{verdict(r, TARGETS['one changed over cold'])} |"
            )
    largest = sizes[-1] if sizes else None
    if largest and largest.articles >= 50_000:
        gib = largest.cold.peak_mib / 1024
        one, unchanged = largest.one_changed, largest.unchanged
        for label, value, key in (
            ("50,000 articles, cold < 60 s", largest.cold.seconds, "largest cold (s)"),
            ("50,000 articles, cold peak < 1 GiB", gib, "largest cold peak (GiB)"),
            ("50,000 articles, one article changed < 10 s", one and one.seconds, "largest one changed (s)"),
            ("50,000 articles, nothing changed < 5 s", unchanged and unchanged.seconds, "largest nothing changed (s)"),
        ):
            unit = "GiB" if "GiB" in key else "s"
            if value is None:
                lines.append(f"| {label} | not run | |")
            else:
                lines.append(f"| {label} | {value:.2f} {unit} | {verdict(value, TARGETS[key])} |")
    if 5_000 in marginal and largest and largest.articles in marginal and largest.articles != 5_000:
        ratio = marginal[largest.articles] / marginal[5_000]
        lines.append(
            f"| marginal per-article cost at {largest.articles:,} ≤ 1.2 × at 5,000 | {ratio:.2f} × | "
            f"{verdict(ratio, TARGETS['marginal per-article ratio'])} |"
        )
    if val:
        speed = val["frictionless"] / val["ours"]
        lines.append(
            f"| validation ≥ 50 × faster than frictionless-py ({val['rows']:,} statements) | "
            f"{speed:.0f} × | {verdict(speed, TARGETS['validation speed-up'], lower_is_better=False)} |"
        )
    if load:
        ratio = load["ratio"]
        lines.append(
            f"| import + load every table ≤ 1.1 × bare polars | {ratio:.2f} × | "
            f"{verdict(ratio, TARGETS['loading ratio'])} |"
        )
        lines.append(
            f"| nothing heavy imported by `import pak_afghan_diplomacy` | "
            f"{load['heavy_on_import'] or 'none of ' + ', '.join(HEAVY)} | "
            f"{'met' if not load['heavy_on_import'] else '**missed**'} |"
        )
    if val:
        lines += [
            "",
            "## 2. Validation throughput",
            "",
            f"The statements schema on {val['rows']:,} rows (the real rows repeated with fresh ids): "
            f"pandera-polars `Statements.validate(frame, lazy=True)` took {val['ours']:.2f} s; "
            f"frictionless-py `validate` of the same rows as CSV against the same Table Schema "
            f"(derived from the same model; foreign keys dropped from both) took {val['frictionless']:.1f} s. "
            f"Both found the rows {'valid' if val['valid'] else 'INVALID: ' + '; '.join(val['errors'])}.",
        ]
    if load:
        lines += [
            "",
            "## 3. Loading",
            "",
            f"{load['pairs']} pairs of fresh interpreters, in turn after a warm-up pair: `import "
            f"pak_afghan_diplomacy` and `load()` of all tables took {load['ours']:.3f} s (median); `import "
            f"polars` and `pl.read_parquet` of the same files took {load['bare']:.3f} s; the median of the "
            f"pairs' ratios is {load['ratio']:.3f}.",
        ]
    lines += ["", NOTES.strip(), ""]
    return "\n".join(lines)


LOAD_NOTE = "not recorded"


NOTES = """
## How the build is laid out for speed (#21)

- **Two stages.** Per article, given the registry's index: read the curation file, check it
  against the spec and its seed, find the spans, make the rows, check quotations and re-check the
  spans against the seed. That is a pure function of the curation file, the seed, the index and
  the code, so its results are cached in `.cache/` (chunks of about 32 articles, at most 64, cut
  where an article id's hash says, so an added article changes one chunk), as Arrow IPC streams for
  rows and JSON for problems, each entry checked against its sha256 and its key before use.
- **The bundle** (`article/bundle.py`): one entry per registry index holds every chunk's rows, each
  table as one Arrow stream, with each chunk's key, row counts, digest pairs, problems, spellings,
  and its names-pass marks as a JSON text decoded only when that pass must run again. A build takes
  every chunk whose exact key it holds as one zero-copy slice per table per run of consecutive
  chunks, reads or computes only the others, and writes the bundle again only when more than 1/8 of
  the rows differ from it, so one changed article reads one entry of the corpus's rows and the
  changed chunk's, and writes only the latter. The names pass keeps every chunk's result in one
  entry per index and set of spellings in the same way.
- **The registry** is read part by part, each part's parsed document cached under its own bytes
  and, when many parts are not in the cache, parsed by the workers while the parent makes the
  registry's rows from the parts in order (the parent is the stage's bottleneck, so a worker caches
  the part itself and hands the document over as parsed, pickled between the build's own processes
  and never stored: the parent neither decodes JSON nor writes entries). Workers are handed the
  *index* (ids and the few maps an article's rows read), never the registry's rows or its parsed
  conflict records; the chunks are keyed by the index's sha256.
- **Workers**: one pool per build (`concurrent.futures`, spawned, one process per core, started
  only when enough work is not in the cache), shared by the registry parts, the chunks and the
  names pass; a few tasks in flight per worker, results taken in task order.
- **The names pass** needs every spelling of the corpus, so it runs after the chunks, chunk by
  chunk (in the workers when many), each result cached under the chunk's key and the sha256 of the
  set of known spellings: after one article changed without a new spelling, one chunk is checked.
  Its index of the known full names is made once per set of spellings in each process, not once
  per chunk.
- **The whole**: reconcile, cross-record checks and pandera validation on the assembled tables.
  Each table's digest (sha256 of its Arrow IPC bytes and the code) keys a cached verdict that it
  passed its model and its rendered Parquet and CSV bytes, so only tables whose content changed
  are validated and rendered again. A package already in place with the bytes of exactly these
  inputs and code (every file's sha256 checked, from its stat record where it holds) is left as it
  is, without reading the registry or the chunks. A build that publishes does not also keep every
  checked table in the cache (3.2 s at 50,000 on each changed build): its package in place is what
  the next build finds; one whose package is not in place takes the long way, through the bundle
  and the remembered steps, to a cold build's bytes (`make_tables` still keeps the tables whole).
- **Checks remembered per table**: each table's foreign keys are a step of the checks' memo,
  remembered by the digests of the table and of the tables it points at, and each table's cell
  check finds the text columns holding a refused cell with one query (filtering only those again
  to name the rows). After a spelling's note changed, only the keys of `person_names` and of the
  tables pointing at it are checked again.
- **The whole's steps remembered by what they read** (`whole/memo.py`): each record kind's
  `finish`, each reconciling check and each table's cell check records, as it runs, the tables it
  looks up (every table, if it iterates them); an entry keeps their digests and what the step did
  (tables set, rows added). The next build replays a step only when every table it read has the
  same digest now (a step that found a problem, or changed the Builder, is not remembered); the
  reconciling checks see the articles table cut to the columns they read, so a changed note leaves
  them be. After one note changed, `Builder.finish` goes from every kind's work over the whole
  corpus to one digest per table read.
- **Finish steps by column**: a record kind may list in `READS` the only columns its `finish`
  reads of some tables; the memo hands it those tables cut to those columns and remembers it by
  the cuts' digests, so an edit to another column (a spelling's note) replays people, conflicts
  and incidents instead of running them over the corpus. A step that reads a column it did not
  list fails on it, and one that would set such a table is refused.
- **Registry state deferred**: a cached registry's state (ids, parsed conflict records, indices)
  is kept in its entry as a blob (bytes of its own, not a JSON text inside the entry's JSON, which
  had to be unescaped to read the rest) and decoded only when a kind's `finish` runs; the index is
  stored as its own bytes too, and a map of like values (ids to nothing, to a set of texts, to a
  tuple) is one tagged object rebuilt in one pass, not through the object hook once per value;
  `canonical_names` and `distinct`, which the names pass and the checks always read, are decoded
  with the entry. A state that does not decode as this code's is made again from the registry's
  files, never trusted.
- **Digests from parts**: each part of a table (a chunk's rows, the registry's, a remembered
  step's output) is digested once where it is made, with and without its origin columns, and the
  pair is kept in its entry; a table's digest is the digest of its parts' digests in order, so a
  one-changed build digests only the changed chunk's rows and the column cuts the steps read. The
  whole entry keeps its tables' digests, so a build that takes its tables from it still finds
  their rendered files.
- **Inputs listed once** (`article/known.py`, `Inputs`): before reading anything, the build lists
  seeds/, build/ and build/registry/ (each entry's name and lstat) and hashes that with the code's
  version and the date. A build whose listing hashes as the one that made the cached whole's key
  takes that key straight to the package-in-place check, without reading the pins, planning the
  articles or asking a stat record per file. The entry is written only when every listed entry
  had aged past the racy window when listed, and never for a listing holding a link; a file added,
  removed, renamed or rewritten since (its ctime moves even when its mtime is put back) changes
  the listing, and the build takes the long way. That way compares each seed's and curation file's
  record with the listing's lstat, so no file is stat'ed twice; a file rewritten after it was
  listed is read by the next build, whose listing differs (and a chunk is cached only if its files
  still have the bytes its key was made from; a seed's text is checked against its sha256 when read).
- **Files not hashed again** (`article/known.py`): a record per seed and curation file (path,
  size, mtime_ns, ctime_ns, inode, device -> sha256), written only for a file whose mtime and ctime
  are more than 2 s older than the moment it was stat'ed (git's racy rule taken when the file is
  looked at); a file whose stat is its record's is not read. seeds/ is read with one `os.scandir`
  (a pinned name is a plain file name, so an entry that is not a link lies inside seeds/: no
  `resolve`, one `lstat` per seed). The published package's files have records of their own,
  under the same rule; a file the build wrote is recorded with the sha256 of its bytes only if its
  stat after the exchange is the one taken on the open file once synced, and it has aged past the
  racy window (a linked file is not: the link moved its ctime). A file in place without a record
  that holds is hashed as it is read, never held whole. A file read because its record no longer
  holds, and too recent to record, leaves that record be (it cannot hold again: the file's ctime
  moved on), so one edited file does not make the build rewrite every file's record.
- **Publication links what is in place**: a rendered table's entry keeps the size and sha256 of
  its two files, not their bytes; a file of the package in place whose record (or hash) says it
  holds them is linked into the staging folder (a regular file with no other name, its stat
  unchanged since it was checked, the link the same inode after) instead of rendered, written and
  synced; otherwise the table is rendered again. The exchange stays one atomic rename.
- **Cross-record checks without a scan per record**: conflict records naming a spelling are
  resolved by one join over `person_names`; name mentions are found by a lookup per place a name
  can begin and per distinct name length (not one alternation of every name); a run of capitals
  is compared, for the dropped-or-added-part rule, only with the names it shares two words with,
  and each distinct run is judged once per build.
- **Publication streams**: each table is sorted and written as Parquet, and its CSV is written by
  polars straight into its staging file (read back for its size and sha256), one table at a time;
  only sizes and hashes are kept for the descriptor, whose sources are read column by column.
  Country and language codes are read from pycountry's own database files (its API asked when
  they are not as it writes them), not by building its 7,900 language objects.
- **Memory given back**: after the registry stage and after the chunks are absorbed, the C heap's
  free pages are returned (`malloc_trim`; the tables live in polars' own allocator, which cannot
  reuse them), and the registry's Builder (ids, parsed conflict records, indices, the rows' sinks)
  is dropped once `finish()` has made the tables.
- **YAML readers measured** (100 article files of the 500-article corpus, one process, loaded
  machine): libyaml's event stream alone 2.3 ms a file; our event reader with its bounds and line
  numbers 3.3 ms; PyYAML's C loader composing and constructing nodes 10.2 ms. The reader kept is
  ours: it is faster than the composer it would sit in front of, and it refuses the hostile
  cases of tests/test_hostile.py. The spec check and the placeholder walk are one walk of the
  parsed document (1.24 ms a file, against 1.92 ms for the two walks they were). rapidyaml 0.15.2
  (500-article corpus, `benchmarks/readers.py --ryml`, loaded machine): its bare tree walk took
  2.9–3.1 ms a file against our reader's 4.0 in that run, but read as ours must be (each value's line, our
  typing, our refusals) 9.9–10.2 ms, one Python-to-C call per node (its Python binding has no
  node locations: lines come from where each scalar's bytes lie in the buffer). It refused or
  survived every hostile case in under 0.05 s; not adopted, being slower end to end.

## Earlier rounds

- YAML parsing was 90 % of a build with pure-Python PyYAML: libyaml's parser and a direct walk of
  its events. The cyclic garbage collector is paused during the build (its passes over a growing
  heap made reading superlinear). Rows are buffered as tuples and kept as polars chunks. Parquet
  is written column by column from Arrow.
- Start-up: pandera imports pandas whenever pandas is installed (about 1.7 s); the benchmark runs
  in an environment with only the `build` extra, as `pip install pak-afghan-diplomacy[build]`
  gives. Each worker process pays the imports once.
"""


def main() -> None:
    global LOAD_NOTE
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="comma-separated corpus sizes")
    parser.add_argument("--rows", type=int, default=ROWS, help="rows for the validation comparison (0: skip)")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where to write the results table")
    parser.add_argument("--no-loading", action="store_true", help="skip the loading comparison")
    parser.add_argument("--no-names", action="store_true", help="skip the names-pass scaling")
    parser.add_argument("--work", type=Path, help="scratch folder (kept; a whole corpus left in it is used again)")
    parser.add_argument(
        "--skip-at-largest",
        default="",
        help=f"comma-separated runs to skip at the largest size: {', '.join(SKIPPABLE)}",
    )
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    skip = {s for s in args.skip_at_largest.split(",") if s}
    if skip - set(SKIPPABLE):
        parser.error(f"--skip-at-largest: expected some of {', '.join(SKIPPABLE)}")
    work = args.work or Path(tempfile.mkdtemp(prefix="pad-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    before = os.getloadavg()
    try:
        real, runs = scaling(sizes, work, skip, keep=args.work is not None)
        names = None if args.no_names else names_scaling()
        val = validation(args.rows, work) if args.rows else None
        load = None if args.no_loading else loading()
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    after = os.getloadavg()
    LOAD_NOTE = (
        f"load average (1, 5, 15 min) {before[0]:.2f}, {before[1]:.2f}, {before[2]:.2f} when the run began and "
        f"{after[0]:.2f}, {after[1]:.2f}, {after[2]:.2f} when it ended, on {os.cpu_count()} cores "
        "(other work on the machine shares them)"
    )
    text = report(real, runs, names, val, load)
    args.results.write_text(text, encoding="utf-8")
    print(f"\nwrote {args.results}")


if __name__ == "__main__":
    main()
