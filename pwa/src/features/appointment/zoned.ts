/** Wall-clock times at the site (its IANA time zone) to UTC and back, with Intl only. The visit is
 * agreed in the customer's local time, whatever zone the phone is set to. */

import { deviceTime } from '../../data/docs';

const formats = new Map<string, Intl.DateTimeFormat>();

function format(tz: string): Intl.DateTimeFormat | null {
  let f = formats.get(tz);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: tz,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    } catch {
      return null; // an unknown zone name: the device's own zone is used
    }
    formats.set(tz, f);
  }
  return f;
}

function parts(ms: number, tz: string): Record<string, number> | null {
  const f = format(tz);
  if (!f) return null;
  const out: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(ms))) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out;
}

/** The zone's offset from UTC at instant `ms`, in milliseconds. */
function offset(ms: number, tz: string): number {
  const p = parts(ms, tz);
  if (!p) return -new Date(ms).getTimezoneOffset() * 60_000;
  const asUtc = Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, (p.hour ?? 0) % 24, p.minute ?? 0, p.second ?? 0);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** `2026-11-24` + `14:30` at the site → the UTC instant in the server's spelling. */
export function zonedToUtc(day: string, time: string, tz: string): string | null {
  const [y, m, d] = day.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  if (!y || !m || !d || hh === undefined || mm === undefined || Number.isNaN(hh) || Number.isNaN(mm)) return null;
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  // Two passes settle the offset around a daylight-saving change.
  let ms = wall - offset(wall, tz);
  const again = offset(ms, tz);
  ms = wall - again;
  return deviceTime(new Date(ms));
}

const pad = (n: number | undefined): string => String(n ?? 0).padStart(2, '0');

/** A UTC instant as the site's wall clock: { day: YYYY-MM-DD, time: HH:MM }. */
export function utcToZoned(iso: string, tz: string): { day: string; time: string } {
  const ms = Date.parse(iso);
  const p = parts(ms, tz);
  if (!p) {
    const d = new Date(ms);
    return { day: `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`, time: `${pad(d.getHours())}:${pad(d.getMinutes())}` };
  }
  return { day: `${p.year}-${pad(p.month)}-${pad(p.day)}`, time: `${pad((p.hour ?? 0) % 24)}:${pad(p.minute)}` };
}

/** Whether the phone's own zone differs from the site's at that instant (then say which one). */
export function zoneDiffers(iso: string, tz: string): boolean {
  const ms = Date.parse(iso);
  return offset(ms, tz) !== -new Date(ms).getTimezoneOffset() * 60_000;
}
