import { describe, expect, it } from 'vitest';
import {
  averageScore,
  bucketLabel,
  histogram,
  histogramSummary,
  minutesText,
  percent,
  ratioText,
  shortBucketLabel,
  slaSeries,
  sortTechnicians,
  tone,
} from '../../src/features/dashboard/format';
import {
  type DashFilter,
  DASHBOARD_QUERY,
  defaultFilter,
  filterFromSearch,
  filterToSearch,
  filterVariables,
  pdfBlob,
  periodDays,
  previousMonth,
} from '../../src/features/dashboard/query';

const TZ = 'Asia/Shanghai';
const ratio = (numerator: number, denominator: number) => ({ numerator, denominator, rate: denominator ? numerator / denominator : null });

describe('dashboard formatting', () => {
  it('shows rates with their fraction, and a dash when nothing was measured', () => {
    expect(percent(0.923)).toBe('92.3%');
    expect(percent(1)).toBe('100%');
    expect(percent(null)).toBe('—');
    expect(ratioText(ratio(12, 13))).toBe('92.3% (12/13)');
    expect(ratioText(ratio(0, 0))).toBe('—');
    expect(averageScore(4.56)).toBe('4.6 / 5');
    expect(averageScore(null)).toBe('—');
  });

  it('judges a rate against its target, either way round', () => {
    expect(tone(ratio(19, 20), 0.95)).toBe('good');
    expect(tone(ratio(18, 20), 0.95)).toBe('bad');
    expect(tone(ratio(1, 20), 0.05, false)).toBe('good');
    expect(tone(ratio(0, 0), 0.95)).toBe('none');
  });

  it('labels histogram buckets in minutes, hours and days', () => {
    expect(minutesText(45)).toBe('45 min');
    expect(minutesText(90)).toBe('1.5 h');
    expect(minutesText(2880)).toBe('2 d');
    expect(minutesText(null)).toBe('—');
    expect(bucketLabel({ lowerMinutes: 0, upperMinutes: 15, count: 1 })).toBe('0 min–15 min');
    expect(bucketLabel({ lowerMinutes: 60, upperMinutes: 120, count: 1 })).toBe('1 h–2 h');
    expect(bucketLabel({ lowerMinutes: 480, upperMinutes: null, count: 1 })).toBe('over 8 h');
    const d = {
      count: 5,
      averageMinutes: 40,
      buckets: [
        { lowerMinutes: 0, upperMinutes: 30, count: 1 },
        { lowerMinutes: 30, upperMinutes: 60, count: 4 },
        { lowerMinutes: 60, upperMinutes: null, count: 0 },
      ],
    };
    expect(histogram(d)).toEqual({ labels: ['0 min–30 min', '30 min–1 h', 'over 1 h'], short: ['0–30 min', '30–60 min', '> 1 h'], values: [1, 4, 0] });
    expect(shortBucketLabel({ lowerMinutes: 960, upperMinutes: 1920, count: 0 })).toBe('16–32 h');
    expect(shortBucketLabel({ lowerMinutes: 1920, upperMinutes: null, count: 0 })).toBe('> 32 h');
    expect(shortBucketLabel({ lowerMinutes: 2880, upperMinutes: 5760, count: 0 })).toBe('2–4 d');
    expect(histogramSummary(d)).toBe('5 orders, average 40 min; most took 30 min–1 h.');
    expect(histogramSummary({ count: 0, averageMinutes: null, buckets: [] })).toBe('No data for this period.');
  });

  it('orders SLA groups VIP first, level 1 first, with unmeasured groups as gaps', () => {
    const s = slaSeries([
      { slaTier: 'standard', faultLevel: 3, orders: 4, respond: ratio(3, 4), resolve: ratio(0, 0) },
      { slaTier: 'vip', faultLevel: 2, orders: 1, respond: ratio(1, 1), resolve: ratio(1, 1) },
      { slaTier: 'vip', faultLevel: 1, orders: 2, respond: ratio(1, 3), resolve: ratio(2, 3) },
    ]);
    expect(s.labels).toEqual(['VIP · Level 1', 'VIP · Level 2', 'Standard · Level 3']);
    expect(s.short).toEqual(['VIP L1', 'VIP L2', 'Standard L3']);
    expect(s.respond).toEqual([33.3, 100, 75]);
    expect(s.resolve).toEqual([66.7, 100, null]);
  });

  it('ranks technicians by workload', () => {
    const tech = (name: string, orders: number) => ({
      technicianId: name,
      displayName: name,
      orders,
      resolved: 0,
      firstTimeFix: ratio(0, 0),
      onTime: ratio(0, 0),
      checklist: ratio(0, 0),
    });
    expect(sortTechnicians([tech('b', 2), tech('a', 5), tech('c', 2)]).map((x) => x.displayName)).toEqual(['a', 'b', 'c']);
  });
});

describe('dashboard filters', () => {
  const now = Date.parse('2026-11-24T02:00:00Z'); // 10:00 on the 24th in Shanghai
  const f = (patch: Partial<DashFilter>): DashFilter => ({ ...defaultFilter(), ...patch });

  it('turns a period into inclusive days', () => {
    expect(periodDays(f({ period: 'last7' }), '2026-11-24')).toEqual({ from: '2026-11-18', to: '2026-11-24' });
    expect(periodDays(f({ period: 'last30' }), '2026-11-24')).toEqual({ from: '2026-10-26', to: '2026-11-24' });
    expect(periodDays(f({ period: 'thisMonth' }), '2026-11-24')).toEqual({ from: '2026-11-01', to: '2026-11-24' });
    expect(periodDays(f({ period: 'lastMonth' }), '2026-01-10')).toEqual({ from: '2025-12-01', to: '2025-12-31' });
    expect(periodDays(f({ period: 'custom', from: '2026-11-01', to: '2026-11-03' }), '2026-11-24')).toEqual({ from: '2026-11-01', to: '2026-11-03' });
    // Reversed custom dates fall back to the default period rather than asking for nothing.
    expect(periodDays(f({ period: 'custom', from: '2026-11-05', to: '2026-11-03' }), '2026-11-24').to).toBe('2026-11-24');
  });

  it('sends local midnights with an exclusive end, and only the filters set', () => {
    expect(filterVariables(f({ period: 'lastMonth' }), TZ, now)).toEqual({
      f: { start: '2026-09-30T16:00:00.000Z', end: '2026-10-31T16:00:00.000Z' },
    });
    expect(filterVariables(f({ period: 'last7', customerId: 'c1', siteId: 's1', technicianId: 't1' }), TZ, now)).toEqual({
      f: { start: '2026-11-17T16:00:00.000Z', end: '2026-11-24T16:00:00.000Z', customerId: 'c1', siteId: 's1', technicianId: 't1' },
    });
    // A site without its customer is dropped.
    expect(filterVariables(f({ siteId: 's1' }), TZ, now).f).not.toHaveProperty('siteId');
  });

  it('round-trips the filter through the address', () => {
    const filter = f({ period: 'custom', from: '2026-11-01', to: '2026-11-03', customerId: 'c1', siteId: 's1', technicianId: 't1' });
    const search = filterToSearch(filter);
    expect(search).toBe('?period=custom&from=2026-11-01&to=2026-11-03&customer=c1&site=s1&tech=t1');
    expect(filterFromSearch(search)).toEqual(filter);
    expect(filterToSearch(defaultFilter())).toBe('');
    expect(filterFromSearch('?period=bogus&from=yesterday&site=s1')).toEqual(defaultFilter());
  });

  it('asks for every figure the server defines', () => {
    for (const field of ['slaByTierAndLevel', 'responseTime', 'resolutionTime', 'firstTimeFix', 'repeatFault', 'callbackReach', 'complaints', 'onTimeArrival', 'checklistCompletion', 'technicians']) {
      expect(DASHBOARD_QUERY).toContain(field);
    }
  });

  it('picks last month for the monthly report and decodes the PDF', async () => {
    expect(previousMonth('2026-01-15')).toBe('2025-12');
    const blob = pdfBlob(btoa('%PDF-1.4'));
    expect(blob.type).toBe('application/pdf');
    expect(await blob.text()).toBe('%PDF-1.4');
  });
});
