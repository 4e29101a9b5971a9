/** The supervisor dashboard's query and its filters. The filter lives in the address
 * (/dashboard?period=lastMonth&tech=…), so a view can be bookmarked or sent to a colleague. */

import type { Api } from '../../data/api';
import type { Json } from '../../data/docs';
import { dateIn, shiftDate, zonedInstant } from '../board/time';

export interface Ratio {
  numerator: number;
  denominator: number;
  /** null when nothing was measured (denominator 0). */
  rate: number | null;
}

export interface Bucket {
  lowerMinutes: number;
  /** null: the open-ended last bucket. */
  upperMinutes: number | null;
  count: number;
}

export interface Distribution {
  count: number;
  averageMinutes: number | null;
  buckets: Bucket[];
}

export interface SlaGroup {
  slaTier: string;
  faultLevel: number;
  orders: number;
  respond: Ratio;
  resolve: Ratio;
}

export interface TechnicianFigures {
  technicianId: string;
  displayName: string;
  orders: number;
  resolved: number;
  firstTimeFix: Ratio;
  onTime: Ratio;
  checklist: Ratio;
}

export interface Figures {
  start: string;
  end: string;
  orders: number;
  cancelled: number;
  resolved: number;
  closed: number;
  respondSla: Ratio;
  resolveSla: Ratio;
  slaByTierAndLevel: SlaGroup[];
  responseTime: Distribution;
  resolutionTime: Distribution;
  firstTimeFix: Ratio;
  repeatFault: Ratio;
  satisfaction: { ratings: number; averageScore: number | null; satisfied: Ratio };
  callbackReach: Ratio;
  complaints: number;
  onTimeArrival: Ratio;
  checklistCompletion: Ratio;
  technicians: TechnicianFigures[];
}

const RATIO = '{ numerator denominator rate }';
const DIST = '{ count averageMinutes buckets { lowerMinutes upperMinutes count } }';

export const DASHBOARD_QUERY = `query($f: DashboardFilter) { dashboard(filter: $f) {
  start end orders cancelled resolved closed
  respondSla ${RATIO} resolveSla ${RATIO}
  slaByTierAndLevel { slaTier faultLevel orders respond ${RATIO} resolve ${RATIO} }
  responseTime ${DIST} resolutionTime ${DIST}
  firstTimeFix ${RATIO} repeatFault ${RATIO}
  satisfaction { ratings averageScore satisfied ${RATIO} }
  callbackReach ${RATIO} complaints onTimeArrival ${RATIO} checklistCompletion ${RATIO}
  technicians { technicianId displayName orders resolved firstTimeFix ${RATIO} onTime ${RATIO} checklist ${RATIO} }
} }`;

export type Period = 'last7' | 'last30' | 'thisMonth' | 'lastMonth' | 'custom';
export const PERIODS: readonly Period[] = ['last7', 'last30', 'thisMonth', 'lastMonth', 'custom'];

export interface DashFilter {
  period: Period;
  /** Inclusive calendar days, used when the period is custom. */
  from: string;
  to: string;
  customerId: string | null;
  siteId: string | null;
  technicianId: string | null;
}

export function defaultFilter(): DashFilter {
  return { period: 'last30', from: '', to: '', customerId: null, siteId: null, technicianId: null };
}

function firstOfMonth(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

/** The first and last day (inclusive) the period covers, seen from `today`. */
export function periodDays(f: DashFilter, today: string): { from: string; to: string } {
  switch (f.period) {
    case 'last7':
      return { from: shiftDate(today, -6), to: today };
    case 'thisMonth':
      return { from: firstOfMonth(today), to: today };
    case 'lastMonth': {
      const first = firstOfMonth(today);
      return { from: firstOfMonth(shiftDate(first, -1)), to: shiftDate(first, -1) };
    }
    case 'custom':
      if (f.from && f.to && f.from <= f.to) return { from: f.from, to: f.to };
      return { from: shiftDate(today, -29), to: today };
    default:
      return { from: shiftDate(today, -29), to: today };
  }
}

/** `dashboard(filter:)` variables: local midnights in the desk's zone, the end exclusive. */
export function filterVariables(f: DashFilter, tz: string, now = Date.now()): { f: Record<string, Json> } {
  const days = periodDays(f, dateIn(now, tz));
  const vars: Record<string, Json> = {
    start: new Date(zonedInstant(days.from, '00:00', tz)).toISOString(),
    end: new Date(zonedInstant(shiftDate(days.to, 1), '00:00', tz)).toISOString(),
  };
  if (f.customerId) vars.customerId = f.customerId;
  // A site belongs to its customer: without one, a leftover site filter would be misleading.
  if (f.siteId && f.customerId) vars.siteId = f.siteId;
  if (f.technicianId) vars.technicianId = f.technicianId;
  return { f: vars };
}

const PARAMS: Record<string, keyof DashFilter> = { period: 'period', from: 'from', to: 'to', customer: 'customerId', site: 'siteId', tech: 'technicianId' };

export function filterToSearch(f: DashFilter): string {
  const q = new URLSearchParams();
  for (const [param, key] of Object.entries(PARAMS)) {
    const v = f[key];
    if (!v || (key === 'period' && v === 'last30')) continue;
    if ((key === 'from' || key === 'to') && f.period !== 'custom') continue;
    q.set(param, v);
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

export function filterFromSearch(search: string): DashFilter {
  const q = new URLSearchParams(search);
  const f = defaultFilter();
  const period = q.get('period') as Period | null;
  if (period && PERIODS.includes(period)) f.period = period;
  const day = (v: string | null): string => (v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : '');
  f.from = day(q.get('from'));
  f.to = day(q.get('to'));
  f.customerId = q.get('customer') || null;
  f.siteId = f.customerId ? q.get('site') || null : null;
  f.technicianId = q.get('tech') || null;
  return f;
}

export async function fetchFigures(api: Api, f: DashFilter, tz: string): Promise<Figures> {
  const data = await api.request<{ dashboard: Figures }>(DASHBOARD_QUERY, filterVariables(f, tz));
  return data.dashboard;
}

export interface Option {
  id: string;
  name: string;
}

const TECHS = '{ users(first: 200, role: TECHNICIAN) { nodes { id displayName active } } }';
const CUSTOMERS = 'query($t: String) { customers(first: 30, text: $t) { nodes { id name } } }';
const CUSTOMER = 'query($id: ID!) { customer(id: $id) { id name sites(first: 100) { nodes { id name } } } }';

export async function fetchTechnicians(api: Api): Promise<Option[]> {
  const data = await api.request<{ users: { nodes: { id: string; displayName: string; active: boolean }[] } }>(TECHS);
  return data.users.nodes.map((u) => ({ id: u.id, name: u.active ? u.displayName : `${u.displayName} (—)` }));
}

export async function findCustomers(api: Api, text: string): Promise<Option[]> {
  const data = await api.request<{ customers: { nodes: Option[] } }>(CUSTOMERS, { t: text.trim() || null });
  return data.customers.nodes;
}

/** A customer's name and sites, for the chosen-customer filter. */
export async function fetchCustomer(api: Api, id: string): Promise<{ customer: Option; sites: Option[] }> {
  const data = await api.request<{ customer: Option & { sites: { nodes: Option[] } } }>(CUSTOMER, { id });
  return { customer: { id: data.customer.id, name: data.customer.name }, sites: data.customer.sites.nodes };
}

export interface MonthlyFiles {
  month: string;
  pdfFilename: string;
  csvFilename: string;
  pdfBase64: string;
  csv: string;
}

const MONTHLY = `mutation($m: String!, $l: String!) { generateMonthlyReport(month: $m, lang: $l) { month pdfFilename csvFilename pdfBase64 csv } }`;

export async function generateMonthly(api: Api, month: string, lang: string): Promise<MonthlyFiles> {
  const data = await api.request<{ generateMonthlyReport: MonthlyFiles }>(MONTHLY, { m: month, l: lang });
  return data.generateMonthlyReport;
}

/** The month before the one `today` falls in, as YYYY-MM: the report usually wanted. */
export function previousMonth(today: string): string {
  return shiftDate(firstOfMonth(today), -1).slice(0, 7);
}

/** The PDF arrives base64-encoded inside the GraphQL answer. */
export function pdfBlob(base64: string): Blob {
  const raw = atob(base64);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return new Blob([bytes], { type: 'application/pdf' });
}
