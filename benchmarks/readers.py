"""Per-file time of the YAML readers that issue #21 weighs, on the real curation files and on copies.

    .venv/bin/python benchmarks/readers.py [--articles 2000] [--rounds 5] [--against main]
        [--ryml /path/to/site-packages]

Every reader parses the same files in one process, in turns (one pass over all files by each
reader, then the next round), so a change of load on the machine falls on all of them alike;
each figure is the median over the rounds of the mean time per file. The readers:

- `today`: `yamlfile.load` of this checkout (event stream, bounds, lines, refused characters);
- `against`: the same function as it is at a git revision (`--against`), for a paired ratio;
- `pyyaml-c`: `yaml.load` with PyYAML's `CSafeLoader` alone, the floor (no bounds, no lines);
- `events`: only pulling libyaml's events into Python: what any reader on the event stream pays;
- `compose`: libyaml's C composer (`get_single_node`) behind a pre-scan, with a Python constructor
  keeping each node's line: the "pre-scan in front of the composer" design, built only as far as
  needed to time it (a file the pre-scan cannot clear would go to the event reader);
- `ryml`: rapidyaml's tree (`parse_in_arena`) and a walk making Python values; it has no line
  numbers (its Python API gives locations only in errors), so this is a floor for it. Given only
  where `--ryml` names a site-packages holding it (it is not a dependency).
- `ryml-lines`: what a reader on rapidyaml would have to do to keep ours: parsed in place, each
  key's and value's line found from where its bytes lie in our buffer (its Python API wraps no
  node location), plain scalars typed by our resolver, anchors, aliases and tags refused, depth
  bounded, duplicate keys found; the same values and lines as `today` on the real files (checked).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.synthetic import make_corpus  # noqa: E402
from pak_afghan_diplomacy.pipeline.read import yamlfile  # noqa: E402

Reader = Callable[[Path], Any]


def _today(path: Path) -> Any:
    return yamlfile.load(path, "x.yaml")


def _at_revision(rev: str) -> Reader:
    """`yamlfile.load` as it is at git revision `rev`, imported under another name."""
    rel = "src/pak_afghan_diplomacy/pipeline/read/yamlfile.py"
    source = subprocess.run(["git", "show", f"{rev}:{rel}"], cwd=ROOT, capture_output=True, check=True).stdout
    folder = Path(tempfile.mkdtemp(prefix="reader-"))
    (folder / "yamlfile_at_rev.py").write_bytes(source)
    spec = importlib.util.spec_from_file_location("yamlfile_at_rev", folder / "yamlfile_at_rev.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules["yamlfile_at_rev"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return lambda path: module.load(path, "x.yaml")


def _pyyaml_c(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def _events(path: Path) -> Any:
    loader = yaml.CSafeLoader(path.read_text(encoding="utf-8"))
    n = 0
    while loader.check_event():
        loader.get_event()
        n += 1
    loader.dispose()
    return n


def _compose(path: Path) -> Any:
    """Pre-scan, C composer, then an explicit-stack constructor that keeps lines (timing only)."""
    data = path.read_bytes()
    if len(data) > yamlfile.MAX_BYTES or yamlfile._flow_too_deep(data) is not None:
        return None
    if b"&" in data or b"*" in data or b"!" in data:
        pass  # a real reader would send these to the event reader; timed here all the same
    text = data.decode("utf-8")
    loader = yamlfile._Loader(text)
    try:
        root = loader.get_single_node()
    finally:
        loader.dispose()
    made: dict[int, Any] = {}
    todo: list[tuple[yaml.Node, bool]] = [(root, False)]
    while todo:
        node, built = todo.pop()
        if isinstance(node, yaml.ScalarNode):
            if node.tag == "tag:yaml.org,2002:str":
                made[id(node)] = node.value
            else:
                made[id(node)] = yamlfile._Loader._scalars[node.tag](loader, node)
        elif not built:
            todo.append((node, True))
            for child in node.value:
                if isinstance(node, yaml.MappingNode):
                    todo += [(child[0], False), (child[1], False)]
                else:
                    todo.append((child, False))
        elif isinstance(node, yaml.MappingNode):
            value = yamlfile.LineDict()
            value.line, value.lines = node.start_mark.line + 1, {}
            for k, v in node.value:
                value[made[id(k)]] = made[id(v)]
                value.lines[made[id(k)]] = k.start_mark.line + 1
            made[id(node)] = value
        else:
            value = yamlfile.LineList(made[id(c)] for c in node.value)
            value.line, value.lines = node.start_mark.line + 1, [c.start_mark.line + 1 for c in node.value]
            made[id(node)] = value
    return made[id(root)]


def _ryml(site: str) -> Reader:
    sys.path.append(site)
    import ryml  # type: ignore[import-not-found]

    none = ryml.NONE

    def value(tree: Any, node: int) -> Any:
        if tree.is_map(node):
            out = {}
            child = tree.first_child(node)
            while child != none:
                out[bytes(tree.key(child)).decode()] = value(tree, child)
                child = tree.next_sibling(child)
            return out
        if tree.is_seq(node):
            out_list = []
            child = tree.first_child(node)
            while child != none:
                out_list.append(value(tree, child))
                child = tree.next_sibling(child)
            return out_list
        return bytes(tree.val(node)).decode()

    def read(path: Path) -> Any:
        tree = ryml.parse_in_arena(path.read_bytes())
        return value(tree, tree.root_id())

    return read


def _ryml_lines(site: str) -> Reader:
    """rapidyaml with our values and lines (timing only; refusals say no more than 'refused')."""
    import bisect
    import ctypes

    if site not in sys.path:
        sys.path.append(site)
    import ryml  # type: ignore[import-not-found]

    class Buffer(ctypes.Structure):  # Py_buffer: a view's address, to find its offset in our bytes
        _fields_ = [
            ("buf", ctypes.c_void_p),
            ("obj", ctypes.py_object),
            ("len", ctypes.c_ssize_t),
            ("itemsize", ctypes.c_ssize_t),
            ("readonly", ctypes.c_int),
            ("ndim", ctypes.c_int),
            ("format", ctypes.c_char_p),
            ("shape", ctypes.c_void_p),
            ("strides", ctypes.c_void_p),
            ("suboffsets", ctypes.c_void_p),
            ("internal", ctypes.c_void_p),
        ]

    get, release = ctypes.pythonapi.PyObject_GetBuffer, ctypes.pythonapi.PyBuffer_Release
    get.argtypes, release.argtypes = [ctypes.py_object, ctypes.POINTER(Buffer), ctypes.c_int], [ctypes.POINTER(Buffer)]

    def address(obj: Any) -> int:
        b = Buffer()
        get(obj, ctypes.byref(b), 0)
        try:
            return b.buf or 0
        finally:
            release(ctypes.byref(b))

    none, types, make = ryml.NONE, yamlfile._Loader._scalars, yaml.constructor.SafeConstructor()

    def read(path: Path) -> Any:
        data = path.read_bytes()
        data.decode("utf-8")
        if len(data) > yamlfile.MAX_BYTES or yamlfile._flow_too_deep(data) is not None:
            return None
        buf = bytearray(data)
        base, newlines = address(buf), [i for i, b in enumerate(data) if b == 10]
        t = ryml.parse_in_place(buf)

        def line(view: Any) -> int:
            return bisect.bisect_right(newlines, address(view) - base) + 1 if len(view) else 0

        def scalar(view: Any, quoted: bool) -> Any:
            text = bytes(view).decode()
            if len(text) > yamlfile.MAX_SCALAR:
                raise ValueError("refused")
            tag = yamlfile._STR if quoted else yamlfile._resolve(text)
            return text if tag == yamlfile._STR else types[tag](make, yaml.ScalarNode(tag, text))

        root = t.root_id()
        top: Any = yamlfile.LineDict() if t.is_map(root) else yamlfile.LineList()
        todo, dupes = [(root, top, 1, 1)], []
        while todo:
            node, value, depth, fallback = todo.pop()
            if depth > yamlfile.MAX_DEPTH:
                raise ValueError("refused")
            value.lines = {} if isinstance(value, dict) else []
            c = t.first_child(node)
            while c != none:
                if t.has_val_anchor(c) or t.is_ref(c) or t.has_val_tag(c):
                    raise ValueError("refused")
                kl = 0
                if isinstance(value, dict):
                    if t.has_key_anchor(c) or t.has_key_tag(c):
                        raise ValueError("refused")
                    k = t.key(c)
                    kl = line(k)
                    key = scalar(k, t.is_key_quoted(c))
                    if key in value:
                        dupes.append((key, kl))
                if t.is_map(c) or t.is_seq(c):
                    child: Any = yamlfile.LineDict() if t.is_map(c) else yamlfile.LineList()
                    todo.append((c, child, depth + 1, kl))
                else:
                    v = t.val(c)
                    child, kl = scalar(v, t.is_val_quoted(c)), kl or line(v)
                if not value.line:
                    value.line = kl
                if isinstance(value, dict):
                    value[key] = child
                    value.lines[str(key)] = kl
                else:
                    value.append(child)
                    value.lines.append(kl)
                c = t.next_sibling(c)
            if not value:  # an empty flow container: on its key's line
                value.line = fallback
        todo_lines = [top]  # a container in a list is on its first key's line (block style: the dash's)
        while todo_lines:
            v = todo_lines.pop()
            for i, c in enumerate(v.values() if isinstance(v, dict) else v):
                if isinstance(c, (dict, list)):
                    if isinstance(v, list):
                        v.lines[i] = c.line
                        v.line = v.line or c.line
                    todo_lines.append(c)
        return top

    return read


def _time(reader: Reader, paths: list[Path]) -> float:
    start = time.perf_counter()
    for path in paths:
        reader(path)
    return (time.perf_counter() - start) / len(paths)


def measure(readers: dict[str, Reader], paths: list[Path], rounds: int) -> dict[str, float]:
    """Median over `rounds` of the mean seconds per file, readers taking turns each round."""
    for reader in readers.values():
        reader(paths[0])  # imports, caches
    times: dict[str, list[float]] = {name: [] for name in readers}
    for _ in range(rounds):
        for name, reader in readers.items():
            times[name].append(_time(reader, paths))
    return {name: statistics.median(t) for name, t in times.items()}


def walks(paths: list[Path], rounds: int) -> dict[str, float]:
    """Per file: the spec check and placeholder walk apart (as before #21) and `walk.check`'s one walk."""
    from pak_afghan_diplomacy.pipeline.read import curation, unfinished, walk

    docs = []
    for path in paths:
        doc, _ = yamlfile.load(path, "x.yaml")
        spec = (
            curation.REGISTRY_SPEC
            if "registry" in path.name or path.parent.name == "registry"
            else curation.ARTICLE_SPEC
        )
        docs.append((doc, spec))

    def two(_: Path) -> None:
        for doc, spec in docs:
            unfinished.problems(doc, "x.yaml")
            yamlfile.check_mapping(doc, spec, "x.yaml", "", 1)

    def one(_: Path) -> None:
        for doc, spec in docs:
            walk.check(doc, spec, "x.yaml")

    result = measure({"two walks": two, "one walk": one}, paths[:1], rounds)
    return {name: seconds / len(docs) for name, seconds in result.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--against", help="a git revision whose yamlfile.load is timed beside today's")
    parser.add_argument("--ryml", help="a site-packages folder holding rapidyaml")
    args = parser.parse_args()
    readers: dict[str, Reader] = {"today": _today}
    if args.against:
        readers[args.against] = _at_revision(args.against)
    readers |= {"pyyaml-c": _pyyaml_c, "events": _events, "compose": _compose}
    if args.ryml:
        readers["ryml"] = _ryml(args.ryml)
        readers["ryml-lines"] = _ryml_lines(args.ryml)
    real = sorted((ROOT / "build").glob("*.yaml"))
    with tempfile.TemporaryDirectory() as tmp:
        corpus = make_corpus(ROOT, Path(tmp) / "corpus", args.articles)
        copies = sorted((corpus / "build").rglob("*.yaml"))
        print(
            f"python {platform.python_version()}, PyYAML {yaml.__version__}, {platform.machine()}, "
            f"load {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
        )
        for what, paths, rounds in (("real", real * 200, args.rounds), ("copies", copies, args.rounds)):
            size = sum(p.stat().st_size for p in paths) / len(paths)
            result = measure(readers, paths, rounds)
            print(f"{what}: {len(paths)} files, {size / 1024:.1f} KiB each on average")
            floor = result["pyyaml-c"]
            for name, seconds in result.items():
                print(f"  {name:10} {seconds * 1e3:7.3f} ms/file  {seconds / floor:5.2f}x pyyaml-c")
            spent = walks(paths, rounds)
            print("  " + ", ".join(f"{name} {seconds * 1e3:.3f} ms/file" for name, seconds in spent.items()))


if __name__ == "__main__":
    main()
