"""One walk of a parsed curation document: its spec problems and its unfinished entries together.

The spec check (`yamlfile.check_mapping`) and the placeholder walk (`unfinished.problems`) each
visited every value of every file (15% of a large build between them). This walks the document
once and says what both say, in both orders: the spec problems as `check_mapping` lists them
(in each mapping its unknown keys in file order, then its spec's keys in spec order, each with
what lies under it) and the unfinished ones in file order, depth first, as `unfinished.problems`
does. A child's spec problems are made when the walk reaches it and put in their place when its
mapping is done. The spec of each value is looked up as the walk goes; the leaf checks are
`yamlfile.check_value`'s own, called only for a value that the quick test below cannot pass.
"""

from __future__ import annotations

from typing import Any

from pak_afghan_diplomacy.pipeline.problems import Problem
from pak_afghan_diplomacy.pipeline.read import unfinished
from pak_afghan_diplomacy.pipeline.read.yamlfile import QUOTE_SPEC, F, _join, _show, check_value, not_a_quote

_EMPTY: list[Problem] = []


def check(doc: Any, spec: dict[str, F], label: str) -> tuple[list[Problem], list[Problem]]:
    """(`check_mapping(doc, spec, label, "", 1)`, `unfinished.problems(doc, label)`), from one walk."""
    walk = _Walk(label)
    shape = walk.mapping(doc, spec, "", 1, (), getattr(doc, "line", None))
    return shape, walk.todo


class _Walk:
    __slots__ = ("label", "todo")

    def __init__(self, label: str):
        self.label = label
        self.todo: list[Problem] = []

    def look(self, container: Any, key: Any, value: Any, line: Any, parts: tuple) -> None:
        if unfinished.worth_a_look(key, value):
            unfinished.check(self.todo, self.label, parts, container, key, value, line)

    def rest(self, value: Any, parts: tuple, line: Any) -> None:
        """The unfinished entries under `value`, which no spec covers (as `unfinished._walk` visits them)."""
        if isinstance(value, dict):
            lines = getattr(value, "lines", {})
            for key, child in value.items():
                child_line = lines.get(str(key), line)
                self.look(value, key, child, child_line, parts)
                if isinstance(child, (dict, list)):
                    self.rest(child, (*parts, key), child_line)
        elif isinstance(value, list):
            lines = getattr(value, "lines", [])
            for i, child in enumerate(value):
                child_line = lines[i] if i < len(lines) else line
                self.look(value, i, child, child_line, parts)
                if isinstance(child, (dict, list)):
                    self.rest(child, (*parts, i), child_line)

    def mapping(self, doc: Any, spec: dict[str, F], path: str, line: int | None, parts: tuple, tline: Any) -> list:
        """`check_mapping(doc, spec, ...)`; `parts` and `tline` are where the placeholder walk has `doc`."""
        if not isinstance(doc, dict):
            self.rest(doc, parts, tline)
            problem = Problem(
                self.label,
                line=line,
                field=path or None,
                check="type",
                value=_show(doc),
                message="expected a mapping of keys to values",
            )
            return [problem]
        own_line = getattr(doc, "line", line)
        lines = getattr(doc, "lines", None)
        by_key = lines if isinstance(lines, dict) else {}
        out: list[Problem] = []
        under: dict[str, list[Problem]] = {}
        for key, value in doc.items():
            name = str(key)
            child_tline = by_key.get(name, tline)
            self.look(doc, key, value, child_tline, parts)
            f = spec.get(key) if isinstance(key, str) else None
            if f is None:
                out.append(
                    Problem(
                        self.label,
                        line=by_key.get(name, own_line),
                        field=_join(path, key),
                        check="unknown key",
                        value=name,
                        message=f"expected one of: {', '.join(sorted(spec))}",
                    )
                )
                if isinstance(value, (dict, list)):
                    self.rest(value, (*parts, key), child_tline)
            else:
                found = self.value(value, f, path, key, by_key.get(name, own_line), (*parts, key), child_tline)
                if found:
                    under[key] = found
        for key, f in spec.items():
            if key not in doc:
                if f.required:
                    out.append(
                        Problem(
                            self.label,
                            line=own_line,
                            field=_join(path, key),
                            check="missing key",
                            message=f"required key {key!r} is missing",
                        )
                    )
            elif key in under:
                out += under[key]
        return out

    def value(self, value: Any, f: F, parent: str, key: str, line: Any, parts: tuple, tline: Any) -> list:
        """`check_value(value, f, ...)` at `parent`.`key`, walking what lies under `value` once."""
        kind = f.kind
        if value is not None:
            if kind == "str":
                if type(value) is str and (f.choices is None or value in f.choices) and value.strip():
                    return _EMPTY
            elif kind == "bool":
                if type(value) is bool and f.choices is None:
                    return _EMPTY
            elif kind == "list" and f.item is not None and f.choices is None and isinstance(value, list):
                return self.items(value, f.item, _join(parent, key), line, parts, tline)
            elif kind == "map" and f.item is not None and f.choices is None and isinstance(value, dict):
                return self.mapping(value, f.item, _join(parent, key), line, parts, tline)
            elif kind == "evidence":
                return self.evidence(value, _join(parent, key), line, parts, tline)
            if isinstance(value, (dict, list)):
                self.rest(value, parts, tline)
        elif f.nullable or not f.required:
            return _EMPTY
        return check_value(value, f, self.label, _join(parent, key), line)

    def items(self, value: list, item: dict[str, F], path: str, line: Any, parts: tuple, tline: Any) -> list:
        """A list of mappings, each checked against `item` (as `check_value` does for `F("list", item=...)`)."""
        lines = getattr(value, "lines", None)
        own = lines if isinstance(lines, list) else []
        out: list[Problem] = []
        for i, child in enumerate(value):
            child_tline = own[i] if i < len(own) else tline
            self.look(value, i, child, child_tline, parts)
            out += self.mapping(child, item, f"{path}[{i}]", own[i] if i < len(own) else line, (*parts, i), child_tline)
        return out

    def evidence(self, value: Any, path: str, line: Any, parts: tuple, tline: Any) -> list:
        """`yamlfile._check_evidence`: one quote or a list of them, each text or {quote, occurrence}."""
        in_list = isinstance(value, list)
        items = value if in_list else [value]
        if not items:
            return [Problem(self.label, line=line, field=path, check="empty", message="expected at least one quote")]
        lines = getattr(value, "lines", None) if in_list else None
        own = lines if isinstance(lines, list) else []
        out: list[Problem] = []
        for i, item in enumerate(items):
            item_line, item_parts, item_tline = line, parts, tline  # one quote: `value` itself
            if in_list:
                if i < len(own):
                    item_line = item_tline = own[i]
                item_parts = (*parts, i)
                self.look(value, i, item, item_tline, parts)
            if isinstance(item, str):
                if not item:
                    out.append(Problem(self.label, line=item_line, field=path, check="empty", message="empty quote"))
            elif isinstance(item, dict):
                out += self.mapping(item, QUOTE_SPEC, path, item_line, item_parts, item_tline)
            else:
                if isinstance(item, list):
                    self.rest(item, item_parts, item_tline)
                out.append(not_a_quote(item, self.label, path, item_line))
        return out
