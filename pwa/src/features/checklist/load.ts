/** Everything the checklist screen reads, in one live query: the order, its run, the template,
 * the phrase book and the values the phrases can be filled with. */

import { locale } from '../../app/i18n';
import { db, session } from '../../app/services';
import type { Appointment, Customer, WorkOrder } from '../../data/types';
import { currentAppointment } from '../today/visits';
import { runOf } from './answers';
import { type PhraseBookDoc, type PhraseValues, activeBook } from './phrases';
import { type ChecklistRun, type ChecklistTemplate, type Lang, type TemplateDoc, langOf, templateFor } from './template';

export interface ChecklistData {
  order: WorkOrder;
  run: ChecklistRun | undefined;
  template: TemplateDoc | undefined;
  book: PhraseBookDoc | undefined;
  /** The customer's language: phrases are read out to the customer. */
  customerLang: Lang;
  values: PhraseValues;
}

function formatIn(lang: Lang, iso: string, opts: Intl.DateTimeFormatOptions, timeZone?: string): string {
  try {
    return new Intl.DateTimeFormat(lang, { ...opts, timeZone }).format(new Date(iso));
  } catch {
    return new Intl.DateTimeFormat(lang, opts).format(new Date(iso));
  }
}

/** Placeholder values the device knows; the company and its hotline are not replicated yet. */
export function phraseValues(order: WorkOrder, lang: Lang, appointment: Appointment | undefined, technician: string | undefined, timeZone?: string): PhraseValues {
  const values: PhraseValues = { technician };
  if (order.nextVisitDate) {
    values.next_visit = formatIn(lang, `${order.nextVisitDate}T12:00:00Z`, { month: 'long', day: 'numeric', weekday: 'short' }, 'UTC');
  }
  if (appointment?.windowStart) {
    values.time = formatIn(lang, appointment.windowStart, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false }, timeZone);
  }
  return values;
}

export async function loadChecklist(workOrderId: string): Promise<ChecklistData | undefined> {
  const order = await db.typed<WorkOrder>('workOrders').get(workOrderId);
  if (!order) return undefined;
  const [run, templates, books, customer, appointments, site] = await Promise.all([
    runOf(db, workOrderId),
    db.typed<ChecklistTemplate>('checklistTemplates').toArray(),
    db.typed<PhraseBookDoc>('standardPhrases').toArray(),
    db.typed<Customer>('customers').get(order.customerId),
    db.typed<Appointment>('appointments').where('workOrderId').equals(workOrderId).toArray(),
    db.typed<{ id: string; version: number; deleted: boolean; timezone?: string }>('sites').get(order.siteId),
  ]);
  const customerLang = customer?.language ? langOf(customer.language) : langOf(locale.value);
  const user = session.current.value?.user;
  return {
    order,
    run,
    template: templateFor(templates, run)?.document,
    book: activeBook(books),
    customerLang,
    values: phraseValues(order, customerLang, currentAppointment(appointments), user?.displayName || user?.username, site?.timezone),
  };
}
