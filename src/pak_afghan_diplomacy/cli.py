"""The `pak-afghan-diplomacy` command: build, validate and describe the data package.

Exit codes: 0 success; 1 the data failed a check (problems are listed); 2 usage error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pak_afghan_diplomacy._about import __version__

EPILOG = """examples:
  pak-afghan-diplomacy info
  pak-afghan-diplomacy build                 # in a checkout: seeds/ + build/ -> datasets/
  pak-afghan-diplomacy validate              # re-check the installed (or --path) package
  pak-afghan-diplomacy validate --path datasets --report problems.csv
  pak-afghan-diplomacy validate --table meetings my_meetings.csv   # your own file
  pak-afghan-diplomacy new-article article.txt   # add a seed, pre-fill its curation with drafts
  pak-afghan-diplomacy draft 002_0d9ee7f76d7cf8bd   # draft an existing article again, to stdout
  pak-afghan-diplomacy export sqlite pad.db      # for Datasette or any SQL client
  pak-afghan-diplomacy plot timeline timeline.png

exit codes: 0 ok, 1 the data failed a check, 2 usage error"""


def _needs(extra: str):
    print(f"this command needs the '{extra}' extra: pip install 'pak-afghan-diplomacy[{extra}]'", file=sys.stderr)
    return 2


def _report(problems, report: Path | None) -> None:
    from pak_afghan_diplomacy.pipeline.problems import format_problems, write_report

    print(format_problems(problems), file=sys.stderr)
    if report is not None:
        write_report(problems, report)
        print(f"full list written to {report}", file=sys.stderr)


PROGRESS_FROM = 50  # articles; a smaller build finishes before a bar would be read


def _progress_bar():
    """A rich progress bar over the articles, for builds long enough to need one, on a terminal."""
    if not sys.stderr.isatty():
        return None
    try:
        from rich.progress import Progress
    except ImportError:
        return None

    def start(total: int):
        if total < PROGRESS_FROM:
            return None
        bar = Progress(transient=True)
        bar.start()
        task = bar.add_task("reading curation", total=total)

        def tick(_article_id: str) -> None:
            bar.advance(task)
            if bar.tasks[task].finished:
                bar.stop()

        return tick

    return start


def cmd_build(args: argparse.Namespace) -> int:
    try:
        from pak_afghan_diplomacy.pipeline import BuildError, Layout, build
    except ImportError:
        return _needs("build")
    root = Path(args.root)
    layout = Layout(root)
    if not layout.seeds.is_dir():
        print(f"no seeds/ folder under {root.resolve()}: run build in a checkout or pass --root", file=sys.stderr)
        return 2
    try:
        counts = build(layout, Path(args.out) if args.out else None, _progress_bar())
    except BuildError as err:
        print("build failed; datasets/ was left as it was:", file=sys.stderr)
        _report(err.problems, args.report)
        return 1
    out = Path(args.out) if args.out else layout.datasets
    print(f"published {len(counts)} tables to {out}: " + ", ".join(f"{name} {n}" for name, n in counts.items()))
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    try:
        from pak_afghan_diplomacy.pipeline.verify import verify
    except ImportError:
        return _needs("schema")
    import pak_afghan_diplomacy as pad

    if args.table or args.file:
        return _validate_file(args)
    folder = Path(args.path) if args.path else Path(str(pad.data_dir()))
    seeds = Path(args.seeds) if args.seeds else folder.parent / "seeds"
    problems, counts = verify(folder, seeds if seeds.is_dir() else None)
    if problems:
        _report(problems, args.report)
        return 1
    print(
        f"valid: {folder} ({len(counts)} tables, {sum(counts.values())} rows"
        + (", spans checked against seeds/" if seeds.is_dir() else "")
        + ")"
    )
    return 0


def cmd_new_article(args: argparse.Namespace) -> int:
    try:
        from pak_afghan_diplomacy.pipeline import Layout
        from pak_afghan_diplomacy.pipeline.new_article import add
        from pak_afghan_diplomacy.pipeline.problems import BuildError
    except ImportError:
        return _needs("build")
    layout = Layout(Path(args.root))
    try:
        article_id, target = add(Path(args.path), layout.seeds, layout.curation)
    except BuildError as err:
        _report(err.problems, None)
        return 1
    print(f"added seeds/{article_id}.txt (pinned in seeds/SHA256SUMS)")
    print(
        f"review and complete {target.relative_to(layout.root.resolve()) if target.is_absolute() else target}, "
        "then run: pak-afghan-diplomacy build"
    )
    return 0


def cmd_draft(args: argparse.Namespace) -> int:
    try:
        from pak_afghan_diplomacy.pipeline.drafting.checkout import draft_article
        from pak_afghan_diplomacy.pipeline.problems import BuildError, Problem
    except ImportError:
        return _needs("build")
    out = Path(args.out) if args.out else None
    if out is not None and out.exists():
        problem = Problem(
            str(out), check="exists", message="will not overwrite a file: choose another path or delete it"
        )
        _report([problem], None)
        return 1
    try:
        text = draft_article(Path(args.root), args.article_id)
    except BuildError as err:
        _report(err.problems, None)
        return 1
    if out is None:
        sys.stdout.write(text)
        return 0
    out.write_text(text, encoding="utf-8")
    print(
        f"wrote the draft of {args.article_id} to {out}: compare it with build/{args.article_id}.yaml", file=sys.stderr
    )
    return 0


def _validate_file(args: argparse.Namespace) -> int:
    """Check a user's own CSV or Parquet file against one of our table models."""
    from pak_afghan_diplomacy.pipeline.checks import schema_problems
    from pak_afghan_diplomacy.pipeline.problems import Problem
    from pak_afghan_diplomacy.pipeline.verify import read_table
    from pak_afghan_diplomacy.schema import MODELS

    if not (args.table and args.file):
        print("validate: --table NAME and FILE go together", file=sys.stderr)
        return 2
    if args.table not in MODELS:
        print(f"validate: no table {args.table!r}; tables are: {', '.join(MODELS)}", file=sys.stderr)
        return 2
    path = Path(args.file)
    fmt = "parquet" if path.suffix.lower() in (".parquet", ".pq") else "csv"
    try:
        frame = read_table(args.table, path.read_bytes(), fmt)
    except Exception as exc:
        problems = [Problem(str(path), check="readable", message=f"cannot read as {args.table} {fmt}: {exc}")]
    else:
        problems = [
            Problem(str(path), row=p.row, field=p.field, check=p.check, value=p.value, message=p.message)
            for p in schema_problems(args.table, frame)
        ]
    if problems:
        _report(problems, args.report)
        return 1
    print(f"valid: {path} ({frame.height} rows of {args.table})")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from pak_afghan_diplomacy.export import to_sqlite

    counts = to_sqlite(Path(args.path))
    print(f"wrote {args.path}: {len(counts)} tables, {sum(counts.values())} rows (browse: datasette {args.path})")
    return 0


def cmd_plot(args: argparse.Namespace) -> int:
    try:
        from pak_afghan_diplomacy.plot import timeline
    except ImportError:
        return _needs("plot")
    try:
        path = timeline(Path(args.path))
    except ImportError:
        return _needs("plot")
    print(f"wrote {path}")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    import pak_afghan_diplomacy as pad

    desc = pad.datapackage()
    print(f"{desc['title']} ({desc['name']}) version {desc['version']}, created {desc['created']}")
    print(f"data: {pad.data_dir()}")
    print("\ntables (rows):")
    for r in desc["resources"]:
        if r["format"] == "parquet":
            rows = pad.load(r["name"]).height
            print(f"  {r['name']:<22}{rows:>6}  {r['description']}")
    print(f"\nsources ({len(desc['sources'])} articles):")
    for s in desc["sources"]:
        print(f"  {s['path']:<36}{s['version']:<12}{s['title']}")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="pak-afghan-diplomacy",
        description=__doc__.splitlines()[0],
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    raw = argparse.RawDescriptionHelpFormatter
    b = sub.add_parser(
        "build",
        help="build and publish datasets/ from seeds/ and build/",
        description="Read the seeds and curation, validate every table, publish atomically.",
        epilog="example:\n  pak-afghan-diplomacy build --root . --report problems.csv",
        formatter_class=raw,
    )
    b.add_argument("--root", default=".", help="the checkout (default: .)")
    b.add_argument("--out", help="publish here instead of <root>/datasets")
    b.add_argument("--report", type=Path, help="write every problem to this .csv or .json file")
    b.set_defaults(func=cmd_build)

    v = sub.add_parser(
        "validate",
        help="re-check a published package, or a file of yours (exit 1 on any failure)",
        description="Check files, sizes, hashes, CSV = Parquet, every schema and key; "
        "or, with --table, check your own CSV or Parquet file against one table's schema.",
        epilog="examples:\n  pak-afghan-diplomacy validate --path datasets\n"
        "  pak-afghan-diplomacy validate --table meetings my_meetings.csv --report problems.csv",
        formatter_class=raw,
    )
    v.add_argument("file", nargs="?", help="with --table: your own CSV or Parquet file to check")
    v.add_argument("--table", help="check FILE against this table's schema instead of a package")
    v.add_argument("--path", help="the package folder (default: the installed package)")
    v.add_argument("--seeds", help="seed folder to check spans against (default: <path>/../seeds if present)")
    v.add_argument("--report", type=Path, help="write every problem to this .csv or .json file")
    v.set_defaults(func=cmd_validate)

    n = sub.add_parser(
        "new-article",
        help="add an article to seeds/ and pre-fill its curation file",
        description="Copy a UTF-8 text into seeds/, pin its sha256, and write build/<id>.yaml with the facts the "
        "drafting pass proposes (persons, roles, meetings, statements; each marked `proposed`) and every date "
        "found, for a person to review.",
        epilog="example:\n  pak-afghan-diplomacy new-article ~/Downloads/article.txt",
        formatter_class=raw,
    )
    n.add_argument("path", help="the article as a UTF-8 text file")
    n.add_argument("--root", default=".", help="the checkout (default: .)")
    n.set_defaults(func=cmd_new_article)

    d = sub.add_parser(
        "draft",
        help="draft an existing article's facts again, as proposals to review",
        description="Run the drafting pass (persons, roles, statements, meetings) on an article already in seeds/ "
        "and print a curation file of proposals, each marked `proposed`; the curated file is never touched.",
        epilog="examples:\n  pak-afghan-diplomacy draft 002_0d9ee7f76d7cf8bd | less\n"
        "  pak-afghan-diplomacy draft 002_0d9ee7f76d7cf8bd --out /tmp/002-draft.yaml",
        formatter_class=raw,
    )
    d.add_argument("article_id", help="the seed's id, e.g. 002_0d9ee7f76d7cf8bd")
    d.add_argument("--root", default=".", help="the checkout (default: .)")
    d.add_argument("--out", help="write the draft to this new file instead of stdout (never overwrites)")
    d.set_defaults(func=cmd_draft)

    e = sub.add_parser(
        "export",
        help="export the tables to SQLite",
        description="Write every table to SQLite with primary and foreign keys and column descriptions "
        "(in the DDL, and as rows of _tables and _columns).",
        epilog="example:\n  pak-afghan-diplomacy export sqlite pad.db && datasette pad.db",
        formatter_class=raw,
    )
    e.add_argument("format", choices=["sqlite"], help="the target format")
    e.add_argument("path", help="the file to write (replaced whole)")
    e.set_defaults(func=cmd_export)

    pl_ = sub.add_parser(
        "plot",
        help="draw a figure from the data (timeline)",
        description="Draw the envoys' terms as bars and their meetings as points (known to the day) or spans "
        "(known to a month or an interval); hatching marks the part of a term a reduced date leaves open.",
        epilog="example:\n  pak-afghan-diplomacy plot timeline timeline.png",
        formatter_class=raw,
    )
    pl_.add_argument("figure", choices=["timeline"], help="the figure")
    pl_.add_argument("path", help="the file to write (.png, .svg or .pdf)")
    pl_.set_defaults(func=cmd_plot)

    i = sub.add_parser(
        "info",
        help="version, tables with row counts, sources",
        epilog="example:\n  pak-afghan-diplomacy info",
        formatter_class=raw,
    )
    i.set_defaults(func=cmd_info)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
