"""The default extractor: the rules of this package, no model."""

from __future__ import annotations

from pak_afghan_diplomacy.tools.drafting import meetings, persons, roles, statements
from pak_afghan_diplomacy.tools.drafting.model import Context, Draft
from pak_afghan_diplomacy.tools.drafting.speakers import Tracker
from pak_afghan_diplomacy.tools.drafting.text import sentences


class RuleBasedExtractor:
    """Names, titles, reporting and meeting verbs, and dates, found by patterns; every result is a proposal."""

    name = "rules"

    def draft(self, article_id: str, text: str, body: tuple[int, int], context: Context) -> Draft:
        found, mentions = persons.find(text, body, context)
        role_drafts = roles.find(text, mentions, context)
        said = sentences(text, *body)
        tracker = Tracker(context, mentions, role_drafts)
        said_drafts, dismissed = statements.find(text, said, body, tracker)
        tracker.last_person = tracker.last_quoted = tracker.last_org = None
        meeting_drafts = meetings.find(text, said, body, tracker)
        return Draft(article_id, found, mentions, role_drafts, said_drafts, meeting_drafts, dismissed)
