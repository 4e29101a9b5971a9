"""The service report's words in each language it is printed in."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

LANGUAGES = ("zh-CN", "en")

_WORDS: dict[str, dict[str, str]] = {
    "zh-CN": {
        "title": "运行服务单",
        "number": "工单号",
        "status": "状态",
        "customer_site": "客户与服务地点",
        "customer": "客户",
        "phone": "电话",
        "site": "服务地点",
        "address": "地址",
        "request": "故障信息",
        "symptom": "故障现象",
        "fault_level": "故障级别",
        "sla_tier": "服务等级",
        "times": "时间",
        "received": "受理时间",
        "arrived": "到场时间",
        "finished": "完成时间",
        "signed": "签字时间",
        "assets": "服务设备",
        "asset_name": "设备名称",
        "tag": "资产标签",
        "serial": "序列号",
        "work_done": "处理情况",
        "cause": "原因类别",
        "parts": "使用配件",
        "part_name": "配件名称",
        "part_no": "配件编号",
        "quantity": "数量",
        "checklist": "现场服务检查",
        "item": "检查项",
        "answer": "结果",
        "photos": "现场照片",
        "photo_missing": "照片暂不可用",
        "signature": "客户签字",
        "signer": "签字人",
        "consent": "确认声明",
        "content_hash": "签署内容哈希 (SHA-256)",
        "hash_ok": "与服务器记录一致",
        "hash_mismatch": "与服务器记录不一致，请服务台核实",
        "not_signed": "尚未签字",
        "parties": "三方确认",
        "desk": "服务台受理人",
        "technician": "维护工程师",
        "served_customer": "服务对象（客户）",
        "none": "无",
        "unanswered": "—",
        "yes": "是",
        "confirmed": "客户已确认",
        "photo_count": "{n} 张照片",
        "generated": "生成时间",
    },
    "en": {
        "title": "Service report",
        "number": "Work order",
        "status": "Status",
        "customer_site": "Customer and site",
        "customer": "Customer",
        "phone": "Phone",
        "site": "Site",
        "address": "Address",
        "request": "Fault",
        "symptom": "Symptom",
        "fault_level": "Fault level",
        "sla_tier": "Service level",
        "times": "Times",
        "received": "Received",
        "arrived": "Arrived",
        "finished": "Finished",
        "signed": "Signed",
        "assets": "Assets serviced",
        "asset_name": "Asset",
        "tag": "Tag",
        "serial": "Serial number",
        "work_done": "Work done",
        "cause": "Cause",
        "parts": "Parts used",
        "part_name": "Part",
        "part_no": "Part number",
        "quantity": "Quantity",
        "checklist": "On-site checklist",
        "item": "Item",
        "answer": "Answer",
        "photos": "Photos",
        "photo_missing": "photo not available",
        "signature": "Customer signature",
        "signer": "Signed by",
        "consent": "Statement",
        "content_hash": "Signed content hash (SHA-256)",
        "hash_ok": "matches the server's record",
        "hash_mismatch": "differs from the server's record: the desk must check it",
        "not_signed": "Not signed yet",
        "parties": "Confirmed by",
        "desk": "Service desk (received)",
        "technician": "Technician",
        "served_customer": "Customer served",
        "none": "none",
        "unanswered": "—",
        "yes": "yes",
        "confirmed": "confirmed by the customer",
        "photo_count": "{n} photo(s)",
        "generated": "Generated",
    },
}
_FAULT_LEVELS = {
    "zh-CN": {1: "一级（系统中断）", 2: "二级（不稳定）", 3: "三级（其他）"},
    "en": {1: "Level 1 (down)", 2: "Level 2 (degraded)", 3: "Level 3 (other)"},
}
_RELATIONS = {
    "zh-CN": {
        "customer": "客户本人",
        "family_member": "家属",
        "tenant": "租户",
        "colleague": "同事",
        "other": "其他",
    },
    "en": {
        "customer": "the customer",
        "family_member": "family member",
        "tenant": "tenant",
        "colleague": "colleague",
        "other": "other",
    },
}
_STATUS_ZH = {
    "received": "已受理",
    "dispatched": "已派单",
    "accepted": "已接单",
    "appointment_confirmed": "已预约",
    "en_route": "在途",
    "on_site": "在现场",
    "work_done": "已完成维修",
    "customer_signed": "客户已签字",
    "called_back": "已回访",
    "closed": "已关闭",
    "on_hold": "暂停",
    "cannot_finish": "未能完成",
    "cancelled": "已取消",
}


class Wording:
    def __init__(self, lang: str, timezone: str) -> None:
        self.lang = lang
        self.words = _WORDS[lang]
        try:
            self.zone = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            self.zone = ZoneInfo("UTC")

    def __getitem__(self, key: str) -> str:
        return self.words[key]

    def format(self, key: str, **values: Any) -> str:
        return self.words[key].format(**values)

    def time(self, value: datetime | None) -> str:
        """Local time at the site; the zone is named once in the times table."""
        if value is None:
            return self.words["unanswered"]
        return value.astimezone(self.zone).strftime("%Y-%m-%d %H:%M")

    @property
    def zone_name(self) -> str:
        return str(self.zone.key)

    def fault_level(self, level: int) -> str:
        return _FAULT_LEVELS[self.lang].get(level, str(level))

    def relation(self, relation: str) -> str:
        return _RELATIONS[self.lang].get(relation, relation)

    def status(self, status: str) -> str:
        return _STATUS_ZH.get(status, status) if self.lang == "zh-CN" else status.replace("_", " ")
