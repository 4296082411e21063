"""Read curation YAML safely, remembering the line of every key, and check it against a spec.

Only the safe loader is used: curation files are untrusted input and nothing in
them is ever executed. Each mapping remembers where its keys are, so that every
error can name the file, the line and the field. Parsing uses libyaml's C parser
when PyYAML has it (the pure-Python parser was 90% of a large build), else the
pure-Python one; the construction, and so every check, is the same Python code.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import yaml

from pak_afghan_diplomacy import dates
from pak_afghan_diplomacy.dates import check as check_date
from pak_afghan_diplomacy.pipeline.problems import REFUSED_CHARS, Problem, char_at, printable


class LineDict(dict):
    """A mapping that knows its own line and each key's line (1-based)."""

    line: int = 0
    lines: dict[str, int]


class RawInt(int):
    """A whole number typed another way (`042`, `0x2a`, `4_2`), remembering how, for messages."""

    raw: str


class LineList(list):
    """A sequence that knows each item's line."""

    line: int = 0
    lines: list[int]


_SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"

# Limits that no curation file comes near, enforced before anything can blow up: libyaml's
# scanner is quadratic in flow nesting (50,000 `[` took minutes and then crashed the C
# composer), and a tree of aliases is exponential for whatever walks it.
MAX_BYTES = 64 << 20  # one curation file
MAX_DEPTH = 64  # nested mappings and lists
MAX_SCALAR = 100_000  # characters in one value
MAX_ALIAS_NODES = 10_000  # nodes that aliases stand for, counted as if expanded
_BRACKETS = bytes(range(256)).translate(None, b"[{]}")


class _Refused(Exception):
    """The file is refused as a whole: no value is built from it."""

    def __init__(self, line: int | None, message: str, field: str | None = None):
        self.line, self.message, self.field = line, message, field
        super().__init__(message)


class _Loader(_SafeBase):  # type: ignore[misc,valid-type]
    """libyaml (or PyYAML) parses; `build` turns the events into values, without recursion.

    Building straight from the event stream, with an explicit stack, bounds the depth (no C or
    Python recursion to overflow), counts what aliases stand for, and knows the path of every
    value (for duplicate keys and refused characters). Only the safe scalar types (null, bool,
    int, float, str) are made, so any other tag is an error; lines are recorded as it goes.
    """

    _scalars: ClassVar[dict[str, Callable[[Any, yaml.ScalarNode], Any]]] = {
        "tag:yaml.org,2002:null": yaml.constructor.SafeConstructor.construct_yaml_null,
        "tag:yaml.org,2002:bool": yaml.constructor.SafeConstructor.construct_yaml_bool,
        "tag:yaml.org,2002:int": yaml.constructor.SafeConstructor.construct_yaml_int,
        "tag:yaml.org,2002:float": yaml.constructor.SafeConstructor.construct_yaml_float,
    }


# Dates stay strings: `2024-12-23` must not silently become a datetime.date.
_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

_NO_KEY = object()

_RESOLVERS = {first: tuple(pairs) for first, pairs in _Loader.yaml_implicit_resolvers.items()}
_RESOLVED: dict[str, str] = {}  # plain scalar -> tag: keys and short values repeat in every file


def _resolve(value: str) -> str:
    """The tag of a plain scalar, as `Resolver.resolve` gives it (no path resolvers, no wildcard)."""
    tag = _RESOLVED.get(value)
    if tag is None:
        tag = _STR
        for candidate, pattern in _RESOLVERS.get(value[:1], ()):
            if pattern.match(value):
                tag = candidate
                break
        if len(value) <= 40:  # keys and short values; a few hundred kB at most
            if len(_RESOLVED) >= 8_192:
                _RESOLVED.clear()
            _RESOLVED[value] = tag
    return tag


class _Frame:
    """An open mapping or list: its value, the key awaiting its value, and its expanded size."""

    __slots__ = ("anchor", "key", "key_line", "size", "value")

    def __init__(self, value: Any, anchor: str | None):
        self.value, self.anchor = value, anchor
        self.key: Any = _NO_KEY
        self.key_line = 0
        self.size = 1


class _Builder:
    """Values from the event stream; `data` is the document's bytes, scanned once for refused characters.

    A scalar's characters are the file's own, besides the line breaks and spaces of folding, except
    where a double-quoted scalar has escapes: so when the file holds no refused character, only
    double-quoted scalars of a file with a backslash are searched one by one (the search was 15%).
    """

    def __init__(self, loader: _Loader, label: str, data: bytes | None = None):
        self.loader, self.label = loader, label
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int | None]] = {}
        self.alias_nodes = 0
        self.root: Any = None
        self.duplicate_keys: list[tuple[str, str, int]] = []  # (key, path, line)
        self.problems: list[Problem] = []
        self.search_all = data is None or _may_refuse(data)
        self.escapes = data is None or b"\\" in data

    def path(self) -> str:
        """Where the next value goes, as `persons[3].note`."""
        out = ""
        for frame in self.stack:
            if isinstance(frame.value, dict):
                if frame.key is not _NO_KEY:
                    out = _join(out, frame.key)
            else:
                out += f"[{len(frame.value)}]"
        return out

    def run(self) -> Any:
        """The document; the common events (scalars into a mapping or list, ends) are handled inline."""
        check_event, get_event = self.loader.check_event, self.loader.get_event
        stack = self.stack
        scalar_event, alias_event = yaml.ScalarEvent, yaml.AliasEvent
        map_end, seq_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
        seq_start, map_start = yaml.SequenceStartEvent, yaml.MappingStartEvent
        intern, resolve, is_normalized = sys.intern, _resolve, unicodedata.is_normalized
        documents = 0
        while check_event():
            event = get_event()
            mark = event.start_mark
            line = mark.line + 1 if mark else None
            kind = type(event)
            if kind is scalar_event:
                value = event.value
                tag = event.tag
                # the common case inline: text that needs no search (else `scalar` says what it is)
                if (
                    tag is None
                    and len(value) <= MAX_SCALAR
                    and (not event.implicit[0] or resolve(value) == _STR)
                    and not self.search_all
                    and (not self.escapes or event.style != '"')
                    and is_normalized("NFC", value)
                ):
                    pass
                else:
                    value = self.scalar(event, line)
                if event.anchor is not None:
                    self.anchors[event.anchor] = (value, 1)
                if not stack:
                    self.root = value
                    continue
                frame = stack[-1]
                frame.size += 1
                target = frame.value
                if type(target) is LineList:
                    target.append(value)
                    target.lines.append(line or 0)
                elif frame.key is _NO_KEY:
                    frame.key = intern(value) if type(value) is str else value
                    frame.key_line = line or 0
                else:
                    key = frame.key
                    if key in target:
                        self.duplicate_keys.append((str(key), self.path(), frame.key_line))
                    target[key] = value
                    target.lines[key if type(key) is str else str(key)] = frame.key_line
                    frame.key = _NO_KEY
            elif kind is map_end or kind is seq_end:
                frame = stack.pop()
                if frame.anchor is not None:
                    self.anchors[frame.anchor] = (frame.value, frame.size)
                self.add(frame.value, frame.size, frame.value.line, None)
            elif kind is alias_event:
                self.alias(event.anchor, line)
            elif kind is seq_start or kind is map_start:
                self.start(event, line)
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise _Refused(line, "invalid YAML: expected a single document in the stream")
        return self.root

    def scalar(self, event: yaml.ScalarEvent, line: int | None) -> Any:
        value = event.value
        if len(value) > MAX_SCALAR:
            raise _Refused(line, f"a value of {len(value):,} characters (at most {MAX_SCALAR:,})", self.path())
        tag = event.tag
        if tag is None or tag == "!":
            # a quoted scalar is text whatever it looks like: only plain ones need the resolver's patterns
            tag = _resolve(value) if event.implicit[0] else _STR
        if tag == _STR:
            if (self.search_all or (self.escapes and event.style == '"')) and (
                m := REFUSED_CHARS.search(value)
            ) is not None:
                self.problems.append(
                    Problem(
                        self.label,
                        line=line,
                        field=self.path() or None,
                        check="control character",
                        value=printable(value[max(0, m.start() - 10) : m.start() + 10]),
                        message=f"{char_at(value, m.start())}: control, format (zero-width, bidi, tag) "
                        "and non-characters hide or reorder text; remove it",
                    )
                )
            elif not unicodedata.is_normalized("NFC", value):
                i = _first_unnormalized(value)
                self.problems.append(
                    Problem(
                        self.label,
                        line=line,
                        field=self.path() or None,
                        check="not NFC",
                        value=printable(value[max(0, i - 10) : i + 10]),
                        message=f"{char_at(value, i)}: the text is not in Unicode NFC (a letter and its accent "
                        "stored apart?); retype it or normalise the file to NFC",
                    )
                )
            return value
        make = _Loader._scalars.get(tag)
        if make is None:
            raise _Refused(line, f"invalid YAML: unsupported tag {_show(tag)}")
        made = make(self.loader, yaml.ScalarNode(tag, value, event.start_mark, event.end_mark))
        if type(made) is int and value != str(made):
            made = RawInt(made)  # `042` is 34 to YAML: a message must show what the curator typed
            made.raw = value
        return made

    def alias(self, anchor: str, line: int | None) -> None:
        if anchor not in self.anchors:
            raise _Refused(line, f"invalid YAML: found undefined alias {_show(anchor)}")
        value, size = self.anchors[anchor]
        if size is None:
            raise _Refused(line, f"invalid YAML: alias {_show(anchor)} inside its own anchor (a loop)")
        self.alias_nodes += size
        if self.alias_nodes > MAX_ALIAS_NODES:
            raise _Refused(
                line, f"aliases stand for more than {MAX_ALIAS_NODES:,} values (an alias bomb?)", self.path() or None
            )
        self.add(value, size, line, None)

    def start(self, event: yaml.CollectionStartEvent, line: int | None) -> None:
        is_map = type(event) is yaml.MappingStartEvent
        if self.stack and isinstance(self.stack[-1].value, dict) and self.stack[-1].key is _NO_KEY:
            raise _Refused(line, "invalid YAML: a key must be plain text")
        if event.tag not in (None, "!", _MAP if is_map else _SEQ):
            raise _Refused(line, f"invalid YAML: unsupported tag {_show(event.tag)}")
        if len(self.stack) >= MAX_DEPTH:
            raise _Refused(line, f"invalid YAML: nested too deeply (more than {MAX_DEPTH} levels)", self.path() or None)
        value: LineDict | LineList
        if is_map:
            value = LineDict()
            value.lines = {}
        else:
            value = LineList()
            value.lines = []
        value.line = line or 0
        self.stack.append(_Frame(value, event.anchor))
        if event.anchor is not None:
            self.anchors[event.anchor] = (value, None)

    def add(self, value: Any, size: int, line: int | None, anchor: str | None) -> None:
        if anchor is not None:
            self.anchors[anchor] = (value, size)
        if not self.stack:
            self.root = value
            return
        frame = self.stack[-1]
        frame.size += size
        target = frame.value
        if isinstance(target, list):
            target.append(value)
            target.lines.append(line or 0)
            return
        if frame.key is _NO_KEY:
            if isinstance(value, (dict, list)):
                raise _Refused(line, "invalid YAML: a key must be plain text")
            frame.key = sys.intern(value) if isinstance(value, str) else value
            frame.key_line = line or 0
            return
        key = frame.key
        if key in target:
            self.duplicate_keys.append((str(key), self.path(), frame.key_line))
        target[key] = value
        target.lines[str(key)] = frame.key_line
        frame.key = _NO_KEY


_ASCII_SAFE = bytes(range(0x20, 0x7F)) + b"\t\n\r"


def _may_refuse(data: bytes) -> bool:
    """Whether valid UTF-8 `data` holds a refused character: its ASCII controls and non-ASCII text searched.

    Deleting the printable ASCII bytes from UTF-8 leaves UTF-8 (they never occur inside a longer
    sequence), and what is left is short: searching it is 50x faster than searching the whole text.
    """
    return REFUSED_CHARS.search(data.translate(None, _ASCII_SAFE).decode("utf-8")) is not None


def _first_unnormalized(value: str) -> int:
    """The index of the first character NFC would change (a singleton, or a mark that composes)."""
    for i, ch in enumerate(value):
        if unicodedata.normalize("NFC", ch) != ch:
            return i
        if i and unicodedata.combining(ch):
            pair = value[i - 1 : i + 1]
            if unicodedata.normalize("NFC", pair) != pair:
                return i - 1
    return 0


def _flow_too_deep(data: bytes) -> int | None:
    """The byte offset where `[`/`{` nesting passes MAX_DEPTH, counted before libyaml sees it.

    Brackets inside quotes count too: this can only refuse a file with more than MAX_DEPTH
    unmatched brackets in its text, never let a deep one through.
    """
    brackets = data.translate(None, _BRACKETS)
    if brackets.count(b"[") + brackets.count(b"{") <= MAX_DEPTH:
        return None
    depth = 0
    for i, b in enumerate(brackets):
        if b == 0x5B or b == 0x7B:
            depth += 1
            if depth > MAX_DEPTH:
                return _nth_opener(data, i)
        elif depth:
            depth -= 1
    return None


def _nth_opener(data: bytes, n: int) -> int:
    """Offset in `data` of its n-th (0-based) bracket."""
    seen = -1
    for offset, b in enumerate(data):
        if b in b"[{]}":
            seen += 1
            if seen == n:
                return offset
    return len(data)


def load(path: Path, label: str) -> tuple[Any, list[Problem]]:
    """Parse `path`; returns (document, problems). `label` is how the file is named in errors."""
    try:
        if path.is_dir():
            return None, [Problem(label, check="not a file", message="is a folder; expected a YAML file")]
        size = path.stat().st_size
        if size > MAX_BYTES:
            return None, [Problem(label, check="size", message=f"{size:,} bytes; at most {MAX_BYTES:,}")]
        data = path.read_bytes()
    except OSError as exc:
        return None, [Problem(label, check="readable", message=f"cannot read: {exc.strerror or exc}")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return None, [
            Problem(label, line=line, check="encoding", message=f"not UTF-8: {exc.reason} at byte {exc.start}")
        ]
    if (offset := _flow_too_deep(data)) is not None:
        line = data.count(b"\n", 0, offset) + 1
        message = f"invalid YAML: nested too deeply (more than {MAX_DEPTH} levels of brackets)"
        return None, [Problem(label, line=line, check="yaml", message=message)]
    loader = _Loader(text)
    builder = _Builder(loader, label, data)
    try:
        doc = builder.run()
    except _Refused as exc:
        return None, [Problem(label, line=exc.line, field=exc.field, check="yaml", message=exc.message)]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        return None, [Problem(label, line=line, check="yaml", message=f"invalid YAML: {exc.problem or exc}")]
    except yaml.YAMLError as exc:
        return None, [Problem(label, check="yaml", message=f"invalid YAML: {exc}")]
    except (ValueError, RecursionError) as exc:  # a scalar the safe constructors cannot make
        return None, [Problem(label, check="yaml", message=f"invalid YAML: {_show(str(exc))}")]
    finally:
        loader.dispose()
    problems = builder.problems + [
        Problem(label, line=line, field=path or key, check="duplicate key", message=f"key {key!r} appears twice")
        for key, path, line in builder.duplicate_keys
    ]
    if doc is None:
        problems.append(Problem(label, line=1, check="empty", message="the file holds no curation (empty document)"))
    return doc, problems


# --------------------------------------------------------------------------- specs


@dataclass(frozen=True)
class F:
    """One key of a curation mapping: its kind, whether it must be there, whether null is allowed."""

    kind: str  # str | bool | int | date | evidence | list | map
    required: bool = False
    nullable: bool = False
    item: dict[str, F] | None = None  # the spec of each mapping in a list, or of a map
    choices: tuple[str, ...] | None = None
    least: int | None = None  # the smallest whole number allowed (an `occurrence` counts from 1)


INT64 = (-(2**63), 2**63 - 1)  # every whole number is published as Int64


def _where(container: Any, key: Any, fallback: int | None) -> int | None:
    lines = getattr(container, "lines", None)
    if isinstance(lines, dict):
        return lines.get(str(key), fallback)
    if isinstance(lines, list) and isinstance(key, int) and key < len(lines):
        return lines[key]
    return fallback


def check_mapping(doc: Any, spec: dict[str, F], label: str, path: str, line: int | None) -> list[Problem]:
    """Check a mapping against `spec`: unknown keys, missing keys, wrong types, bad dates."""
    if not isinstance(doc, dict):
        return [
            Problem(
                label,
                line=line,
                field=path or None,
                check="type",
                value=_show(doc),
                message="expected a mapping of keys to values",
            )
        ]
    problems: list[Problem] = []
    own_line = getattr(doc, "line", line)
    for key in doc:
        if key not in spec:
            known = ", ".join(sorted(spec))
            problems.append(
                Problem(
                    label,
                    line=_where(doc, key, own_line),
                    field=_join(path, key),
                    check="unknown key",
                    value=str(key),
                    message=f"expected one of: {known}",
                )
            )
    for key, f in spec.items():
        if key not in doc:
            if f.required:
                problems.append(
                    Problem(
                        label,
                        line=own_line,
                        field=_join(path, key),
                        check="missing key",
                        message=f"required key {key!r} is missing",
                    )
                )
            continue
        problems += check_value(doc[key], f, label, _join(path, key), _where(doc, key, own_line))
    return problems


def check_value(value: Any, f: F, label: str, path: str, line: int | None) -> list[Problem]:
    if value is None:
        if f.nullable or not f.required:
            return []
        return [Problem(label, line=line, field=path, check="null", message="a value is required")]
    expect = {
        "str": (str, "text"),
        "date": (str, "a reduced ISO date (quote it)"),
        "bool": (bool, "true or false"),
        "int": (int, "a whole number"),
        "list": (list, "a list"),
        "map": (dict, "a mapping"),
    }
    if f.kind == "evidence":
        return _check_evidence(value, label, path, line)
    pytype, words = expect[f.kind]
    if not isinstance(value, pytype) or (pytype is int and isinstance(value, bool)):
        raw = getattr(value, "raw", None)
        if raw is not None:  # an unquoted `042`: say what YAML made of it, not only the number
            message = f"expected {words}: unquoted, YAML reads {raw} as the number {int(value)}; quote it"
            return [Problem(label, line=line, field=path, check="type", value=raw, message=message)]
        return [Problem(label, line=line, field=path, check="type", value=_show(value), message=f"expected {words}")]
    if f.kind == "int" and not (max(INT64[0], f.least if f.least is not None else INT64[0]) <= value <= INT64[1]):
        lowest = f.least if f.least is not None else INT64[0]
        return [
            Problem(
                label,
                line=line,
                field=path,
                check="range",
                value=_show(value),
                message=f"expected a whole number from {lowest:,} to {INT64[1]:,}"
                + (" (it counts from 1)" if lowest == 1 else ""),
            )
        ]
    if f.kind == "str" and not value.strip():
        return [Problem(label, line=line, field=path, check="empty", message="expected non-empty text")]
    if f.choices is not None and value not in f.choices:
        return [
            Problem(
                label,
                line=line,
                field=path,
                check="choice",
                value=_show(value),
                message=f"expected one of: {', '.join(f.choices)}",
            )
        ]
    if f.kind == "date" and (why := check_date(value)):
        return [Problem(label, line=line, field=path, check="date", value=value, message=why)]
    if f.kind == "date" and (bad := dates.implausible(value)):
        return [Problem(label, line=line, field=path, check=bad[0], value=value, message=bad[1])]
    if f.kind == "list" and f.item is not None:
        problems: list[Problem] = []
        for i, item in enumerate(value):
            problems += check_mapping(item, f.item, label, f"{path}[{i}]", _where(value, i, line))
        return problems
    if f.kind == "map" and f.item is not None:
        return check_mapping(value, f.item, label, path, line)
    return []


OCCURRENCE = F("int", least=1)  # the n-th match of a quote in the body, counted from 1
QUOTE_SPEC = {"quote": F("str", required=True), "occurrence": OCCURRENCE}


def _check_evidence(value: Any, label: str, path: str, line: int | None) -> list[Problem]:
    items = value if isinstance(value, list) else [value]
    if not items:
        return [Problem(label, line=line, field=path, check="empty", message="expected at least one quote")]
    problems: list[Problem] = []
    for i, item in enumerate(items):
        item_line = _where(value, i, line) if isinstance(value, list) else line
        if isinstance(item, str):
            if not item:
                problems.append(Problem(label, line=item_line, field=path, check="empty", message="empty quote"))
        elif isinstance(item, dict):
            problems += check_mapping(item, QUOTE_SPEC, label, path, item_line)
        else:
            problems.append(not_a_quote(item, label, path, item_line))
    return problems


def not_a_quote(item: Any, label: str, path: str, line: int | None) -> Problem:
    """An evidence item that is neither a quote's text nor `{quote: ..., occurrence: N}`."""
    return Problem(
        label,
        line=line,
        field=path,
        check="type",
        value=_show(item),
        message="expected a quote: text, or {quote: ..., occurrence: N}",
    )


def _join(path: str, key: Any) -> str:
    return f"{path}.{key}" if path else str(key)


def _show(value: Any, width: int = 60) -> str:
    """A short, terminal-safe repr of `value`, made from a bounded view of it.

    Never `repr()` of the whole: a tree of shared aliases can be exponentially large.
    """
    parts: list[str] = []
    budget = [width + 1]

    def emit(text: str) -> bool:
        parts.append(text[: budget[0]])
        budget[0] -= len(text)
        return budget[0] > 0

    def walk(v: Any, depth: int) -> bool:
        if depth > 8:
            return emit("…")
        if isinstance(v, dict):
            if not emit("{"):
                return False
            for i, (k, item) in enumerate(v.items()):
                if (i and not emit(", ")) or not emit(f"{str(k)[:width]!r}: ") or not walk(item, depth + 1):
                    return False
            return emit("}")
        if isinstance(v, list):
            if not emit("["):
                return False
            for i, item in enumerate(v):
                if (i and not emit(", ")) or not walk(item, depth + 1):
                    return False
            return emit("]")
        if isinstance(v, str):
            return emit(repr(v[: width + 1]))
        return emit(repr(v)[: width + 1])

    walk(value, 0)
    text = printable("".join(parts))
    return text if len(text) <= width else text[: width - 1] + "…"
