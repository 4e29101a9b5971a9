"""Sign-in, token rotation, devices and user accounts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise import connections
from tortoise.transactions import in_transaction

from server.auth.models import Device, RefreshToken, User
from server.auth.passwords import check_password_strength, dummy_verify, hash_password, needs_rehash
from server.auth.passwords import verify_password as _verify
from server.auth.ratelimit import LoginRateLimiter
from server.auth.tokens import decode_access_token, hash_refresh_token, issue_access_token, new_refresh_token
from server.core import persist
from server.core.actor import Actor
from server.core.clock import utcnow
from server.core.errors import Conflict, NotFound, Unauthenticated, ValidationFailed
from server.core.roles import Role
from server.core.secrets import Secrets
from server.core.serialize import snapshot
from server.core.settings import Settings


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    access_expires_at: datetime
    refresh_expires_at: datetime
    user: User
    device_id: uuid.UUID


async def create_user(
    *,
    actor: Actor | None,
    username: str,
    display_name: str,
    role: Role,
    password: str,
    phone: str = "",
    email: str = "",
    locale: str = "zh-CN",
    skills: list[str] | None = None,
    territory: str = "",
) -> User:
    username = username.strip()
    if not username or len(username) > 64:
        raise ValidationFailed("A username of 1 to 64 characters is required.", field="username")
    check_password_strength(password, username=username)
    if await User.filter(username=username).exists():
        raise Conflict(f"The username {username!r} is taken.", code="USERNAME_TAKEN")
    user = User(
        username=username,
        display_name=display_name.strip() or username,
        role=role,
        password_hash=hash_password(password),
        phone=phone,
        email=email,
        locale=locale,
        skills=skills or [],
        territory=territory,
    )
    await persist.save(user, actor=actor)
    return user


async def set_password(*, actor: Actor | None, user: User, password: str) -> None:
    check_password_strength(password, username=user.username)
    before = snapshot(user)
    user.password_hash = hash_password(password)
    await persist.save(user, actor=actor, before=before, action="set_password")


async def login(
    *,
    settings: Settings,
    secrets: Secrets,
    limiter: LoginRateLimiter,
    username: str,
    password: str,
    ip: str,
    device_id: uuid.UUID | None = None,
    device_name: str = "",
    user_agent: str = "",
) -> TokenPair:
    limiter.check(account=username, ip=ip)
    user = await User.get_or_none(username=username.strip())
    if user is None:
        dummy_verify(password)
    if user is None or not user.active or not _verify(password_hash=user.password_hash, password=password):
        limiter.record_failure(account=username, ip=ip)
        raise Unauthenticated("Wrong username or password.", code="BAD_CREDENTIALS")
    limiter.record_success(account=username, ip=ip)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        await user.save(update_fields=["password_hash"])
    device = await _register_device(user=user, device_id=device_id, name=device_name, user_agent=user_agent)
    return await _issue(settings=settings, secrets=secrets, user=user, device=device, family_id=uuid.uuid4())


async def _register_device(*, user: User, device_id: uuid.UUID | None, name: str, user_agent: str) -> Device:
    now = utcnow()
    if device_id is not None:
        device = await Device.get_or_none(id=device_id)
        if device is not None:
            if device.user_id != user.id:  # type: ignore[attr-defined]
                raise Unauthenticated("This device is registered to another user.", code="DEVICE_MISMATCH")
            if device.revoked_at is not None:
                raise Unauthenticated("This device was revoked by an administrator.", code="DEVICE_REVOKED")
            device.last_seen_at = now
            device.user_agent = user_agent or device.user_agent
            await device.save(update_fields=["last_seen_at", "user_agent", "updated_at"])
            return device
    return await Device.create(
        id=device_id or uuid.uuid4(), user=user, name=name[:128], user_agent=user_agent, last_seen_at=now
    )


async def _issue(
    *, settings: Settings, secrets: Secrets, user: User, device: Device, family_id: uuid.UUID
) -> TokenPair:
    now = utcnow()
    token, token_hash = new_refresh_token()
    refresh_expires = now + settings.refresh_token_ttl
    await RefreshToken.create(
        family_id=family_id, user=user, device=device, token_hash=token_hash, expires_at=refresh_expires
    )
    access = issue_access_token(
        secrets=secrets,
        user_id=str(user.id),
        role=user.role.value,
        device_id=str(device.id),
        session_id=str(family_id),
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        ttl=settings.access_token_ttl,
        now=now,
    )
    return TokenPair(
        access_token=access,
        refresh_token=token,
        access_expires_at=now + settings.access_token_ttl,
        refresh_expires_at=refresh_expires,
        user=user,
        device_id=device.id,
    )


async def refresh(*, settings: Settings, secrets: Secrets, refresh_token: str) -> TokenPair:
    """Rotate: the presented token is spent; presenting a spent token again revokes its whole family."""
    now = utcnow()
    reused_family: uuid.UUID | None = None
    async with in_transaction():
        row = (
            await RefreshToken.filter(token_hash=hash_refresh_token(refresh_token))
            .select_for_update()
            .prefetch_related("user", "device")
            .first()
        )
        if row is None:
            raise Unauthenticated("Sign in again.", code="REFRESH_INVALID")
        if row.used_at is not None or row.revoked_at is not None:
            reused_family = row.family_id
        elif row.expires_at <= now:
            raise Unauthenticated("Your session has expired; sign in again.", code="REFRESH_EXPIRED")
        else:
            user, device = row.user, row.device
            if not user.active or device is None or device.revoked_at is not None:
                raise Unauthenticated("Sign in again.", code="DEVICE_REVOKED")
            row.used_at = now
            await row.save(update_fields=["used_at", "updated_at"])
            device.last_seen_at = now
            await device.save(update_fields=["last_seen_at", "updated_at"])
            return await _issue(
                settings=settings, secrets=secrets, user=user, device=device, family_id=row.family_id
            )
    # Reuse of a rotated token means it was copied: cut off the whole family. Done outside the
    # transaction above, which raising would roll back.
    await RefreshToken.filter(family_id=reused_family, revoked_at=None).update(revoked_at=now)
    raise Unauthenticated("Sign in again.", code="REFRESH_REUSED")


async def logout(*, refresh_token: str) -> None:
    row = await RefreshToken.get_or_none(token_hash=hash_refresh_token(refresh_token))
    if row is not None:
        await RefreshToken.filter(family_id=row.family_id, revoked_at=None).update(revoked_at=utcnow())


# The user and the revocation of the token's device in one statement: this runs on every
# request. Never cached, so revoking a device or deactivating a user takes effect at once.
_ACTOR_SQL = (
    'SELECT u."role", u."username", u."active", d."revoked_at" IS NOT NULL'
    ' FROM "user" u LEFT JOIN "device" d ON d."id" = {device} WHERE u."id" = {user}'
)
_ACTOR_PLACEHOLDERS = {"sqlite": ("?", "?"), "postgres": ("$1", "$2")}


async def authenticate(*, settings: Settings, secrets: Secrets, token: str) -> Actor:
    claims = decode_access_token(
        secrets=secrets, token=token, issuer=settings.jwt_issuer, audience=settings.jwt_audience
    )
    try:
        user_id = uuid.UUID(claims.user_id)
        device_id = uuid.UUID(claims.device_id) if claims.device_id else None
    except ValueError:
        raise Unauthenticated("Sign in again.", code="TOKEN_INVALID") from None
    row = await _actor_row(user_id=user_id, device_id=device_id)
    if row is None or not row[2]:
        raise Unauthenticated("Sign in again.", code="TOKEN_INVALID")
    if row[3]:
        raise Unauthenticated("This device was revoked by an administrator.", code="DEVICE_REVOKED")
    return Actor(user_id=user_id, role=Role(row[0]), username=row[1], device_id=device_id)


async def _actor_row(*, user_id: uuid.UUID, device_id: uuid.UUID | None) -> tuple[Any, ...] | None:
    """(role, username, active, device revoked) of the token's user, or None if there is none."""
    conn = connections.get("default")
    placeholders = _ACTOR_PLACEHOLDERS.get(conn.capabilities.dialect)
    if placeholders is None:  # the ORM's two queries, for any other database
        found = await User.get_or_none(id=user_id)
        if found is None:
            return None
        revoked = device_id is not None and await Device.exists(id=device_id, revoked_at__isnull=False)
        return found.role.value, found.username, found.active, revoked
    device, user = placeholders
    # UUIDs as text: how SQLite stores them, and asyncpg accepts them so.
    params = [str(device_id) if device_id else None, str(user_id)]
    _, rows = await conn.execute_query(_ACTOR_SQL.format(device=device, user=user), params)
    return tuple(rows[0]) if rows else None


async def revoke_device(*, actor: Actor, device_id: uuid.UUID) -> Device:
    device = await Device.get_or_none(id=device_id)
    if device is None:
        raise NotFound("No such device.")
    now = utcnow()
    async with in_transaction() as conn:
        before = snapshot(device)
        device.revoked_at = now
        await persist.save(device, actor=actor, before=before, action="revoke", conn=conn)
        await RefreshToken.filter(device_id=device.id, revoked_at=None).using_db(conn).update(revoked_at=now)
    return device


USER_EDITABLE = frozenset({"display_name", "phone", "email", "locale", "skills", "territory", "active"})


async def update_user(
    *, actor: Actor, user_id: uuid.UUID, changes: dict[str, object], password: str | None = None
) -> User:
    user = await User.get_or_none(id=user_id)
    if user is None:
        raise NotFound("No such user.")
    unknown = set(changes) - USER_EDITABLE
    if unknown:
        raise ValidationFailed(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
    before = snapshot(user)
    for key, value in changes.items():
        setattr(user, key, value)
    if password:
        check_password_strength(password, username=user.username)
        user.password_hash = hash_password(password)
    await persist.save(user, actor=actor, before=before)
    if changes.get("active") is False:
        await RefreshToken.filter(user_id=user.id, revoked_at=None).update(revoked_at=utcnow())
    return user
