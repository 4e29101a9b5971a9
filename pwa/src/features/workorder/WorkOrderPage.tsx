/** One work order on site: what is wrong, who and where, how to get in, the status buttons, the
 * technician's notes and parts, and the assets at the site. */

import { formatDate, formatDateTime, formatDuration, t, tMaybe } from '../../app/i18n';
import { type RouteProps, lazyView } from '../../app/lazy';
import { useLiveState } from '../../app/live';
import { db } from '../../app/services';
import { CallButton, Empty, FaultBadge, Loading, Section, StatusChip, useNow } from '../../app/ui';
import type { OutboxEntry } from '../../data/db';
import { docKey } from '../../data/db';
import type { Asset, Customer, Site, WorkOrder } from '../../data/types';
import { slaEstimate, slaRunning } from '../today/sla';
import { PartsEditor } from './PartsEditor';
import { FieldWork } from './FieldWork';
import { StatusActions } from './StatusActions';

// Checklist, asset scan and photos: loaded with the first order opened, not with the app.
const OnSite = lazyView(() => import('../checklist/OnSite'));
const Solutions = lazyView(() => import('../knowledge/SolutionsSection'));

interface Loaded {
  order: WorkOrder;
  site: Site | undefined;
  customer: Customer | undefined;
  assets: Asset[];
  attention: OutboxEntry[];
  waiting: number;
}

async function load(id: string): Promise<Loaded | undefined> {
  const order = await db.typed<WorkOrder>('workOrders').get(id);
  if (!order) return undefined;
  const [site, customer, assets, entries] = await Promise.all([
    db.typed<Site>('sites').get(order.siteId),
    db.typed<Customer>('customers').get(order.customerId),
    db.typed<Asset>('assets').where('siteId').equals(order.siteId).toArray(),
    db.outbox.where('docKey').equals(docKey('workOrders', id)).toArray(),
  ]);
  return {
    order,
    site,
    customer,
    assets,
    attention: entries.filter((e) => e.state === 'needs_attention'),
    waiting: entries.filter((e) => e.state !== 'needs_attention').length,
  };
}

function Sla({ order }: { order: WorkOrder }) {
  const now = useNow(30_000);
  if (!slaRunning(order.status)) return null;
  const sla = slaEstimate(order, now);
  if (!sla) return null;
  const text = sla.paused
    ? t('sla.paused')
    : sla.leftMs < 0
      ? t('sla.overdue', { time: formatDuration(sla.leftMs) })
      : t('sla.left', { time: formatDuration(sla.leftMs) });
  return (
    <p class={`sla ${sla.leftMs < 0 ? 'over' : ''}`}>
      {t('sla.resolveBy', { time: formatDateTime(new Date(sla.dueAt).toISOString()) })} · {text}
      <br />
      <small class="muted">{t('sla.estimateHint')}</small>
    </p>
  );
}

function Notes({ label, text }: { label: string; text: string | undefined }) {
  if (!text) return null;
  return (
    <p class="note">
      <strong>{label}</strong> {text}
    </p>
  );
}

export default function WorkOrderPage({ params }: RouteProps) {
  const id = params.id ?? '';
  const { ready, value } = useLiveState(() => load(id), [id]);
  if (!ready) return <Loading />;
  if (!value) {
    return (
      <div class="page">
        <Empty>{t('wo.notOnDevice')}</Empty>
        <a class="btn" href="/">
          {t('nav.today')}
        </a>
      </div>
    );
  }
  const { order, site, customer, assets, attention, waiting } = value;
  return (
    <div class="page">
      <div class="row spread">
        <h1>{order.number}</h1>
        <StatusChip status={order.status} />
      </div>
      <div class="row">
        <FaultBadge level={order.faultLevel} />
        <span class="chip">{tMaybe(`tier.${order.slaTier}`, order.slaTier)}</span>
        {waiting > 0 && <span class="chip waiting">{t('wo.notSentYet')}</span>}
      </div>
      {attention.map((e) => (
        <a key={e.seq} class="banner warn" href="/attention">
          {t('attention.banner')}: {tMaybe(`code.${e.code}`, e.reason || e.code)}
        </a>
      ))}
      <p class="symptom">{order.symptom}</p>
      <Sla order={order} />
      {order.scheduledDate && <p class="muted">{t('wo.scheduled', { date: formatDate(order.scheduledDate) })}</p>}
      {order.lateReportedAt && <Notes label={t('wo.lateReported')} text={order.lateReason} />}
      {order.status === 'cannot_finish' && (
        <Notes label={t('wo.cannotFinish')} text={`${order.cannotFinishReason} · ${t('wo.nextVisit', { date: formatDate(order.nextVisitDate) })}`} />
      )}

      <StatusActions order={order} />
      <div class="row wrap">
        <a class="btn" href={`/wo/${encodeURIComponent(order.id)}/appointment`}>
          {t('appointment.link')}
        </a>
        {['work_done', 'customer_signed', 'called_back', 'closed'].includes(order.status) && (
          <a class="btn primary" href={`/wo/${encodeURIComponent(order.id)}/complete`}>
            {t('completion.link')}
          </a>
        )}
      </div>

      <Section title={t('wo.customer')}>
        <p class="title">{customer?.name ?? t('today.unknownCustomer')}</p>
        {customer && (
          <div class="row wrap">
            <CallButton phone={customer.phone} />
            <CallButton phone={customer.altPhone} />
          </div>
        )}
        <Notes label={t('wo.customerNotes')} text={customer?.notes} />
      </Section>

      {site && (
        <Section title={t('wo.site')}>
          <p>
            {site.name && <strong>{site.name} · </strong>}
            {site.address}
          </p>
          <Notes label={t('wo.access')} text={site.accessNotes} />
          <Notes label={t('wo.parking')} text={site.parkingNotes} />
          {site.contactName && (
            <div class="row wrap">
              <span>{t('wo.contact', { name: site.contactName })}</span>
              {site.contactPhone !== customer?.phone && <CallButton phone={site.contactPhone} />}
            </div>
          )}
        </Section>
      )}

      <OnSite params={{ id: order.id }} />

      <Section title={t('wo.fieldWork')}>
        <FieldWork order={order} />
      </Section>

      <Section title={t('wo.parts')}>
        <PartsEditor order={order} />
      </Section>

      <Solutions params={{ id: order.id }} />

      <Section title={t('wo.assets')} count={assets.length}>
        {assets.length === 0 && <p class="muted">{t('wo.noAssets')}</p>}
        <ul class="list">
          {assets.map((a) => (
            <li key={a.id}>
              <a class="row spread" href={`/a/${encodeURIComponent(a.tagCode)}?wo=${order.id}`}>
                <span>
                  <strong>{a.name}</strong> <span class="muted small">{a.tagCode}</span>
                </span>
                {a.sealState === 'broken' && <span class="chip fault-1">{t('asset.sealBroken')}</span>}
              </a>
            </li>
          ))}
        </ul>
      </Section>
    </div>
  );
}
