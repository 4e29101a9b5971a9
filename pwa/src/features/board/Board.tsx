/** The dispatcher's board for one day (desk screen, online): the queue waiting for dispatch,
 * most urgent first, and one lane per technician with the day's visits on a timeline. Updates
 * live from the work order stream and every minute (the SLA clocks count business time, which
 * only the server knows). */

import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { formatDate, formatTime, t } from '../../app/i18n';
import type { RouteProps } from '../../app/lazy';
import { api, session } from '../../app/services';
import { useNow } from '../../app/ui';
import { type BoardCard, type BoardData, type Tier, assignOrder, fetchBoard, fetchTiers } from './api';
import { Card, type CardActions } from './Card';
import { ConflictPanel } from './ConflictPanel';
import { errorText } from './errors';
import { LaneView } from './Lanes';
import { startBoardLive } from './live';
import { NewOrder } from './NewOrder';
import { isDesk, isStaff } from './roles';
import { shapeBoard } from './shape';
import { browserZone, dateIn, shiftDate } from './time';
import './board.css';

const REFRESH_MS = 60_000;

function initialDate(tz: string): string {
  const q = new URLSearchParams(location.search).get('date');
  return q && /^\d{4}-\d{2}-\d{2}$/.test(q) ? q : dateIn(Date.now(), tz);
}

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
}

export default function Board(_props: RouteProps) {
  const role = session.current.value?.user.role;
  const desk = isDesk(role);
  const tz = useMemo(() => browserZone(), []);
  const [date, setDate] = useState(() => initialDate(tz));
  const [board, setBoard] = useState<BoardData | null>(null);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const [tick, setTick] = useState(0);
  const [live, setLive] = useState(false);
  const [showNew, setShowNew] = useState(false);
  const [tiers, setTiers] = useState<Tier[]>([]);
  const now = useNow(30_000);
  const refresh = useCallback(() => setTick((n) => n + 1), []);

  useEffect(() => {
    let current = true;
    fetchBoard(api, date, tz)
      .then((b) => {
        if (!current) return;
        setBoard(b);
        setError('');
      })
      .catch((err: unknown) => current && setError(errorText(err)));
    return () => {
      current = false;
    };
  }, [date, tz, tick]);

  useEffect(() => {
    const url = `${location.pathname}?date=${date}`;
    if (location.pathname + location.search !== url) history.replaceState(null, '', url);
  }, [date]);

  useEffect(() => {
    if (!isStaff(role)) return;
    const stop = startBoardLive(refresh, setLive);
    const timer = setInterval(refresh, REFRESH_MS);
    void fetchTiers(api).then(setTiers);
    return () => {
      stop();
      clearInterval(timer);
    };
  }, [role]);

  useEffect(() => {
    if (!desk) return;
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'n' && !e.ctrlKey && !e.metaKey && !e.altKey && !typing(e.target)) {
        e.preventDefault();
        setShowNew(true);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [desk]);

  const shaped = useMemo(() => (board ? shapeBoard(board) : null), [board]);
  const technicians = useMemo(() => board?.lanes.map((l) => l.technician) ?? [], [board]);

  const actions: CardActions = useMemo(
    () => ({
      async assign(card: BoardCard, technicianId: string) {
        setNotice('');
        try {
          await assignOrder(api, card.workOrder.id, technicianId, date);
          const who = technicians.find((x) => x.id === technicianId)?.displayName ?? '';
          setNotice(t('board.assigned', { number: card.workOrder.number, who }));
          refresh();
        } catch (err) {
          setError(errorText(err));
        }
      },
      changed: refresh,
    }),
    [date, technicians],
  );

  const findCard = (id: string): BoardCard | undefined =>
    board?.unassigned.find((c) => c.workOrder.id === id) ?? board?.lanes.flatMap((l) => l.cards).find((c) => c.workOrder.id === id);

  if (!isStaff(role)) return <p class="empty">{t('board.staffOnly')}</p>;

  return (
    <div class="page desk-wide board">
      <div class="toolbar">
        <h1>{t('board.title')}</h1>
        <nav class="day-nav" aria-label={t('board.day')}>
          <button type="button" class="btn small" onClick={() => setDate(shiftDate(date, -1))} aria-label={t('board.prevDay')}>
            ‹
          </button>
          <input type="date" value={date} aria-label={t('board.day')} onChange={(e) => e.currentTarget.value && setDate(e.currentTarget.value)} />
          <button type="button" class="btn small" onClick={() => setDate(shiftDate(date, 1))} aria-label={t('board.nextDay')}>
            ›
          </button>
          <button type="button" class="btn small" onClick={() => setDate(dateIn(Date.now(), tz))}>
            {t('board.today')}
          </button>
        </nav>
        <span class={`live ${live ? 'on' : ''}`} role="status">
          <span class={`dot${live ? '' : ' offline'}`} /> {live ? t('board.live') : t('board.notLive')}
          {board && ` · ${t('board.asOf', { time: formatTime(board.asOf, tz) })}`}
        </span>
        <button type="button" class="btn small" onClick={refresh}>
          {t('board.refresh')}
        </button>
        <a class="btn small" href="/dashboard">
          {t('board.toDashboard')}
        </a>
        {desk && (
          <button type="button" class="btn small primary" onClick={() => setShowNew(true)} aria-keyshortcuts="n">
            {t('board.new.open')}
          </button>
        )}
      </div>
      {error && (
        <p class="banner warn" role="alert">
          {error}
        </p>
      )}
      {notice && (
        <p class="banner" role="status">
          {notice}
        </p>
      )}
      {desk && showNew && (
        <NewOrder
          date={date}
          technicians={technicians}
          tiers={tiers}
          onCreated={() => refresh()}
          onClose={() => setShowNew(false)}
        />
      )}
      {!shaped ? (
        !error && <p class="empty">{t('common.loading')}</p>
      ) : (
        <div class="board-grid">
          <section class="queue" aria-labelledby="queue-title">
            <h2 id="queue-title">
              {t('board.queue')} <span class="count">{shaped.queue.length}</span>
            </h2>
            {shaped.queue.length === 0 && <p class="muted small">{t('board.queueEmpty')}</p>}
            {shaped.queue.map((card) => (
              <Card key={card.workOrder.id} card={card} tz={shaped.timezone} date={date} desk={desk} technicians={technicians} actions={actions} />
            ))}
          </section>
          <div class="lanes" aria-label={t('board.lanes', { date: formatDate(date) })}>
            {shaped.lanes.length === 0 && <p class="muted">{t('board.noTechnicians')}</p>}
            {shaped.lanes.map((lane) => (
              <LaneView
                key={lane.technician.id}
                lane={lane}
                board={shaped}
                now={now}
                desk={desk}
                technicians={technicians}
                actions={actions}
                findCard={findCard}
              />
            ))}
          </div>
        </div>
      )}
      <ConflictPanel board={board} tick={tick} />
    </div>
  );
}
