from __future__ import annotations

import codecs
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from server.assets.models import Asset
from server.audit.models import AuditEntry
from server.core.actor import Actor
from server.core.errors import Forbidden
from server.core.roles import Role
from server.customers.models import Customer, Site
from server.imports import ImportFileError, ImportResult, import_csv
from tests.factories import make_customer, make_site, make_user


def write(tmp_path: Path, text: str, *, encoding: str = "utf-8", name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


async def run(kind: str, path: Path, **kw: Any) -> ImportResult:
    return await import_csv(actor=None, kind=kind, path=path, **kw)


def counts(result: ImportResult) -> tuple[int, int, int, int]:
    return result.created, result.updated, result.unchanged, result.failed


CUSTOMERS = """name,phone,alt_phone,email,language,sla_tier,kind,notes
王建国,138 0013 8000,,,zh,standard,household,
Bad Phone,abc,,,,,,
Acme Ltd,13900139000,010-6552 9988,it@acme.example,en,VIP,business,"gate code
is 1234"
Bad Tier,13700137000,,,,gold,,
Bad Email,13600136000,,not-an-email,,,,
,13500135000,,,,,,
"""


async def test_good_rows_kept_and_bad_rows_reported_with_spreadsheet_line_numbers(
    db: Any, tmp_path: Path
) -> None:
    result = await run("customers", write(tmp_path, CUSTOMERS))

    assert counts(result) == (2, 0, 0, 4)
    # The quoted note spans two physical lines but is one spreadsheet row, so Bad Tier is row 5.
    assert [(e.line, e.message.split(":")[0]) for e in result.errors] == [
        (3, "phone"),
        (5, "sla_tier"),
        (6, "email"),
        (7, "name"),
    ]
    acme = await Customer.get(phone="13900139000")
    assert (acme.kind, acme.sla_tier, acme.language, acme.alt_phone) == (
        "business",
        "vip",
        "en",
        "01065529988",
    )
    assert acme.notes == "gate code\nis 1234"
    assert await Customer.filter(phone="13800138000", name="王建国").exists()
    assert await Customer.all().count() == 2


async def test_second_import_is_unchanged_and_a_changed_row_updates(db: Any, tmp_path: Path) -> None:
    first = "name,phone,sla_tier\nAlice,13800000001,standard\nBob,13800000002,standard\n"
    assert counts(await run("customers", write(tmp_path, first))) == (2, 0, 0, 0)
    assert counts(await run("customers", write(tmp_path, first))) == (0, 0, 2, 0)

    changed = "name,phone,sla_tier\nAlice Wang,13800000001,advanced\nBob,13800000002,standard\n"
    assert counts(await run("customers", write(tmp_path, changed))) == (0, 1, 1, 0)
    alice = await Customer.get(phone="13800000001")
    assert (alice.name, alice.sla_tier) == ("Alice Wang", "advanced")
    # Every write went through persist.save and left an audit entry.
    assert await AuditEntry.filter(entity="customer", entity_id=str(alice.id)).count() == 2


async def test_duplicate_rows_in_one_file(db: Any, tmp_path: Path) -> None:
    text = "name,phone\nAlice,13800000001\nAlice,13800000001\nAlice B,13800000001\n"
    result = await run("customers", write(tmp_path, text))
    assert counts(result) == (1, 1, 1, 0)
    assert (await Customer.get(phone="13800000001")).name == "Alice B"


async def test_dry_run_writes_nothing_but_reports_the_same(db: Any, tmp_path: Path) -> None:
    await make_customer(name="Old", phone="13800000001")
    text = "name,phone\nNew name,13800000001\nCarol,13800000003\nCarol,13800000003\nBad,x\n"
    dry = await run("customers", write(tmp_path, text), dry_run=True)

    assert counts(dry) == (1, 1, 1, 1)
    assert dry.dry_run
    assert "nothing was written" in dry.summary()
    assert await Customer.all().count() == 1
    assert (await Customer.get(phone="13800000001")).name == "Old"
    audit_before = await AuditEntry.all().count()

    real = await run("customers", write(tmp_path, text))
    assert counts(real) == counts(dry)
    assert await AuditEntry.all().count() > audit_before


async def test_utf8_bom_with_chinese_headers(db: Any, tmp_path: Path) -> None:
    text = "客户名称,电话,服务等级,客户类型,备注\n李娜,13811112222,高级,企业,老客户\n"
    path = tmp_path / "excel.csv"
    path.write_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))
    result = await run("customers", path)

    assert counts(result) == (1, 0, 0, 0)
    customer = await Customer.get(phone="13811112222")
    assert (customer.name, customer.sla_tier, customer.kind, customer.notes) == (
        "李娜",
        "advanced",
        "business",
        "老客户",
    )


async def test_gb18030_file_from_chinese_windows(db: Any, tmp_path: Path) -> None:
    text = "客户名称,电话,地址\r\n张伟,13822223333,北京\r\n"
    result = await run("customers", write(tmp_path, text, encoding="gb18030"))
    assert counts(result) == (1, 0, 0, 0)
    assert result.warnings == ["column '地址' is not used"]
    assert (await Customer.get(phone="13822223333")).name == "张伟"


async def test_missing_required_column_rejects_the_file(db: Any, tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="phone"):
        await run("customers", write(tmp_path, "name,email\nAlice,a@b.example\n"))


async def test_empty_file_and_unknown_kind(db: Any, tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="empty"):
        await run("customers", write(tmp_path, ""))
    with pytest.raises(ImportFileError, match="Unknown import kind"):
        await run("widgets", write(tmp_path, "name\n"))


async def test_row_with_more_cells_than_headers_is_reported(db: Any, tmp_path: Path) -> None:
    text = "name,phone\nAlice,13800000001\nBob,13800000002,Shanghai, Road 5\n"
    result = await run("customers", write(tmp_path, text))
    assert counts(result) == (1, 0, 0, 1)
    assert result.errors[0].line == 3


async def test_sites_find_their_customer_and_upsert_by_name(db: Any, tmp_path: Path) -> None:
    customer = await make_customer(phone="13800000001")
    text = (
        "customer_phone,name,address,city,latitude,longitude,timezone,contact_phone\n"
        "138-0000-0001,Home,1 Renmin Road,Beijing,39.9,116.4,,139 0000 0000\n"
        "13899999999,Office,2 Road,,,,,\n"
        "13800000001,Shop,3 Road,,91,116,,\n"
        "13800000001,Flat,4 Road,,39.9,,,\n"
        "13800000001,Depot,5 Road,,,,Mars/Base,\n"
    )
    result = await run("sites", write(tmp_path, text))
    assert counts(result) == (1, 0, 0, 4)
    assert [(e.line, e.message.split(":")[0]) for e in result.errors] == [
        (3, "customer_phone"),
        (4, "latitude"),
        (5, "latitude"),
        (6, "timezone"),
    ]
    site = await Site.get(name="Home")
    assert (site.customer_id, site.latitude, site.timezone, site.contact_phone) == (
        customer.id,
        39.9,
        "Asia/Shanghai",
        "13900000000",
    )
    again = await run("sites", write(tmp_path, text.replace("1 Renmin Road", '"1 Renmin Road, Gate 2"')))
    assert counts(again) == (0, 1, 0, 4)
    assert await Site.filter(name="Home").count() == 1
    assert (await Site.get(name="Home")).address == "1 Renmin Road, Gate 2"


ASSETS = """客户电话,站点名称,资产名称,标签码,类别,序列号,保修截止,IP地址,共享
13800000001,Home,ONU,,onu,SN-1,2027/6/30,192.168.1.1,否
13800000001,Home,Router,tag-abc-123,router,SN-2,2027-01-31,,是
13800000001,Home,Printer,,printer,,,,
13800000001,Home,Switch,,switch,SN-4,2027/13/1,,
13800000001,Home,PC,,pc,SN-5,,10.0.0.300,
13800000001,Nowhere,PC,,pc,SN-6,,,
"""


async def test_assets_generate_tags_and_are_matched_by_tag_or_serial(db: Any, tmp_path: Path) -> None:
    customer = await make_customer(phone="13800000001")
    await make_site(customer, name="Home")
    path = write(tmp_path, ASSETS)

    result = await run("assets", path)
    assert counts(result) == (2, 0, 0, 4)
    assert [e.line for e in result.errors] == [4, 5, 6, 7]
    onu = await Asset.get(serial_no="SN-1")
    assert len(onu.tag_code) == 10
    assert onu.warranty_end == date(2027, 6, 30)
    assert not onu.shared
    router = await Asset.get(serial_no="SN-2")
    assert (router.tag_code, router.shared, router.ip_address) == ("TAGABC123", True, "")

    again = await run("assets", path)
    assert counts(again) == (0, 0, 2, 4)
    assert (await Asset.get(serial_no="SN-1")).tag_code == onu.tag_code  # not regenerated


async def test_asset_serial_already_tagged_differently_is_refused(db: Any, tmp_path: Path) -> None:
    customer = await make_customer(phone="13800000001")
    await make_site(customer, name="Home")
    await run(
        "assets", write(tmp_path, "customer_phone,site_name,name,serial_no\n13800000001,Home,ONU,SN-1\n")
    )
    text = "customer_phone,site_name,name,tag_code,serial_no\n13800000001,Home,ONU,NEWTAG1,SN-1\n"
    result = await run("assets", write(tmp_path, text))
    assert counts(result) == (0, 0, 0, 1)
    assert "already belongs" in result.errors[0].message


async def test_only_an_admin_may_import(db: Any, tmp_path: Path) -> None:
    path = write(tmp_path, "name,phone\nAlice,13800000001\n")
    dispatcher = await make_user(Role.DISPATCHER)
    with pytest.raises(Forbidden):
        await import_csv(
            actor=Actor(user_id=dispatcher.id, role=Role.DISPATCHER), kind="customers", path=path
        )
    admin = await make_user(Role.ADMIN)
    result = await import_csv(actor=Actor(user_id=admin.id, role=Role.ADMIN), kind="customers", path=path)
    assert result.created == 1
    entry = await AuditEntry.get(entity="customer")
    assert entry.actor_id == admin.id


async def test_progress_advances_once_per_row(db: Any, tmp_path: Path) -> None:
    seen: list[int] = []

    class Recorder:
        def advance(self, count: int = 1) -> None:
            seen.append(count)

        def finish(self) -> None:
            seen.append(0)

    def factory(total: int) -> Recorder:
        seen.append(-total)
        return Recorder()

    text = "name,phone\nA,13800000001\nB,bad\n\nC,13800000003\n"
    await import_csv(actor=None, kind="customers", path=write(tmp_path, text), progress=factory)
    assert seen == [-3, 1, 1, 1, 0]


async def test_text_that_is_not_a_phone_is_refused_not_cleared(db: Any, tmp_path: Path) -> None:
    await make_customer(phone="13800000001")
    text = (
        "customer_phone,name,address,contact_phone,access_notes\n"
        "13800000001,Home,1 Road,n/a,\n"
        f"13800000001,Flat,2 Road,,{'x' * 4001}\n"
    )
    result = await run("sites", write(tmp_path, text))
    assert [(e.line, e.message.split(":")[0]) for e in result.errors] == [
        (2, "contact_phone"),
        (3, "access_notes"),
    ]
    assert not await Site.exists()
