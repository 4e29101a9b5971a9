from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any

import jwt
import pytest

from server.auth.tokens import (
    AccessClaims,
    decode_access_token,
    hash_refresh_token,
    issue_access_token,
    new_refresh_token,
)
from server.core.clock import set_clock
from server.core.errors import Unauthenticated
from server.core.secrets import Secrets, load_or_create_secrets, rotate_jwt_key

ISSUER = "https://doorstep.test"
AUDIENCE = "doorstep-api"
NOW = datetime(2030, 5, 1, 12, 0, tzinfo=UTC)
TTL = timedelta(minutes=15)
KEY = b"k" * 48


@pytest.fixture
def secrets() -> Secrets:
    return Secrets(jwt_keys=MappingProxyType({"kid-1": KEY}), active_kid="kid-1", upload_secret=b"u" * 32)


@pytest.fixture
def frozen_clock() -> Iterator[None]:
    set_clock(lambda: NOW)
    yield
    set_clock(None)


def _issue(secrets: Secrets, **overrides: Any) -> str:
    kwargs: dict[str, Any] = {
        "secrets": secrets,
        "user_id": "user-1",
        "role": "technician",
        "device_id": "device-1",
        "session_id": "session-1",
        "issuer": ISSUER,
        "audience": AUDIENCE,
        "ttl": TTL,
        "now": NOW,
    }
    kwargs.update(overrides)
    return issue_access_token(**kwargs)


def _decode(secrets: Secrets, token: str, **overrides: Any) -> AccessClaims:
    kwargs: dict[str, Any] = {
        "secrets": secrets,
        "token": token,
        "issuer": ISSUER,
        "audience": AUDIENCE,
        "now": NOW,
    }
    kwargs.update(overrides)
    return decode_access_token(**kwargs)


def _claims(**overrides: Any) -> dict[str, Any]:
    iat = int(NOW.timestamp())
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "user-1",
        "role": "technician",
        "dev": None,
        "sid": None,
        "iat": iat,
        "nbf": iat,
        "exp": iat + 900,
        "jti": "jti-1",
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not ...}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _hand_signed(header: dict[str, Any], payload: dict[str, Any], key: bytes = KEY) -> str:
    """A token built without PyJWT, so the header can claim any algorithm."""
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"
    signature = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


def _assert_rejected(code: str, secrets: Secrets, token: str, **overrides: Any) -> None:
    with pytest.raises(Unauthenticated) as excinfo:
        _decode(secrets, token, **overrides)
    assert excinfo.value.code == code
    assert excinfo.value.http_status == 401


# --- round trips ---------------------------------------------------------------------------


def test_round_trip(secrets: Secrets) -> None:
    claims = _decode(secrets, _issue(secrets))

    assert claims.user_id == "user-1"
    assert claims.role == "technician"
    assert claims.device_id == "device-1"
    assert claims.session_id == "session-1"
    assert claims.issued_at == NOW
    assert claims.expires_at == NOW + TTL
    assert claims.token_id


def test_round_trip_without_device_or_session(secrets: Secrets) -> None:
    claims = _decode(secrets, _issue(secrets, device_id=None, session_id=None))
    assert claims.device_id is None
    assert claims.session_id is None


def test_token_layout(secrets: Secrets) -> None:
    token = _issue(secrets)
    assert jwt.get_unverified_header(token) == {"alg": "HS256", "typ": "JWT", "kid": "kid-1"}
    payload = jwt.decode(token, options={"verify_signature": False})
    assert set(payload) == {"iss", "aud", "sub", "role", "dev", "sid", "iat", "nbf", "exp", "jti"}


def test_each_token_has_a_unique_id(secrets: Secrets) -> None:
    assert _decode(secrets, _issue(secrets)).token_id != _decode(secrets, _issue(secrets)).token_id


def test_clock_is_used_when_now_is_omitted(secrets: Secrets, frozen_clock: None) -> None:
    token = _issue(secrets, now=None)
    claims = decode_access_token(secrets=secrets, token=token, issuer=ISSUER, audience=AUDIENCE)
    assert claims.issued_at == NOW


def test_issue_rejects_naive_time_and_non_positive_ttl(secrets: Secrets) -> None:
    with pytest.raises(ValueError, match="timezone"):
        _issue(secrets, now=datetime(2030, 1, 1))
    with pytest.raises(ValueError, match="ttl"):
        _issue(secrets, ttl=timedelta(0))


# --- time ----------------------------------------------------------------------------------


def test_expired(secrets: Secrets) -> None:
    token = _issue(secrets)
    _assert_rejected("TOKEN_EXPIRED", secrets, token, now=NOW + TTL + timedelta(seconds=11))


def test_expired_by_frozen_clock(secrets: Secrets, frozen_clock: None) -> None:
    token = _issue(secrets, now=NOW - TTL - timedelta(minutes=1))
    with pytest.raises(Unauthenticated) as excinfo:
        decode_access_token(secrets=secrets, token=token, issuer=ISSUER, audience=AUDIENCE)
    assert excinfo.value.code == "TOKEN_EXPIRED"


def test_leeway_tolerates_small_clock_skew(secrets: Secrets) -> None:
    token = _issue(secrets)
    assert _decode(secrets, token, now=NOW + TTL + timedelta(seconds=9))
    assert _decode(secrets, token, now=NOW - timedelta(seconds=9))
    _assert_rejected("TOKEN_EXPIRED", secrets, token, now=NOW + TTL + timedelta(seconds=3), leeway_seconds=0)


@pytest.mark.parametrize("claim", ["iat", "nbf"])
def test_not_yet_valid(secrets: Secrets, claim: str) -> None:
    token = _hand_signed({"alg": "HS256", "kid": "kid-1"}, _claims(**{claim: int(NOW.timestamp()) + 60}))
    _assert_rejected("TOKEN_INVALID", secrets, token)


def test_expired_token_with_bad_signature_is_invalid_not_expired(secrets: Secrets) -> None:
    token = _issue(secrets)
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    _assert_rejected("TOKEN_INVALID", secrets, forged, now=NOW + timedelta(days=1))


# --- forged or malformed tokens ------------------------------------------------------------


def test_tampered_signature(secrets: Secrets) -> None:
    header, payload, _ = _issue(secrets).split(".")
    other_signature = _issue(secrets, role="admin").split(".")[2]
    _assert_rejected("TOKEN_INVALID", secrets, f"{header}.{payload}.{other_signature}")


def test_tampered_payload(secrets: Secrets) -> None:
    header, _, signature = _issue(secrets).split(".")
    payload = _b64(json.dumps(_claims(role="admin")).encode())
    _assert_rejected("TOKEN_INVALID", secrets, f"{header}.{payload}.{signature}")


def test_signed_with_another_key(secrets: Secrets) -> None:
    token = _hand_signed({"alg": "HS256", "kid": "kid-1"}, _claims(), key=b"x" * 48)
    _assert_rejected("TOKEN_INVALID", secrets, token)


def test_alg_none(secrets: Secrets) -> None:
    header = _b64(json.dumps({"alg": "none", "typ": "JWT", "kid": "kid-1"}).encode())
    payload = _b64(json.dumps(_claims()).encode())
    _assert_rejected("TOKEN_INVALID", secrets, f"{header}.{payload}.")


def test_alg_none_via_pyjwt(secrets: Secrets) -> None:
    token = jwt.encode(_claims(), None, algorithm="none", headers={"kid": "kid-1"})
    _assert_rejected("TOKEN_INVALID", secrets, token)


@pytest.mark.filterwarnings("ignore::jwt.InsecureKeyLengthWarning")
def test_other_hmac_algorithm(secrets: Secrets) -> None:
    token = jwt.encode(_claims(), KEY, algorithm="HS512", headers={"kid": "kid-1"})
    _assert_rejected("TOKEN_INVALID", secrets, token)


def test_asymmetric_algorithm_confusion(secrets: Secrets) -> None:
    # Classic attack: claim RS256 and sign with the HMAC secret as if it were a public key.
    token = _hand_signed({"alg": "RS256", "kid": "kid-1"}, _claims())
    _assert_rejected("TOKEN_INVALID", secrets, token)


@pytest.mark.parametrize(
    "overrides",
    [
        {"audience": "someone-else"},
        {"issuer": "https://evil.test"},
    ],
)
def test_wrong_audience_or_issuer(secrets: Secrets, overrides: dict[str, str]) -> None:
    _assert_rejected("TOKEN_INVALID", secrets, _issue(secrets), **overrides)


def test_audience_list_is_rejected(secrets: Secrets) -> None:
    token = _hand_signed({"alg": "HS256", "kid": "kid-1"}, _claims(aud=[AUDIENCE, "other"]))
    _assert_rejected("TOKEN_INVALID", secrets, token)


@pytest.mark.parametrize("claim", ["exp", "iat", "nbf", "iss", "aud", "sub", "jti", "role"])
def test_missing_claim(secrets: Secrets, claim: str) -> None:
    token = _hand_signed({"alg": "HS256", "kid": "kid-1"}, _claims(**{claim: ...}))
    _assert_rejected("TOKEN_INVALID", secrets, token)


@pytest.mark.parametrize(
    "overrides",
    [
        {"exp": "2030-05-01"},
        {"exp": True},
        {"iat": "0"},
        {"exp": 1e300},
        {"sub": 42},
        {"sub": ""},
        {"role": ["admin"]},
        {"dev": 7},
        {"sid": {"a": 1}},
    ],
)
def test_malformed_claims(secrets: Secrets, overrides: dict[str, Any]) -> None:
    token = _hand_signed({"alg": "HS256", "kid": "kid-1"}, _claims(**overrides))
    _assert_rejected("TOKEN_INVALID", secrets, token)


def test_non_finite_time_claim(secrets: Secrets) -> None:
    # Python's json accepts NaN, so a signed token could carry one.
    for value in (float("nan"), float("inf")):
        token = _hand_signed({"alg": "HS256", "kid": "kid-1"}, _claims(exp=value))
        _assert_rejected("TOKEN_INVALID", secrets, token)


@pytest.mark.parametrize(
    "header", [{"alg": "HS256"}, {"alg": "HS256", "kid": "nope"}, {"alg": "HS256", "kid": 1}]
)
def test_missing_or_unknown_kid(secrets: Secrets, header: dict[str, Any]) -> None:
    _assert_rejected("TOKEN_INVALID", secrets, _hand_signed(header, _claims()))


@pytest.mark.parametrize(
    "token",
    ["", "garbage", "a.b.c", "a.b", "....", "eyJhbGciOiJIUzI1NiJ9.e30.", "€.€.€"],
)
def test_garbage(secrets: Secrets, token: str) -> None:
    _assert_rejected("TOKEN_INVALID", secrets, token)


# --- key rotation --------------------------------------------------------------------------


def test_rotation_keeps_previous_key_then_drops_it(tmp_path: Path) -> None:
    original = load_or_create_secrets(data_dir=tmp_path)
    old_token = _issue(original)

    once = rotate_jwt_key(data_dir=tmp_path)
    new_token = _issue(once)
    assert jwt.get_unverified_header(new_token)["kid"] == once.active_kid
    assert _decode(once, old_token).user_id == "user-1"
    assert _decode(once, new_token).user_id == "user-1"

    twice = rotate_jwt_key(data_dir=tmp_path)
    _assert_rejected("TOKEN_INVALID", twice, old_token)
    assert _decode(twice, new_token).user_id == "user-1"


# --- refresh tokens ------------------------------------------------------------------------


def test_refresh_token_and_digest() -> None:
    token, digest = new_refresh_token()

    assert len(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))) >= 32
    assert digest == hashlib.sha256(token.encode()).hexdigest()
    assert hash_refresh_token(token) == digest
    assert len(digest) == 64


def test_refresh_tokens_are_unique() -> None:
    tokens = {new_refresh_token()[0] for _ in range(100)}
    assert len(tokens) == 100


# --- remembered verifications ----------------------------------------------------------------


def test_a_remembered_token_still_expires(secrets: Secrets) -> None:
    token = _issue(secrets)
    assert _decode(secrets, token, now=NOW).user_id
    assert _decode(secrets, token, now=NOW).user_id  # the second time from memory
    _assert_rejected("TOKEN_EXPIRED", secrets, token, now=NOW + TTL + timedelta(seconds=11))


def test_a_remembered_token_dies_with_its_key(secrets: Secrets) -> None:
    token = _issue(secrets)
    assert _decode(secrets, token, now=NOW).user_id
    for kid in ("kid-2", "kid-1"):  # the key gone; another key under the same id
        keys = MappingProxyType({kid: b"k" * 32})
        keyring = Secrets(jwt_keys=keys, active_kid=kid, upload_secret=b"u" * 32)
        _assert_rejected("TOKEN_INVALID", keyring, token, now=NOW)


def test_a_remembered_token_is_bound_to_issuer_and_audience(secrets: Secrets) -> None:
    token = _issue(secrets)
    assert _decode(secrets, token, now=NOW).user_id
    _assert_rejected("TOKEN_INVALID", secrets, token, now=NOW, audience="someone-else")
    _assert_rejected("TOKEN_INVALID", secrets, token, now=NOW, issuer="https://elsewhere.test")
