"""Search across customers, sites, assets and work orders, within what the actor may see.

The desk types what a caller says (a phone number in any spacing, part of a name, an order
number); a technician scans or types a tag or reads a serial off a device. Each kind of record
is searched on its own and capped at `first`, best matches first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypeVar

from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

from server.assets.models import Asset
from server.assets.rules import normalize_tag_code
from server.core.actor import Actor, require
from server.core.errors import ValidationFailed
from server.customers.models import Customer, Site
from server.workorders.models import WorkOrder
from server.workorders.scope import assets_for, customers_for, sites_for, work_orders_for

MAX_TEXT = 100
MAX_FIRST = 50
_MIN_SERIAL_PREFIX = 3  # shorter prefixes match half the stock
RowT = TypeVar("RowT", bound=Model)
_PHONE_LIKE = re.compile(r"^\+?[\d\s\-().]+$")
_MIN_PHONE_FRAGMENT = 4  # the last four digits are what callers often give
_MIN_WHOLE_PHONE = 7


@dataclass(frozen=True)
class SearchResult:
    customers: list[Customer]
    sites: list[Site]
    assets: list[Asset]
    work_orders: list[WorkOrder]


async def search(*, actor: Actor, text: str, first: int = 20) -> SearchResult:
    require(actor)
    query = text.strip()
    if not query or len(query) > MAX_TEXT:
        raise ValidationFailed(f"Search for 1 to {MAX_TEXT} characters.", field="text")
    if not 1 <= first <= MAX_FIRST:
        raise ValidationFailed(f"`first` must be between 1 and {MAX_FIRST}.", code="BAD_PAGE_SIZE")
    customers = await _customers(actor, query, first)
    return SearchResult(
        customers=customers,
        sites=await _sites(actor, query, first),
        assets=await _assets(actor, query, first),
        work_orders=await _work_orders(actor, query, first, customers),
    )


async def _customers(actor: Actor, query: str, first: int) -> list[Customer]:
    scoped = customers_for(actor).order_by("name", "id")
    queries = [scoped.filter(customer_text_filter(query))]
    suffix = phone_suffix(query)
    if suffix is not None:
        # The caller's own number first, then partial matches.
        queries.insert(0, scoped.filter(Q(phone__endswith=suffix) | Q(alt_phone__endswith=suffix)))
    return await _ranked(queries, first)


async def _sites(actor: Actor, query: str, first: int) -> list[Site]:
    condition = Q(name__icontains=query) | Q(address__icontains=query)
    for fragment in phone_fragments(query):
        condition |= Q(contact_phone__contains=fragment)
    return await _ranked([sites_for(actor).filter(condition).order_by("name", "id")], first)


async def _assets(actor: Actor, query: str, first: int) -> list[Asset]:
    scoped = assets_for(actor).order_by("serial_no", "id")
    queries = [scoped.filter(Q(serial_no__iexact=query) | Q(system_serial__iexact=query))]
    tag = _tag(query)
    if tag is not None:
        queries.insert(0, scoped.filter(tag_code=tag))
    if len(query) >= _MIN_SERIAL_PREFIX:
        queries.append(scoped.filter(Q(serial_no__istartswith=query) | Q(system_serial__istartswith=query)))
    return await _ranked(queries, first)


async def _work_orders(actor: Actor, query: str, first: int, customers: list[Customer]) -> list[WorkOrder]:
    """The order with that number, then the found customers' most recent orders."""
    scoped = work_orders_for(actor).order_by("-received_at", "id")
    queries = [scoped.filter(number__iexact=query)]
    if customers:
        queries.append(scoped.filter(customer_id__in=[c.id for c in customers]))
    return await _ranked(queries, first)


async def _ranked(queries: list[QuerySet[RowT]], first: int) -> list[RowT]:
    """Rows of each (ordered) query in turn, best query first, without repeats, at most `first` in all."""
    found: dict[object, RowT] = {}
    for query in queries:
        if len(found) >= first:
            break
        for row in await query.exclude(id__in=list(found)).limit(first - len(found)):
            found[row.pk] = row
    return list(found.values())


def customer_text_filter(text: str) -> Q:
    """Name fragment (any script), or a phone number typed with spaces, dashes or a +86 prefix."""
    condition = Q(name__icontains=text.strip())
    for fragment in phone_fragments(text):
        condition |= Q(phone__contains=fragment) | Q(alt_phone__contains=fragment)
    return condition


def phone_fragments(text: str) -> list[str]:
    """Digit strings to look for inside stored phones; empty unless `text` looks like a phone.

    Stored phones are digits with an optional leading +, so the country code and the trunk
    zero are dropped to also find "+86 10 6552 9988" when "010-6552-9988" was typed.
    """
    parts = _phone_parts(text)
    if parts is None:
        return []
    digits, national = parts
    return sorted(f for f in {digits, national} if len(f) >= _MIN_PHONE_FRAGMENT)


def phone_suffix(text: str) -> str | None:
    """The national number (no country code, no trunk zero) when `text` is a whole phone number:
    a stored phone ending with it is the same line."""
    parts = _phone_parts(text)
    if parts is None or len(parts[1]) < _MIN_WHOLE_PHONE:
        return None
    return parts[1]


def _phone_parts(text: str) -> tuple[str, str] | None:
    raw = text.strip()
    if not _PHONE_LIKE.match(raw):
        return None
    digits = re.sub(r"\D", "", raw)
    national = digits
    if raw.startswith(("+86", "0086")):
        national = digits.removeprefix("00").removeprefix("86")
    return digits, national.lstrip("0")


def _tag(query: str) -> str | None:
    try:
        return normalize_tag_code(query)
    except ValidationFailed:
        return None
