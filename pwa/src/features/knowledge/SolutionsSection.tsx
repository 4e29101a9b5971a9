/** On the work order: the knowledge entries marked as "solution used" from this phone, whether
 * they reached the server, and the way into the offline search. A chunk of its own, loaded with
 * the first work order opened; opening it also sends links queued while offline. */

import { useEffect } from 'preact/hooks';
import { locale, t } from '../../app/i18n';
import type { RouteProps } from '../../app/lazy';
import { useLive } from '../../app/live';
import { db } from '../../app/services';
import { Section } from '../../app/ui';
import type { Doc } from '../../data/docs';
import { type SolutionLink, linksChanged, readLinks, watchOnline } from './queue';
import { sender } from './sender';

export function entryTitle(entry: Doc | undefined, fallback: string): string {
  if (!entry) return fallback;
  const zh = String(entry.symptomZh ?? '');
  const en = String(entry.symptomEn ?? '');
  return (locale.value === 'zh-CN' ? zh || en : en || zh) || fallback;
}

async function load(workOrderId: string): Promise<{ link: SolutionLink; entry: Doc | undefined }[]> {
  const links = (await readLinks(db)).filter((l) => l.workOrderId === workOrderId);
  const table = db.hasTable('knowledgeEntries') ? db.docs('knowledgeEntries') : null;
  return Promise.all(links.map(async (link) => ({ link, entry: table ? await table.get(link.attachedId || link.entryId) : undefined })));
}

/** Mounted on the work order screen as a lazy view: `params.id` is the work order. */
export default function SolutionsSection({ params }: RouteProps) {
  const workOrderId = params.id ?? '';
  useEffect(() => watchOnline(sender), []);
  const changed = linksChanged.value;
  const rows = useLive(() => load(workOrderId), [workOrderId, changed], []);
  return (
    <Section title={t('knowledge.solutionsTitle')} count={rows.length || undefined}>
      <ul class="list">
        {rows.map(({ link, entry }) => (
          <li key={link.entryId} class="row spread">
            <span>{entryTitle(entry, link.entryId.slice(0, 8))}</span>
            <span class={`chip ${link.state === 'sent' ? '' : 'waiting'}`} title={link.message || undefined}>
              {t(`knowledge.state.${link.state}`)}
            </span>
          </li>
        ))}
      </ul>
      <a class="btn" href={`/knowledge?wo=${encodeURIComponent(workOrderId)}`}>
        {t('knowledge.searchLink')}
      </a>
    </Section>
  );
}
