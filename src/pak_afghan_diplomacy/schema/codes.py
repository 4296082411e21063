"""Country and language codes checked against the real vocabularies (pycountry's ISO 3166-1 and 639).

The table models only check the shape (`[A-Z]{3}`, `[a-z]{2}`); the build, which has pycountry
(the `build` extra), also refuses codes that name no country or language (`XYZ`, `zz`).
"""

from __future__ import annotations

import functools
import re

_ALPHA3 = re.compile(r"[A-Z]{3}")
_ALPHA2 = re.compile(r"[a-z]{2}")


@functools.cache
def _countries() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_3 for c in pycountry.countries)


@functools.cache
def _languages() -> frozenset[str]:
    import pycountry

    return frozenset(lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2"))


def country(code: str) -> bool:
    """Whether `code` is an ISO 3166-1 alpha-3 country code, or not of that shape (the model says so)."""
    return not _ALPHA3.fullmatch(code) or code in _countries()


def language(code: str) -> bool:
    """Whether `code` is an ISO 639-1 language code, or not of that shape (the model says so)."""
    return not _ALPHA2.fullmatch(code) or code in _languages()
