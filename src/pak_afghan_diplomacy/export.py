"""Export the package to SQLite, for Datasette and any SQL client.

Everything is derived from `datapackage.json`, which ships with the data: types, NOT NULL,
primary and foreign keys come from each resource's schema, and sqlite-utils writes the
tables, full-text indexes and views (no hand-written DDL, so no text from the descriptor
ever reaches a CREATE statement). `_tables` and `_columns` repeat the descriptions as rows
for SQL clients; Datasette's `<stem>.metadata.json`, written beside the database, gives
titles, descriptions, labels, canned queries and hides what a reader does not need.

The target is only ever replaced if it is ours (an earlier export), never followed through
a symlink, never inside the package itself; the database is staged beside the target and
renamed into place, and a staging file left by a killed run is removed by the next one.
"""

from __future__ import annotations

import contextlib
import errno
import html
import json
import os
import re
import signal
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

_SQL_TYPES = {"string": str, "integer": int, "boolean": int, "date": str}

# Columns a reader wants first in Datasette's table page (the rest follow in published order).
FRONT = {
    "meetings": ["meeting_id", "date", "description", "city", "country", "kind"],
    "statements": ["statement_id", "text", "speaker_id", "speaker_organization_id", "date", "mode"],
    "roles": ["role_id", "person_id", "title", "organization_id", "start_date", "end_date", "status"],
}

# The column Datasette shows in place of a foreign key pointing at the table.
LABELS = {
    "articles": "title",
    "persons": "name",
    "organizations": "name",
    "posts": "title",
    "meetings": "description",
    "conflicts": "description",
}

# Full-text search (SQLite FTS5): `?_search=` on the table page, `MATCH` in SQL.
FTS = {
    "statements": ["text", "context_text", "attribution_text"],
    "person_names": ["name"],
    "post_aliases": ["alias"],
    "evidence": ["text"],
    "meetings": ["description"],
}

# A role is taken as held at a meeting when their known spans can overlap: a missing bound is open.
_HELD_AT = """(r.start_earliest IS NULL OR m.date_latest IS NULL OR r.start_earliest <= m.date_latest)
          AND (r.end_latest IS NULL OR m.date_earliest IS NULL OR r.end_latest >= m.date_earliest)"""

# Views for the three questions users ask first; each row readable without a join of one's own.
VIEWS: dict[str, tuple[str, str]] = {
    "meetings_with_participants": (
        "Who met whom, when and where: one row per participant of each meeting, named persons and unnamed "
        "groups (“a delegation”) alike, with the post the person held at the meeting's date.",
        f"""
        SELECT m.meeting_id, m.date, m.date_precision, m.city, m.country, m.kind, m.description,
               p.side, coalesce(pe.name, p.unnamed) AS participant,
               CASE WHEN p.person_id IS NULL THEN 'unnamed group' ELSE 'person' END AS participant_kind,
               p.count, p.participation,
               (SELECT group_concat(title, '; ') FROM (
                   SELECT DISTINCT r.title FROM roles r
                   WHERE r.person_id = p.person_id AND {_HELD_AT} ORDER BY r.title)) AS post_at_meeting,
               m.source_count, m.part_of
        FROM meetings m JOIN meeting_participants p USING (meeting_id)
        LEFT JOIN persons pe ON pe.person_id = p.person_id
        ORDER BY m.date_earliest, m.meeting_id, p.side, participant""",
    ),
    "statements_with_speakers": (
        "Who said what, when, and where it was reported: each statement with its speaker's name (or "
        "organization), the words, the article's title and link, and whether the record is disputed.",
        """
        SELECT s.statement_id, s.date,
               coalesce(pe.name, o.name,
                        (SELECT group_concat(coalesce(vp.name, vo.name), ' and ') FROM statement_speakers v
                         LEFT JOIN persons vp ON vp.person_id = v.person_id
                         LEFT JOIN organizations vo ON vo.organization_id = v.organization_id
                         WHERE v.statement_id = s.statement_id AND v.capacity IN ('speaker', 'joint')),
                        '(not attributed)') AS speaker,
               s.text, s.mode, s.content_kind, s.setting, s.attribution_kind, s.meeting_id,
               a.title AS article, a.publisher, a.url AS source_url, a.published_date,
               CASE WHEN EXISTS (SELECT 1 FROM conflict_records c
                       WHERE c.record_table = 'statements' AND c.record_id = s.statement_id)
                    THEN 'yes' ELSE 'no' END AS disputed
        FROM statements s LEFT JOIN persons pe ON pe.person_id = s.speaker_id
        LEFT JOIN organizations o ON o.organization_id = s.speaker_organization_id
        LEFT JOIN articles a ON a.article_id = s.article_id
        ORDER BY s.date, s.statement_id""",
    ),
    "posts_held": (
        "Who held which post, when: each person's post in an organization with its start and end as the "
        "sources date them (null when no source says), and the articles it rests on.",
        """
        SELECT pe.name AS person, r.title AS post, o.name AS organization,
               CASE r.acting WHEN 1 THEN 'yes' ELSE 'no' END AS acting,
               r.start_date, r.end_date, r.status, r.observed_date,
               (SELECT group_concat(a.title, ' | ') FROM role_observations ro
                JOIN articles a USING (article_id) WHERE ro.role_id = r.role_id) AS sources,
               r.role_id, r.person_id, r.post_id
        FROM roles r JOIN persons pe USING (person_id)
        LEFT JOIN organizations o USING (organization_id)
        ORDER BY pe.name, r.start_earliest""",
    ),
    "persons_with_spellings": (
        "Each person with every spelling of the name the articles use.",
        """
        SELECT pe.person_id, pe.name, group_concat(DISTINCT n.name) AS spellings
        FROM persons pe JOIN person_names n USING (person_id) GROUP BY pe.person_id, pe.name
        ORDER BY pe.name""",
    ),
}

QUERIES = {
    "meetings_of_a_person": {
        "title": "Every meeting of a person",
        "description": "Type part of a name in any spelling the articles use (e.g. a surname).",
        "sql": """SELECT DISTINCT v.meeting_id, v.date, v.city, v.kind, v.description, v.participant,
       v.post_at_meeting
FROM meetings_with_participants v JOIN meeting_participants p USING (meeting_id)
JOIN person_names n ON n.person_id = p.person_id
WHERE n.name LIKE '%' || :name || '%' AND v.participant IN (SELECT name FROM persons WHERE person_id = p.person_id)
ORDER BY v.date""",
    },
    "statements_mentioning": {
        "title": "Statements that mention a word",
        "description": "Full-text search over the words of every statement and its context.",
        "sql": """SELECT v.date, v.speaker, v.text, s.context_text AS context, v.article, v.source_url
FROM statements_fts f JOIN statements s ON s.rowid = f.rowid
JOIN statements_with_speakers v ON v.statement_id = s.statement_id
WHERE statements_fts MATCH :word ORDER BY v.date""",
    },
    "disputed_dates": {
        "title": "Disputed dates",
        "description": "Where sources disagree on a date: what each says and how the curation reads it.",
        "sql": """SELECT c.conflict_id, c.description, c.assessment, r.record_table, r.record_id
FROM conflicts c JOIN conflict_records r USING (conflict_id)
WHERE c.kind = 'date' ORDER BY c.conflict_id, r.record_table""",
    },
}

# Datasette sizes columns by content: give the words room (an inline stylesheet, nothing fetched).
CSS = "data:text/css," + quote(
    "td.col-text, td.col-description, td.col-context_text, td.col-assessment { min-width: 28em } "
    "td.col-article_id, td.col-attribution_text, td.col-article { min-width: 14em } td.col-sources { min-width: 22em } "
    "details dl { margin: 0.5em 1em }"
)

# Written by us, hence ours to replace.
_MARK_TABLE = "_package"
_STAGING = ".pad-staging"


class ExportRefused(ValueError):
    """The target is not ours to write: `str()` says why in a sentence naming the path."""


def _resources(package: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in package["resources"] if r["format"] == "parquet"]


def _markdown(text: str) -> str:
    """The little Markdown our descriptions use (`code`), as safe HTML."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text or ""))


def _article_sources(articles: list[dict[str, Any]]) -> str:
    items = []
    for a in articles:
        by = f"{html.escape(a['publisher'])}, " if a.get("publisher") else ""
        title = html.escape(a["title"])
        link = f'<a href="{html.escape(a["url"])}">{title}</a>' if a.get("url") else title
        items.append(f"<li>{by}{link} ({html.escape(str(a['published_date']))})</li>")
    return "<ul>" + "".join(items) + "</ul>"


def datasette_metadata(package: dict[str, Any], database: str, articles: list[dict[str, Any]]) -> dict[str, Any]:
    """Datasette's metadata.json: a title and description for readers, licence, the articles as links,
    every table and column described, labels for foreign keys, canned queries, helper tables hidden."""
    licence = package["licenses"][0]
    tables: dict[str, Any] = {}
    for r in _resources(package):
        # The column list folds away: Datasette would print it above the rows, a screen or more of it.
        columns = "".join(
            f"<dt><code>{html.escape(f['name'])}</code> <small>({f['type']})</small></dt>"
            f"<dd>{_markdown(_column_text(f))}</dd>"
            for f in r["schema"]["fields"]
        )
        entry: dict[str, Any] = {
            "description_html": f"<p>{_markdown(r.get('description', ''))}</p>"
            f"<details><summary>What each column means</summary><dl>{columns}</dl></details>",
        }
        if r["name"] in LABELS:
            entry["label_column"] = LABELS[r["name"]]
        if r["name"] == "articles":
            entry["sort"] = "article_id"
        tables[r["name"]] = entry
    for name in ("_tables", "_columns", _MARK_TABLE):
        tables[name] = {"hidden": True}
    for view, (description, _) in VIEWS.items():
        tables[view] = {"description": description}
    tables["statements_with_speakers"].update({"fts_table": "statements_fts", "fts_pk": "statement_id"})
    first = next((a["url"] for a in articles if a.get("url")), None)
    database_entry: dict[str, Any] = {
        "title": package["title"],
        "description_html": (
            "<p>Who met whom, who said what and who held which post in Pakistan–Afghanistan diplomacy, "
            "curated from news articles; every row points at the article and the words that support it. "
            "Start with the views <code>meetings_with_participants</code>, <code>statements_with_speakers</code> "
            "and <code>posts_held</code>, or search statements and name spellings.</p>"
            f"<p>Articles:</p>{_article_sources(articles)}"
        ),
        "source": f"{len(articles)} news articles",
        "tables": tables,
        "queries": QUERIES,
    }
    if first:
        database_entry["source_url"] = first
    meta: dict[str, Any] = {
        "title": package["title"],
        "extra_css_urls": [CSS],
        "description_html": f"<p>{_markdown(package.get('description', '').split('. ')[0] + '.')}</p>"
        f'<p>Start here: <a href="/{database}/meetings_with_participants">who met whom, when and where</a> · '
        f'<a href="/{database}/statements_with_speakers">who said what</a> · '
        f'<a href="/{database}/posts_held">who held which post</a> · '
        f'<a href="/{database}/statements">search the statements</a></p>',
        "license": licence.get("name", "").replace("CC-BY-", "CC BY "),
        "license_url": licence.get("path"),
        "source": f"{package['name']} {package['version']}",
        "databases": {database: database_entry},
    }
    if package.get("homepage"):
        meta["about"], meta["about_url"] = package["name"], package["homepage"]
    return meta


def _column_text(f: dict[str, Any]) -> str:
    text = f.get("description", "")
    return f"{text} (1 yes, 0 no)" if f["type"] == "boolean" else text


def _columns_in_order(resource: dict[str, Any]) -> list[str]:
    names = [f["name"] for f in resource["schema"]["fields"]]
    front = [c for c in FRONT.get(resource["name"], []) if c in names]
    return front + [c for c in names if c not in front]


def write_database(path: Path, package: dict[str, Any], frames: dict[str, Any]) -> dict[str, int]:
    """Every table of `package` with `frames[name]`'s rows into a new SQLite file at `path`."""
    import sqlite_utils

    counts: dict[str, int] = {}
    con = sqlite3.connect(path)
    try:
        db = sqlite_utils.Database(con)
        db.execute("PRAGMA foreign_keys = OFF")  # checked once at the end: a meeting may be part of a later row
        db[_MARK_TABLE].insert({"name": package["name"], "version": package["version"]}, pk="name")
        db["_tables"].create({"table_name": str, "description": str}, pk="table_name", not_null={"description"})
        db["_columns"].create(
            {"table_name": str, "column_name": str, "type": str, "required": int, "description": str},
            pk=("table_name", "column_name"),
            not_null={"type", "required", "description"},
            foreign_keys=[("table_name", "_tables", "table_name")],
        )
        for resource in _resources(package):  # referenced tables come first
            name, schema = resource["name"], resource["schema"]
            fields = {f["name"]: f for f in schema["fields"]}
            order = _columns_in_order(resource)
            db[name].create(
                {c: _SQL_TYPES[fields[c]["type"]] for c in order},
                pk=tuple(schema["primaryKey"]) if len(schema["primaryKey"]) > 1 else schema["primaryKey"][0],
                not_null={c for c, f in fields.items() if f.get("constraints", {}).get("required")},
                foreign_keys=[
                    (fk["fields"][0], fk["reference"]["resource"], fk["reference"]["fields"][0])
                    for fk in schema.get("foreignKeys", [])
                ],
            )
            db["_tables"].insert({"table_name": name, "description": resource.get("description", "")})
            db["_columns"].insert_all(
                {
                    "table_name": name,
                    "column_name": f["name"],
                    "type": f["type"],
                    "required": int(bool(f.get("constraints", {}).get("required"))),
                    "description": f.get("description", ""),
                }
                for f in schema["fields"]
            )
            frame = frames[name].select(order)
            rows = (
                {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in row.items()}
                for row in frame.iter_rows(named=True)
            )
            db[name].insert_all(rows, batch_size=500)
            counts[name] = frame.height
            if name in FTS:
                db[name].enable_fts(FTS[name], tokenize="unicode61 remove_diacritics 2")
        for view, (_, sql) in VIEWS.items():
            db.create_view(view, sql.strip())
        bad = db.execute("PRAGMA foreign_key_check").fetchall()
        if bad:
            raise ValueError(f"foreign keys do not resolve: {bad[:5]}")
        con.commit()
    finally:
        con.close()
    return counts


def _ours_db(path: Path) -> bool:
    """Whether `path` is a SQLite file an earlier export wrote (it has our marker table)."""
    try:
        with path.open("rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                return False
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return bool(con.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (_MARK_TABLE,)).fetchone())
        finally:
            con.close()
    except (OSError, sqlite3.Error):
        return False


def _ours_meta(path: Path, package_name: str) -> bool:
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(meta, dict) and str(meta.get("source", "")).startswith(f"{package_name} ")


def _check_target(path: Path, ours: bool, force: bool, package_dir: Path) -> None:
    if path.is_symlink():
        raise ExportRefused(f"{path}: is a symbolic link; export writes only to a real path (give the link's target)")
    if path.exists() and path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder: give a file name such as pad.db", str(path))
    absolute = path.absolute()
    if absolute.is_relative_to(package_dir) or path.resolve().is_relative_to(package_dir):
        raise ExportRefused(f"{path}: lies inside the data package ({package_dir}); export elsewhere")
    if path.exists() and not ours and not force:
        raise ExportRefused(f"{path}: exists and was not written by an export; delete it or pass --force")


def _clean_stale(folder: Path) -> None:
    """Remove staging files whose writer has died (a killed or crashed export)."""
    for stale in folder.glob(f".*{_STAGING}*"):
        match = re.search(r"\.(\d+)\.[^.]+" + re.escape(_STAGING) + r"(\.json)?$", stale.name)
        if match and not _alive(int(match.group(1))):
            with contextlib.suppress(OSError):
                stale.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return pid != 0


@contextlib.contextmanager
def _sigterm_unwinds() -> Iterator[None]:
    """SIGTERM raises, so a `finally` removes the staging file (restored after)."""

    def handler(signum, frame):
        raise KeyboardInterrupt("terminated")

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: nothing to install
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _made_folders(folder: Path) -> list[Path]:
    """Create `folder` and its missing parents; the ones created, deepest first, to remove on failure."""
    missing = []
    for parent in [folder, *folder.parents]:
        if parent.exists():
            break
        missing.append(parent)
    folder.mkdir(parents=True, exist_ok=True)
    return missing


def _sqlite_error(exc: sqlite3.Error, target: Path) -> Exception:
    """A located error for what SQLite reports: a full disk is the environment's, the rest the data's."""
    text = str(exc)
    if "full" in text:
        return OSError(errno.ENOSPC, "no space left on the device", str(target))
    if "readonly" in text or "read-only" in text:
        return OSError(errno.EROFS, "read-only file system", str(target))
    if "unable to open" in text or "disk I/O" in text:
        return OSError(errno.EIO, f"cannot write the database ({text})", str(target))
    return ValueError(f"{target}: the data package could not be written to SQLite ({text})")


def to_sqlite(target: Path, force: bool = False) -> dict[str, int]:
    """Write every table to a new SQLite file at `target`, and Datasette's `<stem>.metadata.json` beside it.

    An existing target is replaced only when an earlier export wrote it, or with `force`; a symlink
    or a path inside the package is refused either way. Returns row counts.
    """
    import pak_afghan_diplomacy as pad

    target = Path(target)
    package = pad.datapackage()
    package_dir = Path(str(pad.data_dir())).absolute()
    _check_target(target, _ours_db(target), force, package_dir)
    meta = target.with_name(f"{target.stem}.metadata.json")
    _check_target(meta, _ours_meta(meta, package["name"]), force, package_dir)
    frames = {r["name"]: pad.load(r["name"], verify=False) for r in _resources(package)}
    articles = frames["articles"].sort("article_id").to_dicts()
    made = _made_folders(target.parent)
    staging: Path | None = None
    done = False
    try:
        with _sigterm_unwinds():
            _clean_stale(target.parent)
            fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.{os.getpid()}.", suffix=_STAGING)
            os.close(fd)
            staging = Path(name)
            try:
                counts = write_database(staging, package, frames)
            except sqlite3.Error as exc:
                raise _sqlite_error(exc, target) from None
            except OSError as exc:
                raise OSError(exc.errno, exc.strerror, str(target)) from None
            umask = os.umask(0)
            os.umask(umask)
            staging.chmod(0o666 & ~umask)
            text = json.dumps(datasette_metadata(package, target.stem, articles), ensure_ascii=False, indent=2)
            meta_staging = staging.with_name(staging.name + ".json")
            meta_staging.write_text(text + "\n", encoding="utf-8")
            meta_staging.chmod(0o666 & ~umask)
            os.replace(meta_staging, meta)
            os.replace(staging, target)
            done = True
    finally:
        if staging is not None and not done:
            for leftover in (staging, staging.with_name(staging.name + ".json")):
                with contextlib.suppress(OSError):
                    leftover.unlink()
        if not done:
            for folder in made:
                with contextlib.suppress(OSError):
                    folder.rmdir()
    return counts
