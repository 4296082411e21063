"""The table models, importable on their own to check frames in users' CI.

from pak_afghan_diplomacy.schema import Meetings
Meetings.validate(df, lazy=True)
"""

from pak_afghan_diplomacy.schema.tables import (
    Articles,
    BodyExclusions,
    ConflictRecords,
    Conflicts,
    Dismissals,
    Evidence,
    IncidentActors,
    IncidentLinks,
    Incidents,
    IncidentSources,
    MeetingParticipants,
    Meetings,
    MeetingSources,
    Organizations,
    PersonNames,
    Persons,
    PostAliases,
    Posts,
    RoleObservations,
    Roles,
    Statements,
    StatementSpeakers,
    Table,
    Utterances,
)

# Publication order: referenced tables before the tables that reference them.
MODELS: dict[str, type[Table]] = {
    "articles": Articles,
    "body_exclusions": BodyExclusions,
    "dismissals": Dismissals,
    "persons": Persons,
    "person_names": PersonNames,
    "organizations": Organizations,
    "posts": Posts,
    "post_aliases": PostAliases,
    "roles": Roles,
    "role_observations": RoleObservations,
    "meetings": Meetings,
    "meeting_sources": MeetingSources,
    "meeting_participants": MeetingParticipants,
    "utterances": Utterances,
    "statements": Statements,
    "statement_speakers": StatementSpeakers,
    "incidents": Incidents,
    "incident_sources": IncidentSources,
    "incident_actors": IncidentActors,
    "incident_links": IncidentLinks,
    "evidence": Evidence,
    "conflicts": Conflicts,
    "conflict_records": ConflictRecords,
}


def dtypes(name: str) -> dict:
    """Column -> polars dtype of table `name`: read a CSV with `pl.read_csv(path, schema=dtypes(name))`."""
    from pak_afghan_diplomacy.schema.frictionless import polars_schema

    return polars_schema(MODELS[name])


__all__ = [
    "MODELS",
    "Articles",
    "BodyExclusions",
    "ConflictRecords",
    "Conflicts",
    "Dismissals",
    "Evidence",
    "IncidentActors",
    "IncidentLinks",
    "IncidentSources",
    "Incidents",
    "MeetingParticipants",
    "MeetingSources",
    "Meetings",
    "Organizations",
    "PersonNames",
    "Persons",
    "PostAliases",
    "Posts",
    "RoleObservations",
    "Roles",
    "StatementSpeakers",
    "Statements",
    "Utterances",
    "dtypes",
]
