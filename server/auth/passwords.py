"""Password hashing (argon2id) and the minimum strength policy for new passwords."""

from __future__ import annotations

from functools import cache
from secrets import token_urlsafe
from typing import NoReturn

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from server.core.errors import ValidationFailed

MIN_PASSWORD_LENGTH = 10

# argon2-cffi defaults to argon2id with the RFC 9106 low-memory profile. When the defaults
# change, `needs_rehash` reports old hashes so they are upgraded at the next login.
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(*, password_hash: str, password: str) -> bool:
    """True only if `password` matches; a malformed stored hash counts as a mismatch."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def dummy_verify(password: str) -> None:
    """Spend the time of a real verification, for logins naming an unknown account.

    Without this, a fast "no such user" answer would reveal which accounts exist.
    """
    verify_password(password_hash=_dummy_hash(), password=password)


@cache
def _dummy_hash() -> str:
    # Same hasher and parameters as real hashes so the verification costs the same.
    return _hasher.hash(token_urlsafe(16))


def check_password_strength(password: str, *, username: str | None = None) -> None:
    """Reject passwords that are trivially guessable; raises ValidationFailed (WEAK_PASSWORD)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        _reject(f"Password must be at least {MIN_PASSWORD_LENGTH} characters long.")
    if password.isdigit():
        _reject("Password must not consist of digits only.")
    if len(set(password)) == 1:
        _reject("Password must not repeat a single character.")
    if username and password.strip().casefold() == username.strip().casefold():
        _reject("Password must not be the same as the username.")


def _reject(message: str) -> NoReturn:
    raise ValidationFailed(message, code="WEAK_PASSWORD", field="password")
