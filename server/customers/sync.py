"""Customers and sites replicate to devices as read-only reference data."""

from __future__ import annotations

from server.customers.models import Customer, Site
from server.syncing.adapter import ModelAdapter
from server.syncing.fields import ref, text
from server.workorders import scope
from sync.registry import Owner

D = Owner.DISPATCHER

CUSTOMERS = ModelAdapter.build(
    name="customers",
    model=Customer,
    fields={
        "name": text("name", D),
        "kind": text("kind", D),
        "phone": text("phone", D),
        "altPhone": text("alt_phone", D),
        "email": text("email", D),
        "language": text("language", D),
        "slaTier": text("sla_tier", D),
        "notes": text("notes", D),
    },
    scope=scope.customers_for,
)

SITES = ModelAdapter.build(
    name="sites",
    model=Site,
    fields={
        "customerId": ref("customer_id", D),
        "name": text("name", D),
        "address": text("address", D),
        "city": text("city", D),
        "latitude": text("latitude", D),
        "longitude": text("longitude", D),
        "timezone": text("timezone", D),
        "accessNotes": text("access_notes", D),
        "parkingNotes": text("parking_notes", D),
        "contactName": text("contact_name", D),
        "contactPhone": text("contact_phone", D),
    },
    scope=scope.sites_for,
)
