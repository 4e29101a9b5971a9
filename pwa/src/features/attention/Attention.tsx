/** Changes the server did not take as sent. Nothing here is dropped by itself: the technician
 * opens the record, corrects it if needed and sends it again, or discards the change. */

import { useState } from 'preact/hooks';
import { formatDateTime, t, tMaybe } from '../../app/i18n';
import { useLive } from '../../app/live';
import { syncNow } from '../../app/scheduler';
import { db } from '../../app/services';
import { Empty } from '../../app/ui';
import type { OutboxEntry } from '../../data/db';
import { changedFields } from '../../data/docs';
import { discard, retry } from '../../data/outbox';

interface Item {
  entry: OutboxEntry;
  label: string;
}

async function load(): Promise<Item[]> {
  const entries = await db.outbox.where('state').equals('needs_attention').toArray();
  return Promise.all(
    entries.map(async (entry) => {
      const doc = entry.collection === 'workOrders' ? await db.docs('workOrders').get(entry.docId) : undefined;
      const label = String(doc?.number ?? entry.newDocumentState.number ?? entry.docId.slice(0, 8));
      return { entry, label };
    }),
  );
}

/** Where the technician goes to correct the record; only work orders have a screen so far. */
function openHref(entry: OutboxEntry): string | null {
  if (entry.collection === 'workOrders') return `/wo/${entry.docId}`;
  const woId = entry.newDocumentState.workOrderId;
  return typeof woId === 'string' ? `/wo/${woId}` : null;
}

function AttentionItem({ item }: { item: Item }) {
  const { entry } = item;
  const [confirming, setConfirming] = useState(false);
  const fields = changedFields(entry.assumedMasterState, entry.newDocumentState).filter((f) => f !== 'deleted');
  const href = openHref(entry);
  const gone = entry.code === 'REASSIGNED' || entry.code === 'DELETED';
  return (
    <li class="card">
      <div class="row spread">
        <strong>
          {tMaybe(`collection.${entry.collection}`, entry.collection)} {item.label}
        </strong>
        <span class="muted small">{formatDateTime(entry.createdAt)}</span>
      </div>
      <p class="error">{tMaybe(`code.${entry.code}`, entry.reason || entry.code)}</p>
      <p class="muted small">{t('attention.fields', { fields: fields.map((f) => tMaybe(`field.${f}`, f)).join(', ') })}</p>
      <div class="row wrap">
        {href && !gone && (
          <a class="btn" href={href}>
            {t('attention.open')}
          </a>
        )}
        {!gone && (
          <button type="button" class="btn primary" onClick={() => void retry(db, entry.seq as number).then(syncNow)}>
            {t('attention.retry')}
          </button>
        )}
        {confirming ? (
          <button type="button" class="btn danger" onClick={() => void discard(db, entry.seq as number)}>
            {t('attention.discardConfirm')}
          </button>
        ) : (
          <button type="button" class="btn" onClick={() => setConfirming(true)}>
            {t('attention.discard')}
          </button>
        )}
      </div>
    </li>
  );
}

export default function Attention() {
  const items = useLive(load, [], [] as Item[]);
  return (
    <div class="page">
      <h1>{t('attention.title')}</h1>
      <p class="hint">{t('attention.intro')}</p>
      {items.length === 0 && <Empty>{t('attention.none')}</Empty>}
      <ul class="list">
        {items.map((item) => (
          <AttentionItem key={item.entry.seq} item={item} />
        ))}
      </ul>
    </div>
  );
}
