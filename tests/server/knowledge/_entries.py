"""A small knowledge base of everyday faults, in both languages, for the search tests."""

from __future__ import annotations

from typing import Any

from server.knowledge.models import ProblemType
from tests.factories import make_knowledge_entry

ENTRIES: dict[str, dict[str, Any]] = {
    "los": {
        "system_type": "光猫",
        "fault_type": "光信号中断",
        "symptom_zh": "光猫LOS红灯闪烁,无法上网",
        "symptom_en": "ONU LOS light flashes red, no internet",
        "cause_zh": "入户光纤断裂或接头松动",
        "solution_zh": "检查并重新熔接光纤,清洁接头",
        "solution_en": "Check and re-splice the fibre, clean the connector",
    },
    "pon": {
        "system_type": "光猫",
        "fault_type": "注册失败",
        "symptom_zh": "光猫PON灯不亮,注册失败",
        "symptom_en": "ONU PON light off, registration fails",
        "solution_zh": "核对LOID并重新注册",
        "solution_en": "Check the LOID and register again",
    },
    "stb": {
        "system_type": "机顶盒",
        "fault_type": "无信号",
        "symptom_zh": "机顶盒红灯常亮,电视无信号",
        "symptom_en": "Set-top box red light stays on, TV shows no signal",
        "solution_zh": "重新插拔HDMI线并重启机顶盒",
        "solution_en": "Reseat the HDMI cable and restart the set-top box",
    },
    "wifi": {
        "system_type": "路由器",
        "fault_type": "网速慢",
        "symptom_zh": "路由器WiFi信号弱,网速慢",
        "symptom_en": "Weak WiFi signal, slow internet",
        "solution_zh": "调整路由器位置,更换信道",
        "solution_en": "Move the router and change the channel",
    },
    "printer": {
        "problem_type": ProblemType.HARDWARE,
        "system_type": "打印机",
        "fault_type": "卡纸",
        "symptom_zh": "打印机卡纸",
        "symptom_en": "Printer paper jam",
        "solution_zh": "取出卡纸,清洁搓纸轮",
        "solution_en": "Remove the jammed paper and clean the pickup roller",
    },
    "bluescreen": {
        "problem_type": ProblemType.SYSTEM_SOFTWARE,
        "system_type": "Windows",
        "fault_type": "蓝屏",
        "symptom_zh": "电脑蓝屏,频繁重启",
        "symptom_en": "PC blue screen, keeps restarting",
        "solution_zh": "更新显卡驱动",
        "solution_en": "Update the graphics driver",
    },
}


async def seed() -> dict[str, Any]:
    """The entries above, by name."""
    return {name: await make_knowledge_entry(**fields) for name, fields in ENTRIES.items()}
