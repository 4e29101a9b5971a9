/** Offline knowledge search (知识库): ranks the replicated entries on the phone exactly as the
 * server would, in Chinese or English. Opened from a work order (?wo=<id>), a hit can be marked
 * as the solution used; the link is queued when there is no signal. */

import { useEffect, useMemo, useState } from 'preact/hooks';
import { locale, t } from '../../app/i18n';
import type { RouteProps } from '../../app/lazy';
import { useLive } from '../../app/live';
import { db } from '../../app/services';
import { Empty } from '../../app/ui';
import type { WorkOrder } from '../../data/types';
import { attach, linksChanged, readLinks, unqueue, watchOnline } from './queue';
import { type KnowledgeEntry, attachTarget, rank, searchable } from './search';
import { sender } from './sender';
import './knowledge.css';

const MAX_HITS = 30;

function pick(entry: KnowledgeEntry, zh: string, en: string): string {
  return locale.value === 'zh-CN' ? zh || en : en || zh;
}

function Hit({ entry, workOrderId, state, onAttach, onUndo }: { entry: KnowledgeEntry; workOrderId: string; state: string | undefined; onAttach: () => void; onUndo: () => void }) {
  const [open, setOpen] = useState(false);
  const cause = pick(entry, entry.causeZh, entry.causeEn);
  const solution = pick(entry, entry.solutionZh, entry.solutionEn);
  return (
    <li class="card">
      <button type="button" class="kb-head" aria-expanded={open} onClick={() => setOpen(!open)}>
        <strong>{pick(entry, entry.symptomZh, entry.symptomEn)}</strong>
        <span class="row wrap">
          {entry.systemType && <span class="chip">{entry.systemType}</span>}
          {entry.faultType && <span class="chip">{entry.faultType}</span>}
        </span>
      </button>
      {open && (
        <div>
          {cause && (
            <p>
              <strong>{t('knowledge.cause')}</strong> {cause}
            </p>
          )}
          {solution && (
            <p class="note">
              <strong>{t('knowledge.solution')}</strong> {solution}
            </p>
          )}
        </div>
      )}
      {workOrderId &&
        (state ? (
          <div class="row spread">
            <span class={`chip ${state === 'sent' ? '' : 'waiting'}`}>{t(`knowledge.state.${state}`)}</span>
            {state !== 'sent' && (
              <button type="button" class="btn small" onClick={onUndo}>
                {t('common.cancel')}
              </button>
            )}
          </div>
        ) : (
          <button type="button" class="btn" onClick={onAttach}>
            {t('knowledge.useSolution')}
          </button>
        ))}
    </li>
  );
}

export default function KnowledgePage(_props: RouteProps) {
  const workOrderId = new URLSearchParams(location.search).get('wo') ?? '';
  const [query, setQuery] = useState('');
  // Links queued offline go out when the network returns, also while this screen is open.
  useEffect(() => watchOnline(sender), []);
  const entries = useLive(
    async () => (db.hasTable('knowledgeEntries') ? db.typed<KnowledgeEntry>('knowledgeEntries').toArray() : []),
    [],
    [] as KnowledgeEntry[],
  );
  const order = useLive(async () => (workOrderId ? db.typed<WorkOrder>('workOrders').get(workOrderId) : undefined), [workOrderId], undefined);
  const changed = linksChanged.value;
  const links = useLive(async () => (await readLinks(db)).filter((l) => l.workOrderId === workOrderId), [workOrderId, changed], []);

  const pool = useMemo(() => searchable(entries), [entries]);
  const byId = useMemo(() => new Map(entries.map((e) => [e.id, e])), [entries]);
  const hits = useMemo(() => rank(query, pool).slice(0, MAX_HITS), [query, pool]);
  const stateOf = (entryId: string): string | undefined => links.find((l) => l.entryId === entryId || l.attachedId === entryId)?.state;

  return (
    <div class="page">
      <h1>{t('knowledge.title')}</h1>
      {order && <p class="muted">{t('knowledge.forOrder', { number: order.number })}</p>}
      <input
        type="search"
        enterKeyHint="search"
        placeholder={t('knowledge.placeholder')}
        aria-label={t('knowledge.placeholder')}
        value={query}
        onInput={(e) => setQuery(e.currentTarget.value)}
      />
      <p class="hint">{t('knowledge.offlineHint', { n: pool.length })}</p>
      {pool.length === 0 ? (
        <Empty>{t('knowledge.noEntries')}</Empty>
      ) : query.trim() && hits.length === 0 ? (
        <Empty>{t('knowledge.noHits')}</Empty>
      ) : (
        <ul class="list kb-hits">
          {hits.map(({ entry }) => (
            <Hit
              key={entry.id}
              entry={entry}
              workOrderId={workOrderId}
              state={stateOf(entry.id)}
              // A merged entry's text lives on in its target; that is what gets attached.
              onAttach={() => void attach(sender, workOrderId, attachTarget(entry.id, byId))}
              onUndo={() => void unqueue(db, workOrderId, attachTarget(entry.id, byId))}
            />
          ))}
        </ul>
      )}
    </div>
  );
}
