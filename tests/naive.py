"""Accept a new-article scaffold without reading it: the curator #17 warns about.

Every `proposed:` line is deleted, every `TODO` takes the draft's own first guess (the value
before `?`, or the example after `e.g.`; where the scaffold offers none, the first value a
hurried curator would type), and the commented registry block is copied into the registry.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from pak_afghan_diplomacy.tools.new_article import add

_TODO = re.compile(r'"TODO: ([^"]*)"')
_BLOCK = "# Registry records these drafts need"


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _guess(what: str, published: str | None) -> str:
    if m := re.search(r"registry person id for '([^']+)'", what):
        return _slug(m.group(1))
    if m := re.match(r"reduced ISO date: (\S+)\?", what):
        return m.group(1)
    if m := re.search(r"e\.g\. (\w+)", what):
        return m.group(1)
    if what.startswith("reduced ISO date"):
        return published or "2024-12-23"  # the scaffold's first example
    return what.split()[0]


def accept(scaffold: str, registry: dict[str, list[Any]], published: str | None = None) -> str:
    """The article file as a rubber stamp leaves it; `registry` gains the block's records."""
    body, _, block = scaffold.partition(_BLOCK)
    lines = [line for line in body.splitlines() if not re.match(r"^\s*proposed:", line)]
    text = _TODO.sub(lambda m: f'"{_guess(m.group(1), published)}"', "\n".join(lines)) + "\n"
    new_persons = re.findall(r'person: "([a-z0-9-]+)"\n\s+name: "([^"]+)"', text)
    block_lines = [line[2:] if line.startswith("# ") else line[1:] for line in block.splitlines()[1:]]
    records = yaml.safe_load("\n".join(block_lines)) or {}
    orgs = [o["id"] for o in registry.get("organizations") or []]
    known = {p["id"] for p in registry.get("persons") or []}
    for pid, name in new_persons:
        if pid not in known:
            records.setdefault("persons", []).append({"id": pid, "name": name})
    for p in records.get("persons") or []:
        if p["id"] not in known:
            registry.setdefault("persons", []).append(p)
            known.add(p["id"])
    doc = yaml.safe_load(text)
    date = published or (doc.get("article") or {}).get("published_date")
    for r in records.get("roles") or []:
        if r.get("organization") == "TODO":
            r["organization"] = orgs[0]
        registry.setdefault("roles", []).append(r)
    for m in records.get("meetings") or []:
        if m.get("date") in (None, "TODO"):
            m["date"] = date
        m["date_basis"] = "inferred"
        m["date_inferred_part"] = "whole"
        m["date_note"] = "Drafted."
        if m.get("city"):
            m["place_basis"] = "stated"
        if m.get("description") == "TODO":
            m["description"] = "Drafted."
        for i, p in enumerate(m.get("participants") or []):
            if p.get("participation") == "TODO":
                p["participation"] = "visitor" if i == 0 else "host"
            if p.get("side") == "TODO":
                p["side"] = "PAK"
        registry.setdefault("meetings", []).append(m)
    return text


def run(root: Path, reports: list[Path]) -> list[str]:
    """Add each report to the checkout at `root` by new-article, accepted unread; returns the article ids."""
    registry_path = root / "build" / "registry.yaml"
    ids = []
    for report in reports:
        article_id, target = add(report, root / "seeds", root / "build")
        registry = yaml.safe_load(registry_path.read_text(encoding="utf-8")) or {}
        target.write_text(accept(target.read_text(encoding="utf-8"), registry), encoding="utf-8")
        registry_path.write_text(yaml.safe_dump(registry, allow_unicode=True, sort_keys=False), encoding="utf-8")
        ids.append(article_id)
    return ids
