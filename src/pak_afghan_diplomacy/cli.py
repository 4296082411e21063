"""The `pak-afghan-diplomacy` command: build, validate and describe the data package.

Exit codes: 0 success; 1 the data failed a check (problems are listed); 2 usage error;
3 an environment problem (a path missing, unreadable, read-only, or a file where a folder
belongs); 4 an internal error (a bug: please report it).
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
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

exit codes: 0 ok, 1 the data failed a check, 2 usage error, 3 environment problem
  (missing, unreadable or read-only path), 4 internal error (a bug)"""

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_ENVIRONMENT, EXIT_INTERNAL = 0, 1, 2, 3, 4


def _needs(extra: str):
    """A missing extra is the environment's problem (exit 3), in one line saying what to install."""
    print(f"this command needs the '{extra}' extra: pip install 'pak-afghan-diplomacy[{extra}]'", file=sys.stderr)
    return EXIT_ENVIRONMENT


def _say(message: str) -> None:
    """One line to stderr, with any control or bidi character from a path or value escaped."""
    from pak_afghan_diplomacy.pipeline.problems import printable

    print(printable(message), file=sys.stderr)


def _report(problems, report: Path | None) -> None:
    from pak_afghan_diplomacy.pipeline.problems import format_problems, write_report

    if sys.stderr.isatty():  # a person reads it: a table wrapped to the terminal, nothing off the edge
        _rich_problems(problems)
    else:  # a log or a pipe: one problem a line, for grep
        print(format_problems(problems), file=sys.stderr)
    if report is not None:
        write_report(problems, report)
        _say(f"full list written to {report}")


def _rich_problems(problems, limit: int = 50) -> None:
    """The problems as a rich table on the terminal, each cell wrapped, controls and bidi shown escaped."""
    from rich.console import Console
    from rich.table import Table

    from pak_afghan_diplomacy.pipeline.problems import Problem, printable

    items = sorted(problems, key=lambda p: (p.where, p.line or 0, p.row or "", p.field or "", p.check))
    table = Table(expand=True, show_lines=False)
    table.add_column("where", overflow="fold", ratio=2)
    table.add_column("line/row", overflow="fold", min_width=4, ratio=1)
    for name in ("field", "check", "value"):
        table.add_column(name, overflow="fold", min_width=8, ratio=2)
    table.add_column("message", overflow="fold", min_width=20, ratio=5)
    for p in items[:limit]:
        assert isinstance(p, Problem)
        where = str(p.line) if p.line is not None else (p.row or "")
        table.add_row(*(printable(c or "") for c in (p.where, where, p.field, p.check, p.value, p.message)))
    console = Console(stderr=True, highlight=False, markup=False, emoji=False)
    console.print(table)
    if len(items) > limit:
        console.print(f"... and {len(items) - limit} more (write them all with --report PATH)")
    console.print(f"{len(items)} problem(s)")


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


def _positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of processes, at least 1: {text!r}")
    return n


def cmd_build(args: argparse.Namespace) -> int:
    try:
        from pak_afghan_diplomacy.pipeline import BuildError, Layout, build
        from pak_afghan_diplomacy.pipeline.publish.atomic import OutputRefused
    except ImportError:
        return _needs("build")
    root = Path(args.root)
    layout = Layout(root)
    if args.out == "":
        _say("build: --out '' names no folder; leave --out out to publish to datasets/")
        return EXIT_USAGE
    if not layout.seeds.is_dir():
        _say(f"no seeds/ folder under {root.resolve()}: run build in a checkout or pass --root")
        return 2
    try:
        counts = build(
            layout, Path(args.out) if args.out else None, _progress_bar(), jobs=args.jobs, cache=not args.no_cache
        )
    except OutputRefused as err:
        _say(f"build: --out {err}")
        return EXIT_USAGE
    except BuildError as err:
        print("build failed; datasets/ was left as it was:", file=sys.stderr)
        _report(err.problems, args.report)
        return 1
    out = Path(args.out) if args.out else layout.datasets
    print(f"published {len(counts)} tables to {out}: " + ", ".join(f"{name} {n}" for name, n in counts.items()))
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    try:
        from pak_afghan_diplomacy.pipeline.publish.verify import verify
    except ImportError:
        return _needs("schema")
    import pak_afghan_diplomacy as pad

    if args.table or args.file:
        return _validate_file(args)
    if args.path == "" or args.seeds == "":
        _say(f"validate: --{'path' if args.path == '' else 'seeds'} '' names no folder")
        return EXIT_USAGE
    folder = Path(args.path) if args.path is not None else Path(str(pad.data_dir()))
    seeds = Path(args.seeds) if args.seeds else folder.parent / "seeds"
    if args.seeds and not seeds.is_dir():  # asked for: never skip the span check quietly (exit 3)
        raise NotADirectoryError(errno.ENOTDIR, "not a seeds folder", args.seeds)
    problems, counts = verify(folder, seeds if seeds.is_dir() else None)
    if args.rebuild:
        root = folder.resolve().parent
        if not ((root / "seeds").is_dir() and (root / "build").is_dir()):
            _say(f"validate --rebuild: {root} is not a checkout (no seeds/ and build/ beside the package)")
            return EXIT_USAGE
        from pak_afghan_diplomacy.pipeline.publish.verify import rebuild_problems

        problems += rebuild_problems(folder, root)
    if problems:
        _report(problems, args.report)
        return 1
    if args.report is not None:
        from pak_afghan_diplomacy.pipeline.problems import write_report

        write_report([], args.report)  # CI keeps an artefact either way
    print(
        f"valid: {folder} ({len(counts)} tables, {sum(counts.values())} rows"
        + ", spans inside their bodies"
        + (", span texts equal to seeds/" if seeds.is_dir() else "")
        + (", every byte as seeds/ and build/ rebuild it" if args.rebuild else "")
        + ")"
    )
    return 0


def cmd_new_article(args: argparse.Namespace) -> int:
    try:
        from pak_afghan_diplomacy.pipeline import Layout
        from pak_afghan_diplomacy.pipeline.problems import BuildError
        from pak_afghan_diplomacy.tools.new_article import add
    except ImportError:
        return _needs("build")
    layout = Layout(Path(args.root))
    if Path(args.path).is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder", args.path)  # exit 3, like any wrong path
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
        from pak_afghan_diplomacy.pipeline.problems import BuildError, Problem
        from pak_afghan_diplomacy.tools.drafting.checkout import draft_article
    except ImportError:
        return _needs("build")
    if args.out == "":
        _say("draft: --out '' names no file; leave --out out to print the draft")
        return EXIT_USAGE
    out = Path(args.out) if args.out else None
    if out is not None and (out.exists() or out.is_symlink()):
        what = "write through a symbolic link (even one pointing nowhere)" if out.is_symlink() else "overwrite a file"
        problem = Problem(str(out), check="exists", message=f"will not {what}: choose another path or delete it")
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
    with open(out, "x", encoding="utf-8") as fh:  # O_EXCL: never through a link made meanwhile
        fh.write(text)
    print(
        f"wrote the draft of {args.article_id} to {out}: compare it with build/{args.article_id}.yaml", file=sys.stderr
    )
    return 0


def _validate_file(args: argparse.Namespace) -> int:
    """Check a user's own CSV or Parquet file against one of our tables: every failure, with its line."""
    import pak_afghan_diplomacy as pad
    from pak_afghan_diplomacy.pipeline.problems import write_report
    from pak_afghan_diplomacy.pipeline.publish.userfile import check_file
    from pak_afghan_diplomacy.schema import MODELS

    if not (args.table and args.file):
        print("validate: --table NAME and FILE go together", file=sys.stderr)
        return 2
    if args.table not in MODELS:
        print(f"validate: no table {args.table!r}; tables are: {', '.join(MODELS)}", file=sys.stderr)
        return 2
    path = Path(args.file)
    data = path.read_bytes()  # an OSError is an environment problem (exit 3), not bad data
    problems, rows = check_file(args.table, path, data, pad.load)
    if problems:
        _report(problems, args.report)
        return 1
    if args.report is not None:
        write_report([], args.report)  # CI keeps an artefact either way
    print(f"valid: {path} ({rows} rows of {args.table})")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    import shlex

    from pak_afghan_diplomacy.export import ExportRefused, to_sqlite

    path = Path(args.path)
    try:
        counts = to_sqlite(path, force=args.force)
    except ExportRefused as err:
        _say(f"export: {err}")
        return EXIT_USAGE
    meta = path.with_name(f"{path.stem}.metadata.json")
    print(f"wrote {path} and {meta}: {len(counts)} tables, {sum(counts.values())} rows")
    print(f"browse: datasette {shlex.quote(str(path))} -m {shlex.quote(str(meta))}")
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


def cmd_docs(args: argparse.Namespace) -> int:
    import pak_afghan_diplomacy as pad

    path = pad.doc(args.name)
    if args.name == "figure" or args.path:
        print(path)
    else:
        print(path.read_text(encoding="utf-8"), end="")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    import io
    import shutil

    import polars as pl
    from rich.console import Console
    from rich.table import Table

    import pak_afghan_diplomacy as pad
    from pak_afghan_diplomacy.pipeline.publish.untrusted import MAX_RESOURCE_BYTES, load_descriptor, read_regular

    if args.path == "":
        _say("info: --path '' names no folder")
        return EXIT_USAGE
    folder = Path(args.path) if args.path is not None else Path(str(pad.data_dir()))
    desc = load_descriptor(folder)  # bounded, a regular file: a FIFO or a deep array is refused
    # Rich wraps every cell to the terminal (or 100 columns in a pipe): nothing runs off the edge.
    width = shutil.get_terminal_size((100, 24)).columns if sys.stdout.isatty() else 100
    console = Console(file=sys.stdout, width=width, highlight=False, markup=False, emoji=False)
    console.print(f"{desc['title']} ({desc['name']}) version {desc['version']}, created {desc['created']}")
    console.print(f"data: {folder}")
    tables = Table(title="tables", title_justify="left", expand=True)
    tables.add_column("table", no_wrap=True)
    tables.add_column("rows", justify="right", no_wrap=True)
    tables.add_column("what it holds", overflow="fold", ratio=1)
    articles = None
    for r in desc["resources"]:
        if r["format"] == "parquet":
            frame = pl.read_parquet(io.BytesIO(read_regular(folder / r["path"], MAX_RESOURCE_BYTES, inside=folder)))
            tables.add_row(r["name"], str(frame.height), r.get("description", ""))
            if r["name"] == "articles":
                articles = frame.sort("article_id")
    console.print(tables)
    if articles is None:
        return 0
    # Sources as a list, not a table: a URL folded across a cell's lines can be neither clicked nor copied.
    console.print(f"sources ({articles.height} articles)")
    for a in articles.iter_rows(named=True):
        by = f" ({a['publisher']})" if a.get("publisher") else ""
        console.print(f"- {a['article_id']}, published {a['published_date']}: {a['title']}{by}")
        console.print(f"  {a.get('url') or 'no URL recorded'}", soft_wrap=True)
    return 0


FIGURE_SUFFIXES = (".png", ".svg", ".pdf")


def _figure_path(value: str) -> str:
    """A usage error (exit 2) for a figure format we do not write, before any drawing."""
    if Path(value).suffix.lower() not in FIGURE_SUFFIXES:
        raise argparse.ArgumentTypeError(f"{value!r}: the file must end in {', '.join(FIGURE_SUFFIXES)}")
    return value


class _Parser(argparse.ArgumentParser):
    """argparse, with the user's own arguments escaped when it quotes them in an error (exit 2)."""

    def error(self, message: str):  # type: ignore[override]
        from pak_afghan_diplomacy.pipeline.problems import printable

        super().error(printable(message))


def parser() -> argparse.ArgumentParser:
    p = _Parser(
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
    b.add_argument("--jobs", type=_positive, help="processes for the per-article stage (default: every core)")
    b.add_argument("--no-cache", action="store_true", help="neither read nor write <root>/.cache")
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
    v.add_argument(
        "--rebuild",
        action="store_true",
        help="in a checkout: also rebuild from seeds/ and build/ and compare every byte (detects any change)",
    )
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
        description="Write every table to SQLite with primary and foreign keys, full-text search on statements, "
        "name spellings, post wordings and evidence, views for common questions, descriptions as rows of "
        "_tables and _columns; and Datasette's <name>.metadata.json beside it.",
        epilog="example:\n  pak-afghan-diplomacy export sqlite pad.db && datasette pad.db -m pad.metadata.json",
        formatter_class=raw,
    )
    e.add_argument("format", choices=["sqlite"], help="the target format")
    e.add_argument("path", help="the file to write (an earlier export there is replaced whole)")
    e.add_argument("--force", action="store_true", help="replace the file (and metadata.json) even if not ours")
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
    pl_.add_argument("path", type=_figure_path, help="the file to write (.png, .svg or .pdf)")
    pl_.set_defaults(func=cmd_plot)

    i = sub.add_parser(
        "info",
        help="version, tables with row counts, sources",
        epilog="examples:\n  pak-afghan-diplomacy info\n  pak-afghan-diplomacy info --path datasets   # one you built",
        formatter_class=raw,
    )
    i.add_argument("--path", help="a data package folder (default: the installed one)")
    i.set_defaults(func=cmd_info)

    d = sub.add_parser(
        "docs",
        help="the data dictionary, changelog, citation file or figure that ship with the data",
        epilog="examples:\n  pak-afghan-diplomacy docs                 # the data dictionary\n"
        "  pak-afghan-diplomacy docs changelog\n  pak-afghan-diplomacy docs figure --path   # where the PNG is",
        formatter_class=raw,
    )
    d.add_argument("name", nargs="?", default="dictionary", choices=["dictionary", "changelog", "citation", "figure"])
    d.add_argument("--path", action="store_true", help="print the file's path instead of its text")
    d.set_defaults(func=cmd_docs)
    return p


def main(argv: list[str] | None = None) -> int:
    """Run one command; whatever goes wrong ends as a sentence and an exit code, never a traceback."""
    args = parser().parse_args(argv)
    try:
        with contextlib.redirect_stdout(_Printable(sys.stdout)):
            return args.func(args)
    except KeyboardInterrupt:
        _say("interrupted")
        return 130
    except OSError as exc:
        _say(f"{args.command}: {_os_error(exc)}")
        return EXIT_ENVIRONMENT
    except UnicodeDecodeError as exc:
        _say(f"{args.command}: a file is not UTF-8 text ({exc.reason} at byte {exc.start})")
        return EXIT_FAILED
    except UnicodeError as exc:
        _say(f"{args.command}: {exc}")
        return EXIT_ENVIRONMENT
    except MemoryError:
        _say(f"{args.command}: out of memory")
        return EXIT_ENVIRONMENT
    except RecursionError:  # before Exception: no hostile nesting ends as "internal error"
        _say(f"{args.command}: a file is nested too deeply to read (a JSON or YAML bomb?)")
        return EXIT_FAILED
    except Exception as exc:
        if args.command in READS_PACKAGE and _malformed(exc):
            _say(f"{args.command}: the data package is malformed ({type(exc).__name__}: {exc})")
            _say("run `pak-afghan-diplomacy validate` for every problem in it")
            return EXIT_FAILED
        return _internal(args.command, exc)
    except BaseException as exc:  # polars' Rust panics arrive as pyo3's PanicException, a BaseException
        if type(exc).__name__ != "PanicException":
            raise
        if args.command in READS_PACKAGE:
            _say(f"{args.command}: a file of the data package could not be read (the reader panicked: {exc})")
            _say("run `pak-afghan-diplomacy validate` for every problem in it")
            return EXIT_FAILED
        return _internal(args.command, exc)


def _internal(command: str, exc: BaseException) -> int:
    """A bug: exit 4 with a sentence, and with PAD_DEBUG=1 the traceback too (still exit 4, not 1)."""
    if os.environ.get("PAD_DEBUG"):
        import traceback

        traceback.print_exception(exc)
    _say(f"{command}: internal error, please report it: {type(exc).__name__}: {exc}")
    if not os.environ.get("PAD_DEBUG"):
        _say("(set PAD_DEBUG=1 to see the traceback)")
    return EXIT_INTERNAL


READS_PACKAGE = ("info", "export", "plot")  # commands that trust the published package's shape


def _malformed(exc: Exception) -> bool:
    """Whether `exc` is what reading a descriptor or table of the wrong shape raises."""
    module = type(exc).__module__.split(".")[0]
    return isinstance(exc, (LookupError, TypeError, ValueError, AttributeError)) or module in ("polars", "pyarrow")


class _Printable:
    """A text stream that shows control, escape and bidi characters as escapes (newlines and tabs kept).

    Titles, paths and ids printed by a command come from files; none may drive the terminal.
    """

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        from pak_afghan_diplomacy.pipeline.problems import printable

        self._stream.write(printable(text, newlines=True))
        return len(text)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


_OS_ERRORS = {
    errno.ENOENT: "no such file or folder",
    errno.EISDIR: "is a folder, where a file was expected",
    errno.ENOTDIR: "is a file (or lies under one), where a folder was expected",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EROFS: "read-only file system",
    errno.ENOSPC: "no space left on the device",
    errno.EEXIST: "already exists",
    errno.ENOTEMPTY: "folder not empty",
}


def _os_error(exc: OSError) -> str:
    """`path: what is wrong`, in words, for an error of the operating system."""
    what = _OS_ERRORS.get(exc.errno or 0) or exc.strerror or str(exc)
    where = exc.filename if exc.filename is not None else ""
    if exc.filename2 is not None:
        where = f"{where} -> {exc.filename2}"
    return f"{where}: {what}" if where else what


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
