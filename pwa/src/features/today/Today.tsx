/** Today: the technician's visits in order, with time window, customer, address, fault level,
 * an SLA estimate and the status; tapping one opens the work order. */

import { formatDate, formatDuration, formatTime, t } from '../../app/i18n';
import { useLive } from '../../app/live';
import { db, session } from '../../app/services';
import { Empty, FaultBadge, Loading, Section, StatusChip, useNow } from '../../app/ui';
import type { Doc } from '../../data/docs';
import type { Appointment, Customer, Site, WorkOrder } from '../../data/types';
import { FirstSync } from '../sync-badge/FirstSync';
import { slaEstimate, slaRunning } from './sla';
import { type Visit, type VisitGroup, buildVisits, localDay } from './visits';

interface TodayData {
  orders: WorkOrder[];
  sites: Site[];
  customers: Customer[];
  appointments: Appointment[];
}

async function load(): Promise<TodayData> {
  // A collection this build lists but the database has no table for yet reads as empty.
  const all = async <T extends Doc>(name: string): Promise<T[]> => (db.hasTable(name) ? db.typed<T>(name).toArray() : []);
  const [orders, sites, customers, appointments] = await Promise.all([
    all<WorkOrder>('workOrders'),
    all<Site>('sites'),
    all<Customer>('customers'),
    all<Appointment>('appointments'),
  ]);
  return { orders, sites, customers, appointments };
}

function SlaLeft({ order, now }: { order: WorkOrder; now: number }) {
  if (!slaRunning(order.status)) return null;
  const sla = slaEstimate(order, now);
  if (!sla) return null;
  if (sla.paused) return <span class="sla paused">{t('sla.paused')}</span>;
  const over = sla.leftMs < 0;
  const text = over ? t('sla.overdue', { time: formatDuration(sla.leftMs) }) : t('sla.left', { time: formatDuration(sla.leftMs) });
  return (
    <span class={`sla ${over ? 'over' : sla.leftMs < 3_600_000 ? 'soon' : ''}`} title={t('sla.estimateHint')}>
      {text}
    </span>
  );
}

function When({ visit }: { visit: Visit }) {
  const a = visit.appointment;
  if (a) {
    const tz = visit.site?.timezone;
    return (
      <span class="when">
        {visit.group !== 'today' && `${formatDate(visit.day)} `}
        {formatTime(a.windowStart, tz)}–{formatTime(a.windowEnd, tz)}
        {a.status !== 'confirmed' && <small> {t('today.proposed')}</small>}
      </span>
    );
  }
  if (visit.day) return <span class="when">{formatDate(visit.day)}</span>;
  return <span class="when muted">{t('today.noDate')}</span>;
}

function VisitCard({ visit, now }: { visit: Visit; now: number }) {
  const { order, site, customer } = visit;
  return (
    <a class="card visit" href={`/wo/${order.id}`}>
      <div class="row spread">
        <When visit={visit} />
        <StatusChip status={order.status} />
      </div>
      <div class="title">{customer?.name ?? t('today.unknownCustomer')}</div>
      <div class="muted">{site ? site.address : ''}</div>
      <div class="row spread">
        <span class="row">
          <FaultBadge level={order.faultLevel} />
          <span class="muted small">{order.number}</span>
        </span>
        <SlaLeft order={order} now={now} />
      </div>
    </a>
  );
}

const GROUPS: readonly VisitGroup[] = ['today', 'upcoming', 'unscheduled'];

export default function Today() {
  const data = useLive<TodayData | null>(load, [], null);
  const now = useNow(30_000);
  const user = session.current.value?.user;
  if (!data) return <Loading />;
  const staff = user ? user.role !== 'TECHNICIAN' : false;
  const visits = buildVisits({ ...data, today: localDay(now), userId: staff ? null : user?.id ?? null });
  return (
    <div class="page">
      <FirstSync />
      <h1>{t('today.title')}</h1>
      {visits.length === 0 && <Empty>{t('today.none')}</Empty>}
      {GROUPS.map((g) => {
        const list = visits.filter((v) => v.group === g);
        if (list.length === 0) return null;
        return (
          <Section key={g} title={t(`today.group.${g}`)} count={list.length}>
            {list.map((v) => (
              <VisitCard key={v.order.id} visit={v} now={now} />
            ))}
          </Section>
        );
      })}
      {visits.length > 0 && <p class="hint">{t('sla.estimateHint')}</p>}
    </div>
  );
}
