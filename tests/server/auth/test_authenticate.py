"""Access token -> actor: one query per request, and revocation or deactivation counts at once."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from server.auth import service
from server.auth.models import Device, User
from server.auth.tokens import issue_access_token
from server.core.clock import utcnow
from server.core.errors import Unauthenticated
from server.core.roles import Role
from server.core.secrets import Secrets, load_or_create_secrets
from server.core.settings import Settings
from tests.factories import make_user


def _token(settings: Settings, secrets: Secrets, user_id: object, device_id: object | None) -> str:
    return issue_access_token(
        secrets=secrets,
        user_id=str(user_id),
        role="technician",  # the role in the token is not trusted: the row's is used
        device_id=str(device_id) if device_id is not None else None,
        session_id=str(uuid.uuid4()),
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        ttl=timedelta(minutes=5),
    )


async def _code(settings: Settings, secrets: Secrets, token: str) -> str:
    with pytest.raises(Unauthenticated) as excinfo:
        await service.authenticate(settings=settings, secrets=secrets, token=token)
    return excinfo.value.code


async def test_actor_comes_from_the_user_row_and_the_token_device(db: Settings) -> None:
    secrets = load_or_create_secrets(data_dir=db.data_dir)
    user = await make_user(Role.SUPERVISOR)
    device = await Device.create(user=user, name="phone")
    actor = await service.authenticate(
        settings=db, secrets=secrets, token=_token(db, secrets, user.id, device.id)
    )
    assert (actor.user_id, actor.role, actor.username, actor.device_id) == (
        user.id,
        Role.SUPERVISOR,
        user.username,
        device.id,
    )
    # A token without a device (or naming a device row that does not exist) still names its user.
    for device_id in (None, uuid.uuid4()):
        plain = await service.authenticate(
            settings=db, secrets=secrets, token=_token(db, secrets, user.id, device_id)
        )
        assert (plain.user_id, plain.device_id) == (user.id, device_id)


async def test_revoking_the_device_refuses_its_next_request(db: Settings) -> None:
    secrets = load_or_create_secrets(data_dir=db.data_dir)
    user = await make_user()
    device, other = await Device.create(user=user), await Device.create(user=user)
    token = _token(db, secrets, user.id, device.id)
    await service.authenticate(settings=db, secrets=secrets, token=token)
    await Device.filter(id=device.id).update(revoked_at=utcnow())
    assert await _code(db, secrets, token) == "DEVICE_REVOKED"
    # The user's other device is not affected.
    await service.authenticate(settings=db, secrets=secrets, token=_token(db, secrets, user.id, other.id))


async def test_deactivated_or_unknown_users_are_refused(db: Settings) -> None:
    secrets = load_or_create_secrets(data_dir=db.data_dir)
    user = await make_user()
    token = _token(db, secrets, user.id, None)
    await User.filter(id=user.id).update(active=False)
    assert await _code(db, secrets, token) == "TOKEN_INVALID"
    assert await _code(db, secrets, _token(db, secrets, uuid.uuid4(), None)) == "TOKEN_INVALID"
    assert await _code(db, secrets, _token(db, secrets, "not-a-uuid", None)) == "TOKEN_INVALID"
