/** The standard phrase for offering another time (规范用语, situation offer_other_time), from the
 * replicated phrase book, in the customer's language; and the next free slot to offer. */

import type { Doc } from '../../data/docs';
import type { Window } from './logic';

export const OFFER_OTHER_TIME = 'offer_other_time';

type Localized = Record<string, string>;
interface Phrase {
  situation?: string;
  title?: Localized;
  text?: Localized;
}

/** The phrase book's language for a tag: any Chinese tag is zh-CN, anything else English. */
export function phraseLanguage(tag: string | null | undefined): 'zh-CN' | 'en' {
  return (tag ?? '').toLowerCase().replace(/_/g, '-').split('-')[0] === 'zh' ? 'zh-CN' : 'en';
}

/** The active book's phrase for `situation` (the newest book if none is marked active). */
export function findPhrase(books: readonly Doc[], situation: string, lang: string): { title: string; text: string } | null {
  const live = books.filter((b) => !b.deleted);
  const ordered = [...live.filter((b) => b.active === true), ...live.filter((b) => b.active !== true)];
  const language = phraseLanguage(lang);
  for (const book of ordered) {
    const doc = book.document;
    const phrases = doc && typeof doc === 'object' && !Array.isArray(doc) && Array.isArray(doc.phrases) ? (doc.phrases as Phrase[]) : [];
    const phrase = phrases.find((p) => p?.situation === situation);
    const text = phrase?.text?.[language] ?? phrase?.text?.en;
    if (text) return { title: phrase?.title?.[language] ?? '', text };
  }
  return null;
}

/** Put known values into `{name}` placeholders; unknown ones stay visible for him to say. */
export function fillPhrase(text: string, values: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (m, name: string) => values[name] || m);
}

/** The first start at or after the wanted one, on 15-minute steps, where a window of the same
 * length clashes with none of `busy`; null if none within `horizonMs`. */
export function nextFreeSlot(wanted: Window, busy: readonly Window[], horizonMs = 12 * 3_600_000): Window | null {
  const length = Date.parse(wanted.end) - Date.parse(wanted.start);
  const first = Date.parse(wanted.start);
  const spans = busy.map((b) => [Date.parse(b.start), Date.parse(b.end)] as const);
  let start = first;
  while (start - first <= horizonMs) {
    const end = start + length;
    const blocking = spans.filter(([s, e]) => s < end && e > start);
    if (blocking.length === 0) return { start: iso(start), end: iso(end) };
    // Jump past the latest blocking visit, rounded up to the quarter hour.
    const after = Math.max(...blocking.map(([, e]) => e));
    start = Math.ceil(after / 900_000) * 900_000;
  }
  return null;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
