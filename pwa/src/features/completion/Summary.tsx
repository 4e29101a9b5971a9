/** What the customer is asked to sign for, read aloud or shown: the work done, the parts, the
 * checklist, the photos and the times. It is exactly what the signed document covers. */

import { formatDateTime, t } from '../../app/i18n';
import type { PartUsed } from '../../data/types';
import type { Completion } from './data';

function checklistLine(c: Completion): string {
  const s = c.checklist;
  if (!s) return t('completion.checklistNone');
  if (s.required === null) return t('completion.checklistAnswered', { n: s.answered });
  return t('completion.checklistRequired', { done: s.requiredAnswered, total: s.required });
}

export function Summary({ c, onNext }: { c: Completion; onNext: () => void }) {
  const { order } = c;
  const parts: PartUsed[] = Array.isArray(order.partsUsed) ? order.partsUsed : [];
  const resolution = String(order.resolution ?? '').trim();
  const incomplete = c.checklist !== null && c.checklist.required !== null && c.checklist.requiredAnswered < c.checklist.required;
  return (
    <div class="panel">
      <h2>{t('completion.summaryTitle')}</h2>
      {c.customer && <p class="title">{c.customer.name}</p>}
      <h3>{t('completion.resolution')}</h3>
      {resolution ? <p class="note">{resolution}</p> : <p class="error">{t('completion.noResolution')}</p>}
      <h3>{t('completion.parts')}</h3>
      {parts.length === 0 ? (
        <p class="muted">{t('completion.noParts')}</p>
      ) : (
        <ul class="list">
          {parts.map((p, i) => (
            <li key={i} class="row spread">
              <span>
                {p.name} {p.part_no && <span class="muted small">{p.part_no}</span>}
              </span>
              <span class="qty">× {p.quantity}</span>
            </li>
          ))}
        </ul>
      )}
      <dl class="facts-list">
        <dt>{t('completion.checklist')}</dt>
        <dd class={incomplete ? 'error' : ''}>{checklistLine(c)}</dd>
        <dt>{t('completion.photos')}</dt>
        <dd>{t('completion.photoCount', { n: c.photos.length })}</dd>
        <dt>{t('completion.arrived')}</dt>
        <dd>{formatDateTime(order.arrivedAt) || '—'}</dd>
        <dt>{t('completion.workDone')}</dt>
        <dd>{formatDateTime(order.workDoneAt) || '—'}</dd>
      </dl>
      {c.attention > 0 && (
        <a class="banner warn" href="/attention">
          {t('completion.attentionWarning')}
        </a>
      )}
      <button type="button" class="btn primary big" onClick={onNext}>
        {t('completion.toTested')}
      </button>
    </div>
  );
}
