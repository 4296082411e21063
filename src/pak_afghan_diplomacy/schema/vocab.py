"""Controlled vocabularies shared by the table models and the curation reader."""

# How a fact is known: printed (`stated`), read from the text (`inferred`), or resting on well-established
# public record beyond the articles (`public-record`: who held which office when, an official readout's
# date and place), named in the note.
BASES = ("stated", "inferred", "public-record")
INFERENCES = ("inferred", "public-record")  # the bases that are inferences: each needs a note (and a part)
BASES_TITLE = ("stated", "curated")
BASES_NAME = ("stated", "public-record")  # a person's name: printed by an article, or from public record
# How the publisher is known: printed in the text, or from the site the page was taken from.
BASES_PUBLISHER = ("printed", "site")
# How an article's URL was established: `matched` (the published page was found by its headline and words,
# and prints the same text) or `printed` (the address is in the text).
BASES_URL = ("matched", "printed")
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
# `characterization`: the article's own description of what a source said or left out ("in a carefully
# worded statement, the Foreign Office refrained ..."), not the source's words; the source is `reported_via`.
ATTRIBUTION_KINDS = ("person", "organization", "joint", "unattributed", "characterization")
# What a statement row reports: `speech` (words said or written, quoted or reported) or `position` (a decision,
# refusal or stance the article reports with no words of its holder: "has decided to", "have refused to").
CONTENT_KINDS = ("speech", "position")
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
# What happened in an incident the articles report as context of the talks.
INCIDENT_KINDS = ("attack", "assassination", "killing", "truce ended", "relocation of militants")
# How an article ties an actor to an incident, never resolved: `stated` as fact by the article, `attributed` by
# the article to a source ("the police said"), `claimed` by the actor itself, `alleged` by another party.
RESPONSIBILITIES = ("stated", "attributed", "claimed", "alleged")
# How a meeting or statement relates to an incident, as the article says: `amid` where the article sets the
# meeting in a time of such incidents ("the visit comes at a time of a renewed wave of attacks"), no cause claimed.
INCIDENT_RELATIONS = ("postponed by", "refers to", "reports", "in the wake of", "amid")
CONFLICT_KINDS = ("attribution", "date", "name", "place", "participant", "role", "setting")
# Tables whose rows must each have at least one evidence row.
EVIDENCED_TABLES = ("persons", "roles", "meetings", "meeting_participants", "conflicts", "incidents")
# Tables whose records a conflict may concern.
CONFLICT_TABLES = (*EVIDENCED_TABLES, "statements", "person_names", "role_observations")
