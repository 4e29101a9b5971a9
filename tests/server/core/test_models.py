"""Guards on the model definitions themselves."""

from __future__ import annotations

import importlib

from tortoise.models import Model

from server.core.db import MODEL_MODULES


def _models() -> list[type[Model]]:
    found: list[type[Model]] = []
    for name in MODEL_MODULES:
        module = importlib.import_module(name)
        found.extend(
            v
            for v in vars(module).values()
            if isinstance(v, type) and issubclass(v, Model) and v.__module__ == name
        )
    return found


def test_no_model_carries_a_table_comment() -> None:
    # Tortoise turns a model's docstring into an SQL table comment, and text with quotes or
    # semicolons breaks the generated DDL on SQLite: models explain themselves in # comments.
    described = [
        f"{m.__name__}: {m._meta.table_description!r}" for m in _models() if m._meta.table_description
    ]
    assert described == [], "use # comments instead of docstrings on models: " + "; ".join(described)


def test_every_model_module_defines_models() -> None:
    assert len(_models()) >= len(MODEL_MODULES)
