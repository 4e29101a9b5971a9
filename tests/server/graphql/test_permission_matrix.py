"""Role × operation × ownership: no technician can read or change another's records through any
query, mutation, node id or sync pull.

Each case calls one operation as one role on technician A's records (see _permission_world) and
checks the outcome in the table (_permission_ops, _permission_mutations, _permission_sync). Then:
- A's records changed exactly when an allowed caller made a mutation that should change them;
- an allowed answer shows the record it is about (or, where the table says so, must not);
- for technician B and anonymous callers the whole answer holds nothing of A's;
- B gets the same answer for A's ids as for ids that name nothing, so he cannot even learn that
  a record exists.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from graphql import GraphQLInputObjectType, GraphQLInputType, get_named_type

from server.auth.tokens import issue_access_token
from server.core.settings import Settings
from server.graphql.schema import build_schema
from tests.client import GqlClient
from tests.conftest import _wipe as wipe
from tests.server.graphql._permission_followup import FOLLOW_UP_MUTATIONS, FOLLOW_UP_QUERIES
from tests.server.graphql._permission_mutations import MUTATION_OPS
from tests.server.graphql._permission_ops import ALLOWED, QUERY_OPS, ROLES, Op
from tests.server.graphql._permission_sync import PULL_OPS, PUSH_OPS
from tests.server.graphql._permission_world import MARK, World, a_state, build_world

OPS: tuple[Op, ...] = (
    *QUERY_OPS,
    *FOLLOW_UP_QUERIES,
    *PULL_OPS,
    *MUTATION_OPS,
    *FOLLOW_UP_MUTATIONS,
    *PUSH_OPS,
)
# Technician B and an anonymous caller: nothing of A's may reach them.
OUTSIDERS = frozenset({"other", "anonymous"})


def _names_an_id(name: str) -> bool:
    return name in {"id", "ids"} or name.endswith(("Id", "Ids"))


def _input_names_an_id(arg_type: GraphQLInputType, seen: set[str]) -> bool:
    named = get_named_type(arg_type)
    if not isinstance(named, GraphQLInputObjectType) or named.name in seen:
        return False
    seen.add(named.name)
    return any(_names_an_id(name) or _input_names_an_id(f.type, seen) for name, f in named.fields.items())


def _live_operations() -> dict[str, bool]:
    """Every query and mutation field -> whether the matrix must cover it."""
    schema = build_schema(Settings(dev=True))._schema
    roots = [root for root in (schema.query_type, schema.mutation_type) if root is not None]
    return {
        name: name.startswith(("pull", "push"))
        or any(_names_an_id(a) or _input_names_an_id(arg.type, set()) for a, arg in f.args.items())
        for root in roots
        for name, f in root.fields.items()
    }


def test_every_operation_taking_an_id_is_in_the_matrix() -> None:
    needed = {name for name, needs in _live_operations().items() if needs}
    missing = needed - {op.field for op in OPS}
    assert not missing, f"add these operations to the permission matrix: {sorted(missing)}"


def test_the_matrix_names_only_live_operations() -> None:
    stale = {op.field for op in OPS} - _live_operations().keys()
    assert not stale, f"these operations are gone from the schema: {sorted(stale)}"


def test_every_case_has_an_expected_outcome_for_every_role() -> None:
    assert len({op.name for op in OPS}) == len(OPS)
    assert all(set(op.expect) == set(ROLES) for op in OPS)
    # The point of the matrix: technician B never changes anything of A's.
    assert not [op.name for op in OPS if op.is_mutation and op.expect["other"] == ALLOWED]


def _outcome(body: dict[str, Any], field: str) -> str:
    if body.get("errors"):
        return str(body["errors"][0].get("extensions", {}).get("code"))
    value = (body.get("data") or {}).get(field)
    if isinstance(value, list):
        # A sync push answers per row: a refused row carries its code.
        for row in value:
            if isinstance(row, dict) and isinstance(row.get("rejected"), dict):
                return str(row["rejected"]["code"])
    return ALLOWED


async def _call(app: Any, world: World, role: str, op: Op, variables: dict[str, Any]) -> dict[str, Any]:
    client = GqlClient(app)
    try:
        if op.signed_in and role in world.users:
            client.token = _token(app, world, role)
        return await client.execute(op.document, variables)
    finally:
        await client.aclose()


def _token(app: Any, world: World, role: str) -> str:
    # Minted directly: a real login per case would spend most of the run hashing passwords.
    settings: Settings = app.state.settings
    user = world.users[role]
    return issue_access_token(
        secrets=app.state.secrets,
        user_id=str(user.id),
        role=user.role.value,
        device_id=str(world.device_ids[role]),
        session_id=None,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        ttl=settings.access_token_ttl,
    )


def _assert_nothing_of_a(body: dict[str, Any], world: World, variables: dict[str, Any], case: str) -> None:
    text = json.dumps(body, ensure_ascii=False)
    assert MARK not in text, f"{case} leaked the content of A's records: {text}"
    sent = json.dumps(variables)
    # An id the caller sent may come back in an error; any other id of A's is a leak.
    leaked = sorted(i for i in world.a_ids() if i in text and i not in sent)
    assert not leaked, f"{case} leaked ids of A's records {leaked}: {text}"


def _cases(ops: tuple[Op, ...]) -> list[Any]:
    return [pytest.param(op, role, id=f"{op.name}-{role}") for op in ops for role in ROLES]


READS = tuple(op for op in OPS if not op.is_mutation)
WRITES = tuple(op for op in OPS if op.is_mutation)


# The cases share one database and wipe it once at the end, instead of once per case: worlds do
# not see each other (each has its own technicians), and wiping dominated the run time.
@pytest.fixture(scope="module")
async def matrix_app(database: Settings) -> AsyncIterator[Any]:
    from server.app import create_app

    yield create_app(database, manage_db=False)
    await wipe()


@pytest.fixture(scope="module")
async def shared_world(matrix_app: Any) -> World:
    """For every case that must change nothing (each case checks that it did not)."""
    return await build_world()


@pytest.mark.db
@pytest.mark.parametrize(("op", "role"), _cases(READS))
async def test_read(matrix_app: Any, shared_world: World, op: Op, role: str) -> None:
    await _check(matrix_app, shared_world, op, role)


@pytest.mark.db
@pytest.mark.parametrize(("op", "role"), _cases(WRITES))
async def test_write(matrix_app: Any, shared_world: World, op: Op, role: str) -> None:
    refused = op.expect[role] != ALLOWED
    if refused and op.prepare is None:
        world = shared_world
    else:
        world = await build_world()
        if op.prepare is not None:
            await op.prepare(world)
    await _check(matrix_app, world, op, role)


async def _check(app: Any, world: World, op: Op, role: str) -> None:
    case = f"{op.name} as {role}"
    before = await a_state(world)
    variables = op.variables(world, role)
    body = await _call(app, world, role, op, variables)
    outcome = _outcome(body, op.field)
    assert outcome == op.expect[role], f"{case}: expected {op.expect[role]}, got {outcome}: {body}"
    changed = await a_state(world) != before
    writes = outcome == ALLOWED and op.is_mutation and op.touches_a and role not in OUTSIDERS
    assert changed is writes, f"{case}: A's records changed={changed}: {body}"

    if role in OUTSIDERS:
        _assert_nothing_of_a(body, world, variables, case)
    elif outcome == ALLOWED and op.target is not None:
        shown = str(op.target(world)) in json.dumps(body["data"])
        assert shown is (role not in op.hidden_from), f"{case}: target shown={shown}: {body}"

    if role == "other" and op.same_for_unknown_ids:
        ghost = world.ghost()
        ghost_body = await _call(app, world, role, op, op.variables(ghost, role))
        assert _outcome(ghost_body, op.field) == outcome, (
            f"{case}: A's ids answer {outcome} but unknown ids {ghost_body}; existence leaks"
        )
        assert await a_state(world) == before, f"{case}: unknown ids changed A's records"
