from __future__ import annotations

from typing import Any

from server.core.roles import Role
from tests.factories import make_user


async def test_login_then_me(db: Any, client: Any) -> None:
    user = await make_user(Role.DISPATCHER)
    await client.login(user.username)
    data = await client.data("{ me { username role } }")
    assert data["me"] == {"username": user.username, "role": "DISPATCHER"}


async def test_me_needs_sign_in(db: Any, client: Any) -> None:
    assert await client.error_code("{ me { username } }") == "UNAUTHENTICATED"


async def test_wrong_password(db: Any, client: Any) -> None:
    user = await make_user()
    code = await client.error_code(
        'mutation($u: String!) { login(username: $u, password: "nope-nope-nope") { accessToken } }',
        {"u": user.username},
    )
    assert code == "BAD_CREDENTIALS"
