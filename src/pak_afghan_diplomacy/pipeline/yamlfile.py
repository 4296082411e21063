"""Read curation YAML safely, remembering the line of every key, and check it against a spec.

Only the safe loader is used: curation files are untrusted input and nothing in
them is ever executed. Each mapping remembers where its keys are, so that every
error can name the file, the line and the field. Parsing uses libyaml's C parser
when PyYAML has it (the pure-Python parser was 90% of a large build), else the
pure-Python one; the construction, and so every check, is the same Python code.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import yaml

from pak_afghan_diplomacy.dates import check as check_date
from pak_afghan_diplomacy.pipeline.problems import Problem


class LineDict(dict):
    """A mapping that knows its own line and each key's line (1-based)."""

    line: int = 0
    lines: dict[str, int]


class LineList(list):
    """A sequence that knows each item's line."""

    line: int = 0
    lines: list[int]


_SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


class _Loader(_SafeBase):  # type: ignore[misc,valid-type]
    """libyaml (or PyYAML) parses and composes; `build` turns the nodes into values.

    `build` is a direct walk over the nodes in place of PyYAML's generic constructor: it
    knows only the safe scalar types (null, bool, int, float, str), so any other tag is an
    error, and it records lines as it goes. It was the largest cost of a large build.
    """

    duplicate_keys: list[tuple[str, int]]
    _built: dict[int, Any]

    def build(self, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode):
            tag = node.tag
            if tag == _STR:
                return node.value
            make = self._scalars.get(tag)
            if make is None:
                raise yaml.constructor.ConstructorError(None, None, f"unsupported tag {tag!r}", node.start_mark)
            return make(self, node)
        # An alias is the same node again: share the value, as PyYAML does (no alias bombs).
        if (done := self._built.get(id(node))) is not None:
            return done
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                raise yaml.constructor.ConstructorError(None, None, f"unsupported tag {node.tag!r}", node.start_mark)
            seq = self._built[id(node)] = LineList()
            seq.extend(self.build(child) for child in node.value)
            seq.line = node.start_mark.line + 1
            seq.lines = [child.start_mark.line + 1 for child in node.value]
            return seq
        if node.tag != _MAP:
            raise yaml.constructor.ConstructorError(None, None, f"unsupported tag {node.tag!r}", node.start_mark)
        out = self._built[id(node)] = LineDict()
        out.line = node.start_mark.line + 1
        out.lines = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise yaml.constructor.ConstructorError(None, None, "a key must be plain text", key_node.start_mark)
            key = self.build(key_node)
            if isinstance(key, str):
                key = sys.intern(key)  # a large registry repeats the same few keys millions of times
            line = key_node.start_mark.line + 1
            if key in out:
                self.duplicate_keys.append((str(key), line))
            out[key] = self.build(value_node)
            out.lines[str(key)] = line
        return out

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


def load(path: Path, label: str) -> tuple[Any, list[Problem]]:
    """Parse `path`; returns (document, problems). `label` is how the file is named in errors."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(label, check="encoding", message=f"not UTF-8: {exc.reason} at byte {exc.start}")]
    loader = _Loader(text)
    loader.duplicate_keys = []
    loader._built = {}
    try:
        node = loader.get_single_node()
        doc = None if node is None else loader.build(node)
    except RecursionError:
        return None, [Problem(label, check="yaml", message="invalid YAML: nested too deeply")]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        return None, [Problem(label, line=line, check="yaml", message=f"invalid YAML: {exc.problem or exc}")]
    except yaml.YAMLError as exc:
        return None, [Problem(label, check="yaml", message=f"invalid YAML: {exc}")]
    finally:
        loader.dispose()
    problems = [
        Problem(label, line=line, field=key, check="duplicate key", message=f"key {key!r} appears twice")
        for key, line in loader.duplicate_keys
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
        return [Problem(label, line=line, field=path, check="type", value=_show(value), message=f"expected {words}")]
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
    if f.kind == "list" and f.item is not None:
        problems: list[Problem] = []
        for i, item in enumerate(value):
            problems += check_mapping(item, f.item, label, f"{path}[{i}]", _where(value, i, line))
        return problems
    if f.kind == "map" and f.item is not None:
        return check_mapping(value, f.item, label, path, line)
    return []


QUOTE_SPEC = {"quote": F("str", required=True), "occurrence": F("int")}


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
            occ = item.get("occurrence")
            if isinstance(occ, int) and occ < 1:
                problems.append(
                    Problem(
                        label,
                        line=item_line,
                        field=f"{path}.occurrence",
                        check="range",
                        value=str(occ),
                        message="occurrence counts from 1",
                    )
                )
        else:
            problems.append(
                Problem(
                    label,
                    line=item_line,
                    field=path,
                    check="type",
                    value=_show(item),
                    message="expected a quote: text, or {quote: ..., occurrence: N}",
                )
            )
    return problems


def _join(path: str, key: Any) -> str:
    return f"{path}.{key}" if path else str(key)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"
