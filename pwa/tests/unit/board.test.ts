import { describe, expect, it } from 'vitest';
import { Api, type FetchLike } from '../../src/data/api';
import type { Json } from '../../src/data/docs';
import type { BoardCard, BoardData } from '../../src/features/board/api';
import { windowMutation } from '../../src/features/board/api';
import { type Conflict, loadConflicts, mergeNewest, orderNumbers, showValue, sides } from '../../src/features/board/conflicts';
import {
  type Candidate,
  type SearchAnswer,
  candidatesFrom,
  chooseCustomer,
  chooseSite,
  createVariables,
  emptyForm,
  missing,
  searchable,
  submitCall,
  toggleAsset,
} from '../../src/features/board/phoneCall';
import { homeFor, isDesk, isStaff } from '../../src/features/board/roles';
import {
  activeFlags,
  compactDuration,
  leadingClock,
  place,
  resolveClock,
  respondClock,
  shapeBoard,
  sortQueue,
  stackRows,
  timelineRange,
} from '../../src/features/board/shape';
import { dateIn, dayBounds, shiftDate, windowFromInput, zonedInstant } from '../../src/features/board/time';

const TZ = 'Asia/Shanghai';

function card(id: string, o: { left?: number; breached?: boolean; level?: number; received?: string; windows?: [string, string][]; responded?: boolean; desk?: number; status?: string; seal?: boolean } = {}): BoardCard {
  const left = o.left ?? 7200;
  return {
    workOrder: {
      id,
      number: `WO-${id}`,
      status: o.status ?? 'RECEIVED',
      faultLevel: o.level ?? 3,
      slaTier: 'standard',
      symptom: 'No signal',
      scheduledDate: null,
      receivedAt: o.received ?? '2026-11-24T01:00:00Z',
      assignedToId: null,
      lateReason: '',
      escalationNote: '',
      customer: { id: 'c1', name: 'Customer', phone: '138' },
      site: { id: 's1', name: 'Home', address: 'Road 1', timezone: TZ },
    },
    sla: {
      tierCode: 'standard',
      respondBy: '2026-11-24T03:00:00Z',
      resolveBy: '2026-11-24T05:00:00Z',
      respondLeftSeconds: left,
      resolveLeftSeconds: left + 7200,
      respondBreached: o.breached ?? false,
      resolveBreached: false,
      respondedAt: o.responded ? '2026-11-24T01:30:00Z' : null,
      resolvedAt: null,
      pausedNow: false,
    },
    deskTimers: o.desk === undefined ? [] : [{ name: 'dispatch', dueAt: '2026-11-24T01:10:00Z', metAt: null, breached: o.desk < 0, leftSeconds: o.desk }],
    appointments: (o.windows ?? []).map(([s, e], i) => ({ id: `${id}-a${i}`, windowStart: s, windowEnd: e, status: 'confirmed', confirmedWithCustomer: true })),
    flags: {
      respondBreached: o.breached ?? false,
      resolveBreached: false,
      sealBroken: o.seal ?? false,
      lateReported: false,
      escalationPending: false,
      deskTimerBreached: (o.desk ?? 1) < 0,
    },
  };
}

const tech = (id: string, name: string) => ({ id, username: id, displayName: name, territory: '', skills: [] });

describe('board time zone arithmetic', () => {
  it('finds local midnight and wall-clock instants in the board zone', () => {
    expect(new Date(zonedInstant('2026-11-24', '09:00', TZ)).toISOString()).toBe('2026-11-24T01:00:00.000Z');
    const day = dayBounds('2026-11-24', TZ);
    expect(new Date(day.start).toISOString()).toBe('2026-11-23T16:00:00.000Z');
    expect(day.end - day.start).toBe(24 * 3_600_000);
    // 00:30 UTC on the 24th is already the 24th in Shanghai, still the 23rd in New York.
    expect(dateIn(Date.parse('2026-11-24T00:30:00Z'), TZ)).toBe('2026-11-24');
    expect(dateIn(Date.parse('2026-11-24T00:30:00Z'), 'America/New_York')).toBe('2026-11-23');
    expect(shiftDate('2026-12-31', 1)).toBe('2027-01-01');
    expect(shiftDate('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('handles a day with a DST change', () => {
    const day = dayBounds('2026-03-08', 'America/New_York');
    expect(day.end - day.start).toBe(23 * 3_600_000);
    expect(new Date(zonedInstant('2026-03-08', '09:00', 'America/New_York')).toISOString()).toBe('2026-03-08T13:00:00.000Z');
  });

  it('turns the reschedule form into UTC instants, refusing an empty window', () => {
    expect(windowFromInput({ date: '2026-11-24', from: '14:00', to: '16:30' }, TZ)).toEqual({
      windowStart: '2026-11-24T06:00:00.000Z',
      windowEnd: '2026-11-24T08:30:00.000Z',
    });
    expect(windowFromInput({ date: '2026-11-24', from: '16:00', to: '16:00' }, TZ)).toBeNull();
    expect(windowFromInput({ date: '', from: '16:00', to: '17:00' }, TZ)).toBeNull();
  });
});

describe('board shaping', () => {
  it('sorts the queue: flagged first, then least time left on any clock, then fault level', () => {
    const queue = sortQueue([
      card('calm', { left: 7200 }),
      card('level1', { left: 7200, level: 1 }),
      card('soon', { left: 600 }),
      card('breached', { left: -300, breached: true }),
      card('dispatchLate', { left: 7200, desk: -60 }),
      card('dispatchSoon', { left: 7200, desk: 120 }),
    ]);
    expect(queue.map((c) => c.workOrder.id)).toEqual(['breached', 'dispatchLate', 'dispatchSoon', 'soon', 'level1', 'calm']);
  });

  it('describes the SLA clocks: left, soon, breached, met', () => {
    expect(respondClock(card('a', { left: 7200 }).sla).state).toBe('running');
    expect(respondClock(card('a', { left: 600 }).sla).state).toBe('soon');
    expect(respondClock(card('a', { left: -60, breached: true }).sla).state).toBe('breached');
    const responded = card('a', { left: 600, responded: true });
    expect(respondClock(responded.sla).state).toBe('met');
    expect(leadingClock(responded.sla).which).toBe('resolve');
    expect(resolveClock(responded.sla).seconds).toBe(7800);
    expect(leadingClock(card('b').sla).which).toBe('respond');
  });

  it('formats countdowns compactly', () => {
    expect(compactDuration(30)).toBe('< 1 min');
    expect(compactDuration(45 * 60)).toBe('45 min');
    expect(compactDuration(-(65 * 60 + 20))).toBe('1 h 05 min');
    expect(compactDuration(50 * 3600)).toBe('2 d 2 h');
  });

  it('lists active flags most pressing first', () => {
    const c = card('x', { breached: true, seal: true, desk: -1 });
    expect(activeFlags(c.flags)).toEqual(['respondBreached', 'deskTimerBreached', 'sealBroken']);
  });

  it('builds lanes with windows placed on a 07:00–21:00 timeline, widened for early visits', () => {
    const board: BoardData = {
      date: '2026-11-24',
      timezone: TZ,
      asOf: '2026-11-24T02:00:00Z',
      unassigned: [card('q1', { left: 100 }), card('q2', { left: -5, breached: true })],
      lanes: [
        {
          technician: tech('t1', 'Zhang'),
          cards: [
            // 09:00–11:00 and 10:00–12:00 local: overlapping, so stacked.
            card('v1', { status: 'ON_SITE', windows: [['2026-11-24T01:00:00Z', '2026-11-24T03:00:00Z']] }),
            card('v2', { status: 'DISPATCHED', windows: [['2026-11-24T02:00:00Z', '2026-11-24T04:00:00Z']] }),
            card('done', { status: 'WORK_DONE' }),
          ],
        },
        // A window that started the evening before (22:00 on the 23rd, local) and one at 06:00.
        { technician: tech('t2', 'Liu'), cards: [card('v3', { windows: [['2026-11-23T14:00:00Z', '2026-11-23T17:00:00Z'], ['2026-11-23T22:00:00Z', '2026-11-23T23:00:00Z']] })] },
      ],
    };
    const shaped = shapeBoard(board);
    expect(shaped.queue.map((c) => c.workOrder.id)).toEqual(['q2', 'q1']);
    const day = dayBounds('2026-11-24', TZ);
    // The clipped evening window pulls the start to midnight; the end stays at 21:00.
    expect(shaped.range.start).toBe(day.start);
    expect(shaped.range.end).toBe(day.start + 21 * 3_600_000);
    const [zhang, liu] = shaped.lanes;
    expect(zhang?.open).toBe(2);
    expect(zhang?.blocks.map((b) => b.card.workOrder.id)).toEqual(['v1', 'v2']);
    expect(stackRows(zhang?.blocks ?? [])).toEqual([0, 1]);
    expect(liu?.blocks[0]?.clippedStart).toBe(true);
    expect(liu?.blocks[0]?.left).toBe(0);
    expect(shaped.hours[0]?.left).toBe(0);
    expect(shaped.hours.at(-1)?.left).toBe(100);
  });

  it('places a window as percentages of the range, or not at all outside it', () => {
    const range = { start: 0, end: 10 * 3_600_000 };
    const at = place({ windowStart: new Date(3_600_000).toISOString(), windowEnd: new Date(3 * 3_600_000).toISOString() }, range);
    expect(at).toMatchObject({ left: 10, width: 20, clippedStart: false, clippedEnd: false });
    expect(place({ windowStart: new Date(11 * 3_600_000).toISOString(), windowEnd: new Date(12 * 3_600_000).toISOString() }, range)).toBeNull();
    const r = timelineRange([], '2026-11-24', TZ);
    expect(r.end - r.start).toBe(14 * 3_600_000);
  });
});

describe('roles', () => {
  it('sends the desk to the board, supervisors to the dashboard, technicians to Today', () => {
    expect(homeFor('DISPATCHER')).toBe('/board');
    expect(homeFor('admin')).toBe('/board');
    expect(homeFor('SUPERVISOR')).toBe('/dashboard');
    expect(homeFor('TECHNICIAN')).toBe('/');
    expect(homeFor(undefined)).toBe('/');
    expect(isDesk('SUPERVISOR')).toBe(false);
    expect(isStaff('SUPERVISOR')).toBe(true);
    expect(isStaff('TECHNICIAN')).toBe(false);
  });
});

const site = (id: string, name = id) => ({ id, name, address: `${name} road`, city: 'Beijing' });
const customer = (id: string, sites: ReturnType<typeof site>[], tier = 'vip') => ({
  id,
  name: `Customer ${id}`,
  phone: '13762633522',
  altPhone: '',
  slaTier: tier,
  sites: { nodes: sites },
  assets: { nodes: sites.map((s, i) => ({ id: `asset-${s.id}`, name: `ONU ${i}`, tagCode: `T${i}`, siteId: s.id })) },
});

describe('phone call form', () => {
  const answer: SearchAnswer = {
    customers: [customer('c1', [site('s1'), site('s2')])],
    sites: [
      { ...site('s2'), customerId: 'c1', customer: null },
      { ...site('s9'), customerId: 'c9', customer: customer('c9', [site('s9')], 'standard') },
    ],
    workOrders: [
      { id: 'w1', number: 'WO-1', status: 'ON_SITE', symptom: 'down', customerId: 'c1', siteId: 's1', receivedAt: '2026-11-24T01:00:00Z' },
      { id: 'w2', number: 'WO-2', status: 'CLOSED', symptom: 'old', customerId: 'c1', siteId: 's1', receivedAt: '2026-10-01T01:00:00Z' },
    ],
  };

  it('merges customers found directly and through a matching site', () => {
    const list = candidatesFrom(answer);
    expect(list.map((c) => c.customer.id)).toEqual(['c1', 'c9']);
    expect(list[0]?.matchedSiteId).toBe('s2');
    expect(list[0]?.openOrders.map((o) => o.number)).toEqual(['WO-1']);
    expect(list[1]?.matchedSiteId).toBe('s9');
  });

  it('only searches for a name fragment or at least four digits', () => {
    expect(searchable('13')).toBe(false);
    expect(searchable('1376')).toBe(true);
    expect(searchable('+86 1')).toBe(false);
    expect(searchable('张')).toBe(false);
    expect(searchable('张伟')).toBe(true);
  });

  it('goes from the search result to the mutation variables', () => {
    const [c1, c9] = candidatesFrom(answer) as [Candidate, Candidate];
    let form = emptyForm('11111111-1111-4111-8111-111111111111');
    expect(createVariables(form)).toBeNull();
    expect(missing(form)).toEqual(['customer', 'site', 'symptom']);
    form = chooseCustomer(form, c1);
    // The site the search matched is preselected; the tier is the customer's.
    expect(form).toMatchObject({ customerId: 'c1', siteId: 's2', slaTier: 'vip' });
    form = toggleAsset(form, 'asset-s2');
    form = chooseSite(form, c1, 's1');
    expect(form.assetIds).toEqual([]);
    form = toggleAsset(toggleAsset(form, 'asset-s1'), 'asset-x');
    form = toggleAsset(form, 'asset-x');
    form = { ...form, symptom: '  Internet down  ', faultLevel: 1 };
    expect(createVariables(form)).toEqual({
      input: {
        id: '11111111-1111-4111-8111-111111111111',
        customerId: 'c1',
        siteId: 's1',
        symptom: 'Internet down',
        faultLevel: 1,
        slaTier: 'vip',
        sourceChannel: 'PHONE',
        assetIds: ['asset-s1'],
      },
    });
    // With a technician chosen, the order is put on the board's day.
    expect(createVariables({ ...form, technicianId: 't1', slaTier: '' }, '2026-11-24')?.input).toMatchObject({ scheduledDate: '2026-11-24' });
    expect(createVariables({ ...form, slaTier: '' })?.input).not.toHaveProperty('slaTier');
    // A customer with one site gets it chosen.
    expect(chooseCustomer(emptyForm('x'), { ...c9, matchedSiteId: null }).siteId).toBe('s9');
    expect(chooseCustomer(emptyForm('x'), { ...c1, matchedSiteId: null }).siteId).toBeNull();
  });

  it('creates, then dispatches; a failed dispatch leaves the order in the queue', async () => {
    const calls: { query: string; variables: Record<string, Json> }[] = [];
    let failAssign = false;
    const fetch: FetchLike = async (_url, init) => {
      const body = JSON.parse(String(init.body)) as { query: string; variables: Record<string, Json> };
      calls.push(body);
      if (body.query.includes('createWorkOrder')) return Response.json({ data: { createWorkOrder: { id: 'new-id', number: 'WO-9', status: 'RECEIVED' } } });
      if (failAssign) return Response.json({ data: null, errors: [{ message: 'not active', extensions: { code: 'TECHNICIAN_INACTIVE' } }] });
      return Response.json({ data: { assignWorkOrder: { id: 'new-id', status: 'DISPATCHED' } } });
    };
    const api = new Api({ url: 'http://test/graphql', fetch });
    const form = { ...emptyForm('id-1'), customerId: 'c1', siteId: 's1', symptom: 'down', technicianId: 't1' };
    expect(await submitCall(api, form, '2026-11-24')).toEqual({ id: 'new-id', number: 'WO-9', assignError: null });
    expect(calls[1]?.variables).toEqual({ id: 'new-id', t: 't1', d: '2026-11-24' });
    failAssign = true;
    expect((await submitCall(api, form, '2026-11-24')).assignError).toBe('not active');
    // The same client id both times: the server makes one order.
    expect(calls[2]?.variables.input).toMatchObject({ id: 'id-1' });
  });
});

describe('reschedule', () => {
  it('moves an existing window, or proposes a first one', () => {
    const base = { workOrderId: 'w1', windowStart: 'S', windowEnd: 'E', reason: ' customer busy ', initiatedBy: 'CUSTOMER' as const, requestId: 'r1' };
    const move = windowMutation({ ...base, appointmentId: 'a1' });
    expect(move.field).toBe('rescheduleAppointment');
    expect(move.variables).toEqual({ id: 'a1', s: 'S', e: 'E', r: 'customer busy', by: 'CUSTOMER', c: 'r1' });
    const propose = windowMutation({ ...base, appointmentId: null });
    expect(propose.field).toBe('proposeAppointment');
    expect(propose.variables).toEqual({ w: 'w1', s: 'S', e: 'E', n: 'customer busy', id: 'r1' });
  });
});

describe('conflict log', () => {
  const conflict = (id: string, winner = 'master'): Conflict => ({
    id,
    at: '2026-11-24T01:00:00Z',
    collection: 'workOrders',
    docId: 'w1',
    field: 'progressNote',
    base: 'a',
    lost: `lost-${id}`,
    won: `won-${id}`,
    winner,
    principalId: 'u1',
  });

  it('shows which value was the device’s', () => {
    expect(sides(conflict('1'))).toEqual({ device: 'lost-1', other: 'won-1', deviceWon: false });
    expect(sides(conflict('2', 'client'))).toEqual({ device: 'won-2', other: 'lost-2', deviceWon: true });
    expect(showValue(null)).toBe('—');
    expect(showValue({ a: 1 })).toBe('{"a":1}');
    expect(showValue('x'.repeat(100), 10)).toBe(`${'x'.repeat(9)}…`);
  });

  it('pages to the end of the oldest-first log and keeps the newest first', async () => {
    const pages: Record<string, { nodes: Conflict[]; more: boolean; end: string }> = {
      start: { nodes: [conflict('1'), conflict('2')], more: true, end: 'c2' },
      c2: { nodes: [conflict('3')], more: false, end: 'c3' },
      c3: { nodes: [], more: false, end: '' },
    };
    const seen: (string | null)[] = [];
    const fetch: FetchLike = async (_url, init) => {
      const after = (JSON.parse(String(init.body)) as { variables: { after: string | null } }).variables.after;
      seen.push(after);
      const p = pages[after ?? 'start'];
      return Response.json({ data: { syncConflicts: { nodes: p?.nodes ?? [], pageInfo: { hasNextPage: p?.more ?? false, endCursor: p?.end || null } } } });
    };
    const api = new Api({ url: 'http://test/graphql', fetch });
    const log = await loadConflicts(api);
    expect(log.items.map((c) => c.id)).toEqual(['3', '2', '1']);
    expect(log.cursor).toBe('c3');
    // The next refresh asks only after the last entry and keeps what it had.
    const again = await loadConflicts(api, log);
    expect(seen).toEqual([null, 'c2', 'c3']);
    expect(again.items.map((c) => c.id)).toEqual(['3', '2', '1']);
    expect(mergeNewest([conflict('1')], [conflict('1'), conflict('4')]).map((c) => c.id)).toEqual(['4', '1']);
  });

  it('looks up the numbers of work orders the board does not show', async () => {
    const asked: Json[] = [];
    const fetch: FetchLike = async (_url, init) => {
      const ids = (JSON.parse(String(init.body)) as { variables: { ids: string[] } }).variables.ids;
      asked.push(ids);
      return Response.json({ data: { nodes: ids.map((id) => (id === 'gone' ? null : { id, number: `WO-${id}` })) } });
    };
    const api = new Api({ url: 'http://test/graphql', fetch });
    const items = [conflict('1'), { ...conflict('2'), docId: 'w2' }, { ...conflict('3'), docId: 'gone' }, { ...conflict('4'), collection: 'workNotes', docId: 'n1' }];
    const found = await orderNumbers(api, items, new Map([['w1', 'WO-1']]));
    expect(asked).toEqual([['w2', 'gone']]);
    expect([...found]).toEqual([['w2', 'WO-w2']]);
    expect((await orderNumbers(api, [conflict('1')], new Map([['w1', 'WO-1']]))).size).toBe(0);
    expect(asked).toHaveLength(1);
  });
});
