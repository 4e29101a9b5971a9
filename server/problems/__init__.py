"""Problem management (问题管理): repeat faults on one asset or site, and problem records that a
run of incidents with the same cause suggests."""

from __future__ import annotations
