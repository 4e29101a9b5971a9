"""Import customers, sites and assets from the spreadsheets a service desk already keeps.

Each row is checked and written on its own, in its own transaction: a bad row is reported with
the line number the spreadsheet shows (the header is line 1) and never undoes the good ones.
Rows are matched on a natural key, so importing the same file twice changes nothing.
"""

from __future__ import annotations

import asyncio
import codecs
import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.connection import get_connection
from tortoise.exceptions import BaseORMException
from tortoise.transactions import in_transaction

from server.core import persist
from server.core.actor import Actor, require
from server.core.errors import DomainError, ValidationFailed
from server.core.roles import Role
from server.core.serialize import snapshot
from server.imports.progress import NoProgress, Progress
from server.imports.rows import KINDS, KindSpec, Lookup, Plan, Row
from server.sla import DEFAULT_TIERS
from server.sla.models import SlaPolicy

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
_DELIMITERS = (",", ";", "\t")
_HINT = re.compile(r"\s*[(（][^()（）]*[)）]\s*$")  # "保修截止(YYYY-MM-DD)" -> "保修截止"
_SEPARATORS = re.compile(r"[\s\-]+")


class ImportFileError(ValidationFailed):
    """The file as a whole cannot be imported (unreadable, or a required column is missing)."""

    code = "IMPORT_FILE_INVALID"


@dataclass(frozen=True)
class RowError:
    line: int
    message: str


@dataclass
class ImportResult:
    kind: str
    dry_run: bool
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.errors)

    def summary(self) -> str:
        head = (
            f"{self.kind}: {self.total} rows: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.failed} failed"
        )
        if self.dry_run:
            head += " (dry run: nothing was written)"
        lines = [head, *(f"  warning: {w}" for w in self.warnings)]
        lines += [f"  line {e.line}: {e.message}" for e in self.errors]
        return "\n".join(lines)


@dataclass(frozen=True)
class TableRow:
    line: int
    cells: Row
    problem: str | None = None  # a row that is broken before any column is read


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[TableRow, ...]
    warnings: tuple[str, ...] = ()


def kind_spec(kind: str) -> KindSpec:
    try:
        return KINDS[kind]
    except KeyError:
        raise ImportFileError(f"Unknown import kind {kind!r}; use one of {', '.join(KINDS)}.") from None


def decode(data: bytes) -> str:
    """UTF-8 with or without a BOM (Excel adds one); GB18030 for files saved by Chinese Windows."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8-sig", "gb18030"]
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError("The file is neither UTF-8 nor GB18030 text; save it from Excel as CSV UTF-8.")


def _normalize_header(raw: str) -> str:
    name = _HINT.sub("", raw.strip().lstrip("\ufeff").strip("*").strip())
    return _SEPARATORS.sub("_", name.lower())


def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    best = max(_DELIMITERS, key=first.count)
    return best if first.count(best) else ","


def _map_headers(headers: list[str], spec: KindSpec) -> tuple[list[str | None], list[str]]:
    mapped: list[str | None] = []
    warnings: list[str] = []
    seen: dict[str, str] = {}
    for raw in headers:
        name = _normalize_header(raw)
        column = name if name in spec.columns else spec.aliases.get(name)
        if column is None:
            if name:
                warnings.append(f"column {raw.strip()!r} is not used")
            mapped.append(None)
            continue
        if column in seen:
            raise ImportFileError(f"Columns {seen[column]!r} and {raw.strip()!r} both mean {column}.")
        seen[column] = raw.strip()
        mapped.append(column)
    missing = [c for c in spec.required if c not in seen]
    if missing:
        raise ImportFileError(
            f"The {spec.name} file needs the column(s) {', '.join(missing)}; "
            f"its header row is: {', '.join(h.strip() for h in headers)}."
        )
    return mapped, warnings


def read_table(data: bytes, spec: KindSpec) -> Table:
    text = decode(data)
    records = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        header = next(records)
    except StopIteration:
        raise ImportFileError("The file is empty; the first line must be the header row.") from None
    except csv.Error as exc:
        raise ImportFileError(f"Line 1 is not valid CSV: {exc}.") from None
    columns, warnings = _map_headers(header, spec)
    rows: list[TableRow] = []
    line = 1
    while True:
        line += 1  # one spreadsheet row per record, even when a quoted cell spans lines
        try:
            record = next(records)
        except StopIteration:
            break
        except csv.Error as exc:
            rows.append(TableRow(line, {}, f"not valid CSV: {exc}."))
            continue
        if not any(cell.strip() for cell in record):
            continue
        extra = [cell for cell in record[len(columns) :] if cell.strip()]
        if extra:
            problem = f"has {len(record)} cells but the header has {len(columns)} columns."
            rows.append(TableRow(line, {}, problem))
            continue
        cells = {c: v.strip() for c, v in zip(columns, record, strict=False) if c is not None}
        cells.update({c: "" for c in columns[len(record) :] if c is not None})
        rows.append(TableRow(line, cells))
    return Table(tuple(c for c in columns if c is not None), tuple(rows), tuple(warnings))


async def import_csv(
    *,
    actor: Actor | None,
    kind: str,
    path: Path,
    dry_run: bool = False,
    progress: Callable[[int], Progress] | None = None,
) -> ImportResult:
    """Import one CSV file. `actor` None is the operator at the command line; otherwise an admin.

    `progress` is called with the number of rows and returns the bar to advance.
    """
    if actor is not None:
        require(actor, Role.ADMIN)
    spec = kind_spec(kind)
    try:
        data = await asyncio.to_thread(path.read_bytes)
    except OSError as exc:
        raise ImportFileError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    table = read_table(data, spec)
    bar = progress(len(table.rows)) if progress is not None else NoProgress()
    return await import_table(actor=actor, spec=spec, table=table, dry_run=dry_run, progress=bar)


async def import_table(
    *, actor: Actor | None, spec: KindSpec, table: Table, dry_run: bool, progress: Progress
) -> ImportResult:
    result = ImportResult(kind=spec.name, dry_run=dry_run, warnings=list(table.warnings))
    tiers = await _known_tiers()
    pending: dict[tuple[str, ...], dict[str, Any]] = {}  # dry run: what earlier rows would have written
    try:
        for row in table.rows:
            result.total += 1
            try:
                if row.problem is not None:
                    raise ValidationFailed(row.problem)
                outcome = await _import_row(row.cells, spec, tiers, actor, dry_run, pending)
            except DomainError as exc:
                result.errors.append(RowError(row.line, exc.message))
            except BaseORMException as exc:
                result.errors.append(RowError(row.line, f"the database refused the row: {exc}"))
            else:
                setattr(result, outcome, getattr(result, outcome) + 1)
            progress.advance()
    finally:
        progress.finish()
    return result


async def _known_tiers() -> dict[str, str]:
    """Every spelling of every tier, retired ones included: which are allowed is checked per row."""
    names = {t.code: (t.name_en, t.name_zh) for t in DEFAULT_TIERS.values()}
    for policy in await SlaPolicy.all():
        names[policy.code] = (policy.name_en, policy.name_zh)
    return {spelling.lower(): code for code, pair in names.items() for spelling in (code, *pair)}


async def _import_row(
    row: Row,
    spec: KindSpec,
    tiers: dict[str, str],
    actor: Actor | None,
    dry_run: bool,
    pending: dict[tuple[str, ...], dict[str, Any]],
) -> str:
    for column in spec.required:
        if not row.get(column):
            raise ValidationFailed(f"{column}: a value is required.", field=column)
    if dry_run:
        plan = await spec.plan(row, Lookup(get_connection("default"), tiers))
        return _dry_outcome(plan, pending)
    async with in_transaction() as conn:
        plan = await spec.plan(row, Lookup(conn, tiers))
        return await _write(plan, actor, conn)


async def _write(plan: Plan, actor: Actor | None, conn: BaseDBAsyncClient) -> str:
    if plan.existing is None:
        await persist.save(plan.model(**plan.values, **plan.on_create), actor=actor, conn=conn)
        return CREATED
    current = plan.existing
    if all(getattr(current, k) == v for k, v in plan.values.items()):
        return UNCHANGED
    before = snapshot(current)
    for name, value in plan.values.items():
        setattr(current, name, value)
    await persist.save(current, actor=actor, before=before, conn=conn)
    return UPDATED


def _dry_outcome(plan: Plan, pending: dict[tuple[str, ...], dict[str, Any]]) -> str:
    earlier = pending.get(plan.key)
    if earlier is None and plan.existing is None:
        pending[plan.key] = dict(plan.values)
        return CREATED
    if earlier is None:
        assert plan.existing is not None
        earlier = {k: getattr(plan.existing, k) for k in plan.values}
    same = all(earlier.get(k) == v for k, v in plan.values.items())
    pending[plan.key] = {**earlier, **plan.values}
    return UNCHANGED if same else UPDATED
