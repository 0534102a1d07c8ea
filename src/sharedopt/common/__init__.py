"""Helpers every layer may use (the bottom layer): errors, literal printing of input text,
"did you mean" suggestions, gap wording and JSON-safe values. Nothing here knows the pipeline."""
