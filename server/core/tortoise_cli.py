"""Config for Tortoise's own CLI: `tortoise -c server.core.tortoise_cli.TORTOISE_ORM makemigrations`."""

from __future__ import annotations

from server.core.db import tortoise_config
from server.core.settings import Settings

TORTOISE_ORM = tortoise_config(Settings.from_env())
