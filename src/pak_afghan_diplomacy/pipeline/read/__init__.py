"""Stage 1, read: the seeds and their pins, the YAML reader with bounds and lines, the curation spec, placeholders."""
