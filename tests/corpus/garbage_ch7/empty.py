"""Chapter 7, an empty file: every exercise missing, 0 on every exercise."""
