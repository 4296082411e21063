"""Country and language codes checked against the real vocabularies (pycountry's ISO 3166-1 and 639).

The table models only check the shape (`[A-Z]{3}`, `[a-z]{2}`); the build, which has pycountry
(the `build` extra), also refuses codes that name no country or language (`XYZ`, `zz`).
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import re

_ALPHA3 = re.compile(r"[A-Z]{3}")
_ALPHA2 = re.compile(r"[a-z]{2}")


@functools.cache
def _countries() -> frozenset[str]:
    if (found := _database("iso3166-1.json", "3166-1", "alpha_3")) is not None:
        return found
    import pycountry

    return frozenset(c.alpha_3 for c in pycountry.countries)


@functools.cache
def _languages() -> frozenset[str]:
    if (found := _database("iso639-3.json", "639-3", "alpha_2")) is not None:
        return found
    import pycountry

    return frozenset(lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2"))


def _database(file_name: str, key: str, code: str) -> frozenset[str] | None:
    """The `code` of every entry that has one in one of pycountry's own JSON databases (in its
    `DATABASE_DIR`), read as data.

    Importing pycountry and building its 7,900 language objects and their indices to learn 184
    two-letter codes took about 0.17 s of a 2.3 s real build; the file is the same vocabulary.
    None (then pycountry's API is asked) when the file is not where pycountry keeps it or not as it
    writes it.
    """
    spec = importlib.util.find_spec("pycountry")  # where it is installed, without running it
    if spec is None or not spec.submodule_search_locations:
        return None
    path = os.path.join(next(iter(spec.submodule_search_locations)), "databases", file_name)
    try:
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
    except (OSError, ValueError):
        return None
    entries = doc.get(key) if isinstance(doc, dict) else None
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        return None
    found = frozenset(e[code] for e in entries if isinstance(e.get(code), str))
    return found or None


def country(code: str) -> bool:
    """Whether `code` is an ISO 3166-1 alpha-3 country code, or not of that shape (the model says so)."""
    return not _ALPHA3.fullmatch(code) or code in _countries()


def language(code: str) -> bool:
    """Whether `code` is an ISO 639-1 language code, or not of that shape (the model says so)."""
    return not _ALPHA2.fullmatch(code) or code in _languages()
