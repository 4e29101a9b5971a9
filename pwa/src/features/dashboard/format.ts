/** The figures as the dashboard shows them: rates with their fraction ("92.3 % · 12/13"),
 * nothing-measured as a dash rather than a misleading 0 %, histogram buckets as ranges. */

import { locale, t, tMaybe } from '../../app/i18n';
import type { Bucket, Distribution, Ratio, SlaGroup, TechnicianFigures } from './query';

const percentFormats = new Map<string, Intl.NumberFormat>();

export function percent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || Number.isNaN(rate)) return '—';
  let f = percentFormats.get(locale.value);
  if (!f) {
    f = new Intl.NumberFormat(locale.value, { style: 'percent', maximumFractionDigits: 1 });
    percentFormats.set(locale.value, f);
  }
  return f.format(rate);
}

/** "12/13"; the fraction shows how much a rate rests on. */
export function fraction(r: Ratio): string {
  return `${r.numerator}/${r.denominator}`;
}

export function ratioText(r: Ratio): string {
  return r.denominator === 0 ? '—' : `${percent(r.rate)} (${fraction(r)})`;
}

/** Against a target (e.g. 95 % satisfaction): good, short, or not measured. */
export function tone(r: Ratio, target: number, higherIsBetter = true): 'good' | 'bad' | 'none' {
  if (r.rate === null || r.denominator === 0) return 'none';
  return (higherIsBetter ? r.rate >= target : r.rate <= target) ? 'good' : 'bad';
}

/** 45 → "45 min", 120 → "2 h", 90 → "1.5 h", 2880 → "2 d". */
export function minutesText(minutes: number | null | undefined): string {
  if (minutes === null || minutes === undefined) return '—';
  if (minutes < 60) return t('dashboard.min', { n: Math.round(minutes) });
  if (minutes < 48 * 60) return t('dashboard.h', { n: trim(minutes / 60) });
  return t('dashboard.d', { n: trim(minutes / 1440) });
}

function trim(n: number): string {
  return String(Math.round(n * 10) / 10);
}

export function bucketLabel(b: Bucket): string {
  if (b.upperMinutes === null) return t('dashboard.bucket.over', { from: minutesText(b.lowerMinutes) });
  return t('dashboard.bucket.range', { from: minutesText(b.lowerMinutes), to: minutesText(b.upperMinutes) });
}

/** Short enough for a chart axis: both ends in the unit of the upper one ("30–60 min", "1–2 h"). */
export function shortBucketLabel(b: Bucket): string {
  // An upper end of 60 still reads best in minutes ("30–60 min"); an open end of 60 as "> 1 h".
  const unit = (m: number, open = false): 'min' | 'h' | 'd' => ((open ? m < 60 : m <= 60) ? 'min' : m < 2880 ? 'h' : 'd');
  const size = { min: 1, h: 60, d: 1440 };
  if (b.upperMinutes === null) {
    const u = unit(b.lowerMinutes, true);
    return t(`dashboard.short.over.${u}`, { n: trim(b.lowerMinutes / size[u]) });
  }
  const u = unit(b.upperMinutes);
  return t(`dashboard.short.${u}`, { from: trim(b.lowerMinutes / size[u]), to: trim(b.upperMinutes / size[u]) });
}

export interface Series {
  /** For the table. */
  labels: string[];
  /** For the chart's axis. */
  short: string[];
  values: number[];
}

export function histogram(d: Distribution): Series {
  return { labels: d.buckets.map(bucketLabel), short: d.buckets.map(shortBucketLabel), values: d.buckets.map((b) => b.count) };
}

/** Spoken summary of a histogram for screen readers: where most orders fall. */
export function histogramSummary(d: Distribution): string {
  if (d.count === 0) return t('dashboard.noData');
  let top = d.buckets[0];
  for (const b of d.buckets) if (top === undefined || b.count > top.count) top = b;
  return t('dashboard.histSummary', { n: d.count, avg: minutesText(d.averageMinutes), top: top ? bucketLabel(top) : '—' });
}

const TIER_ORDER: Record<string, number> = { vip: 0, advanced: 1, standard: 2 };

export function tierName(code: string): string {
  return tMaybe(`tier.${code}`, code);
}

/** Tier (VIP first), then level (1 first): the rows the contract cares most about on top. */
export function sortGroups(groups: readonly SlaGroup[]): SlaGroup[] {
  return [...groups].sort(
    (a, b) => (TIER_ORDER[a.slaTier] ?? 9) - (TIER_ORDER[b.slaTier] ?? 9) || a.slaTier.localeCompare(b.slaTier) || a.faultLevel - b.faultLevel,
  );
}

export function groupLabel(g: SlaGroup): string {
  return `${tierName(g.slaTier)} · ${t(`fault.${g.faultLevel}` as 'fault.1')}`;
}

/** "VIP L1": fits under a bar. */
export function shortGroupLabel(g: SlaGroup): string {
  return t('dashboard.short.group', { tier: tierName(g.slaTier), level: g.faultLevel });
}

/** Rates as percentages for a chart; unmeasured groups are gaps, not zeros. */
export function slaSeries(groups: readonly SlaGroup[]): { labels: string[]; short: string[]; respond: (number | null)[]; resolve: (number | null)[] } {
  const sorted = sortGroups(groups);
  const pct = (r: Ratio): number | null => (r.rate === null ? null : Math.round(r.rate * 1000) / 10);
  return {
    labels: sorted.map(groupLabel),
    short: sorted.map(shortGroupLabel),
    respond: sorted.map((g) => pct(g.respond)),
    resolve: sorted.map((g) => pct(g.resolve)),
  };
}

/** Busiest first, so the workload chart reads like a ranking. */
export function sortTechnicians(list: readonly TechnicianFigures[]): TechnicianFigures[] {
  return [...list].sort((a, b) => b.orders - a.orders || a.displayName.localeCompare(b.displayName));
}

export function averageScore(score: number | null): string {
  return score === null ? '—' : `${(Math.round(score * 10) / 10).toFixed(1)} / 5`;
}
