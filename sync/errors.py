from __future__ import annotations


class Rejected(Exception):
    """A domain rule refused one pushed row; the engine reports it for that row only."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class BadCheckpoint(ValueError):
    pass
