"""A synthetic corpus of any size, made from the real seeds and curation.

Copy k of the five real articles gets fresh ids everywhere: article ids (`<stem>-c<k>`),
and every registry id (persons, organizations, roles, meetings, utterances, conflicts) and
statement id with the suffix `-c<k>`. Copy k therefore is its own little world whose
quotes, spans, keys and conflicts all resolve, so every check of the build still runs on
every copy; nothing is shared between copies except the spellings of names (which is what
a growing corpus looks like to the name-coverage check). Copy 0's registry is `registry.yaml`,
every other copy's is a part in `registry/` (as a large curated corpus would split its
registry). The seed bytes are the real ones with the copy's suffix on a line of its own after
the body (the build refuses one text added twice), pinned in a generated SHA256SUMS. Every person
gets a note naming its copy: namesakes are refused unless notes tell them apart.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

import yaml

REGISTRY = "registry.yaml"
TOKEN = "zzcopyzz"  # stands for the copy suffix in the templates; appears in ids and person notes only
# Keys whose string values are ids of registry records or statements.
ID_KEYS = frozenset(
    {
        "id",
        "person",
        "organization",
        "post",
        "role",
        "meeting",
        "about_meeting",
        "reported_via_organization",
        "part_of",
        "distinct_from",
        "speaker",
        "speaker_organization",
        "utterance",
        "conflict",
        "incident",
        "joint_speakers",
        "article",  # a conflict record's article (role_observations): copy k's article ids get the same suffix
    }
)


def _rename(value: Any, key: str | None = None) -> Any:
    """Suffix every id in a parsed curation document with the copy token."""
    if isinstance(value, dict):
        return {k: _rename(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_rename(v, key) for v in value]
    if key in ID_KEYS and isinstance(value, str):
        return f"{value}-{TOKEN}"
    return value


def _template(path: Path) -> str:
    doc = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    for person in doc.get("persons") or [] if isinstance(doc, dict) else []:
        person["note"] = " ".join(filter(None, [person.get("note"), f"(copy {TOKEN})"]))
    text = yaml.dump(_rename(doc), Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False, width=10**6)
    return text


def make_corpus(source: Path, target: Path, n_articles: int) -> Path:
    """Write `target/seeds` and `target/build` holding `n_articles` articles; returns `target`.

    Copy 0 is the real corpus with suffixed ids. A copy is always whole (a partial one would
    leave registry records that none of its articles supports), so `n_articles` is rounded up
    to a multiple of the number of real articles: count the seeds for the size built.
    """
    if target.exists():
        shutil.rmtree(target)
    (target / "seeds").mkdir(parents=True)
    (target / "build").mkdir()
    stems = sorted(p.stem for p in (source / "seeds").glob("*.txt"))
    if n_articles < 1:
        raise ValueError(f"{n_articles} articles: a corpus needs at least one")
    seed_bytes = {s: (source / "seeds" / f"{s}.txt").read_bytes() for s in stems}
    article_templates = {s: _template(source / "build" / f"{s}.yaml") for s in stems}
    registry = _template(source / "build" / REGISTRY)
    parts = {p.name: _template(p) for p in sorted((source / "build" / "registry").glob("*.yaml"))}
    (target / "build" / "registry").mkdir()
    sums: list[str] = []
    for k in range(-(-n_articles // len(stems))):
        suffix = f"c{k:05d}"
        for s in stems:
            stem = f"{s}-{suffix}"
            data = seed_bytes[s] + f"\n{suffix}\n".encode()  # after the body: same spans, distinct bytes
            (target / "seeds" / f"{stem}.txt").write_bytes(data)
            (target / "build" / f"{stem}.yaml").write_text(
                article_templates[s].replace(TOKEN, suffix), encoding="utf-8"
            )
            sums.append(f"{hashlib.sha256(data).hexdigest()}  {stem}.txt\n")
        # copy 0's registry is registry.yaml, every other copy's is a part in registry/
        part = target / "build" / (REGISTRY if k == 0 else f"registry/{suffix}.yaml")
        part.write_text(registry.replace(TOKEN, suffix), encoding="utf-8")
        for name, template in parts.items():  # the real registry's own parts, copied likewise
            (target / "build" / "registry" / f"{suffix}-{name}").write_text(
                template.replace(TOKEN, suffix), encoding="utf-8"
            )
    (target / "seeds" / "SHA256SUMS").write_text("".join(sums), encoding="utf-8")
    return target
