"""Stage 4, publish: render the package, put it in place atomically, verify a published package."""
