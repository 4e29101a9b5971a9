from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from server.auth.passwords import (
    check_password_strength,
    dummy_verify,
    hash_password,
    needs_rehash,
    verify_password,
)
from server.core.errors import ValidationFailed

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def password_hash() -> str:
    return hash_password(PASSWORD)


def test_hash_is_argon2id_and_salted(password_hash: str) -> None:
    assert password_hash.startswith("$argon2id$")
    assert PASSWORD not in password_hash
    assert hash_password(PASSWORD) != password_hash


def test_verify_accepts_the_right_password(password_hash: str) -> None:
    assert verify_password(password_hash=password_hash, password=PASSWORD) is True


@pytest.mark.parametrize("attempt", ["", "correct horse battery stapl", PASSWORD.upper(), PASSWORD + " "])
def test_verify_rejects_other_passwords(password_hash: str, attempt: str) -> None:
    assert verify_password(password_hash=password_hash, password=attempt) is False


@pytest.mark.parametrize("stored", ["", "plaintext", "$argon2id$garbage", "$2b$12$abcdefghijklmnopqrstuv"])
def test_verify_treats_malformed_hash_as_mismatch(stored: str) -> None:
    assert verify_password(password_hash=stored, password=PASSWORD) is False


def test_fresh_hash_needs_no_rehash(password_hash: str) -> None:
    assert needs_rehash(password_hash) is False


def test_hash_with_old_parameters_needs_rehash() -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
    assert verify_password(password_hash=weak, password=PASSWORD) is True
    assert needs_rehash(weak) is True


def test_malformed_hash_needs_rehash() -> None:
    assert needs_rehash("plaintext") is True


def test_dummy_verify_runs_without_error() -> None:
    assert dummy_verify(PASSWORD) is None  # type: ignore[func-returns-value]
    assert dummy_verify("") is None  # type: ignore[func-returns-value]


@pytest.mark.parametrize(
    ("password", "username"),
    [
        ("", None),
        ("short", None),
        ("abcdefghi", None),  # 9 characters
        ("12345678901234", None),  # digits only
        ("aaaaaaaaaaaa", None),  # one repeated character
        ("technician42", "technician42"),
        ("Technician42", "technician42"),  # case does not make it different
    ],
)
def test_weak_passwords_are_rejected(password: str, username: str | None) -> None:
    with pytest.raises(ValidationFailed) as excinfo:
        check_password_strength(password, username=username)
    assert excinfo.value.code == "WEAK_PASSWORD"
    assert excinfo.value.http_status == 422
    assert excinfo.value.message.endswith(".")


@pytest.mark.parametrize(
    ("password", "username"),
    [
        ("abcdefghij", None),  # exactly 10 characters
        (PASSWORD, "alice"),
        ("1234567890a", "alice"),
        ("Tr0ub4dor&3", None),
        ("technician42", "technician"),
    ],
)
def test_acceptable_passwords(password: str, username: str | None) -> None:
    check_password_strength(password, username=username)


def test_length_message_is_readable() -> None:
    with pytest.raises(ValidationFailed, match="at least 10 characters"):
        check_password_strength("short")
