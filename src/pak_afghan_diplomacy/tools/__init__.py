"""Tools beside the build: `new_article` (scaffold and pin a new seed) and `drafting` (proposals for review)."""
