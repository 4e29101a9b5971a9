"""Static material for the demo data set: people, places, devices and faults.

Only raw material lives here; server/demo/seed.py combines it with a seeded random generator so
the same seed always builds the same customers, sites, assets and work orders.
"""

from __future__ import annotations

from dataclasses import dataclass

from server.core.roles import Role
from server.workorders.models import SourceChannel, Status


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    role: Role
    phone: str
    territory: str = ""
    skills: tuple[str, ...] = ()


USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", "系统管理员 (admin)", Role.ADMIN, "13800000001"),
    DemoUser("dispatcher", "李娜 (dispatcher)", Role.DISPATCHER, "13800000002"),
    DemoUser("supervisor", "王强 (supervisor)", Role.SUPERVISOR, "13800000003"),
    DemoUser("tech1", "张伟 (tech1)", Role.TECHNICIAN, "13900000011", "北京 / 上海", ("broadband", "iptv")),
    DemoUser(
        "tech2", "刘洋 (tech2)", Role.TECHNICIAN, "13900000012", "上海 / 深圳", ("broadband", "office_it")
    ),
)


@dataclass(frozen=True)
class City:
    name: str
    area_code: str
    latitude: float
    longitude: float
    districts: tuple[str, ...]
    streets: tuple[str, ...]
    compounds: tuple[str, ...]


CITIES: tuple[City, ...] = (
    City(
        "北京",
        "010",
        39.9042,
        116.4074,
        ("朝阳区", "海淀区", "东城区", "西城区", "丰台区"),
        ("建国路", "中关村大街", "望京街", "学院路", "东直门内大街"),
        ("阳光花园", "金隅小区", "望京西园", "万科星园"),
    ),
    City(
        "上海",
        "021",
        31.2304,
        121.4737,
        ("浦东新区", "徐汇区", "静安区", "黄浦区", "长宁区"),
        ("世纪大道", "淮海中路", "南京西路", "陆家嘴环路", "虹桥路"),
        ("仁恒滨江园", "古北新城", "康桥半岛", "梅园新村"),
    ),
    City(
        "深圳",
        "0755",
        22.5431,
        114.0579,
        ("南山区", "福田区", "罗湖区", "宝安区"),
        ("深南大道", "科技园南路", "华强北路", "滨海大道"),
        ("华侨城花园", "蔚蓝海岸", "翠海花园", "桃源村"),
    ),
)

SURNAMES = ("王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭")
GIVEN_NAMES = (
    "建国",
    "秀英",
    "伟",
    "芳",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "艳",
    "杰",
    "娟",
    "涛",
    "霞",
)
MOBILE_PREFIXES = ("138", "139", "186", "135", "159", "177", "188", "137")

# Customers who prefer English: the phrase book and the symptom text follow their language.
ENGLISH_HOUSEHOLDS = ("David Miller", "Anna Schmidt")

# (name, city index, SLA tier)
BUSINESSES: tuple[tuple[str, int, str], ...] = (
    ("北京启明科技有限公司", 0, "vip"),
    ("北京和悦口腔诊所", 0, "advanced"),
    ("上海浦江律师事务所", 1, "vip"),
    ("上海青禾设计工作室", 1, "standard"),
    ("上海锦程物流有限公司", 1, "advanced"),
    ("深圳海湾电子有限公司", 2, "vip"),
    ("深圳鹏程会计师事务所", 2, "advanced"),
    ("深圳南山书香培训中心", 2, "standard"),
)
HOUSEHOLD_COUNT = 12
SECOND_SITE_HOUSEHOLD = ("父母家", "Parents' flat")
BUSINESS_SITES = (("总部办公室", "Head office"), ("二号仓库", "Warehouse 2"), ("门店", "Shop"))

ACCESS_NOTES_ZH = (
    "小区东门进，保安处登记身份证后放行；电梯需刷卡，请提前电话让业主下楼接。",
    "写字楼前台登记换取访客卡，施工需提前一天向物业报备。",
    "北门保安只认业主授权短信，到门口先给客户打电话。",
    "园区实行门禁，访客需在微信小程序预约后扫码进入。",
)
ACCESS_NOTES_EN = (
    "Enter by the east gate; the guard asks for ID. The lift needs a key card: call ahead.",
    "Sign in at the lobby desk for a visitor pass; the concierge speaks English.",
)
PARKING_NOTES = (
    "访客车位在地下B2，限停2小时，出场时找前台盖章免费。",
    "小区内不允许外来车辆停放，请停在路边公共停车场。",
    "地面访客车位3个，先到先得；电动车可停单元门口。",
    "Visitor parking at B1, two hours free with a stamp from reception.",
)


@dataclass(frozen=True)
class DeviceKind:
    category: str
    name_zh: str
    name_en: str
    suppliers: tuple[str, ...]
    serial_prefix: str
    sealed: bool  # carrier equipment gets a tamper seal


DEVICES: dict[str, DeviceKind] = {
    "onu": DeviceKind("onu", "光猫 ONU", "Optical modem (ONU)", ("华为", "中兴"), "HWTC", True),
    "router": DeviceKind("router", "无线路由器", "Wi-Fi router", ("TP-LINK", "小米", "华为"), "RT", False),
    "stb": DeviceKind("set_top_box", "IPTV 机顶盒", "IPTV set-top box", ("创维", "华为"), "STB", True),
    "switch": DeviceKind("switch", "千兆交换机", "Gigabit switch", ("H3C", "华为"), "SW", True),
    "pc": DeviceKind("pc", "办公电脑", "Office PC", ("联想", "戴尔"), "PC", False),
    "printer": DeviceKind("printer", "激光打印机", "Laser printer", ("惠普", "兄弟"), "PR", False),
}
HOUSEHOLD_DEVICES = ("onu", "router", "stb")
BUSINESS_DEVICES = ("onu", "switch", "router", "pc", "printer", "pc")
TOTAL_ASSETS = 60
ASSET_SUPPLIER_CONTACT = ("赵经理", "4008301234")

# (Chinese, English): what the customer reported.
SYMPTOMS: tuple[tuple[str, str], ...] = (
    ("宽带无法上网，光猫 LOS 灯红色闪烁。", "No internet; the ONU's LOS light is blinking red."),
    ("网速很慢，晚上看视频经常卡顿。", "Internet is very slow; videos stall every evening."),
    ("IPTV 机顶盒开机后一直停在启动画面。", "The IPTV box hangs on the start-up screen."),
    ("全公司断网，所有电脑都连不上外网。", "The whole office is offline; no PC reaches the internet."),
    ("Wi-Fi 信号在卧室很弱，经常掉线。", "Wi-Fi is weak in the bedroom and keeps dropping."),
    ("打印机无法通过网络打印，显示脱机。", "The network printer shows offline and prints nothing."),
    ("交换机指示灯全灭，一楼工位没有网络。", "The switch is dark; the ground-floor desks have no network."),
    ("电视有信号但部分频道马赛克严重。", "Some TV channels break up into blocks."),
    ("固定电话没有拨号音，宽带正常。", "The landline has no dial tone; broadband works."),
    ("新装修完需要移机，把光猫移到书房。", "After renovation the ONU must move to the study."),
    ("路由器频繁重启，每隔十几分钟断一次。", "The router reboots every ten minutes or so."),
    ("财务电脑开机蓝屏，无法进入系统。", "The accounts PC shows a blue screen at start-up."),
    ("光纤被装修工人挖断，完全无法上网。", "Builders cut the fibre; no internet at all."),
    ("视频会议时网络延迟很高，声音断断续续。", "Video calls lag badly and the sound breaks up."),
)

RESOLUTIONS: tuple[tuple[str, str], ...] = (
    (
        "更换光猫电源适配器，重新注册后恢复上网。",
        "Replaced the ONU power adapter; re-registered, online again.",
    ),
    ("重新熔接入户光纤，光功率恢复正常。", "Re-spliced the drop fibre; optical power back to normal."),
    ("升级路由器固件并调整信道，信号稳定。", "Updated router firmware and moved channel; signal stable."),
    ("更换故障交换机端口模块，全部工位恢复。", "Replaced the faulty switch module; all desks back online."),
)
PARTS: tuple[dict[str, object], ...] = (
    {"name": "光猫电源适配器 12V", "part_no": "PA-12V-1A", "quantity": 1},
    {"name": "皮线光缆 (Drop fibre)", "part_no": "FTTH-DROP-50M", "quantity": 1},
    {"name": "SC 快速连接器", "part_no": "SC-FAST-01", "quantity": 2},
)


@dataclass(frozen=True)
class DemoOrder:
    status: Status
    technician: str | None  # demo username
    fault_level: int
    tier: str
    symptom: int  # index into SYMPTOMS
    channel: SourceChannel = SourceChannel.PHONE
    tomorrow: bool = False  # the visit is planned for tomorrow rather than today


ORDERS: tuple[DemoOrder, ...] = (
    DemoOrder(Status.RECEIVED, None, 1, "vip", 3),
    DemoOrder(Status.RECEIVED, None, 3, "standard", 4, SourceChannel.WEB),
    DemoOrder(Status.RECEIVED, None, 2, "advanced", 5, SourceChannel.EMAIL),
    DemoOrder(Status.DISPATCHED, "tech1", 2, "standard", 1, tomorrow=True),
    DemoOrder(Status.DISPATCHED, "tech2", 1, "vip", 6),
    DemoOrder(Status.ACCEPTED, "tech1", 3, "standard", 9, tomorrow=True),
    DemoOrder(Status.ACCEPTED, "tech2", 2, "advanced", 13),
    DemoOrder(Status.APPOINTMENT_CONFIRMED, "tech1", 2, "vip", 11),
    DemoOrder(Status.APPOINTMENT_CONFIRMED, "tech2", 3, "standard", 7, tomorrow=True),
    DemoOrder(Status.APPOINTMENT_CONFIRMED, "tech1", 3, "advanced", 8, SourceChannel.WEB, tomorrow=True),
    DemoOrder(Status.EN_ROUTE, "tech2", 1, "advanced", 12, SourceChannel.MONITORING),
    DemoOrder(Status.ON_SITE, "tech1", 2, "standard", 0),
    DemoOrder(Status.ON_SITE, "tech2", 1, "vip", 3),
    DemoOrder(Status.WORK_DONE, "tech2", 2, "standard", 2),
    DemoOrder(Status.CUSTOMER_SIGNED, "tech1", 3, "advanced", 4),
    DemoOrder(Status.CALLED_BACK, "tech2", 2, "standard", 10),
    DemoOrder(Status.CLOSED, "tech1", 1, "vip", 0),
    DemoOrder(Status.ON_HOLD, "tech1", 2, "advanced", 5),
    DemoOrder(Status.CANNOT_FINISH, "tech2", 2, "standard", 6),
    DemoOrder(Status.CANCELLED, "tech2", 3, "standard", 1, SourceChannel.WALK_IN),
)

CANNOT_FINISH_REASON = (
    "交换机主板故障，需要厂家寄送备件。",
    "Switch main board failed; waiting for a spare.",
)
CANCEL_REASON = ("客户来电：重启路由器后已恢复，取消上门。", "Customer called: fixed after a router restart.")
HOLD_REASON = "waiting_parts"
LATE_REASON = ("前一单超时，预计晚到20分钟。", "Previous visit ran over; about 20 minutes late.")

# Four words from a list of 64 give 24 bits: enough for a demo that is reset often, and easy to type.
PASSWORD_WORDS = (
    "amber", "anchor", "apple", "arrow", "bamboo", "basil", "beacon", "birch", "bridge", "cable",
    "canyon", "cedar", "cobalt", "comet", "copper", "coral", "delta", "ember", "falcon", "fern",
    "fiber", "garden", "granite", "harbor", "hazel", "indigo", "island", "jade", "jasmine", "kettle",
    "lantern", "lemon", "lotus", "maple", "meadow", "mango", "marble", "nectar", "ocean", "olive",
    "orchid", "panda", "pepper", "pine", "planet", "quartz", "radar", "river", "saffron", "signal",
    "silver", "summit", "tiger", "timber", "tulip", "velvet", "violet", "walnut", "willow", "winter",
    "yarrow", "zephyr", "zinnia", "orbit",
)  # fmt: skip
