"""`doorstep seed-demo`: a small, believable data set to try the product with.

Five users, 20 customers in Beijing, Shanghai and Shenzhen with their sites and 60 assets, the
SLA policies, the business calendar, the etiquette checklist and phrase book, and work orders for
today and tomorrow in every status. Everything is written in one transaction through
`persist.save`, so the sync versions and the audit log are right from the start. Given the same
random seed (and clock) the data is the same, apart from tag codes and a generated password.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model
from tortoise.transactions import in_transaction

from server.assets.models import Asset, SealState
from server.assets.rules import new_tag_code
from server.auth.models import User
from server.auth.passwords import hash_password
from server.checklists.templates import seed_defaults as seed_checklist_defaults
from server.core import persist
from server.core.clock import utcnow
from server.core.settings import Settings
from server.customers.models import Customer, Site
from server.demo import data
from server.demo.logins import DemoLogins, demo_logins, password_for_seeding
from server.demo.orders import OrderSeeder
from server.sla.service import seed_default_calendar, seed_default_policies

DEFAULT_SEED = 2026


@dataclass(frozen=True)
class SeedReport:
    seeded: bool  # False when users already existed and nothing was written
    logins: DemoLogins
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class DemoCustomer:
    customer: Customer
    city: data.City
    sites: list[Site] = field(default_factory=list)


async def seed_demo(*, settings: Settings, rng_seed: int = DEFAULT_SEED) -> SeedReport:
    """Load the demo data into an empty database; with any user present, only report the logins."""
    demo_names = [u.username for u in data.USERS]
    if await User.exists():
        present = await User.filter(username__in=demo_names).values_list("username", flat=True)
        return SeedReport(seeded=False, logins=demo_logins(settings, [str(name) for name in present]))
    password = password_for_seeding(settings)
    # Reference data first: these helpers open their own transactions and are idempotent.
    await seed_default_policies()
    await seed_default_calendar()
    await seed_checklist_defaults()
    async with in_transaction() as conn:
        seeder = _Seeder(random.Random(rng_seed), conn)  # noqa: S311 (repeatable demo data, not secrets)
        users = await seeder.users(hash_password(password))
        customers = await seeder.customers()
        assets = await seeder.assets(customers)
        orders = OrderSeeder(seeder.rng, conn, tz=settings.default_timezone, now=utcnow(), users=users)
        counts = await orders.seed([(c.customer, c.sites) for c in customers])
    counts.update(
        users=len(users),
        customers=len(customers),
        sites=sum(len(c.sites) for c in customers),
        assets=len(assets),
    )
    # The dashboard reads stored per-order facts; the seed writes rows directly, so compute them.
    from server.reports.facts import refresh_stale

    counts["report_facts"] = await refresh_stale(actor=None)
    return SeedReport(seeded=True, logins=demo_logins(settings, demo_names), counts=counts)


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


class _Seeder:
    def __init__(self, rng: random.Random, conn: BaseDBAsyncClient) -> None:
        self.rng = rng
        self.conn = conn
        self.phones: set[str] = set()

    async def save(self, obj: Model) -> None:
        await persist.save(obj, actor=None, action="seed", conn=self.conn)

    def mobile(self) -> str:
        while True:
            number = self.rng.choice(data.MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    async def users(self, password_hash: str) -> dict[str, User]:
        users: dict[str, User] = {}
        for spec in data.USERS:
            user = User(
                id=_uuid(self.rng),
                username=spec.username,
                display_name=spec.display_name,
                role=spec.role,
                password_hash=password_hash,
                phone=spec.phone,
                skills=list(spec.skills),
                territory=spec.territory,
            )
            await self.save(user)
            users[spec.username] = user
        return users

    async def customers(self) -> list[DemoCustomer]:
        out: list[DemoCustomer] = []
        names = self._household_names()
        for i, name in enumerate(names):
            english = name in data.ENGLISH_HOUSEHOLDS
            tier = ("standard", "standard", "advanced")[i % 3]
            city = data.CITIES[i % len(data.CITIES)]
            out.append(await self._customer(name, "household", tier, city, english=english))
        for name, city_index, tier in data.BUSINESSES:
            out.append(await self._customer(name, "business", tier, data.CITIES[city_index]))
        for i, demo in enumerate(out):
            await self._sites(demo, second=i % 4 == 1)
        return out

    def _household_names(self) -> list[str]:
        names = list(data.ENGLISH_HOUSEHOLDS)
        while len(names) < data.HOUSEHOLD_COUNT:
            name = self.rng.choice(data.SURNAMES) + self.rng.choice(data.GIVEN_NAMES)
            if name not in names:
                names.append(name)
        self.rng.shuffle(names)
        return names

    async def _customer(
        self, name: str, kind: str, tier: str, city: data.City, *, english: bool = False
    ) -> DemoCustomer:
        business = kind == "business"
        alt = f"{city.area_code}{self.rng.randrange(10**7, 10**8)}" if business else ""
        customer = Customer(
            id=_uuid(self.rng),
            name=name,
            kind=kind,
            phone=self.mobile(),
            alt_phone=alt,
            email=f"it@example-{self.rng.randrange(1000, 9999)}.cn" if business else "",
            language="en" if english else "zh-CN",
            sla_tier=tier,
            notes="合同客户，月结" if business else "",
        )
        await self.save(customer)
        return DemoCustomer(customer, city)

    async def _sites(self, demo: DemoCustomer, *, second: bool) -> None:
        business = demo.customer.kind == "business"
        english = demo.customer.language == "en"
        if business:
            names = [data.BUSINESS_SITES[0], data.BUSINESS_SITES[1 + self.rng.randrange(2)]]
        else:
            names = [("家", "Home"), data.SECOND_SITE_HOUSEHOLD]
        for zh, en in names[: 2 if second else 1]:
            site = Site(
                id=_uuid(self.rng),
                customer_id=demo.customer.id,
                name=en if english else zh,
                address=self._address(demo.city, business=business),
                city=demo.city.name,
                latitude=round(demo.city.latitude + self.rng.uniform(-0.08, 0.08), 6),
                longitude=round(demo.city.longitude + self.rng.uniform(-0.08, 0.08), 6),
                access_notes=self.rng.choice(data.ACCESS_NOTES_EN if english else data.ACCESS_NOTES_ZH),
                parking_notes=self.rng.choice(data.PARKING_NOTES),
                contact_name=demo.customer.name if not business else self._person(),
                contact_phone=demo.customer.phone if not business else self.mobile(),
            )
            await self.save(site)
            demo.sites.append(site)

    def _person(self) -> str:
        return self.rng.choice(data.SURNAMES) + self.rng.choice(data.GIVEN_NAMES)

    def _address(self, city: data.City, *, business: bool) -> str:
        district = self.rng.choice(city.districts)
        if business:
            street = self.rng.choice(city.streets)
            number, floor = self.rng.randrange(1, 300), self.rng.randrange(2, 30)
            return f"{city.name}市{district}{street}{number}号{'ABC'[number % 3]}座{floor}层"
        compound = self.rng.choice(city.compounds)
        building, unit = self.rng.randrange(1, 20), self.rng.randrange(1, 5)
        room = self.rng.randrange(1, 30) * 100 + self.rng.randrange(1, 5)
        return f"{city.name}市{district}{compound}{building}号楼{unit}单元{room}室"

    async def assets(self, customers: list[DemoCustomer]) -> list[Asset]:
        plan = _allocate_devices(customers, data.TOTAL_ASSETS)
        broken = self.rng.randrange(len(plan))
        out: list[Asset] = []
        for index, (demo, site, kind_key) in enumerate(plan):
            asset = Asset(
                id=_uuid(self.rng), tag_code=new_tag_code(), **self._asset_fields(demo, site, kind_key)
            )
            if data.DEVICES[kind_key].sealed:
                asset.seal_state = SealState.BROKEN if index == broken else SealState.INTACT
            await self.save(asset)
            out.append(asset)
        return out

    def _asset_fields(self, demo: DemoCustomer, site: Site, kind_key: str) -> dict[str, Any]:
        kind = data.DEVICES[kind_key]
        business = demo.customer.kind == "business"
        english = demo.customer.language == "en"
        warranty = utcnow().date() + timedelta(days=self.rng.randrange(-240, 1100))
        host = 1 if kind_key == "onu" else self.rng.randrange(2, 250)
        return {
            "name": kind.name_en if english else kind.name_zh,
            "category": kind.category,
            "customer_id": demo.customer.id,
            "site_id": site.id,
            "contract_no": f"HT-2025-{self.rng.randrange(1, 9999):04d}" if business else "",
            "serial_no": f"{kind.serial_prefix}{self.rng.randrange(16**10):010X}",
            "system_serial": f"SYS-{self.rng.randrange(10**6):06d}" if kind_key in {"pc", "switch"} else "",
            "warranty_end": warranty,
            "ip_address": f"192.168.{1 if kind_key == 'onu' else 10}.{host}",
            "supplier": self.rng.choice(kind.suppliers),
            "contact_name": data.ASSET_SUPPLIER_CONTACT[0],
            "contact_phone": data.ASSET_SUPPLIER_CONTACT[1],
            "responsible_person": site.contact_name,
            "shared": kind_key in {"switch", "printer"},
        }


def _allocate_devices(customers: list[DemoCustomer], total: int) -> list[tuple[DemoCustomer, Site, str]]:
    """`total` devices spread over the sites: one round per catalog position, so every site
    gets its essentials before any site gets extras.

    Business catalogs alternate a PC and a printer in second place so both kinds appear.
    """
    entries: list[tuple[DemoCustomer, Site, tuple[str, ...]]] = []
    households = [c for c in customers if c.customer.kind != "business"]
    businesses = [c for c in customers if c.customer.kind == "business"]
    for i, demo in enumerate(businesses):
        extra = ("pc", "printer") if i % 2 == 0 else ("printer", "pc")
        catalog: tuple[str, ...] = ("onu", extra[0], "switch", extra[1], "router")
        entries += [(demo, site, catalog) for site in demo.sites]
    business_entries = entries
    household_entries = [(d, s, data.HOUSEHOLD_DEVICES) for d in households for s in d.sites]
    # Interleave so a partial last round still mixes household and business devices.
    order: list[tuple[DemoCustomer, Site, tuple[str, ...]]] = []
    for pair in zip(business_entries, household_entries, strict=False):
        order += pair
    longer = business_entries if len(business_entries) > len(household_entries) else household_entries
    order += longer[len(order) // 2 :]
    plan: list[tuple[DemoCustomer, Site, str]] = []
    for position in range(max(len(c) for _, _, c in order)):
        for demo, site, catalog in order:
            if position < len(catalog) and len(plan) < total:
                plan.append((demo, site, catalog[position]))
    return plan
