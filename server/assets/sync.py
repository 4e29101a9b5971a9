"""Assets replicate read-only, so a technician can look a scanned tag up with no signal."""

from __future__ import annotations

from server.assets.models import Asset
from server.syncing.adapter import ModelAdapter
from server.syncing.fields import choice, day, ref, text
from server.workorders import scope
from sync.registry import Owner

D = Owner.DISPATCHER

ASSETS = ModelAdapter.build(
    name="assets",
    model=Asset,
    fields={
        "tagCode": text("tag_code", D),
        "name": text("name", D),
        "category": text("category", D),
        "customerId": ref("customer_id", D),
        "siteId": ref("site_id", D),
        "contractNo": text("contract_no", D),
        "serialNo": text("serial_no", D),
        "systemSerial": text("system_serial", D),
        "warrantyEnd": day("warranty_end", D),
        "ipAddress": text("ip_address", D),
        "supplier": text("supplier", D),
        "contactName": text("contact_name", D),
        "contactPhone": text("contact_phone", D),
        "responsiblePerson": text("responsible_person", D),
        "shared": text("shared", D),
        "sealState": choice("seal_state", D),
        "notes": text("notes", D),
    },
    scope=scope.assets_for,
)
