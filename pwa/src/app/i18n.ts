/** Every visible string goes through `t()`. English and Simplified Chinese; the device's language
 * picks one at first start, the settings screen switches, and the choice is remembered. Both
 * message files are small and bundled, so switching works offline. */

import { signal } from '@preact/signals';
import en from '../i18n/en.json';
import zhCN from '../i18n/zh-CN.json';

export type Locale = 'en' | 'zh-CN';
// Core keys are checked at compile time; a feature's own keys are `<feature>.<name>` strings.
export type MessageKey = keyof typeof en | `${string}.${string}`;
type Messages = Record<string, string>;

export const LOCALES: readonly Locale[] = ['zh-CN', 'en'];

// Each feature folder may carry its own messages (features/<name>/messages.en.json and
// messages.zh-CN.json), so features can be added without touching the shared files.
const featureFiles = import.meta.glob<Messages>('../features/*/messages.*.json', { eager: true, import: 'default' });

function withFeatures(base: Messages, suffix: string): Messages {
  const merged: Messages = { ...base };
  for (const [path, messages] of Object.entries(featureFiles)) {
    if (path.endsWith(`/messages.${suffix}.json`)) Object.assign(merged, messages);
  }
  return merged;
}

const MESSAGES: Record<Locale, Messages> = { en: withFeatures(en, 'en'), 'zh-CN': withFeatures(zhCN, 'zh-CN') };
const STORE_KEY = 'doorstep.locale';

export function pickLocale(languages: readonly string[]): Locale {
  for (const lang of languages) {
    const l = lang.toLowerCase();
    if (l.startsWith('zh')) return 'zh-CN';
    if (l.startsWith('en')) return 'en';
  }
  return 'en';
}

function stored(): Locale | null {
  try {
    const v = globalThis.localStorage?.getItem(STORE_KEY);
    return v === 'en' || v === 'zh-CN' ? v : null;
  } catch {
    return null;
  }
}

function initial(): Locale {
  const nav = typeof navigator !== 'undefined' ? navigator : undefined;
  return stored() ?? pickLocale(nav?.languages?.length ? nav.languages : [nav?.language ?? 'en']);
}

export const locale = signal<Locale>(initial());

function apply(l: Locale): void {
  if (typeof document !== 'undefined') document.documentElement.lang = l;
}
apply(locale.value);

export function setLocale(l: Locale): void {
  locale.value = l;
  apply(l);
  try {
    globalThis.localStorage?.setItem(STORE_KEY, l);
  } catch {
    // Private mode: the choice lasts for this visit only.
  }
}

/** At sign-in, the user's own language applies unless this device already chose one. */
export function adoptUserLocale(userLocale: string): void {
  if (stored() === null && (userLocale === 'en' || userLocale === 'zh-CN')) setLocale(userLocale);
}

export function t(key: MessageKey, params?: Record<string, string | number>): string {
  const text = MESSAGES[locale.value][key] ?? MESSAGES.en[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** Translate a key built at run time (a status, a reason code); falls back to the raw value. */
export function tMaybe(key: string, fallback: string): string {
  return key in MESSAGES.en ? t(key as MessageKey) : fallback;
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();

function fmt(options: Intl.DateTimeFormatOptions, timeZone?: string): Intl.DateTimeFormat {
  const id = `${locale.value}|${timeZone ?? ''}|${JSON.stringify(options)}`;
  let f = timeFormats.get(id);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat(locale.value, { ...options, timeZone });
    } catch {
      f = new Intl.DateTimeFormat(locale.value, options); // an unknown time zone name
    }
    timeFormats.set(id, f);
  }
  return f;
}

export function formatTime(iso: string | null | undefined, timeZone?: string): string {
  if (!iso) return '';
  return fmt({ hour: '2-digit', minute: '2-digit', hour12: false }, timeZone).format(new Date(iso));
}

export function formatDateTime(iso: string | null | undefined, timeZone?: string): string {
  if (!iso) return '';
  return fmt({ month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false }, timeZone).format(new Date(iso));
}

/** A calendar date (YYYY-MM-DD) shown as such, without a time zone shift. */
export function formatDate(day: string | null | undefined): string {
  if (!day) return '';
  const [y, m, d] = day.split('-').map(Number);
  // The year only when it is not this one (a warranty end, a far-off visit).
  const options: Intl.DateTimeFormatOptions =
    y === new Date().getFullYear() ? { month: 'short', day: 'numeric', weekday: 'short' } : { year: 'numeric', month: 'short', day: 'numeric' };
  return fmt(options, 'UTC').format(new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1)));
}

export function formatDuration(ms: number): string {
  const minutes = Math.max(0, Math.round(Math.abs(ms) / 60_000));
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h > 0 ? t('duration.hm', { h, m }) : t('duration.m', { m });
}
