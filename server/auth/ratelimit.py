"""Login throttling: failed attempts counted per account and per client IP.

The state lives in this process's memory. SQLite deployments run a single process, so that
is the whole picture; a PostgreSQL scale-out with several workers would need to share it
(via the database) to keep the budgets global.
"""

from __future__ import annotations

import ipaddress
import math
import threading
from collections import OrderedDict, deque
from collections.abc import Callable
from datetime import datetime, timedelta

from server.core.clock import utcnow
from server.core.errors import RateLimited

DEFAULT_MAX_TRACKED_KEYS = 10_000


class _FailureLog:
    """Recent failure times per key, least recently failed key first, bounded in size."""

    def __init__(self, *, max_failures: int, window: timedelta, max_keys: int) -> None:
        self._max_failures = max_failures
        self._window = window
        self._max_keys = max_keys
        self._entries: OrderedDict[str, deque[datetime]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def record(self, key: str, now: datetime) -> None:
        self._prune(now)
        # Only the newest `max_failures` times matter: the budget is spent exactly when the
        # oldest of them is still inside the window.
        times = self._entries.pop(key, None) or deque(maxlen=self._max_failures)
        times.append(now)
        self._entries[key] = times
        while len(self._entries) > self._max_keys:
            self._entries.popitem(last=False)

    def clear(self, key: str) -> None:
        self._entries.pop(key, None)

    def retry_after(self, key: str, now: datetime) -> float:
        """Seconds until `key` may try again; 0 when it is within budget."""
        times = self._entries.get(key)
        if times is None or len(times) < self._max_failures:
            return 0.0
        return max(0.0, (times[0] + self._window - now).total_seconds())

    def _prune(self, now: datetime) -> None:
        # Keys are ordered by their latest failure, so stale keys are all at the front.
        cutoff = now - self._window
        while self._entries:
            key, times = next(iter(self._entries.items()))
            if times[-1] > cutoff:
                return
            del self._entries[key]


class LoginRateLimiter:
    """Refuses logins for an account or IP after too many recent failures (sliding window).

    Per process: see the module docstring. When more keys are tracked than `max_tracked_keys`,
    the key whose last failure is oldest is forgotten, which bounds memory under a flood.
    """

    def __init__(
        self,
        *,
        max_failures_per_account: int = 5,
        max_failures_per_ip: int = 20,
        window: timedelta = timedelta(minutes=15),
        clock: Callable[[], datetime] = utcnow,
        max_tracked_keys: int = DEFAULT_MAX_TRACKED_KEYS,
    ) -> None:
        if min(max_failures_per_account, max_failures_per_ip, max_tracked_keys) < 1:
            raise ValueError("limits must be at least 1")
        if window <= timedelta(0):
            raise ValueError("window must be positive")
        self._clock = clock
        self._lock = threading.Lock()  # callers may come from a thread pool
        self._accounts = _FailureLog(
            max_failures=max_failures_per_account, window=window, max_keys=max_tracked_keys
        )
        self._ips = _FailureLog(max_failures=max_failures_per_ip, window=window, max_keys=max_tracked_keys)

    def check(self, *, account: str, ip: str) -> None:
        """Raise RateLimited (with `retry_after_seconds`) if the account or the IP is over budget."""
        now = self._clock()
        with self._lock:
            wait = max(
                self._accounts.retry_after(_account_key(account), now),
                self._ips.retry_after(_ip_key(ip), now),
            )
        if wait > 0:
            raise RateLimited(
                "Too many failed login attempts. Try again later.",
                retry_after_seconds=max(1, math.ceil(wait)),
            )

    def record_failure(self, *, account: str, ip: str) -> None:
        now = self._clock()
        with self._lock:
            self._accounts.record(_account_key(account), now)
            self._ips.record(_ip_key(ip), now)

    def record_success(self, *, account: str, ip: str) -> None:
        # The IP keeps its failures: one good password must not reset a spray from that address.
        with self._lock:
            self._accounts.clear(_account_key(account))

    def tracked_keys(self) -> tuple[int, int]:
        """(accounts, IPs) currently tracked; for monitoring and tests."""
        with self._lock:
            return len(self._accounts), len(self._ips)


def _account_key(account: str) -> str:
    return account.casefold()


def _ip_key(ip: str) -> str:
    # One IPv6 client usually controls a whole /64, so count the prefix, not the address.
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)
