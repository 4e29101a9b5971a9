/** The conflict log: where a device's value lost to the desk's (or won over it), so nothing a
 * technician typed offline disappears unseen. Refreshed with the board. */

import { useEffect, useState } from 'preact/hooks';
import { formatDateTime, t, tMaybe } from '../../app/i18n';
import { api } from '../../app/services';
import type { BoardData } from './api';
import { type ConflictLog, loadConflicts, orderNumbers, showValue, sides } from './conflicts';
import { errorText } from './errors';

function known(board: BoardData | null): Map<string, string> {
  const numbers = new Map<string, string>();
  for (const lane of board?.lanes ?? []) for (const c of lane.cards) numbers.set(c.workOrder.id, c.workOrder.number);
  for (const c of board?.unassigned ?? []) numbers.set(c.workOrder.id, c.workOrder.number);
  return numbers;
}

export function ConflictPanel({ board, tick }: { board: BoardData | null; tick: number }) {
  const [log, setLog] = useState<ConflictLog>({ items: [], cursor: null });
  const [error, setError] = useState('');
  const [open, setOpen] = useState(false);
  const [looked, setLooked] = useState<Map<string, string>>(new Map());

  useEffect(() => {
    let live = true;
    loadConflicts(api, log)
      .then((next) => {
        if (!live) return;
        setLog(next);
        setError('');
        return orderNumbers(api, next.items, new Map([...known(board), ...looked])).then((found) => {
          if (live && found.size) setLooked((prev) => new Map([...prev, ...found]));
        });
      })
      .catch((err: unknown) => live && setError(errorText(err)));
    return () => {
      live = false;
    };
    // The log only grows: each board refresh asks for what came after the last entry.
  }, [tick]);

  // Names and order numbers the board knows or were looked up; other ids show shortened.
  const names = new Map((board?.lanes ?? []).map((l) => [l.technician.id, l.technician.displayName] as const));
  const numbers = new Map([...looked, ...known(board)]);
  const short = (id: string): string => (id.length > 8 ? `${id.slice(0, 8)}…` : id);

  return (
    <details class="panel conflicts" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        <h2>
          {t('board.conflicts.title')} <span class="count">{log.items.length}</span>
        </h2>
      </summary>
      <p class="hint">{t('board.conflicts.hint')}</p>
      {error && <p class="error">{error}</p>}
      {log.items.length === 0 ? (
        <p class="muted">{t('board.conflicts.none')}</p>
      ) : (
        <div class="table-wrap">
          <table class="data">
            <caption class="sr-only">{t('board.conflicts.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('board.conflicts.at')}</th>
                <th scope="col">{t('board.conflicts.who')}</th>
                <th scope="col">{t('board.conflicts.record')}</th>
                <th scope="col">{t('board.conflicts.field')}</th>
                <th scope="col">{t('board.conflicts.device')}</th>
                <th scope="col">{t('board.conflicts.other')}</th>
                <th scope="col">{t('board.conflicts.outcome')}</th>
              </tr>
            </thead>
            <tbody>
              {log.items.map((c) => {
                const s = sides(c);
                return (
                  <tr key={c.id}>
                    <td>{formatDateTime(c.at)}</td>
                    <td>{names.get(c.principalId) ?? short(c.principalId)}</td>
                    <td>
                      {tMaybe(`collection.${c.collection}`, c.collection)} {numbers.get(c.docId) ?? short(c.docId)}
                    </td>
                    <td>{c.field}</td>
                    <td class={s.deviceWon ? 'ok' : 'error'}>{showValue(s.device)}</td>
                    <td>{showValue(s.other)}</td>
                    <td>{s.deviceWon ? t('board.conflicts.deviceWon') : t('board.conflicts.deviceLost')}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </details>
  );
}
