/** The standard phrases (规范用语): what to say in a situation, in the customer's language, with
 * the placeholders the device knows filled in. A value it does not know (the company's hotline
 * is not replicated) stays visible as a bracketed blank the technician fills in by voice. */

import type { Doc, Json } from '../../data/docs';
import type { Lang, LocalText } from './template';

export interface StandardPhrase {
  situation: string;
  title: LocalText;
  text: LocalText;
}

export interface PhraseBookDoc extends Doc {
  versionLabel?: Json;
  document: { version: number; phrases: StandardPhrase[] } & { [k: string]: Json };
  active: boolean;
}

export const PLACEHOLDERS = ['technician', 'company', 'hotline', 'next_visit', 'time', 'cause'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type PhraseValues = Partial<Record<Placeholder, string | null | undefined>>;

// In the customer's language, not the technician's: they are read out to the customer.
const BLANKS: Record<Lang, Record<Placeholder, string>> = {
  en: {
    technician: '[your name]',
    company: '[company name]',
    hotline: '[service hotline]',
    next_visit: '[date of next visit]',
    time: '[time]',
    cause: '[cause]',
  },
  'zh-CN': {
    technician: '［您的姓名］',
    company: '［公司名称］',
    hotline: '［服务热线］',
    next_visit: '［下次上门日期］',
    time: '［时间］',
    cause: '［原因］',
  },
};

/** The active book (the newest one if several were left active). */
export function activeBook(books: readonly PhraseBookDoc[]): PhraseBookDoc | undefined {
  return books
    .filter((b) => !b.deleted && b.active !== false && Array.isArray(b.document?.phrases))
    .sort((a, b) => Number(b.document.version) - Number(a.document.version))[0];
}

export function findPhrase(book: PhraseBookDoc | undefined, situation: string | undefined): StandardPhrase | undefined {
  if (!book || !situation) return undefined;
  return book.document.phrases.find((p) => p.situation === situation);
}

export interface Segment {
  text: string;
  /** A placeholder with no known value: shown as a blank to fill in. */
  blank?: boolean;
}

function isPlaceholder(name: string): name is Placeholder {
  return (PLACEHOLDERS as readonly string[]).includes(name);
}

/** The phrase in `lang` as text segments, so the screen can mark the blanks. */
export function renderPhrase(phrase: StandardPhrase, lang: Lang, values: PhraseValues): Segment[] {
  const text = phrase.text[lang] || phrase.text.en;
  const out: Segment[] = [];
  let last = 0;
  for (const m of text.matchAll(/\{([a-z_]+)\}/g)) {
    const name = m[1] ?? '';
    const at = m.index ?? 0;
    if (at > last) out.push({ text: text.slice(last, at) });
    const value = isPlaceholder(name) ? values[name]?.trim() : undefined;
    if (value) out.push({ text: value });
    else out.push({ text: isPlaceholder(name) ? BLANKS[lang][name] : m[0], blank: true });
    last = at + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}

export function phraseText(segments: readonly Segment[]): string {
  return segments.map((s) => s.text).join('');
}
