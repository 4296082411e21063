"""Controlled vocabularies shared by the table models and the curation reader."""

BASES = ("stated", "inferred")
BASES_TITLE = ("stated", "curated")
# How the publisher is known: printed in the text, or from the site the page was taken from.
BASES_PUBLISHER = ("printed", "site")
PRECISIONS = ("day", "month", "year", "interval")
# Which part of an inferred date is not printed: the `year` ("March 22"), the `day` (year and month known,
# the day from "on Monday", "today" or a span of days), the `start` or the `end` of an interval whose
# other end is printed, or the `whole` date (nothing printed, or more than one part inferred).
INFERRED_PARTS = ("year", "day", "start", "end", "whole")
ROLE_STATUSES = ("current", "ended", "unknown")
# What one article shows of a role at its date: held then, or already left ("former").
OBSERVED_STATUSES = ("current", "ended")
# How many persons can hold a post of one organization at once.
POST_HOLDERS = ("one", "many")
PARTICIPATIONS = ("host", "visitor", "attendee")
STATEMENT_MODES = ("direct", "partial", "indirect")
# A statement's voices: who spoke, each side of joint words, and those spoken for.
SPEAKER_CAPACITIES = ("speaker", "joint", "on behalf of")
# Where the words were said (the speaker's own occasion) ...
SETTINGS = ("meeting", "X post", "press briefing", "written statement")
# ... and how the reporting article got them (null where it does not say).
REPORTED_VIA = ("official statement", "X post", "press briefing")
# Who the article says spoke: a named person, an organization, both sides of a meeting, or nobody named.
ATTRIBUTION_KINDS = ("person", "organization", "joint", "unattributed")
MEETING_KINDS = ("bilateral meeting", "visit", "internal briefing", "multilateral meeting", "phone call")
ORGANIZATION_CLASSES = (
    "government",
    "ministry",
    "diplomatic mission",
    "political movement",
    "armed group",
    "international organization",
    "police",
)
CONFLICT_KINDS = ("attribution", "date", "name", "place", "participant", "role")
# Tables whose rows must each have at least one evidence row.
EVIDENCED_TABLES = ("persons", "roles", "meetings", "meeting_participants", "conflicts")
# Tables whose records a conflict may concern.
CONFLICT_TABLES = (*EVIDENCED_TABLES, "statements", "person_names")
