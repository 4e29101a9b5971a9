"""Refresh rotation, reuse detection, device revocation and login rate limiting, end to end."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from server.core.clock import set_clock, utcnow
from server.core.roles import Role
from tests.factories import make_user

REFRESH = "mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken refreshToken } }"


async def test_refresh_rotates_and_old_token_is_spent(db: Any, client: Any) -> None:
    user = await make_user()
    await client.login(user.username)
    first = client.refresh_token
    rotated = (await client.data(REFRESH, {"t": first}))["refreshSession"]
    assert rotated["refreshToken"] != first
    # The rotated token works once more...
    again = (await client.data(REFRESH, {"t": rotated["refreshToken"]}))["refreshSession"]
    assert again["accessToken"]


async def test_reuse_revokes_the_whole_family(db: Any, client: Any) -> None:
    user = await make_user()
    await client.login(user.username)
    stolen = client.refresh_token
    fresh = (await client.data(REFRESH, {"t": stolen}))["refreshSession"]["refreshToken"]
    assert await client.error_code(REFRESH, {"t": stolen}) == "REFRESH_REUSED"
    # The legitimate holder's newer token is cut off too: the family is burnt.
    assert await client.error_code(REFRESH, {"t": fresh}) == "REFRESH_REUSED"


async def test_expired_access_token_reports_expiry(db: Any, client: Any) -> None:
    user = await make_user()
    await client.login(user.username)
    later = utcnow() + timedelta(hours=2)
    set_clock(lambda: later)
    assert await client.error_code("{ me { id } }") == "TOKEN_EXPIRED"
    # A stale header never blocks signing in again.
    client_token = client.token
    await client.login(user.username)
    assert client.token != client_token


async def test_admin_revokes_device(db: Any, client: Any, as_user: Any) -> None:
    admin = await make_user(Role.ADMIN)
    tech = await make_user()
    await client.login(tech.username)
    devices = (await client.data("{ devices { id } }"))["devices"]
    assert len(devices) == 1
    admin_client = await as_user(admin)
    await admin_client.data(
        "mutation($id: ID!) { revokeDevice(id: $id) { revokedAt } }", {"id": devices[0]["id"]}
    )
    assert await client.error_code("{ me { id } }") == "DEVICE_REVOKED"
    assert await client.error_code(REFRESH, {"t": client.refresh_token}) in {
        "REFRESH_REUSED",
        "DEVICE_REVOKED",
    }


async def test_technician_cannot_revoke_devices(db: Any, as_user: Any) -> None:
    tech = await make_user()
    c = await as_user(tech)
    devices = (await c.data("{ devices { id } }"))["devices"]
    assert (
        await c.error_code("mutation($id: ID!) { revokeDevice(id: $id) { id } }", {"id": devices[0]["id"]})
        == "FORBIDDEN"
    )


async def test_login_rate_limited_per_account(db: Any, client: Any) -> None:
    user = await make_user()
    bad = 'mutation($u: String!) { login(username: $u, password: "wrong-wrong-wrong") { accessToken } }'
    codes = [await client.error_code(bad, {"u": user.username}) for _ in range(6)]
    assert codes[:5] == ["BAD_CREDENTIALS"] * 5
    assert codes[5] == "RATE_LIMITED"


async def test_logout_revokes_refresh(db: Any, client: Any) -> None:
    user = await make_user()
    await client.login(user.username)
    await client.data("mutation($t: String!) { logout(refreshToken: $t) }", {"t": client.refresh_token})
    assert await client.error_code(REFRESH, {"t": client.refresh_token}) == "REFRESH_REUSED"


async def test_admin_creates_user_with_weak_password_refused(db: Any, as_user: Any) -> None:
    admin = await as_user(await make_user(Role.ADMIN))
    create = """mutation($p: String!) {
      createUser(input: {username: "newtech", displayName: "New", role: TECHNICIAN, password: $p}) {
        username role
      }
    }"""
    assert await admin.error_code(create, {"p": "123"}) == "WEAK_PASSWORD"
    assert (await admin.data(create, {"p": "a-decent-passphrase"}))["createUser"]["role"] == "TECHNICIAN"
    assert await admin.error_code(create, {"p": "a-decent-passphrase"}) == "USERNAME_TAKEN"


async def test_devices_with_a_malformed_user_id_is_not_found(db: Any, as_user: Any) -> None:
    admin = await as_user(await make_user(Role.ADMIN))
    assert await admin.error_code('{ devices(userId: "not-a-uuid") { id } }') == "NOT_FOUND"
