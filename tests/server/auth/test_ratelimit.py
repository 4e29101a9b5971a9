from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from server.auth.ratelimit import LoginRateLimiter
from server.core.clock import set_clock
from server.core.errors import RateLimited

START = datetime(2030, 5, 1, 12, 0, tzinfo=UTC)
WINDOW = timedelta(minutes=15)


class FakeClock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def limiter(clock: FakeClock) -> LoginRateLimiter:
    return LoginRateLimiter(max_failures_per_account=5, max_failures_per_ip=20, window=WINDOW, clock=clock)


def _fail(limiter: LoginRateLimiter, times: int, *, account: str = "alice", ip: str = "10.0.0.1") -> None:
    for _ in range(times):
        limiter.record_failure(account=account, ip=ip)


def _retry_after(limiter: LoginRateLimiter, *, account: str, ip: str) -> int:
    with pytest.raises(RateLimited) as excinfo:
        limiter.check(account=account, ip=ip)
    assert excinfo.value.code == "RATE_LIMITED"
    assert excinfo.value.http_status == 429
    retry_after = excinfo.value.details["retry_after_seconds"]
    assert isinstance(retry_after, int)
    return retry_after


def test_fresh_keys_are_allowed(limiter: LoginRateLimiter) -> None:
    limiter.check(account="alice", ip="10.0.0.1")


def test_account_budget(limiter: LoginRateLimiter) -> None:
    _fail(limiter, 4, ip="10.0.0.1")
    limiter.check(account="alice", ip="10.0.0.1")

    _fail(limiter, 1, ip="10.0.0.2")

    # The account is locked from every address; other accounts are unaffected.
    assert _retry_after(limiter, account="alice", ip="10.9.9.9") == 15 * 60
    limiter.check(account="bob", ip="10.0.0.1")


def test_account_keys_are_case_folded(limiter: LoginRateLimiter) -> None:
    for name in ["Alice", "ALICE", "alice", "aLiCe", "ALICE"]:
        limiter.record_failure(account=name, ip="10.0.0.1")
    _retry_after(limiter, account="alice", ip="10.0.0.2")


def test_ip_budget(limiter: LoginRateLimiter) -> None:
    for n in range(19):
        limiter.record_failure(account=f"user{n}", ip="10.0.0.1")
    limiter.check(account="someone", ip="10.0.0.1")

    limiter.record_failure(account="user19", ip="10.0.0.1")

    _retry_after(limiter, account="someone", ip="10.0.0.1")
    limiter.check(account="someone", ip="10.0.0.2")


def test_ipv6_clients_are_grouped_by_64_prefix(limiter: LoginRateLimiter) -> None:
    for n in range(20):
        limiter.record_failure(account=f"user{n}", ip=f"2001:db8:1:2::{n + 1:x}")
    _retry_after(limiter, account="someone", ip="2001:db8:1:2:ffff::1")
    limiter.check(account="someone", ip="2001:db8:1:3::1")


def test_ipv4_mapped_addresses_count_as_ipv4(limiter: LoginRateLimiter) -> None:
    for n in range(20):
        limiter.record_failure(account=f"user{n}", ip="::ffff:10.0.0.1")
    _retry_after(limiter, account="someone", ip="10.0.0.1")


def test_window_expiry(limiter: LoginRateLimiter, clock: FakeClock) -> None:
    _fail(limiter, 5)
    clock.advance(WINDOW - timedelta(seconds=1))
    assert _retry_after(limiter, account="alice", ip="10.0.0.1") == 1

    clock.advance(timedelta(seconds=1))
    limiter.check(account="alice", ip="10.0.0.1")


def test_window_slides(limiter: LoginRateLimiter, clock: FakeClock) -> None:
    for _ in range(5):
        limiter.record_failure(account="alice", ip="10.0.0.1")
        clock.advance(timedelta(minutes=1))
    # Failures at 0..4 min, now 5 min: the oldest leaves the window at 15 min.
    assert _retry_after(limiter, account="alice", ip="10.0.0.1") == 10 * 60

    clock.advance(timedelta(minutes=10))
    limiter.check(account="alice", ip="10.0.0.1")
    # One new failure spends the budget again, because four are still inside the window.
    limiter.record_failure(account="alice", ip="10.0.0.1")
    assert _retry_after(limiter, account="alice", ip="10.0.0.1") == 60


def test_retry_after_is_at_least_one_second(limiter: LoginRateLimiter, clock: FakeClock) -> None:
    _fail(limiter, 5)
    clock.advance(WINDOW - timedelta(milliseconds=100))
    assert _retry_after(limiter, account="alice", ip="10.0.0.1") == 1


def test_retry_after_is_the_longer_wait(limiter: LoginRateLimiter, clock: FakeClock) -> None:
    for n in range(20):
        limiter.record_failure(account=f"user{n}", ip="10.0.0.1")
    clock.advance(timedelta(minutes=5))
    _fail(limiter, 5, account="alice", ip="10.0.0.2")
    assert _retry_after(limiter, account="alice", ip="10.0.0.1") == 15 * 60


def test_success_clears_account_but_not_ip(limiter: LoginRateLimiter) -> None:
    for n in range(15):
        limiter.record_failure(account=f"user{n}", ip="10.0.0.1")
    _fail(limiter, 5, account="alice", ip="10.0.0.1")
    _retry_after(limiter, account="alice", ip="10.0.0.2")

    limiter.record_success(account="ALICE", ip="10.0.0.1")

    limiter.check(account="alice", ip="10.0.0.2")
    _retry_after(limiter, account="bob", ip="10.0.0.1")


def test_tracked_keys_are_capped(clock: FakeClock) -> None:
    limiter = LoginRateLimiter(
        max_failures_per_account=1, max_failures_per_ip=1, window=WINDOW, clock=clock, max_tracked_keys=3
    )
    for n in range(4):
        limiter.record_failure(account=f"user{n}", ip=f"10.0.0.{n}")
        clock.advance(timedelta(seconds=1))

    assert limiter.tracked_keys() == (3, 3)
    # The oldest key was evicted; the newer ones are still limited.
    limiter.check(account="user0", ip="10.0.0.0")
    for n in range(1, 4):
        _retry_after(limiter, account=f"user{n}", ip=f"10.0.0.{n}")


def test_recent_failure_keeps_a_key_from_eviction(clock: FakeClock) -> None:
    limiter = LoginRateLimiter(max_failures_per_account=2, window=WINDOW, clock=clock, max_tracked_keys=2)
    limiter.record_failure(account="alice", ip="10.0.0.1")
    limiter.record_failure(account="bob", ip="10.0.0.1")
    limiter.record_failure(account="alice", ip="10.0.0.1")  # alice is now the most recent
    limiter.record_failure(account="carol", ip="10.0.0.1")  # evicts bob

    _retry_after(limiter, account="alice", ip="10.0.0.2")


def test_expired_entries_are_pruned(limiter: LoginRateLimiter, clock: FakeClock) -> None:
    for n in range(10):
        limiter.record_failure(account=f"user{n}", ip=f"10.0.0.{n}")
    assert limiter.tracked_keys() == (10, 10)

    clock.advance(WINDOW)
    limiter.record_failure(account="late", ip="10.0.1.1")

    assert limiter.tracked_keys() == (1, 1)


def test_failures_per_key_are_bounded(limiter: LoginRateLimiter) -> None:
    _fail(limiter, 10_000)
    assert max(len(times) for times in limiter._accounts._entries.values()) == 5
    assert max(len(times) for times in limiter._ips._entries.values()) == 20


def test_default_clock_is_the_shared_clock() -> None:
    clock = FakeClock()
    set_clock(clock)
    try:
        limiter = LoginRateLimiter()
        _fail(limiter, 5)
        clock.advance(WINDOW)
        limiter.check(account="alice", ip="10.0.0.1")
    finally:
        set_clock(None)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_failures_per_account": 0},
        {"max_failures_per_ip": 0},
        {"max_tracked_keys": 0},
        {"window": timedelta(0)},
    ],
)
def test_invalid_configuration(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="must be"):
        LoginRateLimiter(**kwargs)  # type: ignore[arg-type]
