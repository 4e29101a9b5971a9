/** The etiquette checklist as the server replicates it (server/checklists/template_format.py):
 * which template applies to an order, what counts as an answer, and how far the visit is. */

import type { Doc, Json } from '../../data/docs';
import type { WorkOrder } from '../../data/types';

export type Lang = 'en' | 'zh-CN';
export type Evidence = 'check' | 'photo' | 'text' | 'customer_confirm';

export interface LocalText {
  en: string;
  'zh-CN': string;
}

export interface TemplateItem {
  key: string;
  required: boolean;
  evidence: Evidence;
  text: LocalText;
  hint?: LocalText;
  /** The standard phrase situation to show with the item. */
  phrase?: string;
}

export interface TemplatePhase {
  key: string;
  title: LocalText;
  items: TemplateItem[];
}

export interface TemplateDoc {
  key: string;
  version: number;
  title: LocalText;
  phases: TemplatePhase[];
}

export interface ChecklistTemplate extends Doc {
  key: string;
  templateVersion: number;
  titleEn: string;
  titleZh: string;
  document: TemplateDoc & { [k: string]: Json };
  active: boolean;
}

/** `{value}` as the device writes it; the server adds when and by whom (`at`, `by`). */
export type Answer = { value: Json } & { [extra: string]: Json };

export interface ChecklistRun extends Doc {
  workOrderId: string;
  templateId?: string | null;
  answers: Record<string, Answer>;
  completedAt?: string | null;
}

export const TEMPLATE_KEY = 'etiquette';

/** Any Chinese tag reads Chinese, anything else English (as the server's LocalizedText.get). */
export function langOf(tag: string | null | undefined): Lang {
  return (tag ?? '').toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export function textIn(text: LocalText | undefined, lang: Lang): string {
  if (!text) return '';
  return text[lang] || text.en || text['zh-CN'] || '';
}

/** The run's own template (a run stays on the version it was started on), else the newest
 * active version of the etiquette template. */
export function templateFor(templates: readonly ChecklistTemplate[], run: ChecklistRun | undefined): ChecklistTemplate | undefined {
  if (run?.templateId) {
    const own = templates.find((t) => t.id === run.templateId);
    if (own) return own;
  }
  return templates
    .filter((t) => !t.deleted && t.active && t.key === TEMPLATE_KEY && Array.isArray(t.document?.phases))
    .sort((a, b) => Number(b.templateVersion) - Number(a.templateVersion))[0];
}

/** What the server accepts as an answer: a tick or the customer's confirmation is `true`, a
 * text is not blank, photos are a non-empty list of photo ids. */
export function acceptable(item: Pick<TemplateItem, 'evidence'>, value: Json | undefined): boolean {
  if (item.evidence === 'text') return typeof value === 'string' && value.trim() !== '';
  if (item.evidence === 'photo') return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && v.trim() !== '');
  return value === true;
}

export interface Progress {
  /** Required items answered. */
  done: number;
  required: number;
  /** Keys of required items still open, in display order. */
  missing: string[];
  /** Every item answered, required or not. */
  answered: number;
  total: number;
}

export function progressOf(doc: TemplateDoc, answers: Record<string, Answer> | undefined): Progress {
  const out: Progress = { done: 0, required: 0, missing: [], answered: 0, total: 0 };
  for (const phase of doc.phases) {
    for (const item of phase.items) {
      const ok = acceptable(item, answers?.[item.key]?.value);
      out.total += 1;
      if (ok) out.answered += 1;
      if (!item.required) continue;
      out.required += 1;
      if (ok) out.done += 1;
      else out.missing.push(item.key);
    }
  }
  return out;
}

const LOCKED: ReadonlySet<string> = new Set(['work_done', 'customer_signed', 'called_back', 'closed', 'cancelled']);

/** From work done on, the checklist is part of the service record: the server refuses changes
 * (CHECKLIST_LOCKED), so the screen does not offer them. */
export function checklistLocked(order: Pick<WorkOrder, 'status'> & { statusBeforeHold?: unknown }): boolean {
  const status = order.status === 'on_hold' ? String(order.statusBeforeHold ?? '') : order.status;
  return LOCKED.has(status);
}
