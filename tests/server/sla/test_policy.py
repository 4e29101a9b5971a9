from __future__ import annotations

import json
from datetime import timedelta

import pytest

from server.core.errors import ValidationFailed
from server.sla.policy import (
    DEFAULT_TIERS,
    DISPATCH_WITHIN,
    ESCALATE_WITHIN,
    REDISPATCH_WITHIN,
    SlaTier,
    get_tier,
    tier_from_dict,
)
from tests.server.sla._support import hours, minutes


@pytest.mark.parametrize(
    ("code", "respond", "resolve"),
    [("standard", 2, 4), ("advanced", 1, 4), ("vip", 1, 2)],
)
def test_default_tiers(code: str, respond: int, resolve: int) -> None:
    tier = get_tier(code=code)
    assert (tier.respond, tier.resolve) == (hours(respond), hours(resolve))
    assert tier.calendar_mode == "5x8"
    assert tier.satisfaction_target == 0.95
    assert tier.name_zh


def test_default_tiers_are_read_only() -> None:
    with pytest.raises(TypeError):
        DEFAULT_TIERS["gold"] = DEFAULT_TIERS["vip"]  # type: ignore[index]


def test_desk_timer_constants() -> None:
    assert (minutes(10), minutes(10), minutes(20)) == (DISPATCH_WITHIN, REDISPATCH_WITHIN, ESCALATE_WITHIN)


def test_unknown_tier() -> None:
    with pytest.raises(ValidationFailed, match="known: advanced, standard, vip"):
        get_tier(code="platinum")


def test_tier_dict_round_trip() -> None:
    tier = SlaTier(
        code="hotline",
        name_en="Hotline",
        name_zh="热线",
        respond=minutes(30),
        resolve=hours(8),
        calendar_mode="24x7",
        satisfaction_target=1.0,
    )
    assert tier_from_dict(json.loads(json.dumps(tier.to_dict()))) == tier


@pytest.mark.parametrize(
    "kwargs",
    [
        {"respond": timedelta(0)},
        {"resolve": -hours(1)},
        {"respond": hours(5)},  # longer than resolve
        {"calendar_mode": "5x7"},
        {"satisfaction_target": 95},
        {"code": " "},
    ],
)
def test_bad_tier_rejected(kwargs: dict[str, object]) -> None:
    base: dict[str, object] = {
        "code": "x",
        "name_en": "X",
        "name_zh": "X",
        "respond": hours(1),
        "resolve": hours(4),
    }
    with pytest.raises(ValidationFailed):
        SlaTier(**(base | kwargs))  # type: ignore[arg-type]


def test_tier_from_dict_rejects_unknown_keys_and_bad_numbers() -> None:
    good = DEFAULT_TIERS["standard"].to_dict()
    with pytest.raises(ValidationFailed, match="unknown tier keys"):
        tier_from_dict(good | {"respond_minutes": 60})
    with pytest.raises(ValidationFailed, match="respond_seconds"):
        tier_from_dict(good | {"respond_seconds": "7200"})
