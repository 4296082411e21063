"""Controlled vocabularies shared by the table models and the curation reader."""

BASES = ("stated", "inferred")
BASES_TITLE = ("stated", "curated")
PRECISIONS = ("day", "month", "year", "interval")
ROLE_STATUSES = ("current", "ended", "unknown")
PARTICIPATIONS = ("host", "visitor", "attendee")
STATEMENT_MODES = ("direct", "partial", "indirect")
MEETING_KINDS = ("bilateral meeting", "visit", "internal briefing", "multilateral meeting", "phone call")
ORGANIZATION_CLASSES = (
    "government",
    "ministry",
    "diplomatic mission",
    "political movement",
    "armed group",
    "international organization",
)
CONFLICT_KINDS = ("attribution", "date", "name", "place", "participant", "role")
# Tables whose rows must each have at least one evidence row.
EVIDENCED_TABLES = ("persons", "roles", "meetings", "meeting_participants", "conflicts")
