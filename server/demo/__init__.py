"""Demo data for trying Doorstep out (`doorstep seed-demo`)."""

from __future__ import annotations

from server.demo.logins import DemoLogins, logins_path
from server.demo.seed import DEFAULT_SEED, SeedReport, seed_demo

__all__ = ["DEFAULT_SEED", "DemoLogins", "SeedReport", "logins_path", "seed_demo"]
