"""Chapter 5, an empty file: every exercise missing, 0 on every exercise."""
