"""Errors with messages meant for users; the CLI maps them to exit codes."""

from __future__ import annotations


class BreadthError(Exception):
    """Base class: a problem the user can act on, with a one-line message."""


class InputError(BreadthError):
    """Bad user input: a malformed file, unknown universe, bad date. CLI exit code 2."""


class StoreError(BreadthError):
    """The store cannot be read or written (corrupt, read-only, disk full, locked)."""


class SourceError(BreadthError):
    """A data source failed as a whole; nothing was changed. CLI exit code 3."""


class SourceUnreachable(SourceError):
    """The source cannot be reached at all (DNS failure, connection refused, no route), found
    before any request got an answer: the run stops at once instead of retrying."""
