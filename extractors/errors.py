"""Exceptions raised by the extractors.

`ExtractError` is raised by :func:`extractors.extract_listing` only when the input cannot be
treated as a page at all (empty, binary). Its message is one line, fit for a CLI to print.
Everything else that goes wrong becomes a string in the record's ``warnings``.
"""

from __future__ import annotations


class ExtractError(ValueError):
    """The input is not a page (empty or binary); raised by the extractors, shown by the CLI."""
