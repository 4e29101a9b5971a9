"""Sync speed benchmarks: each module prints figures measured against a baseline in the same run."""

from __future__ import annotations
