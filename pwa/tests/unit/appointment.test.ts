import { describe, expect, it } from 'vitest';
import type { Doc } from '../../src/data/docs';
import { edit } from '../../src/data/outbox';
import type { Appointment, WorkOrder } from '../../src/data/types';
import { loadAppointment, propose, reschedule } from '../../src/features/appointment/data';
import { type AppointmentDoc, effectiveWindow, findClashes, rescheduleFields, windowProblem } from '../../src/features/appointment/logic';
import { fillPhrase, findPhrase, nextFreeSlot, phraseLanguage } from '../../src/features/appointment/phrase';
import { utcToZoned, zonedToUtc } from '../../src/features/appointment/zoned';
import { freshDb, workOrder } from './helpers';

const wo = (id: string, fields: Record<string, unknown> = {}): WorkOrder => workOrder(id, fields as never) as unknown as WorkOrder;
const appt = (id: string, workOrderId: string, start: string, end: string, fields: Partial<Appointment> = {}): AppointmentDoc =>
  ({ id, version: 5, deleted: false, workOrderId, technicianId: 'u1', windowStart: start, windowEnd: end, status: 'confirmed', ...fields }) as AppointmentDoc;

const me = wo('me', { status: 'accepted' });
const orders = new Map<string, WorkOrder>([
  ['me', me],
  ['a', wo('a')],
  ['b', wo('b')],
  ['gone', wo('gone', { assignedToId: 'u2' })],
]);

describe('clash detection', () => {
  const others = [
    appt('x1', 'a', '2026-11-24T01:00:00Z', '2026-11-24T03:00:00Z'),
    appt('x2', 'b', '2026-11-24T03:00:00Z', '2026-11-24T04:00:00Z', { status: 'proposed' }),
    appt('x3', 'b', '2026-11-24T01:30:00Z', '2026-11-24T02:00:00Z', { status: 'cancelled' }),
    appt('x4', 'gone', '2026-11-24T01:30:00Z', '2026-11-24T02:00:00Z', { technicianId: 'u2' }),
    appt('x5', 'me', '2026-11-24T01:30:00Z', '2026-11-24T02:00:00Z'),
    appt('x6', 'a', '2026-11-24T02:30:00Z', '2026-11-24T03:30:00Z', { version: 0, technicianId: null }),
  ];

  it('finds his other live visits overlapping the window, earliest first', () => {
    const clashes = findClashes({ start: '2026-11-24T02:00:00Z', end: '2026-11-24T03:30:00Z' }, me, others, orders);
    // x3 cancelled, x4 another technician's order, x5 this order's own visit: not clashes.
    expect(clashes.map((c) => c.appointment.id)).toEqual(['x1', 'x6', 'x2']);
  });

  it('does not count touching ends', () => {
    expect(findClashes({ start: '2026-11-24T04:00:00Z', end: '2026-11-24T05:00:00Z' }, me, others, orders)).toEqual([]);
    expect(findClashes({ start: '2026-11-24T00:00:00Z', end: '2026-11-24T01:00:00Z' }, me, others, orders)).toEqual([]);
  });

  it('uses the window a queued move will give', () => {
    const pending = [{ appointmentId: 'x1', start: '2026-11-24T08:00:00Z', end: '2026-11-24T09:00:00Z' }];
    const w = { start: '2026-11-24T01:00:00Z', end: '2026-11-24T02:00:00Z' };
    expect(findClashes(w, me, others, orders, pending)).toEqual([]);
    expect(findClashes({ start: '2026-11-24T08:30:00Z', end: '2026-11-24T10:00:00Z' }, me, others, orders, pending).map((c) => c.appointment.id)).toEqual(['x1']);
    expect(effectiveWindow(others[0] as Appointment, pending)).toEqual({ start: '2026-11-24T08:00:00Z', end: '2026-11-24T09:00:00Z' });
  });

  it('offers the next free slot of the same length', () => {
    const busy = [
      { start: '2026-11-24T01:00:00Z', end: '2026-11-24T03:00:00Z' },
      { start: '2026-11-24T03:10:00Z', end: '2026-11-24T04:00:00Z' },
    ];
    expect(nextFreeSlot({ start: '2026-11-24T02:00:00Z', end: '2026-11-24T03:00:00Z' }, busy)).toEqual({ start: '2026-11-24T04:00:00Z', end: '2026-11-24T05:00:00Z' });
  });

  it('checks windows like the server', () => {
    expect(windowProblem({ start: '2026-11-24T02:00:00Z', end: '2026-11-24T02:00:00Z' })).toBe('order');
    expect(windowProblem({ start: '2026-11-24T00:00:00Z', end: '2026-11-24T12:00:01Z' })).toBe('tooLong');
    const w = { start: '2026-11-24T01:00:00Z', end: '2026-11-24T03:00:00Z' };
    expect(windowProblem(w, { ...w })).toBe('same');
    expect(windowProblem(w)).toBeNull();
  });
});

describe('site time', () => {
  it('converts the wall clock at the site to UTC and back', () => {
    expect(zonedToUtc('2026-11-24', '14:30', 'Asia/Shanghai')).toBe('2026-11-24T06:30:00Z');
    expect(utcToZoned('2026-11-24T06:30:00Z', 'Asia/Shanghai')).toEqual({ day: '2026-11-24', time: '14:30' });
    // Across a daylight-saving change (Berlin: CEST until 25 Oct 2026).
    expect(zonedToUtc('2026-10-24', '09:00', 'Europe/Berlin')).toBe('2026-10-24T07:00:00Z');
    expect(zonedToUtc('2026-10-26', '09:00', 'Europe/Berlin')).toBe('2026-10-26T08:00:00Z');
  });
});

describe('standard phrase', () => {
  const book: Doc = {
    id: 'pb',
    version: 1,
    deleted: false,
    active: true,
    document: {
      phrases: [
        {
          situation: 'offer_other_time',
          title: { en: 'Offering another time', 'zh-CN': '另约时间' },
          text: { en: 'Would {time} suit you instead?', 'zh-CN': '改到{time}上门，您看可以吗？' },
        },
      ],
    },
  };
  it('is taken in the customer language with the time filled in', () => {
    expect(phraseLanguage('zh-CN')).toBe('zh-CN');
    expect(phraseLanguage('en')).toBe('en');
    const zh = findPhrase([book], 'offer_other_time', 'zh-CN');
    expect(fillPhrase(zh?.text ?? '', { time: '明天14:00' })).toBe('改到明天14:00上门，您看可以吗？');
    expect(findPhrase([book], 'offer_other_time', 'en')?.text).toBe('Would {time} suit you instead?');
    expect(findPhrase([book], 'running_late', 'en')).toBeNull();
  });
});

describe('appointment documents', () => {
  const W1 = { start: '2026-11-24T01:00:00Z', end: '2026-11-24T03:00:00Z' };
  const W2 = { start: '2026-11-24T06:00:00Z', end: '2026-11-24T08:00:00Z' };

  it('a reschedule is a new appointmentChanges document with a required reason', () => {
    expect(rescheduleFields('ap1', W2, '  customer at work ', 'customer')).toEqual({
      appointmentId: 'ap1',
      toStart: W2.start,
      toEnd: W2.end,
      reason: 'customer at work',
      initiatedBy: 'customer',
    });
  });

  it('confirming a new time creates it confirmed and moves the waiting order on', async () => {
    const db = freshDb();
    await db.docs('workOrders').put(wo('me', { status: 'accepted' }) as unknown as Doc);
    const created = await propose(db, me, W1, ' ring twice ', ' 王先生 ');
    expect(created).toMatchObject({ workOrderId: 'me', windowStart: W1.start, windowEnd: W1.end, status: 'confirmed', customerContact: '王先生', note: 'ring twice' });
    const order = await db.docs('workOrders').get('me');
    expect(order?.status).toBe('appointment_confirmed');
    const queued = await db.outbox.toArray();
    expect(queued.map((e) => e.collection)).toEqual(['appointments', 'workOrders']);
  });

  it('moving a stored appointment never edits its window; the agreement is queued behind the move', async () => {
    const db = freshDb();
    const stored = appt('ap1', 'me', W1.start, W1.end, { customerContact: 'old', confirmedWithCustomer: true } as Partial<Appointment>);
    await db.docs('appointments').put(stored as unknown as Doc);
    await db.docs('workOrders').put(wo('me', { status: 'appointment_confirmed' }) as unknown as Doc);
    const queued = await reschedule(db, wo('me', { status: 'appointment_confirmed' }), stored, { window: W2, reason: 'customer busy', initiatedBy: 'customer', agreedWith: '李女士' });
    expect(queued).toBe(true);
    const [change, confirm] = await db.outbox.orderBy('seq').toArray();
    expect(change?.collection).toBe('appointmentChanges');
    expect(change?.newDocumentState).toMatchObject({ appointmentId: 'ap1', toStart: W2.start, toEnd: W2.end, reason: 'customer busy', initiatedBy: 'customer' });
    expect(confirm?.collection).toBe('appointments');
    // Based on what the move leaves (proposed, new window): only status and contact change.
    expect(confirm?.assumedMasterState).toMatchObject({ status: 'proposed', windowStart: W2.start, windowEnd: W2.end, customerContact: '' });
    expect(confirm?.newDocumentState).toMatchObject({ status: 'confirmed', windowStart: W2.start, windowEnd: W2.end, customerContact: '李女士' });
    const local = await db.docs('appointments').get('ap1');
    expect(local).toMatchObject({ windowStart: W1.start, status: 'confirmed', customerContact: '李女士' });
    const data = await loadAppointment(db, 'me');
    expect(data?.pending).toEqual([{ appointmentId: 'ap1', ...W2 }]);
    expect(data?.confirmedAfterMove).toBe(true);
  });

  it('a move without agreement leaves the appointment to be confirmed later', async () => {
    const db = freshDb();
    const stored = appt('ap1', 'me', W1.start, W1.end);
    await db.docs('appointments').put(stored as unknown as Doc);
    await db.docs('workOrders').put(wo('me') as unknown as Doc);
    await edit(db, 'appointments', 'ap1', { note: 'gate code 1234' });
    expect(await reschedule(db, me, stored, { window: W2, reason: 'traffic', initiatedBy: 'technician' })).toBe(true);
    const entries = await db.outbox.toArray();
    expect(entries.map((e) => e.collection).sort()).toEqual(['appointmentChanges', 'appointments']);
    expect(entries.find((e) => e.collection === 'appointments')?.newDocumentState.windowStart).toBe(W1.start);
    expect((await loadAppointment(db, 'me'))?.confirmedAfterMove).toBe(false);
  });

  it('a proposal not yet sent is simply changed in place', async () => {
    const db = freshDb();
    await db.docs('workOrders').put(wo('me', { status: 'accepted' }) as unknown as Doc);
    const created = (await propose(db, me, W1, '')) as unknown as AppointmentDoc;
    await reschedule(db, me, created, { window: W2, reason: 'x', initiatedBy: 'customer' });
    const entries = await db.outbox.toArray();
    expect(entries).toHaveLength(1);
    expect(entries[0]?.assumedMasterState).toBeNull();
    expect(entries[0]?.newDocumentState).toMatchObject({ windowStart: W2.start, windowEnd: W2.end, status: 'proposed' });
  });
});
