"""Access tokens (short-lived HS256 JWTs) and opaque refresh tokens.

The algorithm is pinned to HS256 on both sides, so a token cannot pick its own verification
(`alg: none`, or an asymmetric algorithm with the HMAC secret used as a "public key"). The
`kid` header selects a key from the keyring, which lets keys rotate without logging users out.

Time checks use `server.core.clock` rather than PyJWT's wall clock so that a frozen test
clock applies to verification as well as to issuing.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from secrets import token_urlsafe
from typing import Any

import jwt

from server.core.clock import utcnow
from server.core.errors import Unauthenticated
from server.core.secrets import Secrets

ALGORITHM = "HS256"
_REQUIRED_CLAIMS = ["exp", "iat", "nbf", "iss", "aud", "sub", "jti"]
_REFRESH_TOKEN_BYTES = 32  # 256 bits

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AccessClaims:
    user_id: str  # "sub"
    role: str
    device_id: str | None  # "dev"
    session_id: str | None  # "sid"
    issued_at: datetime  # "iat"
    expires_at: datetime  # "exp"
    token_id: str  # "jti"


def issue_access_token(
    *,
    secrets: Secrets,
    user_id: str,
    role: str,
    device_id: str | None,
    session_id: str | None,
    issuer: str,
    audience: str,
    ttl: timedelta,
    now: datetime | None = None,
) -> str:
    if ttl <= timedelta(0):
        raise ValueError("ttl must be positive")
    issued = now if now is not None else utcnow()
    if issued.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    iat = int(issued.timestamp())
    payload = {
        "iss": issuer,
        "aud": audience,
        "sub": user_id,
        "role": role,
        "dev": device_id,
        "sid": session_id,
        "iat": iat,
        "nbf": iat,
        "exp": int((issued + ttl).timestamp()),
        "jti": token_urlsafe(16),
    }
    return jwt.encode(
        payload, secrets.active_jwt_key, algorithm=ALGORITHM, headers={"kid": secrets.active_kid}
    )


def decode_access_token(
    *,
    secrets: Secrets,
    token: str,
    issuer: str,
    audience: str,
    leeway_seconds: int = 10,
    now: datetime | None = None,
) -> AccessClaims:
    """Verify `token`; raises Unauthenticated with code TOKEN_EXPIRED or TOKEN_INVALID."""
    try:
        payload = _verified_payload(secrets=secrets, token=token, issuer=issuer, audience=audience)
        claims = _to_claims(payload)
        not_before = _time_claim(payload, "nbf")
    except (jwt.PyJWTError, ValueError) as exc:
        log.debug("rejected access token: %s", exc)
        raise _invalid() from None
    current = now if now is not None else utcnow()
    leeway = timedelta(seconds=leeway_seconds)
    if claims.issued_at > current + leeway or not_before > current + leeway:
        raise _invalid()
    # Only reached with a valid signature, so "expired" reveals nothing to a forger.
    if claims.expires_at <= current - leeway:
        raise Unauthenticated("Access token has expired.", code="TOKEN_EXPIRED")
    return claims


def _invalid() -> Unauthenticated:
    # One message for every failure: the reason is logged, not told to the client.
    return Unauthenticated("Invalid access token.", code="TOKEN_INVALID")


def _verified_payload(*, secrets: Secrets, token: str, issuer: str, audience: str) -> dict[str, Any]:
    remembered = _verified.get((token, issuer, audience))
    # Only while the key that verified it is still in the keyring under the same id.
    if remembered is not None and secrets.jwt_keys.get(remembered[0]) == remembered[1]:
        return remembered[2]
    kid = jwt.get_unverified_header(token).get("kid")
    key = secrets.jwt_keys.get(kid) if isinstance(kid, str) else None
    if key is None:
        raise ValueError(f"unknown signing key id {kid!r}")
    payload = _checked(token, key, issuer=issuer, audience=audience)
    if len(_verified) >= _VERIFIED_MAX:
        del _verified[next(iter(_verified))]
    _verified[(token, issuer, audience)] = (str(kid), key, payload)
    return payload


# Tokens whose signature, issuer and audience were verified: a device sends the same token with
# every request of its life, and PyJWT checks its base64 one character at a time in Python, about
# a quarter of a millisecond per request. The time claims are checked on every use, and whether
# the user or device may still sign in is a database question asked on every request anyway.
_VERIFIED_MAX = 4096
_verified: dict[tuple[str, str, str], tuple[str, bytes, dict[str, Any]]] = {}


def _checked(token: str, key: bytes, *, issuer: str, audience: str) -> dict[str, Any]:
    return jwt.decode(
        token,
        key,
        algorithms=[ALGORITHM],
        issuer=issuer,
        audience=audience,
        options={
            "require": _REQUIRED_CLAIMS,
            "strict_aud": True,
            # Checked by decode_access_token against server.core.clock instead.
            "verify_exp": False,
            "verify_nbf": False,
            "verify_iat": False,
        },
    )


def _to_claims(payload: dict[str, Any]) -> AccessClaims:
    return AccessClaims(
        user_id=_str_claim(payload, "sub"),
        role=_str_claim(payload, "role"),
        device_id=_optional_str_claim(payload, "dev"),
        session_id=_optional_str_claim(payload, "sid"),
        issued_at=_time_claim(payload, "iat"),
        expires_at=_time_claim(payload, "exp"),
        token_id=_str_claim(payload, "jti"),
    )


def _str_claim(payload: dict[str, Any], name: str) -> str:
    value = payload.get(name)
    if not isinstance(value, str) or not value:
        raise ValueError(f"claim {name!r} must be a non-empty string")
    return value


def _optional_str_claim(payload: dict[str, Any], name: str) -> str | None:
    value = payload.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"claim {name!r} must be a string or null")
    return value


def _time_claim(payload: dict[str, Any], name: str) -> datetime:
    value = payload.get(name)
    # bool is an int subclass; reject it along with strings and other non-numbers.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"claim {name!r} must be a number")
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError) as exc:  # NaN, infinity, far out of range
        raise ValueError(f"claim {name!r} is out of range") from exc


def new_refresh_token() -> tuple[str, str]:
    """Return (token for the client, digest to store). Only the digest is ever persisted."""
    token = token_urlsafe(_REFRESH_TOKEN_BYTES)
    return token, hash_refresh_token(token)


def hash_refresh_token(token: str) -> str:
    # A plain hash suffices: the token has 256 bits of entropy, so it cannot be brute-forced.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
