"""Release identity: the one place the version and release date are set."""

__version__ = "0.2.0"
# The data package's `created` stamp comes from here, never from the clock,
# so that a rebuild reproduces the published bytes.
RELEASE_DATE = "2026-12-01"
