/** The technician's visits in the order he will make them: by the agreed appointment window,
 * else by the scheduled date, else by when the order came in. Pure, so it is unit-tested. */

import type { Appointment, Customer, Site, WorkOrder } from '../../data/types';
import { OPEN_FOR_TECHNICIAN } from '../../data/types';

export type VisitGroup = 'today' | 'upcoming' | 'unscheduled';

export interface Visit {
  order: WorkOrder;
  site: Site | undefined;
  customer: Customer | undefined;
  appointment: Appointment | undefined;
  /** The calendar day of the visit (YYYY-MM-DD, device time zone), if known. */
  day: string | null;
  group: VisitGroup;
  sortKey: number;
}

export interface VisitInput {
  orders: readonly WorkOrder[];
  sites: readonly Site[];
  customers: readonly Customer[];
  appointments: readonly Appointment[];
  /** Today as YYYY-MM-DD in the device's time zone. */
  today: string;
  /** Only this technician's orders; null for staff, who see every open order. */
  userId: string | null;
}

export function localDay(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** The appointment that counts: a confirmed one over a proposed one, the earliest first. */
export function currentAppointment(list: readonly Appointment[]): Appointment | undefined {
  const live = list.filter((a) => a.status !== 'cancelled' && !a.deleted);
  const rank = (a: Appointment): number => (a.status === 'confirmed' ? 0 : 1);
  return live.sort((a, b) => rank(a) - rank(b) || Date.parse(a.windowStart) - Date.parse(b.windowStart))[0];
}

export function buildVisits(input: VisitInput): Visit[] {
  const sites = new Map(input.sites.map((s) => [s.id, s]));
  const customers = new Map(input.customers.map((c) => [c.id, c]));
  const byOrder = new Map<string, Appointment[]>();
  for (const a of input.appointments) {
    const list = byOrder.get(a.workOrderId) ?? [];
    list.push(a);
    byOrder.set(a.workOrderId, list);
  }
  const visits: Visit[] = [];
  for (const order of input.orders) {
    if (!OPEN_FOR_TECHNICIAN.has(order.status)) continue;
    if (input.userId !== null && order.assignedToId !== input.userId) continue;
    const appointment = currentAppointment(byOrder.get(order.id) ?? []);
    const start = appointment ? Date.parse(appointment.windowStart) : NaN;
    let day: string | null = null;
    let sortKey: number;
    if (!Number.isNaN(start)) {
      day = localDay(start);
      sortKey = start;
    } else if (order.scheduledDate) {
      day = order.scheduledDate;
      // Within a day without a time, the more urgent fault first.
      sortKey = Date.parse(`${order.scheduledDate}T23:59:00`) + (order.faultLevel || 3) * 1000;
    } else {
      sortKey = Date.parse(order.receivedAt) || 0;
    }
    // Overdue visits (an earlier day, still open) belong on today's list.
    const group: VisitGroup = day === null ? 'unscheduled' : day <= input.today ? 'today' : 'upcoming';
    visits.push({ order, site: sites.get(order.siteId), customer: customers.get(order.customerId), appointment, day, group, sortKey });
  }
  return visits.sort((a, b) => a.sortKey - b.sortKey);
}
