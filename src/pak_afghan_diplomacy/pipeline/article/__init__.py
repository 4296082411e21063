"""Stage 2, per article: each curation file turned into rows (records/), its spans found, its coverage problems."""
