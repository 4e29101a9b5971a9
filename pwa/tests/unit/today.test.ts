import { describe, expect, it } from 'vitest';
import type { Appointment, WorkOrder } from '../../src/data/types';
import { slaEstimate } from '../../src/features/today/sla';
import { buildVisits } from '../../src/features/today/visits';
import { actionsFor, changesFor, missingInput } from '../../src/features/workorder/actions';
import { workOrder } from './helpers';

const wo = (id: string, fields: Record<string, unknown>): WorkOrder => workOrder(id, fields as never) as unknown as WorkOrder;
const appt = (workOrderId: string, windowStart: string, status = 'confirmed'): Appointment =>
  ({ id: `ap-${workOrderId}-${windowStart}`, version: 1, deleted: false, workOrderId, technicianId: 'u1', windowStart, windowEnd: windowStart, status }) as Appointment;

describe('visits', () => {
  it('orders by appointment window, then scheduled date; keeps only open orders of the user', () => {
    const visits = buildVisits({
      orders: [
        wo('late', { scheduledDate: '2026-11-23', faultLevel: 2 }),
        wo('early', { scheduledDate: '2026-11-23' }),
        wo('tomorrow', { scheduledDate: '2026-11-24' }),
        wo('nodate', { scheduledDate: null }),
        wo('closed', { status: 'closed', scheduledDate: '2026-11-23' }),
        wo('other', { assignedToId: 'u2', scheduledDate: '2026-11-23' }),
        wo('overdue', { scheduledDate: '2026-11-20', faultLevel: 1 }),
      ],
      sites: [],
      customers: [],
      appointments: [appt('early', '2026-11-23T01:00:00Z'), appt('early', '2026-11-23T00:30:00Z', 'cancelled')],
      today: '2026-11-23',
      userId: 'u1',
    });
    const group = (g: string): string[] => visits.filter((v) => v.group === g).map((v) => v.order.id);
    // Overdue first, then the appointment at 09:00 local, then the level 2 order with no time.
    expect(group('today')).toEqual(['overdue', 'early', 'late']);
    expect(group('upcoming')).toEqual(['tomorrow']);
    expect(group('unscheduled')).toEqual(['nodate']);
    expect(visits.find((v) => v.order.id === 'early')?.appointment?.status).toBe('confirmed');
  });
});

describe('SLA estimate', () => {
  it('counts the tier target from receivedAt, extended by time on hold', () => {
    const now = Date.parse('2026-11-23T03:00:00Z');
    const vip = slaEstimate({ receivedAt: '2026-11-23T01:00:00Z', slaTier: 'vip', pauses: [], status: 'on_site' }, now);
    expect(vip?.leftMs).toBe(0);
    const held = slaEstimate(
      { receivedAt: '2026-11-23T01:00:00Z', slaTier: 'standard', pauses: [{ start: '2026-11-23T01:00:00Z', end: '2026-11-23T02:00:00Z', reason: 'waiting_parts' }], status: 'on_site' },
      now,
    );
    expect(held?.leftMs).toBe(3 * 3_600_000);
  });
});

describe('status actions', () => {
  it('offer the next step of the life cycle', () => {
    expect(actionsFor('dispatched').map((a) => a.id)).toEqual(['accept', 'report_late']);
    expect(actionsFor('on_site').map((a) => a.id)).toEqual(['work_done', 'cannot_finish']);
    expect(actionsFor('closed')).toEqual([]);
  });

  it('write the move with the device time in the server spelling', () => {
    const now = new Date('2026-11-23T02:15:00.250Z');
    expect(changesFor('on_site', { status: 'en_route' }, {}, now)).toEqual({ status: 'on_site', arrivedAt: '2026-11-23T02:15:00Z' });
    expect(changesFor('report_late', { status: 'en_route' }, { reason: ' traffic ' }, now)).toEqual({
      status: 'appointment_confirmed',
      lateReason: 'traffic',
      lateReportedAt: '2026-11-23T02:15:00Z',
    });
    expect(changesFor('report_late', { status: 'accepted' }, { reason: 'x' }, now)).not.toHaveProperty('status');
  });

  it('require a reason and a date where the server does', () => {
    const def = actionsFor('on_site').find((a) => a.id === 'cannot_finish')!;
    expect(missingInput(def, {})).toBe('reason');
    expect(missingInput(def, { reason: 'no fibre' })).toBe('date');
    expect(missingInput(def, { reason: 'no fibre', nextVisitDate: '2026-11-25' })).toBeNull();
  });
});
