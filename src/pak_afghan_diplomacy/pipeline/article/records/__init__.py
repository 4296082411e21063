"""The rows of each record kind, one module per kind (like zavod's handlers).

Each module has `registry(builder, records)` for the registry's reconciled records,
`article(builder, article)` for what one article says, and `finish(builder, frames)`
for what needs every article first. `KINDS` is the order they run in: articles first
(their dates are used by the others), conflicts last (they point at every other kind).
"""

from __future__ import annotations

from pak_afghan_diplomacy.pipeline.article.records import (
    articles,
    conflicts,
    incidents,
    meetings,
    organizations,
    people,
    roles,
    statements,
)

KINDS = (articles, people, organizations, roles, meetings, statements, incidents, conflicts)
