"""Stage 3, the whole: reconciliation across articles, each table against its model and across tables, cells."""
