"""The supervisor dashboard (`dashboard`) and the monthly report on demand (`generateMonthlyReport`).

Every figure is a typed field; ratios carry their numerator and denominator so the page can show
"5/7" beside the rate, and time distributions are histogram buckets the browser draws as charts.
The buckets, SLA groups and technicians are plain lists: they are parts of one computed answer
(a handful of fixed buckets, one row per tier and level, one per technician), not record lists.
"""

from __future__ import annotations

import base64
from datetime import datetime, timedelta

import strawberry

from server.core.clock import utcnow
from server.core.roles import STAFF
from server.graphql.context import Info
from server.graphql.ids import optional_id
from server.reports import figures as service
from server.reports.monthly import monthly_report

DEFAULT_DAYS = 30


@strawberry.input
class DashboardFilter:
    start: datetime | None = None  # default: 30 days before `end`
    end: datetime | None = None  # default: now; the period is [start, end)
    customer_id: strawberry.ID | None = None
    site_id: strawberry.ID | None = None
    technician_id: strawberry.ID | None = None

    def to_filters(self) -> service.Filters:
        end = self.end or utcnow()
        return service.Filters(
            start=self.start or end - timedelta(days=DEFAULT_DAYS),
            end=end,
            customer_id=optional_id(self.customer_id),
            site_id=optional_id(self.site_id),
            technician_id=optional_id(self.technician_id),
        )


@strawberry.type(name="ReportRatio")
class RatioType:
    numerator: int
    denominator: int
    rate: float | None  # numerator / denominator; null when nothing was measured

    @classmethod
    def from_model(cls, ratio: service.Ratio) -> RatioType:
        return cls(numerator=ratio.numerator, denominator=ratio.denominator, rate=ratio.rate)


@strawberry.type(name="HistogramBucket")
class BucketType:
    lower_minutes: int
    upper_minutes: int | None  # null: the open-ended last bucket
    count: int


@strawberry.type(name="TimeDistribution")
class DistributionType:
    count: int
    average_minutes: float | None
    buckets: list[BucketType]

    @classmethod
    def from_model(cls, dist: service.Distribution) -> DistributionType:
        return cls(
            count=dist.count,
            average_minutes=dist.average_minutes,
            buckets=[
                BucketType(lower_minutes=b.lower_minutes, upper_minutes=b.upper_minutes, count=b.count)
                for b in dist.buckets
            ],
        )


@strawberry.type(name="SlaAttainment")
class SlaAttainmentType:
    sla_tier: str
    fault_level: int
    orders: int
    respond: RatioType
    resolve: RatioType


@strawberry.type(name="TechnicianFigures")
class TechnicianFiguresType:
    technician_id: strawberry.ID
    display_name: str
    orders: int
    resolved: int
    first_time_fix: RatioType
    on_time: RatioType
    checklist: RatioType

    @classmethod
    def from_model(cls, tech: service.TechnicianFigures) -> TechnicianFiguresType:
        return cls(
            technician_id=strawberry.ID(str(tech.technician_id)),
            display_name=tech.display_name,
            orders=tech.orders,
            resolved=tech.resolved,
            first_time_fix=RatioType.from_model(tech.first_time_fix),
            on_time=RatioType.from_model(tech.on_time),
            checklist=RatioType.from_model(tech.checklist),
        )


@strawberry.type(name="SatisfactionFigures")
class SatisfactionType:
    ratings: int
    average_score: float | None
    satisfied: RatioType  # ratings of 4 or 5


@strawberry.type(name="Dashboard")
class DashboardType:
    start: datetime
    end: datetime
    orders: int
    cancelled: int
    resolved: int
    closed: int
    respond_sla: RatioType
    resolve_sla: RatioType
    sla_by_tier_and_level: list[SlaAttainmentType]
    response_time: DistributionType
    resolution_time: DistributionType
    first_time_fix: RatioType
    repeat_fault: RatioType
    satisfaction: SatisfactionType
    callback_reach: RatioType
    complaints: int
    on_time_arrival: RatioType
    checklist_completion: RatioType
    technicians: list[TechnicianFiguresType]

    @classmethod
    def from_model(cls, f: service.Figures) -> DashboardType:
        ratio = RatioType.from_model
        return cls(
            start=f.filters.start,
            end=f.filters.end,
            orders=f.orders,
            cancelled=f.cancelled,
            resolved=f.resolved,
            closed=f.closed,
            respond_sla=ratio(f.respond_sla),
            resolve_sla=ratio(f.resolve_sla),
            sla_by_tier_and_level=[
                SlaAttainmentType(
                    sla_tier=g.sla_tier,
                    fault_level=g.fault_level,
                    orders=g.orders,
                    respond=ratio(g.respond),
                    resolve=ratio(g.resolve),
                )
                for g in f.sla_groups
            ],
            response_time=DistributionType.from_model(f.response_time),
            resolution_time=DistributionType.from_model(f.resolution_time),
            first_time_fix=ratio(f.first_time_fix),
            repeat_fault=ratio(f.repeat_fault),
            satisfaction=SatisfactionType(
                ratings=f.satisfaction.ratings,
                average_score=f.satisfaction.average_score,
                satisfied=ratio(f.satisfaction.satisfied),
            ),
            callback_reach=ratio(f.callbacks.reached),
            complaints=f.callbacks.complaints,
            on_time_arrival=ratio(f.on_time),
            checklist_completion=ratio(f.checklist),
            technicians=[TechnicianFiguresType.from_model(t) for t in f.technicians],
        )


@strawberry.type(name="MonthlyReportFiles")
class MonthlyReportType:
    month: str
    lang: str
    pdf_filename: str
    csv_filename: str
    pdf_base64: str
    csv: str  # UTF-8 text, starting with the byte-order mark Excel needs
    dashboard: DashboardType


@strawberry.type
class Query:
    @strawberry.field
    async def dashboard(self, info: Info, filter: DashboardFilter | None = None) -> DashboardType:
        actor = info.context.require(*STAFF)
        filters = (filter or DashboardFilter()).to_filters()
        return DashboardType.from_model(await service.dashboard(actor=actor, filters=filters))


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def generate_monthly_report(self, info: Info, month: str, lang: str = "zh-CN") -> MonthlyReportType:
        """Build the month's report now (the `doorstep report monthly` command makes the same files)."""
        actor = info.context.require(*STAFF)
        report = await monthly_report(
            actor=actor, month=month, lang=lang, tz=info.context.settings.default_timezone
        )
        return MonthlyReportType(
            month=f"{report.month:%Y-%m}",
            lang=report.lang,
            pdf_filename=f"{report.basename}.pdf",
            csv_filename=f"{report.basename}.csv",
            pdf_base64=base64.b64encode(report.pdf).decode(),
            csv=report.csv.decode("utf-8"),
            dashboard=DashboardType.from_model(report.figures),
        )
