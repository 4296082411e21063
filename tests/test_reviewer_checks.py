"""Checks that back the reviewer (#17): what a draft accepted without reading would publish, refused.

Each case makes one mistake a rubber-stamped draft makes, in a scratch copy of the checkout, and
expects a located problem (file, line, field) whose message names a fix that destroys no fact.
"""

from __future__ import annotations

import pytest

from tests.test_bad_inputs import ARTICLE, Edit, assert_located

OTHER = "build/002_0d9ee7f76d7cf8bd.yaml"

EDITS = [
    Edit(
        "attribution not in the body",
        ARTICLE,
        '    attribution: "according to Baloch"',
        '    attribution: "according to the spokesperson"',
        "quote",
        ".attribution",
    ),
    Edit(
        "attribution part after a gap not in the body",
        ARTICLE,
        '    attribution: "according to Baloch"',
        '    attribution: "the issue ... according to the ministry"',
        "quote",
        ".attribution",
    ),
    Edit(
        "text ending on its reporting words",
        ARTICLE,
        'to pose a threat to other’s security"',
        'to pose a threat to other’s security, Baloch said"',
        "reporting words in text",
        ".text",
    ),
    Edit(
        "text starting with its reporting words",
        ARTICLE,
        '    text: "it has time and again raised the matter of TTP',
        '    text: "says it has time and again raised the matter of TTP',
        "reporting words in text",
        ".text",
    ),
    Edit(
        "title a one-word label",
        OTHER,
        '  title: "Ambassador Mohammad Sadiq, Meets Afghan Officials in Kabul"',
        '  title: "WORLD"',
        "title not a headline",
        "article.title",
    ),
    Edit(
        "title the lede",
        OTHER,
        '  title: "Ambassador Mohammad Sadiq, Meets Afghan Officials in Kabul"',
        '  title: "Pakistan’s special envoy met officials in Kabul and discussed trade, transit and security '
        'with them over two days of talks that both governments described as constructive and useful."',
        "title not a headline",
        "article.title",
    ),
    Edit(
        "body ending on a teaser",
        OTHER,
        '    end: "for the benefit of both countries and the broader region."',
        '    end: "Read More »"',
        "body bounded by furniture",
        "article.body.end",
    ),
    Edit(
        "body starting on page furniture",
        ARTICLE,
        '    start: "Pakistani envoy meets Afghan Taliban leaders in Kabul, shares Islamabad’s concerns'
        ' over militancy"',
        '    start: "Short Url"',
        "body bounded by furniture",
        "article.body.start",
    ),
]


@pytest.mark.parametrize("edit", EDITS, ids=lambda e: e.name)
def test_a_rubber_stamped_mistake_is_refused(checkout, edit):
    assert_located(checkout, edit)
