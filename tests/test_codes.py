"""Country and language codes read from pycountry's database files are pycountry's own."""

from __future__ import annotations

import pycountry

from pak_afghan_diplomacy.schema import codes


def test_the_codes_read_as_data_are_pycountrys():
    assert codes._database("iso3166-1.json", "3166-1", "alpha_3") == {c.alpha_3 for c in pycountry.countries}
    languages = {lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2")}
    assert codes._database("iso639-3.json", "639-3", "alpha_2") == languages
    assert codes.country("PAK") and codes.country("AFG") and not codes.country("XYZ")
    assert codes.language("ps") and codes.language("en") and not codes.language("zz")


def test_a_database_that_is_not_there_leaves_the_codes_to_pycountrys_api():
    assert codes._database("no-such-file.json", "3166-1", "alpha_3") is None
    assert codes._database("iso3166-1.json", "no such key", "alpha_3") is None
