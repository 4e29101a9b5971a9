"""What each role may see. A technician sees only the work orders assigned to him and the
customers, sites and assets they reference; staff see everything. Every read goes through here,
so a rule change happens in one place."""

from __future__ import annotations

from tortoise.expressions import Subquery
from tortoise.queryset import QuerySet

from server.assets.models import Asset
from server.core.actor import Actor
from server.customers.models import Customer, Site
from server.workorders.models import WorkOrder


def work_orders_for(actor: Actor, *, include_deleted: bool = False) -> QuerySet[WorkOrder]:
    # Replication needs tombstones; every other reader does not.
    query = WorkOrder.all() if include_deleted else WorkOrder.filter(deleted=False)
    if actor.is_technician:
        query = query.filter(assigned_to_id=actor.user_id)
    return query


def _own_orders(actor: Actor) -> QuerySet[WorkOrder]:
    return WorkOrder.filter(deleted=False, assigned_to_id=actor.user_id)


def customers_for(actor: Actor, *, include_deleted: bool = False) -> QuerySet[Customer]:
    query = Customer.all() if include_deleted else Customer.filter(deleted=False)
    if actor.is_technician:
        query = query.filter(id__in=Subquery(_own_orders(actor).values("customer_id")))
    return query


def sites_for(actor: Actor, *, include_deleted: bool = False) -> QuerySet[Site]:
    query = Site.all() if include_deleted else Site.filter(deleted=False)
    if actor.is_technician:
        query = query.filter(id__in=Subquery(_own_orders(actor).values("site_id")))
    return query


def assets_for(actor: Actor, *, include_deleted: bool = False) -> QuerySet[Asset]:
    """A technician sees every asset at the sites he is sent to (he may find an unlisted one on site)."""
    query = Asset.all() if include_deleted else Asset.filter(deleted=False)
    if actor.is_technician:
        query = query.filter(site_id__in=Subquery(_own_orders(actor).values("site_id")))
    return query
