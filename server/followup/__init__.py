"""Service-desk follow-through after the customer signed: the call-back queue, its sampling policy,
closing rules and complaint records."""

from __future__ import annotations
